"""``opdb-ingestd journal``: what the journal holds, and replaying it into a database.

The journal is a RabbitMQ stream queue (``<OPDB_QUEUE>.journal``, declared with the rest
of the topology in :mod:`daemon.ingest.topology`) bound to the exchange with ``#``: it keeps a
copy of every event the exchange accepted, whatever the daemon did with it, until
retention (``OPDB_JOURNAL_MAX_AGE``, ``OPDB_JOURNAL_MAX_BYTES``) removes whole segments.
Reading a stream takes nothing away, so listing and replaying are safe at any time.

Replay parses each entry with the daemon's :class:`~opdb.contract.Contract` and writes
through the daemon's :class:`~daemon.ingest.writer.Writer` in batches: the same validation, the
same write path, and the same event ledger, so an event already in the database is
skipped (replay is idempotent) and a rehearsal times the real write path. Rejected
events are counted by reason and reported, never dead-lettered: the live dead-letter
queue belongs to the daemon. An event whose parent is not there yet (actors publish a
little out of order) waits in memory and is tried again after later batches, as the
daemon's retry queues would do.

A stream delivers no per-entry time over AMQP 0-9-1, only its offset
(``x-stream-offset``). Times select entries by the broker's chunk timestamps, at a
resolution of one second (AMQP timestamps are whole seconds): ``--from`` starts at the
first chunk written in or after that second, ``--to`` ends before the first chunk
written after it. Nights are the events' own ``sent_at`` (noon to noon, site time).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import re
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

import aiormq
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage

from daemon.errors import IngestError
from daemon.ingest.consumer import BROKER_ERRORS
from daemon.ingest.writer import TransientDatabaseError, Writer, WritesGated
from daemon.logs import mask_secrets
from daemon.ops import broker
from daemon.schema import migrations
from daemon.settings import Settings, libpq_database_url, mask_url
from opdb.contract import Contract, Event, EventRejected, Reason
from opdb.models import Base

# How long a probe waits for the stream's first answer, then for the rest of a chunk.
_PROBE_FIRST_S = 3.0
_PROBE_SETTLE_S = 0.3
# A reader that receives nothing for this long while holding nothing has read the tail.
_IDLE_END_S = 10.0
_PROGRESS_EVERY_S = 2.0
# Events waiting for a parent are held in memory; past this many, they are rejected.
_MAX_WAITING = 20_000
_DATABASE_ATTEMPTS = 8
_NIGHT_STARTS_AT = datetime.time(12, 0)
# The envelope's source and sent_at come before its writes: find them without parsing
# a body that may hold thousands of rows.
_PEEK_BYTES = 1024
_PEEK_SOURCE = re.compile(rb'"source"\s*:\s*"([^"\\]{1,200})"')
_PEEK_SENT_AT = re.compile(rb'"sent_at"\s*:\s*"([^"\\]{1,64})"')


class JournalError(IngestError):
    """The journal could not be read or replayed; the message says why."""


# --- Times and nights ---------------------------------------------------------------------


def parse_time(text: str) -> datetime.datetime:
    """An ISO 8601 time; one without a zone is UTC (the broker's and pg_dump's clock).
    A trailing `` UTC`` is accepted, so `pg_restore -l`'s "Archive created at" line can
    be pasted as it is."""
    text = text.strip().removesuffix(" UTC").replace("Z", "+00:00")
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 time: {text!r} (e.g. 2026-11-25T04:30:00Z)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (e.g. 2026-11-24)") from None


def night_of(moment: datetime.datetime, zone: datetime.tzinfo) -> datetime.date:
    """The observing night a moment belongs to: named by its evening's date, site time,
    from noon to noon, so one night's events never straddle two names."""
    local = moment.astimezone(zone)
    return (local - datetime.timedelta(hours=12)).date()


def night_window(night: datetime.date, zone: datetime.tzinfo) -> tuple[datetime.datetime, ...]:
    start = datetime.datetime.combine(night, _NIGHT_STARTS_AT, tzinfo=zone)
    return start, start + datetime.timedelta(days=1)


@dataclass(frozen=True)
class Peeked:
    """What a listing needs of an entry, read without validating the whole event."""

    source: str | None
    sent_at: datetime.datetime | None


