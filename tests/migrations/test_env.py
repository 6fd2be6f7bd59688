"""alembic/env.py takes what a caller hands over: an Engine (pytest-alembic's usual
fixture) or a Connection, and starts every session, online or printed, with the
migration timeouts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, pool

from alembic import command
from daemon.schema import migrations
from daemon.settings import sqlalchemy_database_url

pytestmark = pytest.mark.migrations


def test_env_accepts_an_engine_or_a_connection(scratch_databases: Callable[..., str]) -> None:
    url = scratch_databases()
    engine = create_engine(sqlalchemy_database_url(url), poolclass=pool.NullPool)
    try:
        command.upgrade(migrations.alembic_config(engine), migrations.BASELINE)
        assert migrations.database_revision(url) == migrations.BASELINE
        with engine.connect() as connection:
            command.upgrade(migrations.alembic_config(connection), "head")
            # A Connection handed over outside a transaction is left committed.
            assert not connection.in_transaction()
        assert migrations.database_revision(url) == migrations.head_revision()
    finally:
        engine.dispose()


def test_online_sessions_run_with_the_migration_timeouts(
    scratch_databases: Callable[..., str],
) -> None:
    url = scratch_databases()
    engine = create_engine(sqlalchemy_database_url(url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            options = {"lock_timeout": "1234ms", "statement_timeout": "7min"}
            command.upgrade(migrations.alembic_config(connection, options), migrations.BASELINE)
            shown = connection.exec_driver_sql("SHOW lock_timeout").scalar()
            assert shown == "1234ms"
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "7min"
    finally:
        engine.dispose()


def test_printed_sql_starts_with_the_migration_timeouts() -> None:
    printed = migrations.offline_sql(None, migrations.BASELINE)
    lock = printed.index("SET lock_timeout = '10s';")
    statement = printed.index("SET statement_timeout = '30min';")
    assert max(lock, statement) < printed.index("CREATE TABLE")
    down = migrations.offline_sql(migrations.head_revision(), migrations.BASELINE)
    assert down.index("SET lock_timeout") < down.index("DROP TABLE")
