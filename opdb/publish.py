"""The publisher client: how instrument actors hand events to the opDB.

An actor builds *writes* (rows for a table), and :class:`Publisher` (threads, Twisted)
or :class:`AsyncPublisher` (asyncio) turns them into one event of the contract in
:mod:`opdb.contract` and sends it to the ``opdb`` exchange::

    settings = PublisherSettings()  # OPDB_AMQP_URL, OPDB_EXCHANGE, ... from the environment
    with Publisher("mcs", settings) as publisher:
        publisher.publish([insert("pfs_visit", [{"pfs_visit_id": 1234}])])
        publisher.publish_mcs_frame({"mcs_frame_id": 123400, "pfs_visit_id": 1234}, centroids)

The promises, and how they are kept:

* **A bad row fails in the actor.** Every event is validated with the same
  :class:`~opdb.contract.Contract` the daemon runs, before anything is sent, so
  :class:`~opdb.contract.EventRejected` carries the reason and detail the daemon would
  have dead-lettered it with.
* **An accepted event is never lost.** ``publish`` returns only once the event is either
  confirmed by the broker (persistent message, publisher confirms, ``mandatory`` so an
  unroutable message counts as not delivered) or committed to a local SQLite *spool*.
  A background task reconnects and re-sends the spool oldest first, deleting each
  event only after its confirm; a spool left by a crashed process is sent by the next
  publisher opened on the same file.
* **An actor's command is never held up.** ``publish`` never waits for a connection: at
  most half of ``publish_timeout_s`` goes to waiting for the broker's confirm, the rest
  is there for the spool write. A broker that is down costs a local write, not a
  timeout.
* **Order is kept.** While the spool holds anything, new events queue behind it, so a
  parent published before its child reaches the broker first. Delivery is at least
  once: a confirm that arrives too late, or a crash between a confirm and the spool
  delete, sends an event twice, which the daemon's event ledger absorbs.

Both classes share one core: :class:`Publisher` runs an :class:`AsyncPublisher` on a
private event loop in a daemon thread, and only validation happens in the calling
thread (the contract is immutable and thread-safe), so a refused event is raised
without a round trip through the loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime
import functools
import logging
import os
import re
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, Protocol, Self, TypeAlias, TypeVar, overload

import aio_pika
import aiormq
import sqlalchemy as sa
from aio_pika.abc import AbstractConnection, AbstractExchange, AbstractIncomingMessage
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from opdb import wire
from opdb.amqp import NoBrokerReachable, connect_first
from opdb.contract import (
    CONTRACT_VERSION,
    DEFAULT_SITE_TIMEZONE,
    SOURCE_PATTERN,
    Contract,
    EventRejected,
    Op,
)
from opdb.models import Base
from opdb.receipts import REPLY_QUEUE_PREFIX, GeneratedKey, Receipt, ReceiptStatus
from opdb.receipts import decode as decode_receipts
from opdb.urls import amqp_urls, broker_label
from opdb.wire import SOURCE_HEADER

__all__ = [
    "AsyncPublisher",
    "BrokerRefused",
    "EventRejected",
    "GeneratedKey",
    "PublishError",
    "PublishTimeout",
    "Publisher",
    "PublisherSettings",
    "Receipt",
    "ReceiptStatus",
    "ReceiptTimeout",
    "Rows",
    "SpoolFull",
    "iic_sequence_writes",
    "insert",
    "mcs_frame_writes",
    "records",
    "sps_exposure_writes",
    "tel_status_writes",
    "update",
    "upsert",
]

log = logging.getLogger(__name__)
_T = TypeVar("_T")

# A dead broker is noticed after about three heartbeats; the daemon uses the same.
_HEARTBEAT_S: Final = 10
_CONNECT_TIMEOUT_S: Final = 5.0
_CLOSE_TIMEOUT_S: Final = 5.0
_FIRST_BACKOFF_S: Final = 0.2
_MAX_BACKOFF_S: Final = 10.0
# Spooled events are re-sent in windows, their confirms awaited together rather than one
# round trip each; the byte cap bounds the memory a window of big MCS frames takes.
_DRAIN_WINDOW_EVENTS: Final = 64
_DRAIN_WINDOW_BYTES: Final = 8 * 1024 * 1024
# Nobody waits on a re-send, so its confirm may take long before the window is retried.
_DRAIN_CONFIRM_TIMEOUT_S: Final = 30.0
_SPOOL_FORMAT: Final = 1
# Receipts kept for events nobody waits on yet; beyond that the oldest settled go.
_MAX_RECEIPT_SLOTS: Final = 10_000
_BUILTIN_SCALARS: Final = frozenset({int, float, str, bool, type(None)})
# Everything aio-pika raises when the broker, the connection or a channel goes away
# (ChannelInvalidStateError is a RuntimeError, TimeoutError an OSError).
_BROKER_ERRORS: Final = (aiormq.exceptions.AMQPError, OSError, RuntimeError)


class PublishError(Exception):
    """The root of this module's errors (besides :class:`EventRejected`)."""


class SpoolFull(PublishError):  # noqa: N818 - the name says what happened
    """The broker has been unreachable for so long that the spool reached its bound;
    the event was not accepted."""


class BrokerRefused(PublishError):  # noqa: N818 - the name says what happened
    """The broker answers but refuses this publisher: wrong credentials, a virtual host
    that does not exist, or a missing exchange. Waiting does not cure these, so events
    are refused at once (nothing spooled) until the configuration is fixed; the
    publisher keeps trying to connect in the background meanwhile."""


