"""``opdb-ingestd dlq``: look at, replay and purge the events the daemon rejected.

The dead-letter queue (``<OPDB_QUEUE>.dead``, a quorum queue) holds each rejected
event with its body and properties unchanged and the reason in ``x-opdb-*`` headers
(see :mod:`daemon.ingest.deadletter`). AMQP has no way to look at a queue without taking its
messages, so every action works the same way:

1. take the messages with ``basic.get`` and leave them *unacknowledged*, up to a limit,
   so that nothing is lost if this process dies: the broker gives them back;
2. decide which ones the filter selects;
3. acknowledge (remove) only those that were acted on, and give the rest back with
   ``nack(requeue=True)``. Order does not matter in a dead-letter queue.

Replay publishes the original body to the ingest exchange with publisher confirms and
acknowledges a dead letter only after its copy is confirmed. The event keeps its id, so
the daemon's event ledger makes a replay idempotent: a dead letter replayed twice (a
crash between the confirm and the ack, say) is written once.

Caveat: a quorum queue counts every give-back as a delivery. The daemon declares its
dead-letter queue without ``x-delivery-limit``; a policy that adds one would make these
tools drop dead letters after that many looks.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import shutil
import sys
import uuid
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import aio_pika
import aiormq
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
)
from pamqp.commands import Basic

from daemon.errors import IngestError
from daemon.ingest.consumer import BROKER_ERRORS
from daemon.ingest.deadletter import copy_of
from daemon.logs import mask_secrets
from daemon.ops import broker
from daemon.settings import Settings
from opdb.contract import Reason
from opdb.wire import (
    ATTEMPTS_HEADER,
    DETAIL_HEADER,
    FAILED_AT_HEADER,
    FIRST_FAILED_HEADER,
    HEADER_PREFIX,
    REASON_HEADER,
    REPLAYED_AT_HEADER,
)

# The dead-letter copy went through the default exchange, so the routing key the actor
# used is gone. The ingest queue is bound with "#"; a fixed key also lets anyone else
# bound to the exchange tell a replay from a first delivery.
REPLAY_ROUTING_KEY = "replay"
DEFAULT_LIMIT = 10_000
# Bodies may reach 16 MiB each: stop taking messages once this much is held in memory.
MAX_HELD_BYTES = 256 * 1024 * 1024
_GET_TIMEOUT_S = 30.0
_CONFIRM_TIMEOUT_S = 30.0
_PUBLISH_WINDOW = 100
_MIN_DETAIL_WIDTH = 20
_MAX_TABLES_WIDTH = 40
_MAX_SOURCE_WIDTH = 16
# Headers that describe one journey through the daemon (or the broker's own
# dead-lettering): a replay starts a fresh journey, with a fresh retry budget.
_BROKER_JOURNEY_HEADERS = frozenset(
    {
        "x-death",
        "x-first-death-exchange",
        "x-first-death-queue",
        "x-first-death-reason",
        "x-delivery-count",
    }
)


class DeadLetterError(IngestError):
    """A dead-letter action could not be carried out. Letters not yet acted on go back
    to the queue (the broker requeues whatever a closed channel held unacked)."""


# --- What a dead letter says, read without any service ----------------------------------


def _text(value: object) -> str | None:
    """A header or property value as text: AMQP strings may arrive as bytes."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _document(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is not one (a malformed event)."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return document if isinstance(document, dict) else None


