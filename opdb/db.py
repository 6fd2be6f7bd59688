"""Reading the opDB from scripts and notebooks.

Everything here reads. Instrument data is *written* by publishing events that
``opdb-ingestd`` validates, orders parents-first and records in its idempotency ledger;
a script that wrote rows directly would skip all three, and a redelivered event could
then collide with, or silently duplicate, what the script wrote. So the engines built
here are read-only by default, and a write through one fails with :class:`ReadOnlyError`
saying so. The one way to write is :func:`admin_session`, for rare manual fixes, which
logs who wrote and why.

Typical use::

    from sqlalchemy import select
    from opdb import db
    from opdb.models import PfsVisit

    frame = db.fetch_dataframe(
        "SELECT * FROM mcs_data WHERE mcs_frame_id = :frame", {"frame": 12345600}
    )
    rows = db.fetch_rows("pfs_visit", pfs_visit_id=123456)
    with db.session() as s:
        visits = s.scalars(select(PfsVisit).where(PfsVisit.pfs_visit_id > 123000)).all()

The database comes from ``OPDB_DATABASE_URL`` (read when first needed, never at
import), or from a :class:`ReadSettings` / :func:`engine` passed in explicitly.
"""

from __future__ import annotations

import contextlib
import difflib
import getpass
import logging
import threading
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import psycopg.errors
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import Engine, Executable, Table, create_engine, event, select, text
from sqlalchemy.engine import Connection, ExceptionContext
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import NullPool

from opdb.locks import WRITE_LOCK_KEY
from opdb.models import Base
from opdb.urls import mask_url, sqlalchemy_database_url

if TYPE_CHECKING:
    # pandas ships no type information; pandas-stubs, when installed, is used instead.
    import pandas  # type: ignore[import-untyped,unused-ignore]

__all__ = [
    "ReadOnlyError",
    "ReadSettings",
    "WritesLockedError",
    "admin_session",
    "default_engine",
    "dispose_default_engine",
    "engine",
    "fetch_dataframe",
    "fetch_rows",
    "session",
]

_log = logging.getLogger(__name__)

_READ_ONLY_OPTION = "-c default_transaction_read_only=on"
_ADMIN_APPLICATION_NAME = "opdb-admin"


class ReadOnlyError(PermissionError):
    """A write was attempted through an engine that is read-only by design.

    Raised instead of SQLAlchemy's ``InternalError`` wrapping psycopg's
    ``ReadOnlySqlTransaction`` (SQLSTATE 25006), so that the message explains why the
    write was refused and where writes belong.
    """

    sqlstate = "25006"


class WritesLockedError(RuntimeError):
    """:func:`admin_session` could not write: a migration holds the opDB write lock."""


class ReadSettings(BaseSettings):
    """Where and how a reader connects, from ``OPDB_*`` environment variables.

    Built when first needed (not at import), so a notebook can set the environment
    after ``import opdb.db`` and a test can build one directly.
    """

    # hide_input_in_errors: a rejected URL must not reach a traceback with its password.
    model_config = SettingsConfigDict(env_prefix="OPDB_", extra="ignore", hide_input_in_errors=True)

    database_url: SecretStr = Field(
        description=(
            "PostgreSQL URL of the opDB to read, postgresql:// or postgresql+psycopg://. "
            "Required: reading some default database by mistake is worse than an error."
        ),
    )
    application_name: str = Field(
        default="opdb-reader",
        min_length=1,
        description="Name the connections show in pg_stat_activity and the server log.",
    )
    connect_timeout_s: int = Field(
        default=10, ge=1, description="Give up connecting after this many seconds."
    )

    @field_validator("database_url")
    @classmethod
    def _database_url_is_postgresql(cls, value: SecretStr) -> SecretStr:
        return SecretStr(sqlalchemy_database_url(value.get_secret_value()))

    @property
    def sqlalchemy_url(self) -> str:
        """The URL in the SQLAlchemy psycopg 3 dialect (it holds any password)."""
        return self.database_url.get_secret_value()


def _read_only_error(context: ExceptionContext) -> BaseException | None:
    """``handle_error`` hook: turn PostgreSQL's read-only refusal into a clear error."""
    if not isinstance(context.original_exception, psycopg.errors.ReadOnlySqlTransaction):
        return None
    refused = str(context.original_exception).strip().splitlines()[0]
    return ReadOnlyError(
        f"{refused}: this opDB engine is read-only by design "
        "(default_transaction_read_only=on). Instrument data is written by publishing "
        "events to the ingestion daemon (opdb-ingestd), which validates them, writes "
        "parents first and records each event in its idempotency ledger. For a rare "
        "manual fix, use opdb.db.admin_session(reason=...)."
    )