def _refusal(exc: BaseException, where: str, exchange: str) -> BrokerRefused | None:
    if isinstance(exc, NoBrokerReachable) and exc.causes:
        # Refused only when every broker refused; one that is merely away may come back.
        refusals = [_refusal(cause, where, exchange) for cause in exc.causes]
        return refusals[0] if all(refusals) else None
    if isinstance(exc, aiormq.exceptions.ProbableAuthenticationError):
        return BrokerRefused(
            f"the broker at {where} refused the publisher's login: fix the user and "
            "password in amqp_url (OPDB_AMQP_URL)"
        )
    if isinstance(exc, aiormq.exceptions.ChannelNotFoundEntity):
        return BrokerRefused(
            f"the exchange {exchange!r} does not exist on the broker at {where}: load the "
            "deployment's definitions (deploy/rabbitmq) or fix exchange (OPDB_EXCHANGE)"
        )
    text = repr(exc)
    # RabbitMQ answers Connection.Open for an unknown (or forbidden) vhost by closing.
    if "Connection.OpenOk" in text and "Connection.Close" in text:
        return BrokerRefused(
            f"the broker at {where} closed the connection on opening its virtual host: "
            "create the vhost and grant the user access, or fix amqp_url (OPDB_AMQP_URL)"
        )
    return None


class PublishTimeout(PublishError):  # noqa: N818 - the name says what happened
    """An event was neither confirmed nor spooled within ``publish_timeout_s``, which
    only a stalled disk or a blocked event loop explains. Its storing goes on in the
    background."""


class ReceiptTimeout(PublishError):  # noqa: N818 - the name says what happened
    """No final receipt came within the time asked for. The event may still be committed
    later (say, once a missing parent arrives); ``notice`` is the last interim receipt."""

    def __init__(self, message: str, notice: Receipt | None = None) -> None:
        super().__init__(message)
        self.notice = notice


class PublisherSettings(BaseSettings):
    """Where and how a publisher sends; read from ``OPDB_*`` variables when built."""

    model_config = SettingsConfigDict(env_prefix="OPDB_", extra="ignore", hide_input_in_errors=True)

    amqp_url: SecretStr = Field(
        default=SecretStr("amqp://guest:guest@127.0.0.1:5672/"),
        description="RabbitMQ URL to publish to, or several (a cluster's nodes) separated by "
        "commas or spaces: each (re)connection moves on to the next that answers.",
    )
    exchange: str = Field(
        default=wire.EXCHANGE, min_length=1, description="Topic exchange of events."
    )
    spool_path: Path | None = Field(
        default=None,
        description="SQLite spool file; by default $XDG_STATE_HOME/opdb/spool-<source>.sqlite "
        "(~/.local/state when XDG_STATE_HOME is unset).",
    )
    spool_max_events: int = Field(
        default=100_000, ge=1, description="Events the spool may hold before SpoolFull."
    )
    publish_timeout_s: float = Field(
        default=2.0, gt=0, description="Longest that publish() holds up its caller."
    )
    receipt_timeout_s: float = Field(
        default=10.0, gt=0, description="Default longest wait for a write receipt."
    )
    site_timezone: str = Field(
        default=DEFAULT_SITE_TIMEZONE,
        description="Zone of the wall-clock times in timestamp-without-zone columns.",
    )

    @field_validator("amqp_url")
    @classmethod
    def _amqp_urls_are_urls(cls, value: SecretStr) -> SecretStr:
        amqp_urls(value.get_secret_value())
        return value

    @property
    def amqp_urls(self) -> list[str]:
        """The brokers of ``amqp_url``, in the order given."""
        return amqp_urls(self.amqp_url.get_secret_value())

    @property
    def brokers(self) -> str:
        """The brokers' hosts and ports, without credentials, for messages."""
        return ", ".join(broker_label(url) for url in self.amqp_urls)

    def spool_file(self, source: str) -> Path:
        """The spool of ``source``: the configured path or its per-source default."""
        if self.spool_path is not None:
            return self.spool_path.expanduser()
        state_home = os.environ.get("XDG_STATE_HOME", "")
        # The XDG spec says to ignore a relative value.
        base = Path(state_home) if os.path.isabs(state_home) else Path.home() / ".local/state"
        return base / "opdb" / f"spool-{source}.sqlite"


# -- rows -------------------------------------------------------------------------


class _StructuredArray(Protocol):
    """What this module uses of a NumPy structured array. NumPy and pandas are never
    imported here, so actors without them (and this module's import) do not pay."""

    @property
    def dtype(self) -> Any: ...

    @property
    def ndim(self) -> int: ...

    def tolist(self) -> Any: ...


class _DataFrame(Protocol):
    """What this module uses of a pandas DataFrame."""

    @property
    def columns(self) -> Any: ...

    def to_dict(self, *args: Any, **kwargs: Any) -> Any: ...


Rows: TypeAlias = "Iterable[Mapping[str, Any]] | _StructuredArray | _DataFrame"
"""Rows as mappings, a 1-d NumPy structured array or a pandas DataFrame."""


def _plain(value: Any) -> Any:
    """``value`` with NumPy scalars and arrays turned into Python objects: the contract
    is strict (``numpy.int64`` is not an ``int``). NaN stays a float NaN."""
    kind = type(value)
    if kind in _BUILTIN_SCALARS:
        return value
    if kind is list or kind is tuple:
        return [_plain(item) for item in value]
    if kind is dict:
        return {key: _plain(item) for key, item in value.items()}
    tolist = getattr(value, "tolist", None)
    return _plain(tolist()) if callable(tolist) else value


@functools.cache
def _integer_columns(table: str) -> frozenset[str]:
    known = Base.metadata.tables.get(table)
    if known is None:
        return frozenset()  # the contract reports the unknown table
    return frozenset(c.name for c in known.columns if isinstance(c.type, sa.Integer))


def _missing(value: Any) -> bool:
    """NaN, NaT or pandas' NA: the values pandas writes as NULL."""
    if type(value) is float:
        return value != value
    # pandas' NaT and NA, recognised without importing pandas.
    return type(value).__name__ in {"NaTType", "NAType"}