def _normal_id(text: str) -> str:
    """Event ids compare as UUIDs, so ``ABC...`` and ``abc...`` name the same event."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return text


@dataclass(frozen=True)
class DeadLetter:
    """What an operator sorts dead letters by, read from one message."""

    event_id: str | None
    message_id: str | None
    source: str | None
    tables: tuple[str, ...]
    reason: str | None
    detail: str | None
    attempts: int | None
    failed_at: str | None
    first_failed_at: str | None = None
    replayed_at: str | None = None
    parsed: bool = True

    @property
    def label(self) -> str:
        """How the letter is named in a listing: event id, else message id, else ``-``."""
        return self.event_id or self.message_id or "-"

    def as_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "message_id": self.message_id,
            "source": self.source,
            "tables": list(self.tables),
            "reason": self.reason,
            "detail": self.detail,
            "attempts": self.attempts,
            "failed_at": self.failed_at,
            "first_failed_at": self.first_failed_at,
            "replayed_at": self.replayed_at,
            "parsed": self.parsed,
        }


def read_letter(
    body: bytes, headers: Mapping[str, object] | None, message_id: str | None = None
) -> DeadLetter:
    """Summarise one dead letter. Never raises: a body that is not an event still gets
    listed (by message id), since those are exactly the ones an operator must see."""
    headers = headers or {}
    document = _document(body)
    event_id = source = None
    tables: list[str] = []
    if document is not None:
        raw_id = document.get("id")
        event_id = _normal_id(raw_id) if isinstance(raw_id, str) else None
        raw_source = document.get("source")
        source = raw_source if isinstance(raw_source, str) else None
        writes = document.get("writes")
        for write in writes if isinstance(writes, list) else []:
            table = write.get("table") if isinstance(write, dict) else None
            if isinstance(table, str) and table not in tables:
                tables.append(table)
    attempts = headers.get(ATTEMPTS_HEADER)
    return DeadLetter(
        event_id=event_id,
        message_id=message_id,
        source=source,
        tables=tuple(tables),
        reason=_text(headers.get(REASON_HEADER)),
        detail=_text(headers.get(DETAIL_HEADER)),
        attempts=attempts if isinstance(attempts, int) and not isinstance(attempts, bool) else None,
        failed_at=_text(headers.get(FAILED_AT_HEADER)),
        first_failed_at=_text(headers.get(FIRST_FAILED_HEADER)),
        replayed_at=_text(headers.get(REPLAYED_AT_HEADER)),
        parsed=document is not None,
    )


@dataclass(frozen=True)
class Selection:
    """Which dead letters an action applies to.

    Values of one option are alternatives; different options must all hold. An empty
    selection selects everything, which replay and purge accept only with ``--all``.
    """

    ids: frozenset[str] = field(default_factory=frozenset)
    reasons: frozenset[str] = field(default_factory=frozenset)
    tables: frozenset[str] = field(default_factory=frozenset)
    sources: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(
        cls,
        ids: Iterable[str] = (),
        reasons: Iterable[str] = (),
        tables: Iterable[str] = (),
        sources: Iterable[str] = (),
    ) -> Selection:
        return cls(
            # An id is tried as given (message ids are free text, and aio-pika's look
            # like undashed UUIDs) and as a UUID (event ids, whatever the spelling).
            ids=frozenset(form for i in ids for form in (i.strip(), _normal_id(i.strip()))),
            reasons=frozenset(reasons),
            tables=frozenset(tables),
            sources=frozenset(sources),
        )

    @property
    def is_everything(self) -> bool:
        return not (self.ids or self.reasons or self.tables or self.sources)

    def matches(self, letter: DeadLetter) -> bool:
        if self.ids and not ({letter.event_id, letter.message_id} & self.ids):
            return False
        if self.reasons and letter.reason not in self.reasons:
            return False
        if self.tables and not self.tables.intersection(letter.tables):
            return False
        return not (self.sources and letter.source not in self.sources)


def replay_headers(
    headers: Mapping[str, Any] | None, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """Headers of a replayed copy: the actor's own headers, none of the previous
    journey's (reason, attempts, broker death records), and when it was replayed.

    Dropping ``x-opdb-attempts`` matters most: the copy gets a full retry budget.
    """
    now = now or datetime.datetime.now(datetime.UTC)
    kept = {
        name: value
        for name, value in (headers or {}).items()
        if not name.startswith(HEADER_PREFIX) and name not in _BROKER_JOURNEY_HEADERS
    }
    kept[REPLAYED_AT_HEADER] = now.isoformat(timespec="milliseconds")
    return kept


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())  # details may hold newlines; a row is one line
    return text if len(text) <= width else text[: max(width - 3, 0)] + "..."


def _short_time(stamp: str | None) -> str:
    if not stamp:
        return "-"
    try:
        moment = datetime.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return f"{moment:%Y-%m-%d %H:%M:%S}"


def format_table(letters: Sequence[DeadLetter], width: int) -> list[str]:
    """One line per dead letter, the detail clipped so a line fits ``width`` columns."""
    header = ("ID", "SOURCE", "REASON", "ATT", "FAILED AT (UTC)", "TABLES")
    rows = [
        (
            letter.label,
            _clip(letter.source or "-", _MAX_SOURCE_WIDTH),
            letter.reason or "-",
            "-" if letter.attempts is None else str(letter.attempts),
            _short_time(letter.failed_at),
            _clip(",".join(letter.tables) or "-", _MAX_TABLES_WIDTH),
        )
        for letter in letters
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    used = sum(widths) + 2 * len(widths)
    detail_width = max(width - used, _MIN_DETAIL_WIDTH)

    def line(cells: Sequence[str], detail: str) -> str:
        left = "  ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True))
        return f"{left}  {_clip(detail, detail_width)}".rstrip()

    return [
        line(header, "DETAIL"),
        *(line(row, letter.detail or "") for row, letter in zip(rows, letters, strict=True)),
    ]


def confirm(question: str, answers: TextIO | None, prompts: TextIO) -> bool | None:
    """Ask a yes/no question; None when nobody can answer (no terminal on stdin), so a
    destructive action run from a script without ``--yes`` is refused, not assumed."""
    if answers is None or answers.closed or not answers.isatty():
        return None
    print(f"{question} [y/N] ", end="", file=prompts, flush=True)
    return answers.readline().strip().lower() in {"y", "yes"}


# --- The queue ----------------------------------------------------------------------------


@dataclass
class Held:
    """A dead letter taken from the queue and not yet acknowledged."""

    message: AbstractIncomingMessage
    letter: DeadLetter
    settled: bool = False


@dataclass
class Taken:
    """What one pass over the dead-letter queue took."""

    held: list[Held]
    stopped_early: str | None

    def selected(self, selection: Selection) -> list[Held]:
        return [h for h in self.held if selection.matches(h.letter)]


class DeadLetterQueue:
    """One connection to the broker, a channel holding the taken letters unacked, and
    (for replay) a confirming channel on the ingest exchange."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._connection: AbstractConnection | None = None
        self._channel: AbstractChannel | None = None
        self._queue: AbstractQueue | None = None
        self._taken: list[Held] = []

    async def __aenter__(self) -> DeadLetterQueue:
        async def open_channel(connection: AbstractConnection) -> None:
            self._channel = await connection.channel(publisher_confirms=False)

        self._connection = await broker.connect(
            self._settings, f"dlq {self._settings.queue}", DeadLetterError, open_channel
        )
        return self

    async def __aexit__(self, *_exc: object) -> None:
        # Whatever was not settled goes back. On an error path the close alone would do
        # it, but giving back explicitly keeps the normal path independent of that.
        await self.give_back()
        connection, self._connection = self._connection, None
        await broker.close(connection)

    async def take(self, limit: int) -> Taken:
        """Take up to ``limit`` dead letters, unacknowledged, until the queue is empty."""
        assert self._channel is not None
        name = self._settings.dead_letter_queue
        try:
            self._queue = await self._channel.declare_queue(name, passive=True)
        except aiormq.exceptions.ChannelNotFoundEntity:
            raise DeadLetterError(
                f"dead-letter queue {name!r} does not exist on this broker: check OPDB_QUEUE "
                "(the queue is declared by the first `opdb-ingestd run`)"
            ) from None
        except BROKER_ERRORS as exc:
            raise DeadLetterError(f"cannot open dead-letter queue {name!r}: {exc!r}") from exc
        held_bytes = 0
        stopped: str | None = None
        try:
            while True:
                if len(self._taken) >= limit:
                    stopped = f"stopped at --limit {limit}"
                    break
                if held_bytes >= MAX_HELD_BYTES:
                    stopped = f"stopped after {MAX_HELD_BYTES // (1024 * 1024)} MiB of bodies"
                    break
                message = await self._queue.get(no_ack=False, fail=False, timeout=_GET_TIMEOUT_S)
                if message is None:
                    break
                held_bytes += len(message.body)
                letter = read_letter(message.body, message.headers, message.message_id)
                self._taken.append(Held(message, letter))
        except BROKER_ERRORS as exc:
            raise DeadLetterError(f"cannot read dead-letter queue {name!r}: {exc!r}") from exc
        if stopped is not None:
            # The count in the queue now excludes what we hold.
            rest = await self._remaining()
            if rest:
                stopped += f"; {rest} more were not looked at"
            else:
                stopped = None
        return Taken(list(self._taken), stopped)

    async def _remaining(self) -> int:
        assert self._channel is not None
        try:
            again = await self._channel.declare_queue(
                self._settings.dead_letter_queue, passive=True
            )
        except BROKER_ERRORS:
            return 0
        return again.declaration_result.message_count or 0

    async def remove(self, held: Held) -> None:
        """Acknowledge one dead letter: the broker deletes it."""
        await held.message.ack()
        held.settled = True

    async def give_back(self) -> None:
        """Return every unsettled dead letter to the queue."""
        for held in self._taken:
            if held.settled:
                continue
            held.settled = True
            try:
                await held.message.nack(requeue=True)
            except (*BROKER_ERRORS, aio_pika.exceptions.MessageProcessError):
                return  # the channel is gone, and with it our hold on every message

    async def ingest_exchange(self) -> AbstractExchange:
        """The ingest exchange on a channel with publisher confirms; raises if missing."""
        assert self._connection is not None
        channel = await self._connection.channel(publisher_confirms=True)
        try:
            return await channel.get_exchange(self._settings.exchange, ensure=True)
        except aiormq.exceptions.ChannelNotFoundEntity:
            raise DeadLetterError(
                f"ingest exchange {self._settings.exchange!r} does not exist: check OPDB_EXCHANGE"
            ) from None


