"""The opDB schema our migrations produce, as a committed ``pg_dump`` file.

``alembic/expected_opdb_schema.sql`` is what a database migrated to head holds apart
from the daemon's own ``opdb_ingest`` schema and alembic's version table: the opDB's 61
tables, dumped as ``pg_dump --schema-only --no-owner --no-privileges`` prints them, in
the same form as a dump of the live opDB, so the two can be read side by side (their
column comments differ: ours are our own words). Tests compare a migrated database
with it, so the repository carries its own expectation and needs nothing beside it;
where the live opDB's reference dump is available, one more test proves that the two
agree.

Regenerate it after adding a revision that changes the opDB's tables::

    python3 -m daemon.schema.expected_schema           # write the file
    python3 -m daemon.schema.expected_schema --check   # exit 1 if it is stale

Both migrate a scratch database on the server of ``OPDB_DATABASE_URL`` (the local
server by default), dump it and drop it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import uuid

import psycopg
from psycopg import sql

from daemon.errors import ConfigurationError
from daemon.schema import migrations
from opdb.urls import libpq_database_url, mask_url, with_database

EXPECTED_SCHEMA = migrations.SCRIPT_LOCATION / "expected_opdb_schema.sql"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REGENERATE = "python3 -m daemon.schema.expected_schema"

# Lines that depend on the machine that dumped, not on the schema: the server and
# pg_dump versions, and the random key newer pg_dump releases wrap a dump in.
_VOLATILE_PREFIXES = ("-- Dumped from ", "-- Dumped by ", "\\restrict ", "\\unrestrict ")


def normalise(dump: str) -> str:
    """``dump`` without its machine-dependent lines and with single blank lines."""
    kept = [line for line in dump.splitlines() if not line.startswith(_VOLATILE_PREFIXES)]
    text = "\n".join(kept)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"


def dump_opdb_schema(database_url: str) -> str:
    """The normalised schema-only dump of the opDB tables of the database at
    ``database_url`` (which must be migrated)."""
    if shutil.which("pg_dump") is None:
        raise ConfigurationError(
            "pg_dump is not on PATH: install PostgreSQL's client programs "
            "(Debian: postgresql-client-15)"
        )
    result = subprocess.run(
        [
            "pg_dump",
            "--schema-only",
            "--no-owner",
            "--no-privileges",
            "--exclude-schema=opdb_ingest",
            "--exclude-table=public.alembic_version",
            "--dbname",
            libpq_database_url(database_url),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise ConfigurationError(
            f"pg_dump of {mask_url(database_url)} failed: {result.stderr.strip()}"
        )
    return normalise(result.stdout)


def generate(server_url: str) -> str:
    """Migrate a scratch database on ``server_url``'s server to head and dump it."""
    server_url = libpq_database_url(server_url)
    name = f"opdb_expected_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        scratch = with_database(server_url, name)
        migrations.upgrade(scratch)
        return dump_opdb_schema(scratch)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def main(argv: list[str] | None = None) -> int:
    command = argparse.ArgumentParser(
        prog=REGENERATE, description="Write (or --check) " + str(EXPECTED_SCHEMA)
    )
    command.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the file is stale"
    )
    args = command.parse_args(argv)
    server = os.environ.get("OPDB_DATABASE_URL", DEFAULT_SERVER_URL)
    try:
        text = generate(server)
    except (ConfigurationError, psycopg.Error) as exc:
        print(f"{REGENERATE}: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = EXPECTED_SCHEMA.read_text() if EXPECTED_SCHEMA.is_file() else ""
        if current == text:
            print(f"{EXPECTED_SCHEMA} is up to date")
            return 0
        print(f"{EXPECTED_SCHEMA} is stale; regenerate it with: {REGENERATE}", file=sys.stderr)
        return 1
    EXPECTED_SCHEMA.write_text(text)
    print(f"wrote {EXPECTED_SCHEMA} ({len(text.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