def _frame_rows(raw: Iterable[Mapping[str, Any]], integers: frozenset[str]) -> list[dict[str, Any]]:
    """Rows of a DataFrame or structured array with the values today's
    ``pfs.utils.database.opdb.OpDB.insert_dataframe`` stores for them: NaN (and NaT,
    NA) and empty strings become null, and a float with an integral value is accepted in
    an integer column (a float64 frame carries its ids as floats). A non-integral float
    there stays as it is, for the contract to refuse as it would any row."""
    rows = []
    for row in raw:
        clean: dict[str, Any] = {}
        for key, item in row.items():
            value = _plain(item)
            if _missing(value) or value == "":
                value = None
            elif type(value) is float and key in integers and value.is_integer():
                value = int(value)
            clean[key] = value
        rows.append(clean)
    return rows


def records(data: Rows, table: str | None = None) -> list[dict[str, Any]]:
    """Rows as new dicts of Python values, from any of the forms :data:`Rows` allows;
    the caller's objects are never modified.

    Rows given as mappings are taken as they are (NaN stays NaN, as with today's
    ``insert_kw``). A DataFrame or a structured array is read the way today's
    ``insert_dataframe`` reads it (pandas' semantics): NaN, NaT and empty strings become
    null and, given the ``table``, integral floats in its integer columns become ints.
    """
    table_data: Any = data
    if isinstance(table_data, Mapping):
        raise TypeError("rows must be a sequence of rows, not one mapping: wrap it in a list")
    integers = _integer_columns(table) if table is not None else frozenset()
    if hasattr(table_data, "columns") and callable(getattr(table_data, "to_dict", None)):
        return _frame_rows(table_data.to_dict("records"), integers)  # a pandas DataFrame
    if (names := getattr(getattr(table_data, "dtype", None), "names", None)) is not None:
        if table_data.ndim != 1:
            raise TypeError(f"a structured array of rows must be 1-d, not {table_data.ndim}-d")
        # tolist() converts every field to Python in C; _plain is left with sub-arrays.
        return _frame_rows(
            (dict(zip(names, record, strict=True)) for record in table_data.tolist()), integers
        )
    if hasattr(table_data, "dtype"):
        raise TypeError(f"a NumPy array of rows needs named fields, not dtype {table_data.dtype}")
    rows = []
    for number, row in enumerate(table_data):
        if not isinstance(row, Mapping):
            raise TypeError(f"row {number} is a {type(row).__name__}, not a mapping")
        rows.append({key: _plain(value) for key, value in row.items()})
    return rows


def _write(table: str, op: Op, rows: Rows) -> dict[str, Any]:
    return {"table": table, "op": op.value, "rows": records(rows, table)}


def insert(table: str, rows: Rows) -> dict[str, Any]:
    """A write that inserts ``rows``; an existing key is a conflict the daemon rejects."""
    return _write(table, Op.INSERT, rows)


def upsert(table: str, rows: Rows) -> dict[str, Any]:
    """A write that inserts ``rows`` or, for keys that exist, sets the given columns."""
    return _write(table, Op.UPSERT, rows)


def update(table: str, rows: Rows) -> dict[str, Any]:
    """A write that sets the given columns of existing rows, found by primary key."""
    return _write(table, Op.UPDATE, rows)


def mcs_frame_writes(exposure: Mapping[str, Any], data: Rows) -> list[dict[str, Any]]:
    """One MCS frame: its ``mcs_exposure`` row and its ``mcs_data`` spots.

    Spots may leave out ``mcs_frame_id`` (centroid tables do not carry it); it is taken
    from the exposure. A frame without spots is the exposure alone, since a write must
    have rows.
    """
    (frame,) = records([exposure])
    spots = records(data, "mcs_data")
    if "mcs_frame_id" in frame:
        for spot in spots:
            spot.setdefault("mcs_frame_id", frame["mcs_frame_id"])
    writes = [insert("mcs_exposure", [frame])]
    if spots:
        writes.append({"table": "mcs_data", "op": Op.INSERT.value, "rows": spots})
    return writes