async def _replay_one(exchange: AbstractExchange, held: Held, queue: DeadLetterQueue) -> str | None:
    """Publish one copy and, once confirmed as routed, remove the dead letter.

    Returns None on success, else why it stayed.
    """
    message = held.message
    copy = copy_of(message, replay_headers(message.headers))
    try:
        result = await exchange.publish(
            copy, REPLAY_ROUTING_KEY, mandatory=True, timeout=_CONFIRM_TIMEOUT_S
        )
    except (*BROKER_ERRORS, aio_pika.exceptions.DeliveryError) as exc:
        return f"not confirmed: {exc!r}"
    if not isinstance(result, Basic.Ack):
        # A returned message reached no queue: deleting its dead letter would lose it.
        return "unroutable: the exchange has no queue bound for it"
    try:
        await queue.remove(held)
    except (*BROKER_ERRORS, aio_pika.exceptions.MessageProcessError) as exc:
        # It was replayed, but the dead letter stays; replaying it again is harmless.
        return f"replayed but could not be removed: {exc!r}"
    return None


# --- The sub-commands -------------------------------------------------------------------


def _run(work: Coroutine[Any, Any, int]) -> int:
    """Run one action; broker trouble anywhere becomes one clear error (exit 1)."""
    try:
        return asyncio.run(work)
    except BROKER_ERRORS as exc:
        raise DeadLetterError(f"RabbitMQ: {mask_secrets(repr(exc))}") from exc


