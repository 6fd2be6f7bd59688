"""Write batches of validated events into PostgreSQL: one transaction per batch.

A batch commits together with its rows in the event ledger, so a redelivered event is
recognised and skipped. Rows are regrouped across the batch's events, table by table in
foreign-key order, into as few statements as possible: large insert groups take COPY,
small ones an INSERT run as one executemany. When PostgreSQL rejects a batch because
of its data, the batch is split in halves until the guilty event is alone; everything
else commits.
Errors that are not the data's fault (connection lost, read-only database, deadlock...)
are raised as :class:`TransientDatabaseError` for the caller to retry the whole batch.

The connection and its transactions come from a SQLAlchemy async engine (psycopg
dialect); the INSERT, upsert and UPDATE statements are SQLAlchemy Core constructs.
COPY, which Core does not build, and the fixed bookkeeping statements (gate, ledger)
run on the psycopg connection that SQLAlchemy's wraps, inside the same transaction.
"""

from __future__ import annotations

import contextlib
import functools
import re
import time
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from pydantic_core import to_json
from sqlalchemy import (
    REAL,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    bindparam,
    update,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import ARRAY, DOUBLE_PRECISION, JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.postgresql.psycopg import PGDialectAsync_psycopg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.dml import Insert, Update
from sqlalchemy.types import TypeEngine

from daemon.errors import IngestError
from daemon.ingest.gate import Mode, additive_beyond
from daemon.schema.bookkeeping import SCHEMA as BOOKKEEPING_SCHEMA
from opdb.contract import Event, EventRejected, Op, Reason, server_fills
from opdb.locks import WRITE_LOCK_KEY
from opdb.receipts import GeneratedKey, key_document, key_from_document
from opdb.urls import sqlalchemy_database_url

# The dialect the statements are compiled for, and its identifier quoting.
_DIALECT = PGDialectAsync_psycopg()  # type: ignore[no-untyped-call]
_QUOTE = _DIALECT.identifier_preparer

# The bookkeeping statements below are fixed text and run on the psycopg connection
# under SQLAlchemy's, in the same transaction: each statement executed through
# SQLAlchemy's async layer cost about 200 us more client CPU than through psycopg
# (measured), and a batch of one event runs three of them.

# The batch's ledger rows travel as one JSON document: adapting four Python lists to
# arrays cost twice the client CPU per event (measured).
_LEDGER_INSERT = sql.SQL(
    "INSERT INTO {}.event_ledger (event_id, source, sent_at, row_count, generated_keys) "
    "SELECT * FROM json_to_recordset(%s::json) "
    "AS x(event_id uuid, source varchar, sent_at timestamptz, row_count int4, "
    "generated_keys jsonb) "
    "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
).format(sql.Identifier(BOOKKEEPING_SCHEMA))
# A redelivered event's receipt carries the keys its first commit generated.
_LEDGER_KEYS = sql.SQL(
    "SELECT event_id, generated_keys FROM {}.event_ledger WHERE event_id = ANY(%s)"
).format(sql.Identifier(BOOKKEEPING_SCHEMA))
# Serial values drawn from the column's own sequence, as its DEFAULT would; drawn before
# the insert so that the daemon knows which row got which (RETURNING order is not
# guaranteed, and COPY returns nothing).
_NEXT_SERIALS = "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)"


# PostgreSQL's detail of a foreign-key violation, e.g.
# 'Key (pfs_visit_id)=(123) is not present in table "pfs_visit".'
_MISSING_KEY = re.compile(r"Key \((?P<columns>[^)]*)\)=\((?P<values>[^)]*)\) is not present")
# ...and of a unique violation: 'Key (pfs_visit_id)=(123) already exists.'
_TAKEN_KEY = re.compile(r"Key \((?P<columns>[^)]*)\)=\((?P<values>[^)]*)\) already exists")


class TransientDatabaseError(IngestError):
    """The database could not take the batch for a reason that is not the data's fault."""


class WritesGated(IngestError):  # noqa: N818 - a state, not a failure
    """A migration holds the write lock (``Mode.MAINTENANCE``) or the schema is not one
    this code can write into (``Mode.SCHEMA_MISMATCH``); ``mode`` says which."""

    def __init__(self, mode: Mode, reason: str) -> None:
        super().__init__(reason)
        self.mode = mode


_GATE_SQL = (
    "SELECT pg_try_advisory_xact_lock_shared(%s), "
    "(SELECT string_agg(version_num, ',' ORDER BY version_num) FROM public.alembic_version)"
)


class _EventFailed(Exception):  # noqa: N818 - internal control flow, never escapes this module
    """An event whose failure the writer could attribute without bisecting."""

    def __init__(self, event_index: int, rejection: EventRejected) -> None:
        super().__init__(rejection.detail)
        self.event_index = event_index
        self.rejection = rejection


def _is_data_error(exc: psycopg.Error) -> bool:
    # Class 22 (data exception) and 23 (integrity constraint violation) are caused by
    # the rows themselves; every other failure says nothing about the event.
    return exc.sqlstate is not None and exc.sqlstate[:2] in {"22", "23"}


def _rejection_for(exc: psycopg.Error, table: str | None) -> EventRejected:
    diag = exc.diag
    where = f"table {diag.table_name or table or '?'}"
    message = diag.message_primary or str(exc)
    detail = f"{where}: {message}" + (f" ({diag.message_detail})" if diag.message_detail else "")
    if exc.sqlstate == "23505":
        return EventRejected(Reason.CONFLICT, detail)
    if exc.sqlstate == "23503":
        return EventRejected(Reason.MISSING_PARENT, detail)
    return EventRejected(Reason.VALIDATION, detail)


def _binary_copy_type(column: Column[Any]) -> str:
    """The PostgreSQL type psycopg must encode a column's values as for binary COPY."""
    sql_type = column.type
    if isinstance(sql_type, ARRAY):
        return _binary_copy_type(Column(column.name, sql_type.item_type)) + "[]"
    for kind, name in _BINARY_TYPES:
        if isinstance(sql_type, kind):
            if name == "timestamp" and getattr(sql_type, "timezone", False):
                return "timestamptz"
            return name
    raise TypeError(f"no binary COPY type for {column.table.name}.{column.name}: {sql_type}")


# Order matters: subclasses before their bases (BigInteger is an Integer,
# DOUBLE_PRECISION a Float).
_BINARY_TYPES: tuple[tuple[type[TypeEngine[Any]], str], ...] = (
    (BigInteger, "int8"),
    (Integer, "int4"),
    (DOUBLE_PRECISION, "float8"),
    (REAL, "float4"),
    (Float, "float8"),
    (Boolean, "bool"),
    (String, "varchar"),
    (DateTime, "timestamp"),
    (JSONB, "jsonb"),
)


@dataclass(frozen=True)
class _TablePlan:
    """What the writer needs to know about one table, derived once from the metadata."""

    table: Table
    columns: tuple[str, ...]
    key: tuple[str, ...]
    defaulted: frozenset[str]
    json_columns: frozenset[str]
    copy_types: dict[str, str]
    serial: str | None

    @classmethod
    def of(cls, table: Table) -> _TablePlan:
        return cls(
            table=table,
            columns=tuple(c.name for c in table.columns),
            key=tuple(c.name for c in table.primary_key.columns),
            defaulted=frozenset(c.name for c in table.columns if server_fills(c)),
            json_columns=frozenset(c.name for c in table.columns if isinstance(c.type, JSONB)),
            copy_types={c.name: _binary_copy_type(c) for c in table.columns},
            serial=next((c.name for c in table.columns if _is_serial(c)), None),
        )

    def insert_columns(self, row: Mapping[str, Any]) -> tuple[str, ...]:
        """Columns an inserted row is written with: all but the defaulted ones it omits."""
        if not self.defaulted:
            return self.columns
        return tuple(c for c in self.columns if c not in self.defaulted or c in row)

    def values(self, row: Mapping[str, Any], columns: Sequence[str]) -> tuple[Any, ...]:
        return tuple(map(row.get, columns))

    def copy_row(self, row: tuple[Any, ...], columns: Sequence[str]) -> tuple[Any, ...]:
        """A row as binary COPY takes it: JSON documents wrapped for psycopg, which
        otherwise cannot tell a document from a Python value of the same shape."""
        if not self.json_columns:
            return row
        return tuple(
            Jsonb(value) if c in self.json_columns and value is not None else value
            for c, value in zip(columns, row, strict=True)
        )


def _is_serial(column: Any) -> bool:
    table: Table = column.table
    return bool(column is table.autoincrement_column)


@dataclass
class _Group:
    """Rows of one table written by one statement kind with one column list."""

    plan: _TablePlan
    op: Op
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)


