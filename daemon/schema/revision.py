"""``opdb-ingestd db revision``: a new migration generated from the models.

The models are compared with a scratch database that the migration history builds at
head on a server the developer names, created for the purpose and dropped afterwards:
never with a live opDB, whose drift would leak into the revision. The revision records
its kind, and one declared additive is linted at once (squawk), as CI will.
"""

from __future__ import annotations

import argparse
import re
import uuid
from pathlib import Path

import psycopg
from alembic.script import Script
from psycopg import sql
from sqlalchemy import create_engine, pool

from alembic import command
from daemon.errors import ConfigurationError, IngestError
from daemon.schema import migrations
from daemon.settings import Settings, libpq_database_url, sqlalchemy_database_url
from opdb.urls import mask_url, with_database

_EMPTY_UPGRADE = re.compile(r"def upgrade\(\) -> None:\s*(#[^\n]*\n\s*)?pass\b")


def next_revision_id() -> str:
    """Revisions are numbered in order: one more than the highest number so far."""
    numbers = [int(r) for r in migrations.known_revisions() if r.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def generate(server_url: str, message: str, kind: str, into: Path | None = None) -> Path:
    """Write a revision taking the head schema to the models' and return its path."""
    if kind not in migrations.KINDS:
        raise ConfigurationError(f"--kind must be one of {', '.join(migrations.KINDS)}")
    server = libpq_database_url(server_url)
    name = f"opdb_revision_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise ConfigurationError(
            f"cannot create a scratch database on {mask_url(server)}: {' '.join(str(exc).split())}"
        ) from exc
    try:
        scratch = with_database(server, name)
        migrations.upgrade(scratch)
        engine = create_engine(sqlalchemy_database_url(scratch), poolclass=pool.NullPool)
        try:
            with engine.begin() as connection:
                config = migrations.alembic_config(connection)
                # The template writes the kind: rewriting the file afterwards left the
                # bytecode alembic compiled while generating it (same size, same second)
                # saying "breaking", and `migrate` believed the stale copy.
                config.attributes["revision_kind"] = kind
                written = command.revision(
                    config,
                    message=message,
                    autogenerate=True,
                    rev_id=next_revision_id(),
                    version_path=str(into) if into else None,
                )
        finally:
            engine.dispose()
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    assert isinstance(written, Script)
    assert written.path is not None
    path = Path(written.path)
    text = path.read_text()
    if _EMPTY_UPGRADE.search(text):
        path.unlink()
        # Not a configuration problem (exit 2): there is simply nothing to do (exit 1).
        raise IngestError("the models match the head revision: nothing to generate")
    return path


def _revision(args: argparse.Namespace, _settings: Settings) -> int:
    path = generate(args.server, args.message, args.kind, args.into)
    revision = next(r for r in migrations.known_revisions() if path.name.startswith(r + "_"))
    print(f"wrote {path} ({args.kind})")
    if args.kind == "additive":
        findings = migrations.lint(revision)
        for line in findings:
            print(f"  {line}")
        if findings:
            print(
                f"revision {revision} is declared additive but squawk finds a breaking or "
                "locking change: rewrite it (e.g. CREATE INDEX CONCURRENTLY in an "
                "autocommit block, a nullable column) or declare it breaking"
            )
            return 1
        print(f"squawk: revision {revision} holds no breaking or locking change")
    print(
        "next: read and adjust the revision, regenerate the diagrams and contract documents "
        "(python -m opdb.diagrams; python -m opdb.contract_docs), run "
        "pytest tests/migrations, and see 'Changing the schema' in the README"
    )
    return 0


def register(db_commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = db_commands.add_parser(
        "revision",
        help="generate a revision from the models against a scratch database at head",
    )
    parser.add_argument("-m", "--message", required=True, help="what the revision changes")
    parser.add_argument(
        "--kind",
        required=True,
        choices=migrations.KINDS,
        help="additive: code of the revision below keeps writing; breaking: it may not",
    )
    parser.add_argument(
        "--server",
        required=True,
        metavar="URL",
        help="a PostgreSQL server where a scratch database may be created and dropped "
        "(a development server, never the summit's)",
    )
    parser.add_argument(
        "--into", type=Path, metavar="DIR", help="versions folder (default alembic/versions)"
    )
    parser.set_defaults(handler=_revision)