def peek(body: bytes) -> Peeked:
    head = body[:_PEEK_BYTES]
    source = _PEEK_SOURCE.search(head)
    sent = _PEEK_SENT_AT.search(head)
    if source is None or sent is None:
        try:
            document = json.loads(body)
        except (ValueError, RecursionError):
            return Peeked(None, None)
        if not isinstance(document, dict):
            return Peeked(None, None)
        raw_source, raw_sent = document.get("source"), document.get("sent_at")
    else:
        raw_source, raw_sent = source[1].decode(errors="replace"), sent[1].decode()
    sent_at = None
    if isinstance(raw_sent, str):
        with contextlib.suppress(ValueError):
            sent_at = datetime.datetime.fromisoformat(raw_sent.replace("Z", "+00:00"))
            if sent_at.tzinfo is None:
                sent_at = None  # the contract refuses it too: no night to file it under
    return Peeked(raw_source if isinstance(raw_source, str) else None, sent_at)


# --- Reading the stream ---------------------------------------------------------------------

Position = int | str | datetime.datetime


def _offset(message: AbstractIncomingMessage) -> int:
    value = (message.headers or {}).get("x-stream-offset")
    if not isinstance(value, int):
        raise JournalError("journal entry without x-stream-offset: is it a stream queue?")
    return value


class Journal:
    """One connection to the broker, reading the journal stream."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._connection: AbstractConnection | None = None

    async def __aenter__(self) -> Journal:
        queue = self._settings.journal_queue

        async def check_journal(connection: AbstractConnection) -> None:
            channel = await connection.channel()
            try:
                await channel.declare_queue(queue, passive=True)
            except aiormq.exceptions.ChannelNotFoundEntity:
                raise JournalError(
                    f"journal {queue!r} does not exist on this broker: check OPDB_QUEUE (the "
                    "journal is declared by `opdb-ingestd run` and by the deployment's "
                    "definitions)"
                ) from None
            finally:
                with contextlib.suppress(*BROKER_ERRORS):
                    await channel.close()

        self._connection = await broker.connect(
            self._settings, f"journal {queue}", JournalError, check_journal
        )
        return self

    async def __aexit__(self, *_exc: object) -> None:
        connection, self._connection = self._connection, None
        await broker.close(connection)

    async def _channel(self, prefetch: int) -> AbstractChannel:
        assert self._connection is not None
        channel = await self._connection.channel()
        # A stream consumer needs a prefetch and manual acks: the acks only give credit.
        await channel.set_qos(prefetch_count=prefetch)
        return channel

    async def _probe(self, position: Position) -> list[int]:
        """Offsets the stream delivers from ``position``: its first chunk and whatever
        follows within a moment. Empty when nothing is there."""
        channel = await self._channel(prefetch=2000)
        seen: list[int] = []
        first = asyncio.Event()

        async def on_message(message: AbstractIncomingMessage) -> None:
            seen.append(_offset(message))
            first.set()
            await message.ack()

        try:
            queue = await channel.declare_queue(self._settings.journal_queue, passive=True)
            await queue.consume(on_message, arguments={"x-stream-offset": position})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(first.wait(), _PROBE_FIRST_S)
            if seen:
                await asyncio.sleep(_PROBE_SETTLE_S)
        finally:
            with contextlib.suppress(*BROKER_ERRORS):
                await channel.close()
        return seen

    async def tail(self) -> int | None:
        """Offset of the last entry now, or None for an empty journal."""
        seen = await self._probe("last")
        return max(seen) if seen else None

    async def first_after(self, moment: datetime.datetime) -> int | None:
        """Offset of the first entry written after ``moment``'s second, or None."""
        after = moment.replace(microsecond=0) + datetime.timedelta(seconds=1)
        seen = await self._probe(after)
        return min(seen) if seen else None

    async def read(
        self, start: Position, end: int, prefetch: int
    ) -> tuple[AbstractChannel, asyncio.Queue[AbstractIncomingMessage]]:
        """Start delivering entries from ``start`` into a queue; the caller stops at
        ``end`` (inclusive) and closes the channel."""
        channel = await self._channel(prefetch)
        inbox: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        queue = await channel.declare_queue(self._settings.journal_queue, passive=True)
        await queue.consume(inbox.put, arguments={"x-stream-offset": start})
        return channel, inbox