@dataclass
class BatchResult:
    """What happened to each event of a batch, by its index in the batch."""

    committed: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    # Duplicates that are a second copy of an event of the same batch: their first
    # copy's fate is the event's.
    copies: set[int] = field(default_factory=set)
    # For events whose sender asked for keys (committed or duplicate): the serial values
    # generated for their rows.
    keys: dict[int, list[GeneratedKey]] = field(default_factory=dict)
    rejected: dict[int, EventRejected] = field(default_factory=dict)
    rows_by_table: Counter[str] = field(default_factory=Counter)
    transactions: int = 0
    rollbacks: int = 0
    commit_seconds: float = 0.0


class Writer:
    """Owns the daemon's PostgreSQL connection and writes batches through it."""

    def __init__(
        self,
        conninfo: str,
        metadata: MetaData,
        expected_revision: str,
        copy_min_rows: int = 200,
        connect_timeout_s: float = 5.0,
    ) -> None:
        self._expected_revision = expected_revision
        # Later revisions found additive all the way down to ours: we write into them.
        self._additive_beyond: set[str] = set()
        self._copy_min_rows = copy_min_rows
        self._connect_timeout_s = connect_timeout_s
        self._plans = {t.name: _TablePlan.of(t) for t in metadata.sorted_tables}
        self._table_order = {name: i for i, name in enumerate(self._plans)}
        self._engine = _engine(conninfo, connect_timeout_s)
        # Each shape's Core statement, compiled once to the dialect's SQL text.
        self._statements: dict[tuple[str, Op, tuple[str, ...]], str] = {}
        self._copy_statements: dict[tuple[str, tuple[str, ...]], str] = {}
        self._connection: AsyncConnection | None = None
        self._driver: psycopg.AsyncConnection[Any] | None = None

    @property
    def backend_pid(self) -> int | None:
        """The server process of the connection, to find who blocks it."""
        driver = self._driver
        return None if driver is None or driver.closed else driver.info.backend_pid

    @property
    def connected(self) -> bool:
        connection = self._connection
        return connection is not None and not connection.closed and not connection.invalidated

    async def connect(self) -> None:
        """Open the connection; raises :class:`TransientDatabaseError` if it cannot."""
        await self.close()
        try:
            connection = await self._engine.connect()
        except sa_exc.DBAPIError as exc:
            raise TransientDatabaseError(f"cannot connect to PostgreSQL: {exc.orig}") from exc
        try:
            raw = await connection.get_raw_connection()
        except BaseException:
            with contextlib.suppress(sa_exc.SQLAlchemyError, psycopg.Error):
                await connection.close()
            raise
        driver = raw.driver_connection
        assert isinstance(driver, psycopg.AsyncConnection)
        self._connection, self._driver = connection, driver

    async def close(self) -> None:
        if self._connection is not None:
            connection, self._connection, self._driver = self._connection, None, None
            # The connection is being discarded either way; with no pool behind the
            # engine, closing it ends the session, so the next one starts afresh.
            with contextlib.suppress(sa_exc.SQLAlchemyError, psycopg.Error):
                await connection.close()

    async def write(self, events: Sequence[Event], want_keys: Collection[int] = ()) -> BatchResult:
        """Commit every event that can be written; report the others with a reason.

        For the events at ``want_keys`` (senders waiting for a receipt) the serial
        values of rows that leave out a serial column are drawn before the insert,
        reported in ``keys`` and kept in the ledger for a redelivered copy.

        Raises :class:`TransientDatabaseError` when the database is unusable; events
        already committed by then are in the ledger, so retrying the batch is safe.
        """
        result = BatchResult()
        first_seen: dict[Any, int] = {}
        pending: list[int] = []
        for index, event in enumerate(events):
            if event.id in first_seen:
                result.duplicates.append(index)
                result.copies.add(index)
            else:
                first_seen[event.id] = index
                pending.append(index)
        await self._write_isolating(events, pending, result, want_keys)
        return result

    async def _write_isolating(
        self,
        events: Sequence[Event],
        indices: list[int],
        result: BatchResult,
        want_keys: Collection[int] = (),
    ) -> None:
        while indices:
            try:
                await self._transaction(events, indices, result, want_keys)
                return
            except _EventFailed as failure:
                result.rejected[failure.event_index] = failure.rejection
                indices = [i for i in indices if i != failure.event_index]
            except (psycopg.Error, sa_exc.DBAPIError) as caught:
                exc = _driver_error(caught)
                if exc is None or not _is_data_error(exc):
                    # A fresh session next time: settings such as a read-only default
                    # are fixed when a session starts, so a repaired database is only
                    # seen through a new connection.
                    await self.close()
                    raise TransientDatabaseError(
                        f"database error: {caught if exc is None else exc}"
                    ) from caught
                result.rollbacks += 1
                if len(indices) == 1:
                    result.rejected[indices[0]] = _rejection_for(exc, None)
                    return
                orphans = self._orphans(exc, events, indices)
                if orphans:
                    # Every event of the batch that points at the same missing parent
                    # waits for it together: one rollback instead of a bisection each.
                    rejection = _rejection_for(exc, None)
                    for index in orphans:
                        result.rejected[index] = rejection
                    indices = [i for i in indices if i not in orphans]
                    continue
                clashing = self._clashing(exc, events, indices)
                if clashing:
                    # The events carrying the key PostgreSQL reported as taken are each
                    # written alone, between runs of the others in batch order: the
                    # first may be the rightful owner of the key. A few transactions
                    # instead of a bisection per conflict.
                    run: list[int] = []
                    for index in indices:
                        if index in clashing:
                            await self._write_isolating(events, run, result, want_keys)
                            await self._write_isolating(events, [index], result, want_keys)
                            run = []
                        else:
                            run.append(index)
                    indices = run
                    continue
                middle = len(indices) // 2
                await self._write_isolating(events, indices[:middle], result, want_keys)
                indices = indices[middle:]

    def _orphans(self, exc: psycopg.Error, events: Sequence[Event], indices: list[int]) -> set[int]:
        """The events whose rows carry the foreign-key value PostgreSQL reported missing.

        Empty when the error is not a foreign-key violation or cannot be matched to
        rows (then bisection finds the culprit the slow way)."""
        return self._carrying(exc, "23503", _MISSING_KEY, events, indices)

    def _clashing(
        self, exc: psycopg.Error, events: Sequence[Event], indices: list[int]
    ) -> set[int]:
        """The events whose rows carry the key PostgreSQL reported as already taken
        (empty when that cannot be told, as for ``_orphans``)."""
        return self._carrying(exc, "23505", _TAKEN_KEY, events, indices)

    def _carrying(
        self,
        exc: psycopg.Error,
        sqlstate: str,
        pattern: re.Pattern[str],
        events: Sequence[Event],
        indices: list[int],
    ) -> set[int]:
        diag = exc.diag
        if exc.sqlstate != sqlstate or not diag.table_name or not diag.message_detail:
            return set()
        plan = self._plans.get(diag.table_name)
        missing = pattern.match(diag.message_detail)
        if plan is None or missing is None:
            return set()
        columns = tuple(c.strip().strip('"') for c in missing["columns"].split(","))
        values = tuple(v.strip() for v in missing["values"].split(","))
        if len(columns) != len(values):
            return set()
        return {
            index
            for index in indices
            for write in events[index].writes
            if write.table == plan.table.name
            and any(tuple(str(row.get(c)) for c in columns) == values for row in write.rows)
        }

    async def _transaction(
        self,
        events: Sequence[Event],
        indices: list[int],
        result: BatchResult,
        want_keys: Collection[int] = (),
    ) -> None:
        if not self.connected:
            await self.connect()
        connection, driver = self._connection, self._driver
        assert connection is not None
        assert driver is not None
        started = time.perf_counter()
        rows_by_table: Counter[str] = Counter()
        keyed = [i for i in indices if i in want_keys] if want_keys else []
        async with connection.begin(), driver.cursor() as cursor:
            await self._check_gate(cursor)
            filled, keys = await self._draw_serials(cursor, events, keyed) if keyed else ({}, {})
            ledger = [
                {
                    "event_id": str(events[i].id),
                    "source": events[i].source,
                    "sent_at": events[i].sent_at,
                    "row_count": events[i].row_count,
                }
                for i in indices
            ]
            if keys:
                position = {i: p for p, i in enumerate(indices)}
                for i, generated in keys.items():
                    ledger[position[i]]["generated_keys"] = [key_document(k) for k in generated]
            await cursor.execute(_LEDGER_INSERT, (to_json(ledger).decode(),))
            fresh = {row[0] for row in await cursor.fetchall()}
            new_indices = [i for i in indices if events[i].id in fresh]
            for group in self._groups(events, new_indices, filled):
                await self._execute(cursor, group)
                rows_by_table[group.plan.table.name] += len(group.rows)
            repeated = [i for i in keyed if events[i].id not in fresh]
            earlier: dict[Any, Any] = {}
            if repeated:
                await cursor.execute(_LEDGER_KEYS, ([events[i].id for i in repeated],))
                earlier = {row[0]: row[1] for row in await cursor.fetchall()}
        result.transactions += 1
        result.commit_seconds += time.perf_counter() - started
        result.committed.extend(new_indices)
        result.duplicates.extend(i for i in indices if events[i].id not in fresh)
        result.rows_by_table.update(rows_by_table)
        for i in keyed:
            if events[i].id in fresh:
                result.keys[i] = keys.get(i, [])
            else:
                result.keys[i] = [key_from_document(k) for k in earlier.get(events[i].id) or ()]

    async def _draw_serials(
        self, cursor: psycopg.AsyncCursor[Any], events: Sequence[Event], indices: list[int]
    ) -> tuple[dict[tuple[int, int], list[dict[str, Any]]], dict[int, list[GeneratedKey]]]:
        """Serial values for the inserted rows of ``indices`` that leave their serial
        column out: the rows with the values filled in, by (event, write) position, and
        the keys by event. Values drawn for an event that turns out to be a duplicate,
        or for a transaction rolled back, are skipped numbers, as with any sequence."""
        wanted: list[tuple[int, int, int, int, str, str]] = []
        for i in indices:
            per_table: Counter[str] = Counter()
            for w, write in enumerate(events[i].writes):
                nth = per_table[write.table]
                per_table[write.table] += 1
                serial = self._plans[write.table].serial
                if write.op is Op.INSERT and serial is not None:
                    wanted += [
                        (i, w, nth, r, write.table, serial)
                        for r, row in enumerate(write.rows)
                        if serial not in row
                    ]
        filled: dict[tuple[int, int], list[dict[str, Any]]] = {}
        keys: dict[int, list[GeneratedKey]] = {}
        by_table: dict[tuple[str, str], list[tuple[int, int, int, int]]] = {}
        for i, w, nth, r, table, serial in wanted:
            by_table.setdefault((table, serial), []).append((i, w, nth, r))
        for (table, serial), places in by_table.items():
            await cursor.execute(_NEXT_SERIALS, (f"public.{table}", serial, len(places)))
            values = [row[0] for row in await cursor.fetchall()]
            for (i, w, nth, r), value in zip(places, values, strict=True):
                rows = filled.get((i, w))
                if rows is None:
                    rows = filled[(i, w)] = [dict(row) for row in events[i].writes[w].rows]
                rows[r][serial] = value
                # The contract reorders writes parents-first but keeps one table's writes
                # in their published order, so (table, nth write of it, row) is what the
                # sender can match.
                keys.setdefault(i, []).append(GeneratedKey(nth, r, table, {serial: value}))
        return filled, keys

    async def _check_gate(self, cursor: psycopg.AsyncCursor[Any]) -> None:
        """Refuse to write while a migration runs or into a schema we were not built for.
        The shared lock is held to COMMIT, so a migrator taking it exclusively waits for
        this batch and every later batch sees it taken."""
        await cursor.execute(_GATE_SQL, (WRITE_LOCK_KEY,))
        row = await cursor.fetchone()
        assert row is not None
        unlocked, revision = row
        if not unlocked:
            raise WritesGated(Mode.MAINTENANCE, "a migration holds the write lock")
        if revision != self._expected_revision and revision not in self._additive_beyond:
            if revision and await additive_beyond(
                cursor.connection, revision, self._expected_revision
            ):
                # A revision's kind never changes: ask once per revision.
                self._additive_beyond.add(revision)
                return
            raise WritesGated(
                Mode.SCHEMA_MISMATCH,
                f"database is at revision {revision}, code expects {self._expected_revision}",
            )

    def _groups(
        self,
        events: Sequence[Event],
        indices: list[int],
        filled: Mapping[tuple[int, int], list[dict[str, Any]]] | None = None,
    ) -> Iterator[_Group]:
        """The batch's rows as statements: tables parents-first, each table's writes in
        event order, consecutive writes of one kind merged into one statement."""
        writes = sorted(
            (
                (self._table_order[write.table], position, write_position, index, write)
                for position, index in enumerate(indices)
                for write_position, write in enumerate(events[index].writes)
            ),
            key=lambda item: item[:3],
        )
        current: dict[tuple[Op, tuple[str, ...]], _Group] = {}
        current_table: str | None = None
        current_op: Op | None = None
        for _, _, write_position, index, write in writes:
            if write.table != current_table or write.op != current_op:
                yield from current.values()
                current = {}
                current_table, current_op = write.table, write.op
            plan = self._plans[write.table]
            rows = write.rows
            if filled:
                rows = filled.get((index, write_position), rows)
            for row in rows:
                columns = (
                    plan.insert_columns(row)
                    if write.op is Op.INSERT
                    else tuple(c for c in plan.columns if c in row)
                )
                group = current.get((write.op, columns))
                if group is None:
                    group = current[(write.op, columns)] = _Group(plan, write.op, columns)
                group.rows.append(plan.values(row, columns))
                group.owners.append(index)
        yield from current.values()

    async def _execute(self, cursor: psycopg.AsyncCursor[Any], group: _Group) -> None:
        if group.op is Op.INSERT and len(group.rows) >= self._copy_min_rows:
            await self._copy(cursor, group)
        elif group.op is Op.UPDATE:
            await self._update(cursor, group)
        else:
            # An executemany: psycopg 3 pipelines it, one statement per row without a
            # round trip each, so upserts of one key apply in order and the last wins.
            # SQLAlchemy's insertmanyvalues (multi-row VALUES pages) cost three to five
            # times the client CPU per row here (measured).
            await cursor.executemany(self._statement(group), self._params(group))

    def _statement(self, group: _Group) -> str:
        """The SQL text of a group's Core statement, compiled once per shape. It runs on
        the driver's cursor in SQLAlchemy's transaction: executing it through
        SQLAlchemy's async layer cost 0.2-0.5 ms more client CPU per statement
        (measured), most of a one-event batch's own work. Its bind processing is not
        lost: booleans arrive as booleans (the contract is strict), arrays as lists,
        and JSON documents are wrapped as for COPY."""
        shape = (group.plan.table.name, group.op, group.columns)
        statement = self._statements.get(shape)
        if statement is None:
            compiled = _statement(group.plan, group.op, group.columns).compile(dialect=_DIALECT)
            statement = self._statements[shape] = str(compiled)
        return statement

    @staticmethod
    def _params(group: _Group) -> list[dict[str, Any]]:
        names = _bind_names(group.columns)
        plan, columns = group.plan, group.columns
        return [dict(zip(names, plan.copy_row(row, columns), strict=True)) for row in group.rows]

    async def _copy(self, cursor: psycopg.AsyncCursor[Any], group: _Group) -> None:
        # Binary COPY: no text formatting of floats on our side, no parsing on the
        # server's; measured about twice as fast as text COPY for MCS frames.
        shape = (group.plan.table.name, group.columns)
        statement = self._copy_statements.get(shape)
        if statement is None:
            statement = self._copy_statements[shape] = (
                f"COPY {_QUOTE.format_table(group.plan.table)} "
                f"({', '.join(map(_QUOTE.quote_identifier, group.columns))}) "
                "FROM STDIN (FORMAT BINARY)"
            )
        plan, columns = group.plan, group.columns
        async with cursor.copy(statement) as copy:
            copy.set_types([plan.copy_types[c] for c in columns])
            if plan.json_columns:
                for row in group.rows:
                    await copy.write_row(plan.copy_row(row, columns))
            else:
                for row in group.rows:
                    await copy.write_row(row)

    async def _update(self, cursor: psycopg.AsyncCursor[Any], group: _Group) -> None:
        statement = self._statement(group)
        params = self._params(group)
        # Keys are primary keys: each row updates one row or none. psycopg's executemany
        # counts the rows all its statements touched.
        await cursor.executemany(statement, params)
        if cursor.rowcount == len(params):
            return
        # Some row was missing: find the first, one statement at a time (the
        # transaction is rolled back right after, and an UPDATE to the same values is
        # idempotent).
        for row_number, row_params in enumerate(params):
            if (await cursor.execute(statement, row_params)).rowcount == 0:
                key_values = ", ".join(
                    f"{c}={group.rows[row_number][group.columns.index(c)]!r}"
                    for c in group.plan.key
                )
                raise _EventFailed(
                    group.owners[row_number],
                    EventRejected(
                        Reason.MISSING_PARENT,
                        f"table {group.plan.table.name}: update of a row that does not exist "
                        f"({key_values})",
                    ),
                )
        raise AssertionError("an UPDATE matched fewer rows than given, then all of them")