def _selection(args: argparse.Namespace) -> Selection:
    return Selection.of(
        ids=args.ids or (),
        reasons=args.reasons or (),
        tables=args.tables or (),
        sources=args.sources or (),
    )


def _report_stop(taken: Taken) -> None:
    if taken.stopped_early:
        print(f"opdb-ingestd: {taken.stopped_early}", file=sys.stderr)


def _scoped_selection(args: argparse.Namespace, verb: str) -> Selection | None:
    """The letters a destructive action works on; None (and why, on stderr) when it
    must not run."""
    selection = _selection(args)
    if refusal := _needs_scope(args, selection, verb):
        print(f"opdb-ingestd: {refusal}", file=sys.stderr)
        return None
    return selection


def _needs_scope(args: argparse.Namespace, selection: Selection, verb: str) -> str | None:
    """Why a destructive action must not run, or None: it needs a filter or --all."""
    if args.all and not selection.is_everything:
        return f"--all selects every dead letter; give either --all or filters to {verb}"
    if not args.all and selection.is_everything:
        return f"refusing to {verb} every dead letter without --all; give a filter or --all"
    return None


def _list(args: argparse.Namespace, settings: Settings) -> int:
    selection = _selection(args)

    async def work() -> int:
        async with DeadLetterQueue(settings) as dlq:
            taken = await dlq.take(args.limit)
        letters = [h.letter for h in taken.selected(selection)]
        if args.json:
            print(json.dumps([letter.as_json() for letter in letters], indent=2))
        elif letters:
            width = shutil.get_terminal_size((160, 24)).columns
            print("\n".join(format_table(letters, width)))
        summary = (
            f"{len(letters)} of {len(taken.held)} dead letters in "
            f"{settings.dead_letter_queue} match"
        )
        print(summary, file=sys.stderr if args.json else sys.stdout)
        _report_stop(taken)
        return 0

    return _run(work())