def engine(
    settings: ReadSettings | None = None, *, read_only: bool = True, **overrides: Any
) -> Engine:
    """A pooled SQLAlchemy engine on the opDB, read-only unless asked otherwise.

    Read-only means every transaction starts with ``default_transaction_read_only=on``,
    sent as a startup option so it holds from the first statement on every pooled
    connection. It guards against accidental writes, it is not access control: give
    readers a PostgreSQL role without write privileges for that. PostgreSQL's refusal
    is raised as :class:`ReadOnlyError` by a ``handle_error`` hook, so sessions and
    the ``fetch_*`` helpers built on this engine raise it too.

    ``read_only=False`` exists for :func:`admin_session`; normal writes go through the
    daemon (see the module docstring). ``overrides`` go to
    :func:`sqlalchemy.create_engine` (``pool_size``, ``echo``, ``poolclass``...); an
    ``options`` entry in their ``connect_args`` is kept, with the read-only option
    placed last so that it wins.
    """
    settings = settings if settings is not None else ReadSettings()
    connect_args: dict[str, Any] = dict(overrides.pop("connect_args", None) or {})
    connect_args.setdefault("application_name", settings.application_name)
    connect_args.setdefault("connect_timeout", settings.connect_timeout_s)
    # libpq's target_session_attrs=read-write (a multi-host URL that must find the
    # primary) judges a server by default_transaction_read_only, so there the setting is
    # made right after connecting instead of as a startup option.
    after_connect = read_only and "target_session_attrs" in settings.sqlalchemy_url
    if read_only and not after_connect:
        options = str(connect_args.get("options") or "").strip()
        connect_args["options"] = f"{options} {_READ_ONLY_OPTION}".strip()
    overrides.setdefault("pool_pre_ping", True)
    built = create_engine(settings.sqlalchemy_url, connect_args=connect_args, **overrides)
    if after_connect:
        event.listen(built, "connect", _make_read_only)
    if read_only:
        event.listen(built, "handle_error", _read_only_error, retval=True)
    return built


def _make_read_only(dbapi_connection: Any, _record: Any) -> None:
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        dbapi_connection.execute("SET default_transaction_read_only = on")
    finally:
        dbapi_connection.autocommit = autocommit


_default_lock = threading.Lock()
_default: Engine | None = None


def default_engine() -> Engine:
    """The process-wide read-only engine, built from the environment on first use.

    Shared so that repeated ``fetch_*`` calls in a notebook reuse one small pool
    instead of opening connections each time.
    """
    global _default
    with _default_lock:
        if _default is None:
            _default = engine()
        return _default


def dispose_default_engine() -> None:
    """Close the default engine's connections and forget it; the next use rebuilds it
    from the environment (e.g. after ``OPDB_DATABASE_URL`` changed)."""
    global _default
    with _default_lock:
        if _default is not None:
            _default.dispose()
            _default = None


def _statement(sql: str | Executable) -> Executable:
    return text(sql) if isinstance(sql, str) else sql


def fetch_dataframe(
    sql: str | Executable,
    params: Mapping[str, Any] | None = None,
    *,
    engine: Engine | None = None,
) -> pandas.DataFrame:
    """The result of one query as a pandas DataFrame.

    ``sql`` is SQL text with ``:name`` bind parameters, filled from ``params`` by the
    driver (never by string formatting), or a SQLAlchemy statement such as
    ``select(McsData).where(McsData.mcs_frame_id == frame)``. Column dtypes are what
    pandas infers from the values, as ``pandas.read_sql`` does: integers and reals as
    int64/float64 (float64 with NaN when a numeric column holds NULLs), timestamps as
    datetime64, text as strings; a column holding only NULLs, or any column of an empty
    result, is of object dtype.
    """
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(
            "opdb.db.fetch_dataframe needs pandas, an optional dependency: install the "
            "'pandas' extra, e.g. pip install 'opdb-ingest[pandas]'"
        ) from exc
    bind = engine if engine is not None else default_engine()
    with bind.connect() as connection:
        return pandas.read_sql(_statement(sql), connection, params=dict(params or {}))