def _engine(conninfo: str, connect_timeout_s: float) -> AsyncEngine:
    # No pool: closing the writer's connection ends its session, so a new connection
    # after a database error is a fresh session (settings such as a read-only default
    # are fixed when a session starts).
    return create_async_engine(
        sqlalchemy_database_url(conninfo),
        poolclass=NullPool,
        connect_args={
            "connect_timeout": max(1, int(connect_timeout_s)),
            "application_name": "opdb-ingestd",
        },
    )


def _driver_error(exc: psycopg.Error | sa_exc.DBAPIError) -> psycopg.Error | None:
    """The psycopg error behind an error, as SQLAlchemy wraps those of its statements."""
    if isinstance(exc, psycopg.Error):
        return exc
    return exc.orig if isinstance(exc.orig, psycopg.Error) else None


def _bind_name(column: str) -> str:
    # Not the column's own name: SQLAlchemy reserves those for the VALUES and SET clauses.
    return f"p_{column}"


@functools.cache
def _bind_names(columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(map(_bind_name, columns))


# JSON values bound as documents, and None as SQL NULL (as the hand-written statements
# did), not as the JSON value null that the column type's default would store.
_JSON_OR_NULL = JSONB(none_as_null=True)


def _statement(plan: _TablePlan, op: Op, columns: tuple[str, ...]) -> Insert | Update:
    table = plan.table
    if op is Op.UPDATE:
        assignments = [c for c in columns if c not in plan.key]
        return (
            update(table)
            .where(and_(*(table.c[c] == bindparam(_bind_name(c)) for c in plan.key)))
            .values({c: _bind(plan, c) for c in assignments})
        )
    insert = pg_insert(table).values({c: _bind(plan, c) for c in columns})
    if op is Op.UPSERT:
        updates = [c for c in columns if c not in plan.key]
        if not updates:
            return insert.on_conflict_do_nothing(index_elements=list(plan.key))
        return insert.on_conflict_do_update(
            index_elements=list(plan.key), set_={c: insert.excluded[c] for c in updates}
        )
    return insert


def _bind(plan: _TablePlan, column: str) -> Any:
    name = _bind_name(column)
    if column in plan.json_columns:
        return bindparam(name, type_=_JSON_OR_NULL)
    return bindparam(name, type_=plan.table.c[column].type)