async def _next(
    inbox: asyncio.Queue[AbstractIncomingMessage], timeout_s: float
) -> AbstractIncomingMessage | None:
    try:
        return await asyncio.wait_for(inbox.get(), timeout_s)
    except TimeoutError:
        return None


@dataclass
class Range:
    """Which entries to read: from a stream position (offset, ``first``, or a time) to
    offset ``end``."""

    start: Position
    end: int | None  # inclusive; None: the journal is empty there


async def resolve_range(
    journal: Journal, start: datetime.datetime | None, to: datetime.datetime | None
) -> Range:
    tail = await journal.tail()
    end = tail
    if to is not None and tail is not None:
        after = await journal.first_after(to)
        end = tail if after is None else after - 1
    return Range(start if start is not None else "first", end)


async def _read_batches(
    journal: Journal,
    span: Range,
    batch_events: int,
    batch_bytes: int,
) -> AsyncIterator[list[AbstractIncomingMessage]]:
    """Batches of entries of ``span``, in stream order; each batch's messages are
    acknowledged (credit only) once the caller takes the next one."""
    if span.end is None:
        return
    channel, inbox = await journal.read(span.start, span.end, prefetch=2 * batch_events)
    try:
        done = False
        while not done:
            batch: list[AbstractIncomingMessage] = []
            size = 0
            while len(batch) < batch_events and size < batch_bytes:
                timeout = 0.2 if batch else _IDLE_END_S
                message = await _next(inbox, timeout)
                if message is None:
                    done = not batch
                    break
                offset = _offset(message)
                if offset > span.end:
                    done = True
                    break
                batch.append(message)
                size += len(message.body)
                if offset == span.end:
                    done = True
                    break
            if batch:
                yield batch
                await batch[-1].ack(multiple=True)
    finally:
        with contextlib.suppress(*BROKER_ERRORS, asyncio.CancelledError):
            await asyncio.wait_for(channel.close(), 10)


# --- Listing ---------------------------------------------------------------------------------


@dataclass
class Tally:
    events: int = 0
    bytes: int = 0

    def add(self, size: int) -> None:
        self.events += 1
        self.bytes += size


@dataclass
class Listing:
    by_night_source: dict[tuple[str, str], Tally] = field(default_factory=dict)
    first_offset: int | None = None
    last_offset: int | None = None
    replays: int = 0

    @property
    def total(self) -> Tally:
        total = Tally()
        for tally in self.by_night_source.values():
            total.events += tally.events
            total.bytes += tally.bytes
        return total

    def as_json(self) -> dict[str, Any]:
        nights: dict[str, dict[str, Any]] = {}
        for (night, source), tally in sorted(self.by_night_source.items()):
            entry = nights.setdefault(night, {"events": 0, "bytes": 0, "sources": {}})
            entry["events"] += tally.events
            entry["bytes"] += tally.bytes
            entry["sources"][source] = {"events": tally.events, "bytes": tally.bytes}
        return {
            "first_offset": self.first_offset,
            "last_offset": self.last_offset,
            "events": self.total.events,
            "bytes": self.total.bytes,
            "dlq_replays": self.replays,
            "nights": nights,
        }


async def collect_listing(
    settings: Settings, start: datetime.datetime | None, to: datetime.datetime | None = None
) -> Listing:
    zone = ZoneInfo(settings.site_timezone)
    listing = Listing()
    async with Journal(settings) as journal:
        span = await resolve_range(journal, start, to)
        async for batch in _read_batches(journal, span, 1000, 64 * 1024 * 1024):
            for message in batch:
                offset = _offset(message)
                if listing.first_offset is None:
                    listing.first_offset = offset
                listing.last_offset = offset
                seen = peek(message.body)
                night = night_of(seen.sent_at, zone).isoformat() if seen.sent_at else "?"
                key = (night, seen.source or "?")
                listing.by_night_source.setdefault(key, Tally()).add(len(message.body))
                if message.routing_key == "replay":
                    listing.replays += 1
    return listing


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def render_listing(listing: Listing, settings: Settings) -> str:
    document = listing.as_json()
    lines = [f"{'NIGHT':<12}{'SOURCE':<20}{'EVENTS':>10}{'BYTES':>14}"]
    for night, entry in document["nights"].items():
        for source, tally in entry["sources"].items():
            lines.append(f"{night:<12}{source:<20}{tally['events']:>10}{tally['bytes']:>14}")
        lines.append(
            f"{night:<12}{'(night)':<20}{entry['events']:>10}{entry['bytes']:>14}"
            f"  {_megabytes(entry['bytes'])}"
        )
    lines.append(
        f"{settings.journal_queue}: {document['events']} entries, "
        f"{_megabytes(document['bytes'])} of bodies, offsets "
        f"{document['first_offset']}..{document['last_offset']}; "
        f"{document['dlq_replays']} are `dlq replay` copies. Nights are sent_at, noon to "
        f"noon {settings.site_timezone}."
    )
    return "\n".join(lines)


