"""Thin, typed wrappers over alembic for the CLI, the daemon and the tests.

The migration scripts live in the repository's ``alembic/`` directory; the daemon's
code knows which revision is head, and so which schema it can write into.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import psycopg
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, pool

from alembic import command
from daemon.catalog import diff_schemas, read_schema_from
from daemon.errors import ConfigurationError
from daemon.settings import sqlalchemy_database_url

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
SCRIPT_LOCATION = REPOSITORY_ROOT / "alembic"
# More directories of revisions on top of ours; tests use it to stand in for the
# next release's migration without touching the real history.
EXTRA_VERSION_LOCATIONS: list[Path] = []


def alembic_config(connection: Connection | None = None) -> Config:
    """An alembic ``Config`` for our scripts, optionally bound to an open connection."""
    if not (SCRIPT_LOCATION / "env.py").is_file():
        raise ConfigurationError(
            f"migration scripts not found at {SCRIPT_LOCATION}; "
            "install the project from its repository checkout (pip install -e .)"
        )
    config = Config(str(REPOSITORY_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if EXTRA_VERSION_LOCATIONS:
        locations = [SCRIPT_LOCATION / "versions", *EXTRA_VERSION_LOCATIONS]
        config.set_main_option("version_locations", " ".join(str(p) for p in locations))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest revision this code knows: the schema it is written for."""
    head = _script().get_current_head()
    if head is None:
        raise ConfigurationError("the migration history is empty")
    return head


def resolve(target: str) -> str | None:
    """The revision id a target such as ``head`` or ``base`` stands for."""
    if target == "base":
        return None
    revision = _script().get_revision(target)
    if revision is None:
        raise ConfigurationError(f"unknown revision {target!r}")
    return revision.revision


def current_revision(connection: Connection) -> str | None:
    """The revision recorded in the database, or None if it has no alembic history."""
    return MigrationContext.configure(connection).get_current_revision()


def _engine(database_url: str, options: Mapping[str, str] | None = None) -> Engine:
    settings = " ".join(f"-c {name}={value}" for name, value in (options or {}).items())
    return create_engine(
        sqlalchemy_database_url(database_url),
        poolclass=pool.NullPool,
        connect_args={"options": settings} if settings else {},
    )


def database_revision(database_url: str) -> str | None:
    engine = _engine(database_url)
    try:
        with engine.connect() as connection:
            return current_revision(connection)
    finally:
        engine.dispose()


def _is_below(target: str | None, current: str | None) -> bool:
    """True when ``target`` is an ancestor of ``current``: reaching it means going down."""
    if current is None or target == current:
        return False
    if target is None:
        return True
    return any(r.revision == target for r in _script().iterate_revisions(current, "base"))


@contextmanager
def _bound_config(
    database_url: str, options: Mapping[str, str] | None = None
) -> Iterator[tuple[Config, Connection]]:
    """An alembic config bound to a connection whose transaction commits on success."""
    engine = _engine(database_url, options)
    try:
        with engine.begin() as connection:
            yield alembic_config(connection), connection
    finally:
        engine.dispose()


def upgrade(
    database_url: str, revision: str = "head", options: Mapping[str, str] | None = None
) -> None:
    """Move the database at ``database_url`` to ``revision``, up or down as needed
    (no maintenance gating here); ``options`` are PostgreSQL session settings."""
    target = resolve(revision)
    with _bound_config(database_url, options) as (config, connection):
        if _is_below(target, current_revision(connection)):
            command.downgrade(config, target or "base")
        else:
            command.upgrade(config, revision)


def downgrade(database_url: str, revision: str) -> None:
    """Downgrade the database at ``database_url`` to ``revision``."""
    with _bound_config(database_url) as (config, _):
        command.downgrade(config, revision)


def stamp(database_url: str, revision: str) -> None:
    """Record ``revision`` in the database without running anything."""
    with _bound_config(database_url) as (config, _):
        command.stamp(config, revision)


BASELINE = "0001"
_ADOPT_CHECK_SCHEMA = "opdb_adopt_check"


def adoption_differences(database_url: str) -> list[str]:
    """How the database's tables differ from the baseline revision's; empty when an
    existing opDB can be stamped at the baseline as it is.

    The baseline is built for comparison in a scratch schema of the same database,
    inside a transaction that is rolled back, so nothing is left behind.
    """
    engine = _engine(database_url)
    try:
        with engine.connect() as connection:
            transaction = connection.begin()
            try:
                connection.exec_driver_sql(f"CREATE SCHEMA {_ADOPT_CHECK_SCHEMA}")
                connection.exec_driver_sql(f"SET LOCAL search_path = {_ADOPT_CHECK_SCHEMA}")
                command.upgrade(alembic_config(connection), BASELINE)
                raw = connection.connection.driver_connection
                assert isinstance(raw, psycopg.Connection)
                expected = read_schema_from(raw, _ADOPT_CHECK_SCHEMA, ignore=["alembic_version"])
                actual = read_schema_from(raw, "public", ignore=["alembic_version"])
            finally:
                transaction.rollback()
    finally:
        engine.dispose()
    return diff_schemas(expected, actual)


def offline_sql(start: str | None, target: str) -> None:
    """Print the SQL that would move a database from ``start`` to ``target``."""
    command.upgrade(alembic_config(), f"{start}:{target}" if start else target, sql=True)