def _dump(value: object) -> str:
    return json.dumps(value, default=_text, ensure_ascii=False)


def _show_one(held: Held, number: int, of: int) -> None:
    message = held.message
    print(f"=== dead letter {number} of {of}: {held.letter.label}")
    print("headers:")
    for name, value in sorted((message.headers or {}).items()):
        print(f"  {name}: {_text(value) if isinstance(value, str | bytes) else _dump(value)}")
    print("properties:")
    properties = {
        "message_id": message.message_id,
        "content_type": message.content_type,
        "content_encoding": message.content_encoding,
        "delivery_mode": int(message.delivery_mode) if message.delivery_mode else None,
        "priority": message.priority,
        "correlation_id": message.correlation_id,
        "reply_to": message.reply_to,
        "timestamp": message.timestamp.isoformat() if message.timestamp else None,
        "type": message.type,
        "app_id": message.app_id,
        "redelivered": message.redelivered,
    }
    for name, value in properties.items():
        if value is not None:
            print(f"  {name}: {value}")
    document = _document(message.body)
    if document is None:
        print(f"body ({len(message.body)} bytes, not a JSON object):")
        print(message.body.decode("utf-8", "backslashreplace"))
    else:
        print("event:")
        print(json.dumps(document, indent=2, ensure_ascii=False))


def _show(args: argparse.Namespace, settings: Settings) -> int:
    selection = Selection.of(ids=[args.id])

    async def work() -> int:
        async with DeadLetterQueue(settings) as dlq:
            taken = await dlq.take(args.limit)
            found = taken.selected(selection)
            for number, held in enumerate(found, 1):
                _show_one(held, number, len(found))
        _report_stop(taken)
        if not found:
            print(
                f"opdb-ingestd: no dead letter with event or message id {args.id!r} among "
                f"{len(taken.held)} in {settings.dead_letter_queue}",
                file=sys.stderr,
            )
            return 1
        return 0

    return _run(work())


def _replay(args: argparse.Namespace, settings: Settings) -> int:
    selection = _scoped_selection(args, "replay")
    if selection is None:
        return 2

    async def work() -> int:
        failures: list[tuple[Held, str]] = []
        async with DeadLetterQueue(settings) as dlq:
            # Checked before taking anything, so a wrong OPDB_EXCHANGE holds nothing.
            exchange = await dlq.ingest_exchange()
            taken = await dlq.take(args.limit)
            chosen = taken.selected(selection)
            for start in range(0, len(chosen), _PUBLISH_WINDOW):
                window = chosen[start : start + _PUBLISH_WINDOW]
                outcomes = await asyncio.gather(*(_replay_one(exchange, h, dlq) for h in window))
                failures += [(h, why) for h, why in zip(window, outcomes, strict=True) if why]
        replayed = len(chosen) - len(failures)
        print(
            f"replayed {replayed} of {len(chosen)} selected dead letters to exchange "
            f"{settings.exchange!r}; {len(taken.held) - replayed} left in "
            f"{settings.dead_letter_queue}"
        )
        for held, why in failures:
            print(f"opdb-ingestd: {held.letter.label}: {why}", file=sys.stderr)
        _report_stop(taken)
        return 1 if failures else 0

    return _run(work())


