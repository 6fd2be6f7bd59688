"""Thin, typed wrappers over alembic for the CLI and the tests.

The migration scripts live in the repository's ``alembic/`` directory; the daemon's
code knows which revision is head, and so which schema it can write into.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, pool

from alembic import command
from daemon.errors import ConfigurationError
from daemon.settings import sqlalchemy_database_url

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
SCRIPT_LOCATION = REPOSITORY_ROOT / "alembic"


def alembic_config(connection: Connection | None = None) -> Config:
    """An alembic ``Config`` for our scripts, optionally bound to an open connection."""
    if not (SCRIPT_LOCATION / "env.py").is_file():
        raise ConfigurationError(
            f"migration scripts not found at {SCRIPT_LOCATION}; "
            "install the project from its repository checkout (pip install -e .)"
        )
    config = Config(str(REPOSITORY_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this code knows: the schema it is written for."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise ConfigurationError("the migration history is empty")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision recorded in the database, or None if it has no alembic history."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(database_url: str, revision: str = "head") -> None:
    """Upgrade the database at ``database_url`` to ``revision`` (no maintenance gating)."""
    engine = create_engine(sqlalchemy_database_url(database_url), poolclass=pool.NullPool)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
    finally:
        engine.dispose()


def downgrade(database_url: str, revision: str) -> None:
    """Downgrade the database at ``database_url`` to ``revision``."""
    engine = create_engine(sqlalchemy_database_url(database_url), poolclass=pool.NullPool)
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), revision)
    finally:
        engine.dispose()