# --- Replaying -------------------------------------------------------------------------------


@dataclass
class ReplayReport:
    read: int = 0
    selected: int = 0
    committed: int = 0
    already_present: int = 0
    rows: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    write_seconds: float = 0.0
    first_offset: int | None = None
    last_offset: int | None = None
    end_offset: int | None = None
    rows_by_table: Counter[str] = field(default_factory=Counter)

    def reject(self, rejection: EventRejected, count: int = 1) -> None:
        reason = rejection.reason.value
        self.rejected[reason] += count
        self.examples.setdefault(reason, rejection.detail)

    def as_json(self) -> dict[str, Any]:
        seconds = max(self.seconds, 1e-9)
        return {
            "read": self.read,
            "selected": self.selected,
            "committed": self.committed,
            "already_present": self.already_present,
            "rejected": dict(self.rejected),
            "rejected_examples": self.examples,
            "rows": self.rows,
            "rows_by_table": dict(sorted(self.rows_by_table.items())),
            "seconds": round(self.seconds, 2),
            "events_per_s": round(self.selected / seconds, 1),
            "rows_per_s": round(self.rows / seconds, 1),
            "first_offset": self.first_offset,
            "last_offset": self.last_offset,
        }


@dataclass(frozen=True)
class ReplayPlan:
    start: datetime.datetime | None
    to: datetime.datetime | None
    night: datetime.date | None
    conninfo: str
    batch_events: int
    batch_bytes: int


