"""``opdb-ingestd db seed-reference``: load the standard rows of the static tables.

Rows are inserted with ``ON CONFLICT DO NOTHING``, so a second run changes nothing and
a row that is already there, with whatever values it has, is never touched: on an
adopted opDB the site's own rows win.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

from daemon.errors import IngestError
from opdb.locks import WRITE_LOCK_KEY
from opdb.models import Base
from opdb.reference import REFERENCE_ROWS

if TYPE_CHECKING:
    from daemon.settings import Settings


def seed(url: str) -> dict[str, int]:
    """Insert the reference rows missing from the database at ``url`` in one
    transaction; returns the rows added per table."""
    added: dict[str, int] = {}
    with psycopg.connect(url) as connection, connection.transaction():
        connection.execute("SET LOCAL lock_timeout = '10s'")
        # The lock every ingest batch takes: a running migration holds it exclusively.
        (free,) = connection.execute(
            "SELECT pg_try_advisory_xact_lock_shared(%s)", (WRITE_LOCK_KEY,)
        ).fetchone() or (False,)
        if not free:
            raise IngestError("a migration is running; seed the reference rows after it")
        for table, rows in REFERENCE_ROWS.items():
            columns = list(rows[0])
            key = [column.name for column in Base.metadata.tables[table].primary_key.columns]
            statement = sql.SQL(
                "INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT ({key}) DO NOTHING"
            ).format(
                table=sql.Identifier(table),
                columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
                values=sql.SQL(", ").join(sql.Placeholder() * len(columns)),
                key=sql.SQL(", ").join(map(sql.Identifier, key)),
            )
            added[table] = 0
            with connection.cursor() as cursor:
                for row in rows:
                    cursor.execute(statement, [row[column] for column in columns])
                    added[table] += cursor.rowcount
    return added


def _seed_reference(_args: argparse.Namespace, settings: Settings) -> int:
    try:
        added = seed(settings.libpq_url)
    except psycopg.errors.UndefinedTable as exc:
        raise IngestError(
            f"the opDB tables are missing ({exc.diag.message_primary}); run "
            "`opdb-ingestd migrate` first"
        ) from None
    for table, count in added.items():
        total = len(REFERENCE_ROWS[table])
        print(f"{table}: {count} added, {total - count} already there")
    if not any(added.values()):
        print("nothing to do: every reference row was already there", file=sys.stderr)
    return 0


def register(db_commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``seed-reference`` to the CLI's ``db`` sub-commands."""
    parser = db_commands.add_parser(
        "seed-reference",
        help="load the standard rows of the static tables (SPS modules and cameras, MCS "
        "cameras, ...) into a new database; rows already there are left alone",
    )
    parser.set_defaults(handler=_seed_reference)