def _table(name: str | Table | type[Base]) -> Table:
    if isinstance(name, Table):
        return name
    if isinstance(name, type) and issubclass(name, Base):
        table = name.__table__
        assert isinstance(table, Table)
        return table
    tables = Base.metadata.tables
    if name in tables:
        return tables[name]
    close = difflib.get_close_matches(str(name), tables, n=3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise ValueError(f"unknown opDB table {name!r}.{hint} Tables are: {', '.join(sorted(tables))}")


def fetch_rows(
    table: str | Table | type[Base], /, *, engine: Engine | None = None, **keys: Any
) -> list[dict[str, Any]]:
    """Rows of one table whose columns equal the given values, ordered by primary key.

    ``fetch_rows("tel_status", pfs_visit_id=123456)`` filters on any columns, primary
    key or not (``None`` matches NULL). Table and column names are checked against the
    models, and unknown ones raise :class:`ValueError` listing the valid names; values
    are bound parameters. At least one column is required, so that a typo'd call
    cannot pull a whole ``mcs_data`` into memory: for whole tables use
    :func:`fetch_dataframe` or :func:`session`.
    """
    target = _table(table)
    primary_key = [c.name for c in target.primary_key.columns]
    if not keys:
        raise ValueError(
            f"fetch_rows({target.name!r}) needs at least one column to match, e.g. its "
            f"primary key ({', '.join(primary_key)}); read whole tables with "
            "fetch_dataframe or session"
        )
    unknown = sorted(set(keys) - set(target.columns.keys()))
    if unknown:
        raise ValueError(
            f"unknown column(s) {', '.join(unknown)} of table {target.name!r}; its "
            f"columns are: {', '.join(target.columns.keys())}"
        )
    statement = (
        select(target)
        .where(*(target.columns[name] == value for name, value in keys.items()))
        .order_by(*target.primary_key.columns)
    )
    bind = engine if engine is not None else default_engine()
    with bind.connect() as connection:
        return [dict(row) for row in connection.execute(statement).mappings()]


@contextlib.contextmanager
def session(engine: Engine | None = None) -> Iterator[Session]:
    """An ORM session for typed queries over the models, closed (and its transaction
    rolled back) on exit; on a read-only engine any flush raises :class:`ReadOnlyError`.
    """
    with Session(engine if engine is not None else default_engine()) as opened:
        yield opened


def _take_write_lock(
    _session: Session, _transaction: SessionTransaction, connection: Connection
) -> None:
    """``after_begin`` hook: share the daemon's write lock for the transaction, so a
    manual fix never writes into a half-migrated schema (migrations hold it
    exclusively)."""
    taken = connection.execute(
        text("SELECT pg_try_advisory_xact_lock_shared(:key)"), {"key": WRITE_LOCK_KEY}
    ).scalar_one()
    if not taken:
        raise WritesLockedError(
            "a migration holds the opDB write lock; retry the manual fix once it is done"
        )


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@contextlib.contextmanager
def admin_session(reason: str, settings: ReadSettings | None = None) -> Iterator[Session]:
    """A read-WRITE ORM session for a rare, manual, administrative fix.

    Use it only for one-off corrections no actor can publish (a mistyped visit
    description, a row an old bug left behind), never for data an instrument produces.
    Normal writes must go through the daemon, which validates each event against the
    contract, writes parents before children, and records every event in its
    idempotency ledger so that a redelivered event is not written twice; a row written
    here bypasses all three and may later conflict with an event that carries it.

    ``reason`` is required and logged (with the user and database) as a warning when
    the session opens, and again when it commits or rolls back. Everything done in the
    block is committed when it exits normally and rolled back if it raises; each
    transaction shares the daemon's write lock, so during a migration the first
    statement raises :class:`WritesLockedError`. The connections show as
    ``opdb-admin`` in ``pg_stat_activity``.
    """
    why = reason.strip() if isinstance(reason, str) else ""
    if not why:
        raise ValueError(
            "admin_session needs a non-empty reason saying what is being fixed and why; "
            "it is logged"
        )
    settings = settings if settings is not None else ReadSettings()
    database = mask_url(settings.sqlalchemy_url)
    writer = engine(
        settings,
        read_only=False,
        poolclass=NullPool,
        connect_args={"application_name": _ADMIN_APPLICATION_NAME},
    )
    who = _who()
    _log.warning(
        "opDB admin session opened by %s on %s, bypassing the ingestion daemon: %s",
        who,
        database,
        why,
        extra={"opdb_admin_reason": why, "opdb_admin_user": who, "opdb_database": database},
    )
    try:
        with Session(writer) as opened:
            event.listen(opened, "after_begin", _take_write_lock)
            try:
                yield opened
                opened.commit()
            except BaseException:
                opened.rollback()
                _log.warning("opDB admin session rolled back: %s", why)
                raise
        _log.warning("opDB admin session committed: %s", why)
    finally:
        writer.dispose()
