"""Alembic environment shared by every opDB instance.

The target database is, in order of precedence: an Engine or a Connection handed over
in ``config.attributes["connection"]`` (by ``opdb-ingestd migrate``, or by a test
harness such as pytest-alembic), ``-x url=...`` on the alembic command line, or
``OPDB_DATABASE_URL`` through the daemon's settings. No URL is ever read from a
committed file.

Every run, online or offline (``--sql``), starts with the session's ``lock_timeout``
and ``statement_timeout``: a DBA applying printed SQL by hand gets the same guard rails
as ``opdb-ingestd migrate``. They come from ``config.attributes["session_options"]``,
else from ``-x lock_timeout=... -x statement_timeout=...``, else the defaults.
"""

from __future__ import annotations

from alembic.runtime.migration import MigrationInfo
from sqlalchemy import Connection, Engine, create_engine, pool, text

from alembic import context
from daemon.schema.bookkeeping import SCHEMA as BOOKKEEPING_SCHEMA
from daemon.schema.bookkeeping import BookkeepingBase
from daemon.schema.migrations import session_statements
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


def _session_statements() -> list[str]:
    handed = config.attributes.get("session_options")
    if handed is not None:
        return session_statements(handed)
    x = context.get_x_argument(as_dictionary=True)
    return session_statements(
        {k: v for k, v in x.items() if k in ("lock_timeout", "statement_timeout")}
    )


# The revision that creates opdb_ingest.schema_revision: from it on, each revision
# applied is recorded there with its kind, in the same transaction as its DDL.
_RECORDED_FROM = "0004"


def _recorded(revision: str) -> bool:
    """True when ``revision`` is at or after the one that creates the record table."""
    script = context.script
    return any(r.revision == _RECORDED_FROM for r in script.iterate_revisions(revision, "base"))


_RECORD = text(
    "INSERT INTO opdb_ingest.schema_revision (revision, down_revision, kind) "
    "VALUES (:revision, :down, :kind) ON CONFLICT (revision) DO UPDATE SET "
    "down_revision = EXCLUDED.down_revision, kind = EXCLUDED.kind, applied_at = now()"
)
_FORGET = text("DELETE FROM opdb_ingest.schema_revision WHERE revision = :revision")


def _record_revision(*, ctx: object, step: MigrationInfo, **_: object) -> None:
    if step.is_stamp or step.up_revision_id is None:
        return
    revision = step.up_revision_id
    if step.is_upgrade and _recorded(revision):
        kind = getattr(step.up_revision.module, "kind", "breaking")
        (down,) = step.down_revision_ids or (None,)
        context.execute(_RECORD.bindparams(revision=revision, down=down, kind=kind))
    elif not step.is_upgrade and revision != _RECORDED_FROM and _recorded(revision):
        context.execute(_FORGET.bindparams(revision=revision))


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
        on_version_apply=_record_revision,
        **kwargs,  # type: ignore[arg-type]
    )


def _run_online(connection: Connection) -> None:
    # Session settings go first and outlive the per-migration transactions; a
    # transaction begun only to carry them is committed so alembic starts clean.
    was_in_transaction = connection.in_transaction()
    for statement in _session_statements():
        connection.exec_driver_sql(statement)
    if not was_in_transaction:
        connection.commit()
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


def _run_offline() -> None:
    # Printing SQL needs only the dialect, never a URL.
    _configure(dialect_name="postgresql", literal_binds=True, dialect_opts={"paramstyle": "named"})
    for statement in _session_statements():
        context.execute(statement)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _run_offline()
else:
    handed_over = config.attributes.get("connection")
    if isinstance(handed_over, Connection):
        _run_online(handed_over)
    elif isinstance(handed_over, Engine):
        with handed_over.connect() as connection:
            _run_online(connection)
    else:
        engine = create_engine(_database_url(), poolclass=pool.NullPool)
        try:
            with engine.connect() as connection:
                _run_online(connection)
        finally:
            engine.dispose()