def tel_status_writes(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One telescope status snapshot (its ``pfs_visit`` must exist or come first)."""
    return [insert("tel_status", [row])]


def sps_exposure_writes(
    exposures: Rows, sps_visit: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The ``sps_exposure`` rows of the cameras of one visit, with its ``sps_visit``.

    The visit row is upserted, so that each camera's event of a visit may carry it.
    """
    writes = [insert("sps_exposure", exposures)]
    if sps_visit is not None:
        writes.insert(0, upsert("sps_visit", [sps_visit]))
    return writes


def iic_sequence_writes(
    sequence: Mapping[str, Any], status: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """An IIC sequence and, once it ended, its status.

    The sequence row is upserted, so the same call can be made when the sequence starts
    and again with its status when it ends.
    """
    writes = [upsert("iic_sequence", [sequence])]
    if status is not None:
        writes.append(insert("iic_sequence_status", [status]))
    return writes


# -- the spool --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Outgoing:
    """One validated event, ready to send: everything the spool keeps of it."""

    event_id: uuid.UUID
    source: str
    routing_key: str
    body: bytes

    def message(self, reply_to: str | None = None) -> aio_pika.Message:
        return aio_pika.Message(
            self.body,
            # Only events whose sender waits for a receipt carry these.
            reply_to=reply_to,
            correlation_id=str(self.event_id) if reply_to is not None else None,
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            # The broker matches a returned (unroutable) message to its publish by id.
            message_id=str(self.event_id),
            app_id=self.source,
            headers={SOURCE_HEADER: self.source},
        )


@dataclass(frozen=True, slots=True)
class _Spooled:
    seq: int
    event: _Outgoing


class _Spool:
    """Events waiting for the broker, in one SQLite table ordered by ``seq``.

    Every commit is fsynced (WAL, ``synchronous=FULL``): ``publish`` reports an event
    accepted once it is here, so a power cut must not take it back. The file is held
    in exclusive locking mode for the life of the publisher, because two publishers
    draining one spool would send its events twice and out of order.

    Methods block; the publisher calls them from one worker thread, in order.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: transactions are explicit; timeout=0: a spool that is
            # in use fails at once instead of after a wait.
            self._db = sqlite3.connect(
                path, isolation_level=None, timeout=0, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise PublishError(f"cannot open spool {path}: {exc}") from exc
        try:
            self._db.execute("PRAGMA locking_mode = EXCLUSIVE")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            # The first write transaction takes the lock that exclusive mode then keeps.
            self._db.execute("BEGIN IMMEDIATE")
            (version,) = self._db.execute("PRAGMA user_version").fetchone()
            if version == 0:
                self._db.execute(
                    "CREATE TABLE spool ("
                    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                    " event_id TEXT NOT NULL,"
                    " source TEXT NOT NULL,"
                    " routing_key TEXT NOT NULL,"
                    " body BLOB NOT NULL,"
                    " created_at TEXT NOT NULL)"
                )
                self._db.execute(f"PRAGMA user_version = {_SPOOL_FORMAT}")
            elif version != _SPOOL_FORMAT:
                raise PublishError(
                    f"spool {path} has format {version}, this publisher reads {_SPOOL_FORMAT}"
                )
            self._db.execute("COMMIT")
            (self.initial_count,) = self._db.execute("SELECT count(*) FROM spool").fetchone()
        except sqlite3.Error as exc:
            self._db.close()
            if exc.sqlite_errorname == "SQLITE_BUSY":
                raise PublishError(
                    f"spool {path} is in use by another publisher; give each its own file"
                ) from exc
            raise PublishError(f"cannot open spool {path}: {exc}") from exc
        except PublishError:
            self._db.close()
            raise

    def append(self, event: _Outgoing) -> None:
        self._db.execute(
            "INSERT INTO spool (event_id, source, routing_key, body, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                str(event.event_id),
                event.source,
                event.routing_key,
                event.body,
                datetime.datetime.now(datetime.UTC).isoformat(),
            ),
        )

    def oldest(self, max_events: int, max_bytes: int) -> list[_Spooled]:
        """The oldest events, as many as fit the limits but always at least one."""
        batch: list[_Spooled] = []
        size = 0
        query = "SELECT seq, event_id, source, routing_key, body FROM spool ORDER BY seq"
        with contextlib.closing(self._db.execute(query)) as cursor:
            for seq, event_id, source, routing_key, body in cursor:
                if batch and (len(batch) >= max_events or size + len(body) > max_bytes):
                    break
                event = _Outgoing(uuid.UUID(event_id), source, routing_key, body)
                batch.append(_Spooled(seq, event))
                size += len(body)
        return batch

    def delete(self, seqs: Sequence[int]) -> None:
        # One transaction, one fsync; the context manager commits or rolls back, so a
        # failure cannot leave later appends inside an open transaction.
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("DELETE FROM spool WHERE seq = ?", [(seq,) for seq in seqs])

    def close(self) -> None:
        self._db.close()


def _reraise_if_cancelled() -> None:
    """aio-pika can raise a stray CancelledError from a dead connection's internals;
    treat that one as a broker error, but never swallow a cancellation of this task."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def _report_late_failure(task: asyncio.Task[None]) -> None:
    """Log a delivery that failed after its caller stopped waiting for it."""
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.error("event could not be stored after its publish timed out: %r", exc)


async def _close_quietly(connection: AbstractConnection) -> None:
    """Close within a time limit: a stuck connection is being dropped anyway."""
    try:
        await asyncio.wait_for(connection.close(), _CLOSE_TIMEOUT_S)
    except (*_BROKER_ERRORS, asyncio.CancelledError):
        _reraise_if_cancelled()


@dataclass(slots=True)
class _Slot:
    """Where one awaited receipt lands; ``notice`` is the last interim one."""

    future: asyncio.Future[Receipt]
    notice: Receipt | None = None


class _NotConfirmedError(PublishError):
    """The broker answered a publish with something other than an ack."""


async def _send(
    exchange: AbstractExchange,
    event: _Outgoing,
    confirm_within_s: float,
    reply_to: str | None = None,
) -> None:
    """Publish and wait for the confirm; raises unless the broker acked a routed message.

    The channel has ``on_return_raises``, so an unroutable message raises aiormq's
    ``PublishError`` and a nack its ``DeliveryError``. The time limit is aiormq's own,
    which keeps cancellation inside the publishing task (safe, unlike ``wait_for``).
    """
    result = await exchange.publish(
        event.message(reply_to), event.routing_key, mandatory=True, timeout=confirm_within_s
    )
    if not isinstance(result, aiormq.spec.Basic.Ack):
        raise _NotConfirmedError(f"broker answered {result!r}")


class _Backoff:
    """Doubling waits between attempts, capped."""

    def __init__(self) -> None:
        self._next = _FIRST_BACKOFF_S

    def take(self) -> float:
        delay, self._next = self._next, min(self._next * 2, _MAX_BACKOFF_S)
        return delay

    def reset(self) -> None:
        self._next = _FIRST_BACKOFF_S


# -- the publishers ---------------------------------------------------------------


class AsyncPublisher:
    """Publishes events of one ``source`` from asyncio code; the core of both clients.

    Use ``async with AsyncPublisher("mcs", settings) as publisher:`` (or :meth:`start`
    and :meth:`close`). A background task owns the broker connection: it reconnects
    with a back-off capped at 10 s and sends the spool. ``publish`` itself never
    connects, so it costs a confirm round trip when the broker is there and a local
    write when it is not.
    """

    def __init__(
        self, source: str, settings: PublisherSettings | None = None, **overrides: Any
    ) -> None:
        if re.fullmatch(SOURCE_PATTERN, source) is None:
            raise ValueError(f"source must match {SOURCE_PATTERN}, not {source!r}")
        if settings is None:
            settings = PublisherSettings(**overrides)
        elif overrides:
            # Re-validated (not model_copy) so that overrides get their field types.
            settings = type(settings)(**{**settings.model_dump(), **overrides})
        self._source = source
        self._settings = settings
        self._contract = Contract(site_timezone=settings.site_timezone)
        self._spool = _Spool(settings.spool_file(source))
        # One worker thread: spool calls run in the order they are made, off the loop.
        self._spool_thread = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=f"opdb-spool-{source}"
        )
        # Events in the spool plus those being written to it; new events queue behind
        # them from the moment the count is raised, which is what keeps the order.
        self._backlog: int = self._spool.initial_count
        self._empty = asyncio.Event()
        if not self._backlog:
            self._empty.set()
        self._wake = asyncio.Event()  # work for the link task
        self._poke = asyncio.Event()  # flush(): stop backing off and try now
        self._attempted = asyncio.Event()  # the first connection attempt is over
        self._connection: AbstractConnection | None = None
        self._exchange: AbstractExchange | None = None
        self._link: asyncio.Task[None] | None = None
        self._deliveries: set[asyncio.Task[None]] = set()
        self._reachable: bool | None = None
        # Index in amqp_urls of the broker to try first at the next connect.
        self._next_broker = 0
        self._refused: BrokerRefused | None = None
        self._closed = False
        # Receipts: a reply queue is declared only once some event asks for one.
        self._reply_queue = f"{REPLY_QUEUE_PREFIX}{source}.{uuid.uuid4().hex}"
        self._receipts_wanted = False
        self._reply_ready = False
        self._slots: OrderedDict[uuid.UUID, _Slot] = OrderedDict()

    @property
    def source(self) -> str:
        return self._source

    @property
    def settings(self) -> PublisherSettings:
        return self._settings

    @property
    def spool_path(self) -> Path:
        return self._spool.path

    def pending(self) -> int:
        """Events waiting in the spool for the broker."""
        return self._backlog

    async def start(self) -> None:
        """Start the link task and give its first connection attempt up to
        ``publish_timeout_s``, so that the first events go straight to the broker."""
        if self._closed:
            raise PublishError("the publisher is closed")
        if self._link is None:
            self._link = asyncio.create_task(self._maintain(), name=f"opdb-publish-{self._source}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._attempted.wait(), self._settings.publish_timeout_s)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @overload
    async def publish(
        self,
        writes: Sequence[Mapping[str, Any]],
        *,
        receipt: bool = False,
        wait: Literal[False] = False,
        timeout: float | None = None,  # noqa: ASYNC109 - a receipt wait
    ) -> uuid.UUID: ...

    @overload
    async def publish(
        self,
        writes: Sequence[Mapping[str, Any]],
        *,
        receipt: bool = False,
        wait: Literal[True],
        timeout: float | None = None,  # noqa: ASYNC109 - a receipt wait
    ) -> Receipt: ...

    async def publish(
        self,
        writes: Sequence[Mapping[str, Any]],
        *,
        receipt: bool = False,
        wait: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109 - a receipt wait, as in receipt()
    ) -> uuid.UUID | Receipt:
        """Publish one event made of ``writes`` and return its id once it is confirmed
        by the broker or stored in the spool.

        Raises :class:`EventRejected` (nothing sent) for an event the daemon would
        refuse, :class:`BrokerRefused` (nothing spooled) while the broker refuses this
        publisher's credentials, vhost or exchange, :class:`SpoolFull` when it cannot be
        spooled, and :class:`PublishTimeout`
        if neither could be done within ``publish_timeout_s``.

        ``receipt=True`` asks the daemon to say what became of the event; collect the
        answer with :meth:`receipt`. ``wait=True`` (which implies it) returns that
        :class:`Receipt` instead of the id, waiting up to ``timeout`` (default
        ``receipt_timeout_s``) and raising :class:`ReceiptTimeout` after.
        """
        deadline = time.monotonic() + self._settings.publish_timeout_s
        event = self._prepare(writes)
        await self._publish_prepared(event, deadline, receipt or wait)
        if wait:
            return await self.receipt(event.event_id, timeout)
        return event.event_id

    async def receipt(
        self,
        event_id: uuid.UUID,
        timeout: float | None = None,  # noqa: ASYNC109 - part of the documented API
    ) -> Receipt:
        """The final receipt of an event published with ``receipt=True``: committed
        (with generated keys) or rejected (reason, detail). Each receipt is handed out
        once. Raises :class:`ReceiptTimeout` if none came within ``timeout`` seconds
        (default ``receipt_timeout_s``); asking again later is fine."""
        slot = self._slots.get(event_id)
        if slot is None:
            raise PublishError(
                f"no receipt is expected for event {event_id}: publish it with "
                "receipt=True, through this publisher (each receipt is handed out once)"
            )
        wait = self._settings.receipt_timeout_s if timeout is None else timeout
        try:
            answer = await asyncio.wait_for(asyncio.shield(slot.future), wait)
        except TimeoutError:
            last = (
                f"; last heard: {slot.notice.status} ({slot.notice.reason}: {slot.notice.detail})"
                if slot.notice
                else ""
            )
            raise ReceiptTimeout(
                f"no receipt for event {event_id} within {wait} s{last}", slot.notice
            ) from None
        self._slots.pop(event_id, None)
        return answer

    async def _publish_prepared(self, event: _Outgoing, deadline: float, receipt: bool) -> None:
        if receipt:
            await self._ask_receipt(event)
        await self._deliver_by(event, deadline)

    # -- receipts

    async def _ask_receipt(self, event: _Outgoing) -> None:
        self._receipts_wanted = True
        if self._connection is not None and not self._reply_ready:
            try:
                await self._declare_reply_queue()
            except aiormq.exceptions.ChannelAccessRefused as exc:
                raise PublishError(
                    f"cannot declare the reply queue {self._reply_queue} for receipts: "
                    f"{exc}; the broker user needs configure and read permission on "
                    f"{REPLY_QUEUE_PREFIX}* (deploy/rabbitmq/definitions.json); event "
                    f"{event.event_id} was not sent"
                ) from exc
            except _BROKER_ERRORS as exc:
                # The link task declares it again on its next connection.
                log.info("reply queue not declared yet (%r)", exc)
        self._slots[event.event_id] = _Slot(asyncio.get_running_loop().create_future())
        while len(self._slots) > _MAX_RECEIPT_SLOTS:
            oldest = next(iter(self._slots))
            self._slots.pop(oldest).future.cancel()

    def _reply_to(self, event: _Outgoing) -> str | None:
        """The reply queue for an event whose sender still waits for its receipt."""
        slot = self._slots.get(event.event_id)
        return self._reply_queue if slot is not None and not slot.future.done() else None

    async def _declare_reply_queue(self) -> None:
        """Declare this publisher's reply queue on the current connection and consume
        it: exclusive (no other connection may read it) and gone with the connection,
        so an actor that stops leaves nothing behind."""
        connection = self._connection
        if connection is None or self._reply_ready:
            return
        channel = await connection.channel(publisher_confirms=False)
        queue = await channel.declare_queue(self._reply_queue, exclusive=True, auto_delete=True)
        await queue.consume(self._on_receipt, no_ack=True)
        if self._connection is connection:
            self._reply_ready = True

    async def _on_receipt(self, message: AbstractIncomingMessage) -> None:
        try:
            answers = decode_receipts(message.body)
        except ValueError as exc:
            log.warning("ignored a message in the reply queue: %s", exc)
            return
        for answer in answers:
            slot = self._slots.get(answer.event_id)
            if slot is None or slot.future.done():
                continue
            if answer.final:
                slot.future.set_result(answer)
            else:
                slot.notice = answer

    async def publish_mcs_frame(self, exposure: Mapping[str, Any], data: Rows) -> uuid.UUID:
        """Publish :func:`mcs_frame_writes` as one event."""
        return await self.publish(mcs_frame_writes(exposure, data))

    async def publish_tel_status(self, row: Mapping[str, Any]) -> uuid.UUID:
        """Publish :func:`tel_status_writes` as one event."""
        return await self.publish(tel_status_writes(row))

    async def publish_sps_exposure(
        self, exposures: Rows, sps_visit: Mapping[str, Any] | None = None
    ) -> uuid.UUID:
        """Publish :func:`sps_exposure_writes` as one event."""
        return await self.publish(sps_exposure_writes(exposures, sps_visit))

    async def publish_iic_sequence(
        self, sequence: Mapping[str, Any], status: Mapping[str, Any] | None = None
    ) -> uuid.UUID:
        """Publish :func:`iic_sequence_writes` as one event."""
        return await self.publish(iic_sequence_writes(sequence, status))

    async def flush(self, timeout: float) -> bool:  # noqa: ASYNC109 - as Publisher.flush
        """Try to send the spool now; True once it is empty, False if ``timeout``
        passed first (the events stay spooled and are sent later)."""
        self._poke.set()
        self._wake.set()
        try:
            await asyncio.wait_for(self._empty.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def close(self) -> None:
        """Finish the publishes in progress, then disconnect and release the spool.

        The spool is not drained first: it is durable, and the next publisher on the
        same file sends what is left.
        """
        if self._closed:
            return
        self._closed = True
        if self._deliveries:
            await asyncio.wait(self._deliveries, timeout=self._settings.publish_timeout_s)
        if self._link is not None:
            self._link.cancel()
            await asyncio.wait({self._link}, timeout=_CLOSE_TIMEOUT_S)
        await self._disconnect()
        await asyncio.get_running_loop().run_in_executor(self._spool_thread, self._spool.close)
        self._spool_thread.shutdown(wait=False)
        if self._backlog:
            log.info(
                "publisher closed with %d events in the spool %s; they are sent when a "
                "publisher opens it again",
                self._backlog,
                self._spool.path,
            )

    # -- building an event (thread-safe: the sync Publisher calls it in its caller's thread)

    def _prepare(self, writes: Sequence[Mapping[str, Any]]) -> _Outgoing:
        if self._closed:
            raise PublishError("the publisher is closed")
        if isinstance(writes, Mapping):
            raise TypeError("writes must be a list of writes, not one: wrap it in a list")
        writes = list(writes)
        event = self._contract.validate(
            {
                "version": CONTRACT_VERSION,
                "id": uuid.uuid4(),
                "source": self._source,
                "sent_at": datetime.datetime.now(datetime.UTC),
                "writes": writes,
            }
        )
        return _Outgoing(
            event_id=event.id,
            source=self._source,
            # Validation passed, so the first write is a mapping with a known table.
            routing_key=f"{self._source}.{writes[0]['table']}",
            body=self._contract.encode(event),
        )

    # -- delivering one event

    async def _deliver_by(self, event: _Outgoing, deadline: float) -> None:
        """Deliver ``event`` in a task of its own that the caller waits on until the
        deadline: if the caller gives up or is cancelled, the event is still stored."""
        if self._link is None:
            raise PublishError("the publisher is not started: use 'async with' or start()")
        task = asyncio.create_task(self._deliver(event, deadline))
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)
        try:
            await asyncio.wait_for(asyncio.shield(task), max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            task.add_done_callback(_report_late_failure)
            raise PublishTimeout(
                f"event {event.event_id} was neither confirmed by the broker nor stored in "
                f"the spool {self._spool.path} within {self._settings.publish_timeout_s} s; "
                "it is still being stored"
            ) from None

    async def _deliver(self, event: _Outgoing, deadline: float) -> None:
        exchange = self._exchange
        if exchange is None and self._refused is not None:
            raise self._refused
        if exchange is not None and not self._backlog:
            # Half the budget for the confirm leaves the other half for the spool write.
            budget = max(0.0, deadline - time.monotonic()) / 2
            try:
                await _send(exchange, event, budget, self._reply_to(event))
                return
            except (*_BROKER_ERRORS, _NotConfirmedError, asyncio.CancelledError) as exc:
                _reraise_if_cancelled()
                log.info("event %s not confirmed (%r); spooling it", event.event_id, exc)
        await self._spool_event(event)

    async def _spool_event(self, event: _Outgoing) -> None:
        if self._backlog >= self._settings.spool_max_events:
            raise SpoolFull(
                f"{self._backlog} events are waiting in the spool {self._spool.path} for the "
                f"broker at {self._settings.brokers} "
                f"(limit spool_max_events={self._settings.spool_max_events}); event "
                f"{event.event_id} was not accepted"
            )
        self._count(+1)
        try:
            await asyncio.get_running_loop().run_in_executor(
                self._spool_thread, self._spool.append, event
            )
        except sqlite3.Error as exc:
            self._count(-1)
            raise PublishError(
                f"cannot store event {event.event_id} in the spool {self._spool.path}: {exc}"
            ) from exc
        self._wake.set()

    def _count(self, delta: int) -> None:
        self._backlog += delta
        if self._backlog:
            self._empty.clear()
        else:
            self._empty.set()

    # -- the link task: connection and spool

    async def _maintain(self) -> None:
        """Keep a connection and send the spool, until cancelled by close()."""
        backoff = _Backoff()
        while True:
            try:
                if self._exchange is None:
                    try:
                        await self._connect()
                    finally:
                        self._attempted.set()
                if self._backlog and not await self._drain():
                    await self._pause(backoff.take())
                    continue
                backoff.reset()
                self._wake.clear()
                if self._exchange is not None and not self._backlog:
                    await self._wake.wait()
            except (*_BROKER_ERRORS, asyncio.CancelledError) as exc:
                _reraise_if_cancelled()
                refused = _refusal(exc, self._settings.brokers, self._settings.exchange)
                if refused is not None and self._refused is None:
                    log.error("%s; events are refused until it is fixed", refused)
                self._refused = refused
                self._note_reachable(False, exc)
                await self._disconnect()
                await self._pause(backoff.take())
            except Exception:  # this task must outlive any surprise
                log.exception("publisher link failed; retrying")
                await self._pause(backoff.take())

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._poke.wait(), seconds)
        self._poke.clear()

    async def _connect(self) -> None:
        await self._disconnect()
        urls = self._settings.amqp_urls
        connection, index = await connect_first(
            urls,
            self._next_broker,
            timeout=_CONNECT_TIMEOUT_S,
            heartbeat=_HEARTBEAT_S,
            client_properties={"connection_name": f"opdb.publish {self._source}"},
        )
        try:
            channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
            # Checked, not declared: the actors' broker user may only publish. If the
            # exchange is missing this fails and events are refused (BrokerRefused)
            # until the daemon (or the deployment's definitions) creates it.
            exchange = await channel.get_exchange(self._settings.exchange, ensure=True)
        except BaseException:
            await _close_quietly(connection)
            raise

        def lost(_sender: object, exc: BaseException | None = None) -> None:
            # Also called by our own close; only the current connection matters.
            if self._connection is connection:
                self._exchange = None
                self._wake.set()

        # A reconnection starts with the next broker: this one may be what failed.
        self._next_broker = (index + 1) % len(urls)
        connection.close_callbacks.add(lost)
        channel.close_callbacks.add(lost)
        self._connection, self._exchange = connection, exchange
        self._reply_ready = False
        self._refused = None
        self._note_reachable(True)
        if self._receipts_wanted:
            try:
                await self._declare_reply_queue()
            except _BROKER_ERRORS as exc:
                # Publishing goes on; receipts of events sent meanwhile are lost.
                log.error("cannot declare the reply queue %s: %r", self._reply_queue, exc)

    async def _disconnect(self) -> None:
        connection, self._connection, self._exchange = self._connection, None, None
        self._reply_ready = False
        if connection is not None:
            await _close_quietly(connection)

    def _note_reachable(self, reachable: bool, exc: BaseException | None = None) -> None:
        """Log changes only: an outage is one warning, not one per retry."""
        if reachable == self._reachable:
            return
        self._reachable = reachable
        where = self._settings.brokers
        if reachable:
            log.info("connected to the broker at %s; %d events spooled", where, self._backlog)
        else:
            log.warning(
                "broker at %s unreachable (%r); events go to the spool %s",
                where,
                exc,
                self._spool.path,
            )

    async def _drain(self) -> bool:
        """Send the spool oldest first, a window at a time; True once it is empty.

        Each confirmed event is deleted, the others stay for the next attempt in their
        order. Order can only break when the broker refuses some events of a window and
        takes later ones, as when bindings route some tables and not others.
        """
        loop = asyncio.get_running_loop()
        while self._backlog:
            exchange = self._exchange
            if exchange is None:
                return False
            window = await loop.run_in_executor(
                self._spool_thread, self._spool.oldest, _DRAIN_WINDOW_EVENTS, _DRAIN_WINDOW_BYTES
            )
            if not window:
                return True
            results = await asyncio.gather(
                *(
                    _send(
                        exchange, item.event, _DRAIN_CONFIRM_TIMEOUT_S, self._reply_to(item.event)
                    )
                    for item in window
                ),
                return_exceptions=True,
            )
            confirmed = [
                item.seq for item, result in zip(window, results, strict=True) if result is None
            ]
            if confirmed:
                await loop.run_in_executor(self._spool_thread, self._spool.delete, confirmed)
                self._count(-len(confirmed))
            failures = [result for result in results if result is not None]
            if failures:
                log.warning(
                    "%d of %d spooled events not confirmed (first: %r); retrying",
                    len(failures),
                    len(window),
                    failures[0],
                )
                return False
        return True


class Publisher:
    """Publishes events of one ``source`` from synchronous code (threads, Twisted).

    Runs an :class:`AsyncPublisher` on a private event loop in a daemon thread; the
    methods may be called from any thread. Construction opens the spool and waits up
    to ``publish_timeout_s`` for the first connection attempt. Nothing is lost if the
    process exits without :meth:`close`: every accepted event is confirmed or spooled.
    """

    def __init__(
        self, source: str, settings: PublisherSettings | None = None, **overrides: Any
    ) -> None:
        self._core = AsyncPublisher(source, settings, **overrides)
        self._timeout = self._core.settings.publish_timeout_s
        self._loop = asyncio.new_event_loop()
        self._stopping = asyncio.Event()
        self._closed = False
        self._thread = threading.Thread(
            target=self._run, name=f"opdb-publisher-{source}", daemon=True
        )
        self._thread.start()
        self._call(self._core.start(), self._timeout + _CLOSE_TIMEOUT_S)

    def _run(self) -> None:
        # The runner cancels leftover tasks and shuts the loop down cleanly at the end.
        with asyncio.Runner(loop_factory=lambda: self._loop) as runner:
            runner.run(self._serve())

    async def _serve(self) -> None:
        await self._stopping.wait()
        await self._core.close()

    def _call(self, coroutine: Coroutine[Any, Any, _T], timeout: float) -> _T:
        """Run ``coroutine`` on the publisher's loop and wait up to ``timeout`` for it."""
        if self._closed:
            coroutine.close()
            raise PublishError("the publisher is closed")
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(max(0.0, timeout))

    @property
    def source(self) -> str:
        return self._core.source

    @property
    def settings(self) -> PublisherSettings:
        return self._core.settings

    @property
    def spool_path(self) -> Path:
        return self._core.spool_path

    def pending(self) -> int:
        """Events waiting in the spool for the broker."""
        return self._core.pending()

    @overload
    def publish(
        self,
        writes: Sequence[Mapping[str, Any]],
        *,
        receipt: bool = False,
        wait: Literal[False] = False,
        timeout: float | None = None,
    ) -> uuid.UUID: ...

    @overload
    def publish(
        self,
        writes: Sequence[Mapping[str, Any]],
        *,
        receipt: bool = False,
        wait: Literal[True],
        timeout: float | None = None,
    ) -> Receipt: ...

    def publish(
        self,
        writes: Sequence[Mapping[str, Any]],
        *,
        receipt: bool = False,
        wait: bool = False,
        timeout: float | None = None,
    ) -> uuid.UUID | Receipt:
        """Publish one event made of ``writes``; see :meth:`AsyncPublisher.publish`
        (``receipt``, ``wait`` and ``timeout`` as there).

        Validation runs in the calling thread, so a refused event costs no loop hop.
        """
        deadline = time.monotonic() + self._timeout
        event = self._core._prepare(writes)
        try:
            self._call(
                self._core._publish_prepared(event, deadline, receipt or wait),
                deadline - time.monotonic(),
            )
        except TimeoutError:
            # The loop did not answer in time, e.g. busy with a stalled spool write.
            raise PublishTimeout(
                f"event {event.event_id} was not stored within {self._timeout} s; "
                "it is still being stored"
            ) from None
        if wait:
            return self.receipt(event.event_id, timeout)
        return event.event_id

    def receipt(self, event_id: uuid.UUID, timeout: float | None = None) -> Receipt:
        """See :meth:`AsyncPublisher.receipt`."""
        wait = self.settings.receipt_timeout_s if timeout is None else timeout
        return self._call(self._core.receipt(event_id, wait), wait + _CLOSE_TIMEOUT_S)

    def publish_mcs_frame(self, exposure: Mapping[str, Any], data: Rows) -> uuid.UUID:
        """Publish :func:`mcs_frame_writes` as one event."""
        return self.publish(mcs_frame_writes(exposure, data))

    def publish_tel_status(self, row: Mapping[str, Any]) -> uuid.UUID:
        """Publish :func:`tel_status_writes` as one event."""
        return self.publish(tel_status_writes(row))

    def publish_sps_exposure(
        self, exposures: Rows, sps_visit: Mapping[str, Any] | None = None
    ) -> uuid.UUID:
        """Publish :func:`sps_exposure_writes` as one event."""
        return self.publish(sps_exposure_writes(exposures, sps_visit))

    def publish_iic_sequence(
        self, sequence: Mapping[str, Any], status: Mapping[str, Any] | None = None
    ) -> uuid.UUID:
        """Publish :func:`iic_sequence_writes` as one event."""
        return self.publish(iic_sequence_writes(sequence, status))

    def flush(self, timeout: float) -> bool:
        """Try to send the spool now; True once it is empty, False after ``timeout``."""
        return self._call(self._core.flush(timeout), timeout + _CLOSE_TIMEOUT_S)

    def close(self) -> None:
        """Finish the publishes in progress, disconnect, release the spool, end the
        thread; see :meth:`AsyncPublisher.close`."""
        if self._closed:
            return
        self._closed = True
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(self._timeout + 3 * _CLOSE_TIMEOUT_S)
        if self._thread.is_alive():
            log.warning("publisher thread did not stop in time", extra={"source": self.source})

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
