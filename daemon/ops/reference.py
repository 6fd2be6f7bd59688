"""``opdb-ingestd db seed-reference``: load the standard rows of the static tables.

Rows are inserted with ``ON CONFLICT DO NOTHING``, so a second run changes nothing and
a row that is already there, with whatever values it has, is never touched: on an
adopted opDB the site's own rows win.

``--rows FILE`` adds the site's own lists, which this project cannot know (the
beam-switching modes, say): a JSON object of table name -> list of rows, validated by
the event contract like any event, and loaded before the standard rows (so where both
name a key, the site's row is the one stored).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

from daemon.errors import ConfigurationError, IngestError
from opdb.contract import CONTRACT_VERSION, Contract, EventRejected
from opdb.locks import WRITE_LOCK_KEY
from opdb.models import Base
from opdb.reference import REFERENCE_ROWS

if TYPE_CHECKING:
    from daemon.settings import Settings


def site_rows(path: Path, site_timezone: str) -> dict[str, list[dict[str, Any]]]:
    """The rows of a ``--rows`` file, checked as one event of inserts would be."""
    where = f"--rows {path}"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"{where}: cannot read it ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"{where}: not a JSON document ({exc})") from None
    if not isinstance(document, dict) or not all(
        isinstance(rows, list) and rows for rows in document.values()
    ):
        raise ConfigurationError(
            f"{where}: expected an object of table name -> non-empty list of rows, e.g. "
            '{"beam_switch_mode": [{"beam_switch_mode_id": 0, ...}]}'
        )
    try:
        event = Contract(Base.metadata, site_timezone).validate(
            {
                "version": CONTRACT_VERSION,
                "id": uuid.uuid4(),
                "source": "seed-reference",
                "sent_at": datetime.datetime.now(datetime.UTC),
                "writes": [
                    {"table": table, "op": "insert", "rows": rows}
                    for table, rows in document.items()
                ],
            }
        )
    except EventRejected as exc:
        raise ConfigurationError(f"{where}: {exc.reason.value}: {exc.detail}") from None
    return {write.table: list(write.rows) for write in event.writes}


def seed(
    url: str, extra: Mapping[str, Sequence[Mapping[str, Any]]] | None = None
) -> dict[str, int]:
    """Insert the reference rows (``extra`` first, then the standard ones) missing from
    the database at ``url`` in one transaction; returns the rows added per table."""
    added: dict[str, int] = {}
    tables = [*(extra or {}), *(t for t in REFERENCE_ROWS if t not in (extra or {}))]
    with psycopg.connect(url) as connection, connection.transaction():
        connection.execute("SET LOCAL lock_timeout = '10s'")
        # The lock every ingest batch takes: a running migration holds it exclusively.
        (free,) = connection.execute(
            "SELECT pg_try_advisory_xact_lock_shared(%s)", (WRITE_LOCK_KEY,)
        ).fetchone() or (False,)
        if not free:
            raise IngestError("a migration is running; seed the reference rows after it")
        for table in tables:
            rows = [*(extra or {}).get(table, ()), *REFERENCE_ROWS.get(table, ())]
            key = [column.name for column in Base.metadata.tables[table].primary_key.columns]
            added[table] = 0
            with connection.cursor() as cursor:
                for row in rows:
                    cursor.execute(_insert_missing(table, tuple(row), key), list(row.values()))
                    added[table] += cursor.rowcount
    return added


def _insert_missing(table: str, columns: tuple[str, ...], key: list[str]) -> sql.Composed:
    return sql.SQL(
        "INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT ({key}) DO NOTHING"
    ).format(
        table=sql.Identifier(table),
        columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
        values=sql.SQL(", ").join(sql.Placeholder() * len(columns)),
        key=sql.SQL(", ").join(map(sql.Identifier, key)),
    )


def _seed_reference(args: argparse.Namespace, settings: Settings) -> int:
    extra = site_rows(args.rows, settings.site_timezone) if args.rows else {}
    try:
        added = seed(settings.libpq_url, extra)
    except psycopg.errors.UndefinedTable as exc:
        raise IngestError(
            f"the opDB tables are missing ({exc.diag.message_primary}); run "
            "`opdb-ingestd migrate` first"
        ) from None
    for table, count in added.items():
        total = len(extra.get(table, ())) + len(REFERENCE_ROWS.get(table, ()))
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
    parser.add_argument(
        "--rows",
        type=Path,
        metavar="FILE",
        help="also load the site's own rows from FILE, a JSON object of table name -> "
        "list of rows (e.g. the beam_switch_mode codes), checked by the event contract",
    )
    parser.set_defaults(handler=_seed_reference)
