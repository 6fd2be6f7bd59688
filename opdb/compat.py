"""``OpDB`` with the call signatures of ``pfs.utils.database.opdb.OpDB``: writes are
published to the ingestion daemon, reads go through :mod:`opdb.db`.

An actor switches by changing its import::

    -from pfs.utils.database.opdb import OpDB
    +from opdb.compat import OpDB

    db = OpDB(source="mcs")
    db.insert_kw("mcs_exposure", mcs_frame_id=frame, pfs_visit_id=visit, ...)
    db.insert_dataframe("mcs_data", centroids)     # or db.insert("mcs_data", centroids)
    n = db.query_scalar("SELECT count(*) FROM mcs_data WHERE mcs_frame_id = :f",
                        params={"f": frame})

What stays the same: names, arguments and return values of ``insert_kw``,
``insert_dataframe``, ``insert``, and of the readers ``query_dataframe`` (``query``),
``query_series``, ``query_rows``, ``query_row``, ``query_array``, ``query_scalar``,
``query_scalars`` (``:name`` and ``%(name)s`` parameters, an optional ``conn``).

What changes:

* A write is an event. With ``wait=True`` (the default) a write returns once the
  daemon has committed it, as a direct write did, and raises :class:`WriteRejected`
  (reason, detail) when it refused it; a read right after sees the row. With
  ``wait=False`` it returns once the event is safe (broker or local spool) and the row
  appears shortly after: read-after-write then needs :meth:`OpDB.receipt` or a
  ``wait=True`` write of the parent first.
* While the daemon is paused for maintenance, a waiting write raises
  :class:`~opdb.publish.ReceiptTimeout` after ``receipt_timeout_s``: the event is kept
  and will be committed; only the confirmation is missing.
* Ids chosen as MAX+1 must come from :mod:`opdb.ids` instead.
* ``update`` (not in pfs_utils' ``DB``) sets columns of existing rows by primary key.
* ``commit`` (raw SQL writes) is refused: there is no write connection any more.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, text

from opdb import db
from opdb.contract import EventRejected, Reason
from opdb.publish import Publisher, PublisherSettings, Receipt, Rows, insert, update

if TYPE_CHECKING:
    import numpy  # type: ignore[import-not-found,unused-ignore]
    import pandas  # type: ignore[import-untyped,unused-ignore]

__all__ = ["OpDB", "WriteRejected"]

_LIBPQ_PARAMETER = re.compile(r"%\((\w+)\)s")
_SOURCE_CHARACTERS = re.compile(r"[^a-z0-9_.-]+")


class WriteRejected(EventRejected):
    """The daemon refused a write (after it was published): reason and detail as in its
    dead-letter queue."""


def _default_source() -> str:
    named = os.environ.get("OPDB_SOURCE") or os.path.basename(sys.argv[0] or "") or "actor"
    cleaned = _SOURCE_CHARACTERS.sub("-", named.lower()).strip("-.")[:64]
    return cleaned or "actor"


class OpDB:
    """pfs_utils' ``OpDB`` calls over the publisher and :mod:`opdb.db`.

    ``source`` names the actor in events (default: ``OPDB_SOURCE`` or the program
    name); the publisher comes from ``OPDB_*`` settings unless one is given. Reads use
    ``engine``, or the database given the pfs_utils way (``dsn``, ``host``...), or
    ``OPDB_DATABASE_URL``.
    """

    def __init__(
        self,
        dsn: str | Mapping[str, Any] | None = None,
        host: str | None = None,
        user: str | None = None,
        dbname: str | None = None,
        port: int | None = None,
        *,
        source: str | None = None,
        wait: bool = True,
        receipt_timeout_s: float | None = None,
        publisher: Publisher | None = None,
        publisher_settings: PublisherSettings | None = None,
        engine: Engine | None = None,
    ) -> None:
        self.source = source or _default_source()
        self.wait = wait
        self.receipt_timeout_s = receipt_timeout_s
        self._publisher = publisher
        self._owns_publisher = publisher is None
        self._publisher_settings = publisher_settings
        self._engine = engine
        self._owns_engine = False
        if engine is None and (dsn is not None or host or user or dbname or port):
            self._engine = db.engine(
                db.ReadSettings(database_url=_url(dsn, host, user, dbname, port))
            )
            self._owns_engine = True

    # -- plumbing ---------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        return self._engine if self._engine is not None else db.default_engine()

    @property
    def publisher(self) -> Publisher:
        if self._publisher is None:
            self._publisher = Publisher(self.source, self._publisher_settings)
        return self._publisher

    def close(self) -> None:
        if self._owns_publisher and self._publisher is not None:
            self._publisher.close()
            self._publisher = None
        if self._owns_engine and self._engine is not None:
            self._engine.dispose()

    def __enter__(self) -> OpDB:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def connection(self) -> Iterator[Connection]:
        """A pooled read-only connection, to reuse across several ``query_*`` calls."""
        with self.engine.connect() as conn:
            yield conn

    def connect(self) -> Connection:
        return self.engine.connect()

    # -- writes -----------------------------------------------------------------

    def _send(self, writes: Sequence[Mapping[str, Any]], wait: bool | None) -> uuid.UUID:
        if not (self.wait if wait is None else wait):
            return self.publisher.publish(writes)
        answer = self.publisher.publish(writes, wait=True, timeout=self.receipt_timeout_s)
        _raise_if_rejected(answer)
        return answer.event_id

    def insert_kw(self, table: str, *, wait: bool | None = None, **kwargs: Any) -> None:
        """Insert one row given as keyword arguments."""
        self._send([insert(table, [kwargs])], wait)

    def insert_dataframe(
        self,
        table: str,
        df: pandas.DataFrame | Rows,
        index: bool = False,
        chunksize: int | None = None,
        use_copy: bool = True,
        *,
        wait: bool | None = None,
        **_kwargs: Any,
    ) -> int | None:
        """Insert a DataFrame's rows (or a NumPy structured array, or mappings) as one
        event; returns the row count, None for no rows. ``chunksize`` and ``use_copy``
        are accepted for compatibility: the daemon chooses how to write, and one event
        is committed whole."""
        if index and hasattr(df, "reset_index"):
            df = df.reset_index()
        write = insert(table, df)
        if not write["rows"]:
            return None
        self._send([write], wait)
        return len(write["rows"])

    def insert(self, *args: Any, **kwargs: Any) -> int | None:
        """As :meth:`insert_dataframe` (pfs_utils' name for it)."""
        return self.insert_dataframe(*args, **kwargs)

    def update(
        self,
        table: str,
        df: pandas.DataFrame | Rows | None = None,
        *,
        wait: bool | None = None,
        **kwargs: Any,
    ) -> int:
        """Set columns of existing rows found by primary key: rows of ``df``, or one
        row as keyword arguments (the key columns included). Returns the row count."""
        write = update(table, df if df is not None else [kwargs])
        self._send([write], wait)
        return len(write["rows"])

    def receipt(self, event_id: uuid.UUID, timeout: float | None = None) -> Receipt:
        """The receipt of a write made with ``wait=False`` by this object (which then
        asks for none: use the publisher's ``publish(..., receipt=True)`` for that)."""
        return self.publisher.receipt(event_id, timeout)

    def commit(self, query: str, params: Any = None) -> None:
        raise db.ReadOnlyError(
            "OpDB.commit ran SQL writes directly; the opDB is written through the "
            "ingestion daemon now: publish rows with insert_kw / insert_dataframe / update"
        )

    # -- reads ------------------------------------------------------------------

    def _execute(self, sql: str, params: Any, conn: Connection | None) -> Any:
        statement = text(_LIBPQ_PARAMETER.sub(r":\1", sql))
        if conn is not None:
            return conn.execute(statement, params)
        with self.engine.connect() as own:
            # Fetched before the connection goes back to the pool.
            return _Fetched(own.execute(statement, params).fetchall())

    def query_dataframe(
        self, sql: str, /, *, params: Any = None, conn: Connection | None = None
    ) -> pandas.DataFrame:
        import pandas

        statement = text(_LIBPQ_PARAMETER.sub(r":\1", sql))
        if conn is not None:
            return pandas.read_sql(statement, conn, params=params)
        with self.engine.connect() as own:
            return pandas.read_sql(statement, own, params=params)

    def query(self, *args: Any, **kwargs: Any) -> pandas.DataFrame:
        return self.query_dataframe(*args, **kwargs)

    def query_series(
        self, sql: str, /, *, params: Any = None, conn: Connection | None = None
    ) -> pandas.Series | None:
        frame = self.query_dataframe(sql, params=params, conn=conn)
        if len(frame) == 0:
            return None
        if len(frame) > 1:
            raise ValueError("Expected a single row for series; got multiple")
        return frame.iloc[0]

    def query_rows(
        self, sql: str, /, *, params: Any = None, conn: Connection | None = None
    ) -> list[Any]:
        return list(self._execute(sql, params, conn).fetchall())

    def query_row(self, sql: str, /, *, params: Any = None, conn: Connection | None = None) -> Any:
        return self._execute(sql, params, conn).fetchone()

    def query_array(
        self, sql: str, /, *, params: Any = None, conn: Connection | None = None
    ) -> numpy.ndarray[Any, Any]:
        import numpy

        return numpy.array(self.query_rows(sql, params=params, conn=conn), dtype=object)

    def query_scalar(
        self, sql: str, /, *, params: Any = None, conn: Connection | None = None
    ) -> Any:
        row = self._execute(sql, params, conn).fetchone()
        return None if row is None else row[0]

    def query_scalars(
        self, sql: str, /, *, params: Any = None, conn: Connection | None = None
    ) -> list[Any]:
        return [row[0] for row in self._execute(sql, params, conn).fetchall()]


class _Fetched:
    """Rows already fetched, with the two result methods the readers use."""

    def __init__(self, rows: Sequence[Any]) -> None:
        self._rows = rows

    def fetchall(self) -> Sequence[Any]:
        return self._rows

    def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None


def _raise_if_rejected(answer: Receipt) -> None:
    if not answer.committed:
        raise WriteRejected(answer.reason or Reason.VALIDATION, answer.detail or "")


def _url(
    dsn: str | Mapping[str, Any] | None,
    host: str | None,
    user: str | None,
    dbname: str | None,
    port: int | None,
) -> str:
    """A URL from pfs_utils-style connection arguments (a libpq keyword string or a
    mapping, then the separate arguments); the password comes from ~/.pgpass."""
    parts: dict[str, Any] = {}
    if isinstance(dsn, str):
        for item in dsn.split():
            key, equals, value = item.partition("=")
            if equals:
                parts[key] = value
    elif isinstance(dsn, Mapping):
        parts.update(dsn)
    given = {"host": host, "user": user, "dbname": dbname, "port": port}
    parts.update({k: v for k, v in given.items() if v is not None})
    where = parts.get("host", "localhost")
    at = f":{parts['port']}" if parts.get("port") else ""
    who = f"{parts['user']}@" if parts.get("user") else ""
    return f"postgresql://{who}{where}{at}/{parts.get('dbname', 'opdb')}"