class _Replayer:
    def __init__(self, settings: Settings, plan: ReplayPlan, say: Callable[[str], None]) -> None:
        self._settings = settings
        self._plan = plan
        self._say = say
        self._contract = Contract(
            site_timezone=settings.site_timezone, max_body_bytes=settings.max_body_bytes
        )
        self._writer = Writer(
            plan.conninfo, Base.metadata, migrations.head_revision(), settings.copy_min_rows
        )
        # Events whose parent was missing, with the rejection they got last.
        self._waiting: list[tuple[Event, EventRejected]] = []
        self.report = ReplayReport()
        zone = ZoneInfo(settings.site_timezone)
        self._window = night_window(plan.night, zone) if plan.night else None
        self._last_progress = 0.0
        self._started = 0.0

    def _start_position(self) -> datetime.datetime | None:
        if self._plan.start is not None:
            return self._plan.start
        if self._window is not None:
            # Events of a night are published during it: a day of margin for clocks and
            # actors' spools, then the night is selected by sent_at.
            return self._window[0] - datetime.timedelta(days=1)
        return None

    async def run(self) -> ReplayReport:
        self._started = time.monotonic()
        try:
            async with Journal(self._settings) as journal:
                span = await resolve_range(journal, self._start_position(), self._plan.to)
                self.report.end_offset = span.end
                # Reading and parsing the next batches overlaps the writer's waits on
                # PostgreSQL, as in the daemon; two parsed batches ahead bound memory.
                parsed: asyncio.Queue[list[Event] | None] = asyncio.Queue()
                room = asyncio.Semaphore(2)
                reader = asyncio.create_task(self._read(journal, span, parsed, room))
                try:
                    while (events := await parsed.get()) is not None:
                        room.release()
                        await self._replay_batch(events)
                        self._progress()
                    await reader
                finally:
                    reader.cancel()
                    await asyncio.gather(reader, return_exceptions=True)
            await self._drain_waiting()
        finally:
            await self._writer.close()
        self.report.seconds = time.monotonic() - self._started
        return self.report

    def _select(self, message: AbstractIncomingMessage) -> Event | None:
        report = self.report
        report.read += 1
        offset = _offset(message)
        if report.first_offset is None:
            report.first_offset = offset
        report.last_offset = offset
        if self._window is not None:
            sent_at = peek(message.body).sent_at
            # An entry without a readable sent_at cannot be placed in a night; it goes on
            # to the contract, which says why it is no event.
            if sent_at is not None and not self._window[0] <= sent_at < self._window[1]:
                return None
        report.selected += 1
        try:
            return self._contract.parse(message.body)
        except EventRejected as rejection:
            report.reject(rejection)
            return None

    async def _read(
        self,
        journal: Journal,
        span: Range,
        parsed: asyncio.Queue[list[Event] | None],
        room: asyncio.Semaphore,
    ) -> None:
        try:
            async for batch in _read_batches(
                journal, span, self._plan.batch_events, self._plan.batch_bytes
            ):
                events = [e for e in map(self._select, batch) if e is not None]
                if events:
                    await room.acquire()
                    parsed.put_nowait(events)
        finally:
            # Unbounded, so the end mark always goes in and the writer always wakes up
            # (then learns from the task whether reading failed).
            parsed.put_nowait(None)

    async def _replay_batch(self, events: list[Event]) -> None:
        if await self._write(events) and self._waiting:
            await self._retry_waiting()

    async def _retry_waiting(self) -> int:
        waiting, self._waiting = self._waiting, []
        return await self._write([event for event, _ in waiting])

    async def _drain_waiting(self) -> None:
        """Try the events still waiting for a parent until a pass commits none; the
        rest never found their parent in this replay."""
        while self._waiting and await self._retry_waiting():
            pass
        for _, rejection in self._waiting:
            self.report.reject(rejection)
        self._waiting = []

    async def _write(self, events: list[Event]) -> int:
        """Write events; returns how many were committed. Missing parents wait."""
        report = self.report
        attempt = 0
        while True:
            try:
                started = time.monotonic()
                result = await self._writer.write(events)
                report.write_seconds += time.monotonic() - started
                break
            except WritesGated as exc:
                raise JournalError(
                    f"the database refuses writes: {exc}. Migrate it to this code's revision "
                    f"({migrations.head_revision()}) first, or wait for the migration to end"
                ) from exc
            except TransientDatabaseError as exc:
                attempt += 1
                if attempt >= _DATABASE_ATTEMPTS:
                    raise JournalError(f"giving up after {attempt} attempts: {exc}") from exc
                self._say(f"database trouble, retrying: {mask_secrets(str(exc))}")
                await asyncio.sleep(min(0.5 * 2**attempt, 15))
        report.committed += len(result.committed)
        report.already_present += len(result.duplicates)
        report.rows_by_table.update(result.rows_by_table)
        report.rows += sum(result.rows_by_table.values())
        for index, rejection in result.rejected.items():
            if rejection.reason is Reason.MISSING_PARENT and len(self._waiting) < _MAX_WAITING:
                self._waiting.append((events[index], rejection))
            else:
                report.reject(rejection)
        return len(result.committed)

    def _progress(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_progress < _PROGRESS_EVERY_S:
            return
        self._last_progress = now
        r = self.report
        elapsed = max(now - self._started, 1e-9)
        where = (
            f"offset {r.last_offset} of {r.end_offset}"
            if r.end_offset is not None
            else f"offset {r.last_offset}"
        )
        self._say(
            f"{where}: {r.selected} events, {r.committed} committed, {r.already_present} "
            f"already present, {sum(r.rejected.values())} rejected, {len(self._waiting)} "
            f"waiting for a parent; {r.selected / elapsed:.0f} events/s, "
            f"{r.rows / elapsed:.0f} rows/s"
        )


def render_report(report: ReplayReport, where: str) -> str:
    document = report.as_json()
    lines = [
        f"replayed {document['selected']} events into {where} in {document['seconds']} s "
        f"({document['events_per_s']} events/s, {document['rows_per_s']} rows/s): "
        f"{document['committed']} committed, {document['already_present']} already present, "
        f"{sum(report.rejected.values())} rejected",
    ]
    for reason, count in sorted(report.rejected.items()):
        lines.append(f"  rejected {reason}: {count}, e.g. {report.examples[reason][:160]}")
    return "\n".join(lines)


# --- The sub-commands ------------------------------------------------------------------------


def _say(line: str) -> None:
    print(f"opdb-ingestd journal: {line}", file=sys.stderr, flush=True)


class _Result(Protocol):
    def as_json(self) -> dict[str, Any]: ...


_R = TypeVar("_R", bound=_Result)


def _run(work: Coroutine[Any, Any, _R], as_json: bool, render: Callable[[_R], str]) -> int:
    """Run an action and print its result, as JSON or as text; broker trouble anywhere
    becomes one clear error (exit 1)."""

    async def run_and_print() -> int:
        result = await work
        print(json.dumps(result.as_json(), indent=2) if as_json else render(result))
        return 0

    try:
        return asyncio.run(run_and_print())
    except BROKER_ERRORS as exc:
        raise JournalError(f"RabbitMQ: {mask_secrets(repr(exc))}") from exc


def _list(args: argparse.Namespace, settings: Settings) -> int:
    listing = collect_listing(settings, args.start, args.to)
    return _run(listing, args.json, lambda listed: render_listing(listed, settings))


def _replay(args: argparse.Namespace, settings: Settings) -> int:
    if args.start is None and args.night is None:
        print("opdb-ingestd: journal replay needs --from TIME or --night DATE", file=sys.stderr)
        return 2
    target = libpq_database_url(args.into) if args.into else settings.libpq_url
    plan = ReplayPlan(
        start=args.start,
        to=args.to,
        night=args.night,
        conninfo=target,
        batch_events=args.batch,
        batch_bytes=settings.batch_max_bytes,
    )
    where = mask_url(target)
    zone = ZoneInfo(settings.site_timezone)
    if args.start is not None:
        _say(
            f"from {args.start:%Y-%m-%d %H:%M:%S} UTC "
            f"({args.start.astimezone(zone):%Y-%m-%d %H:%M:%S %Z})"
        )
    _say(f"replaying {settings.journal_queue} into {where}")
    replayer = _Replayer(settings, plan, _say)
    return _run(replayer.run(), args.json, lambda report: render_report(report, where))


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``journal`` and its actions to the CLI's sub-commands."""
    parser = commands.add_parser(
        "journal",
        help="list or replay the journal of every event the exchange accepted",
        description="The journal (<OPDB_QUEUE>.journal, a stream queue) keeps every "
        "accepted event until retention removes it. Reading it takes nothing away.",
    )
    actions = parser.add_subparsers(dest="journal_command", required=True, metavar="ACTION")

    listing = actions.add_parser(
        "list", help="events and bytes by night (sent_at, noon to noon) and source"
    )
    listing.add_argument(
        "--from", dest="start", type=parse_time, metavar="TIME", help="entries from TIME"
    )
    listing.add_argument("--to", type=parse_time, metavar="TIME", help="entries up to TIME")
    listing.add_argument("--json", action="store_true", help="JSON instead of a table")
    listing.set_defaults(handler=_list)

    replay = actions.add_parser(
        "replay",
        help="write journal entries into a database through the daemon's write path",
        description="Parse and write entries as the daemon does (same validation, same "
        "ledger: events already present are skipped). Rejects are counted by reason, not "
        "dead-lettered. TIME is ISO 8601; without a zone it is UTC.",
    )
    replay.add_argument(
        "--from", dest="start", type=parse_time, metavar="TIME", help="entries from TIME"
    )
    end = replay.add_mutually_exclusive_group()
    end.add_argument("--to", type=parse_time, metavar="TIME", help="entries up to TIME")
    end.add_argument(
        "--night",
        type=parse_date,
        metavar="DATE",
        help="only events sent in the night of DATE (noon to noon, site time)",
    )
    replay.add_argument(
        "--into",
        metavar="URL",
        help="write into this (migrated) database instead of OPDB_DATABASE_URL",
    )
    replay.add_argument(
        "--batch",
        type=int,
        default=500,
        metavar="N",
        help="events per transaction (default 500)",
    )
    replay.add_argument("--json", action="store_true", help="the report as JSON")
    replay.set_defaults(handler=_replay)