def _purge(args: argparse.Namespace, settings: Settings) -> int:
    selection = _scoped_selection(args, "purge")
    if selection is None:
        return 2

    async def work() -> int:
        async with DeadLetterQueue(settings) as dlq:
            taken = await dlq.take(args.limit)
            chosen = taken.selected(selection)
            _report_stop(taken)
            if not chosen:
                print(f"no dead letter matches; nothing purged ({len(taken.held)} looked at)")
                return 0
            if not args.yes:
                # The letters stay held (unacked) while a person decides: nobody else
                # can act on them meanwhile, and a crash gives them back.
                answer = confirm(f"purge {len(chosen)} dead letters?", sys.stdin, sys.stderr)
                if answer is None:
                    print(
                        f"opdb-ingestd: {len(chosen)} dead letters match; refusing to purge "
                        "without confirmation (stdin is not a terminal): pass --yes",
                        file=sys.stderr,
                    )
                    return 1
                if not answer:
                    print("not purged", file=sys.stderr)
                    return 1
            try:
                for held in chosen:
                    await dlq.remove(held)
            except (*BROKER_ERRORS, aio_pika.exceptions.MessageProcessError) as exc:
                removed = sum(h.settled for h in chosen)
                raise DeadLetterError(
                    f"purge interrupted after {removed} of {len(chosen)}: {exc!r}"
                ) from exc
            print(
                f"purged {len(chosen)} dead letters from {settings.dead_letter_queue}; "
                f"{len(taken.held) - len(chosen)} left"
            )
            return 0

    return _run(work())


# --- Registration -------------------------------------------------------------------------


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, not {value}")
    return value


def _add_limit(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--limit",
        type=_positive,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"look at no more than N dead letters (default {DEFAULT_LIMIT})",
    )


def _add_filters(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "filters", "repeat an option for alternatives; different options must all match"
    )
    group.add_argument(
        "--id", dest="ids", action="append", metavar="ID", help="event id or message id"
    )
    group.add_argument(
        "--reason",
        dest="reasons",
        action="append",
        choices=[reason.value for reason in Reason],
        metavar="R",
        help="rejection reason: " + ", ".join(reason.value for reason in Reason),
    )
    group.add_argument(
        "--table", dest="tables", action="append", metavar="T", help="event writes to table T"
    )
    group.add_argument(
        "--source", dest="sources", action="append", metavar="S", help="event source (actor)"
    )
    _add_limit(parser)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``dlq`` and its actions to the CLI's sub-commands."""
    parser = commands.add_parser(
        "dlq",
        help="list, show, replay or purge rejected events",
        description="Work on the dead-letter queue (<OPDB_QUEUE>.dead). Letters are taken "
        "unacknowledged; only those acted on are removed, the rest go back.",
    )
    actions = parser.add_subparsers(dest="dlq_command", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="one line per dead letter")
    _add_filters(listing)
    listing.add_argument("--json", action="store_true", help="a JSON array instead of a table")
    listing.set_defaults(handler=_list)

    show = actions.add_parser("show", help="one dead letter in full: event and headers")
    show.add_argument("id", metavar="ID", help="event id or message id")
    _add_limit(show)
    show.set_defaults(handler=_show)

    replay = actions.add_parser(
        "replay",
        help="publish selected dead letters to the ingest exchange again",
        description="Publish the original body (same event id) with publisher confirms; "
        "a dead letter is removed only once its copy is confirmed.",
    )
    _add_filters(replay)
    replay.add_argument("--all", action="store_true", help="replay every dead letter")
    replay.set_defaults(handler=_replay)

    purge = actions.add_parser("purge", help="delete selected dead letters")
    _add_filters(purge)
    purge.add_argument("--all", action="store_true", help="purge every dead letter")
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    purge.set_defaults(handler=_purge)
