"""Alembic environment shared by every opDB instance.

The target database is, in order of precedence: a connection handed over by
``opdb-ingestd migrate`` (``config.attributes["connection"]``), ``-x url=...`` on the
alembic command line, or ``OPDB_DATABASE_URL`` through the daemon's settings. No URL is
ever read from a committed file.
"""

from __future__ import annotations

from sqlalchemy import Connection, create_engine, pool

from alembic import context
from daemon.bookkeeping import SCHEMA as BOOKKEEPING_SCHEMA
from daemon.bookkeeping import BookkeepingBase
from daemon.settings import Settings, sqlalchemy_database_url
from opdb.models import Base

config = context.config
target_metadata = [Base.metadata, BookkeepingBase.metadata]
_OUR_SCHEMAS = {None, "public", BOOKKEEPING_SCHEMA}


def _database_url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url")
    if url:
        return sqlalchemy_database_url(url)
    return Settings().sqlalchemy_url


def _include_name(name: str | None, type_: str, _parent: object) -> bool:
    # Autogenerate looks only at the opDB tables and the daemon's bookkeeping schema,
    # never at whatever else an instance's database may hold.
    return type_ != "schema" or name in _OUR_SCHEMAS


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        include_schemas=True,
        include_name=_include_name,
        compare_type=True,
        compare_server_default=True,
        transaction_per_migration=True,
        **kwargs,  # type: ignore[arg-type]
    )


def _run_online(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _configure(url=_database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()
else:
    handed_over = config.attributes.get("connection")
    if handed_over is not None:
        _run_online(handed_over)
    else:
        engine = create_engine(_database_url(), poolclass=pool.NullPool)
        with engine.connect() as connection:
            _run_online(connection)
        engine.dispose()
