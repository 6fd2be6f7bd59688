"""The ingestion loop: consume, batch, write, dispose of rejects, acknowledge.

Ordering of side effects is the whole safety argument:

1. rows and ledger entries are committed in one transaction;
2. copies of rejected events are published and confirmed (retry or dead-letter queue);
3. only then are the batch's messages acknowledged.

A crash between any two steps leads to redelivery, which the ledger turns into a no-op.
Transient trouble (database or broker unreachable) never rejects an event: the batch is
held, the daemon reports not-ready, and it retries with back-off.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import enum
import functools
import time
from collections import Counter, deque
from dataclasses import dataclass

import psycopg
from prometheus_client import Gauge, ProcessCollector
from pydantic_core import from_json

from daemon.errors import IngestError
from daemon.ingest import diagnosis, gate, receipts
from daemon.ingest.batcher import Batcher
from daemon.ingest.consumer import (
    BROKER_RETRY_INTERVAL_S,
    CONFIRM_PATIENCE_S,
    BrokerOutage,
    Consumer,
    TransientBrokerError,
)
from daemon.ingest.control import PostgresControl
from daemon.ingest.deadletter import dispose
from daemon.ingest.gate import Gate, Mode, State
from daemon.ingest.messages import Delivery, Inbound
from daemon.ingest.metrics import HealthServer, Metrics
from daemon.ingest.ports import ConsumerFactory, ConsumerPort, ControlPort, WriterPort
from daemon.ingest.systemd import Notifier
from daemon.ingest.writer import BatchResult, TransientDatabaseError, Writer, WritesGated
from daemon.logs import get_logger
from daemon.schema import migrations
from daemon.settings import Settings
from opdb.contract import Contract, Event, EventRejected, Reason
from opdb.models import Base
from opdb.wire import ATTEMPTS_HEADER

log = get_logger(__name__)

# Until the first message shows how big they are: a few MCS frames at most.
_INITIAL_PREFETCH = 4
# After a large body the window is sized for bodies that large for this long, so that a
# run of small events between large ones does not open it wide just before the next.
_LARGE_BODY_MEMORY_S = 10.0
_FIRST_BACKOFF_S = 0.5
_RATE_WINDOW_S = 60.0
# A state that needs an operator is logged when entered, then reminded this often.
_REMINDER_S = 300.0
_REMINDED_STATES = frozenset(
    {State.MISCONFIGURED, State.NOT_READY, State.SCHEMA_MISMATCH, State.STALLED}
)
# How often a batch waiting on the database checks, and re-says what it waits on.
_STALL_TICK_S = 1.0
_STALL_REPORT_S = 10.0
# Closing a connection, a last report, a helper's end: each gets this long at shutdown.
_CLOSE_GRACE_S = 1.0
# The longest between two looks for a starved consumer (see _watch_starvation).
_STARVATION_CHECK_S = 5.0


class ExitStatus(enum.IntEnum):
    """How ``run`` ended, as the process exit code (documented in the README)."""

    OK = 0
    # The shutdown cap cut the final flush: what was in hand went back to the queue.
    FLUSH_CUT = 3
    # A supervised helper task ended unexpectedly; systemd should restart the daemon.
    HELPER_FAILED = 4


@dataclass
class Backoff:
    """Doubling delays between attempts, capped."""

    cap_s: float
    next_s: float = _FIRST_BACKOFF_S

    def take(self) -> float:
        delay, self.next_s = self.next_s, min(self.next_s * 2, self.cap_s)
        return delay

    def reset(self) -> None:
        self.next_s = _FIRST_BACKOFF_S


class IngestService:
    """One daemon instance: owns a broker link, a database link and the buffer between.

    The writer, the consumer (made with the service's delivery callback) and the control
    connection are the real ones built from ``settings`` unless given: tests hand in
    in-memory stand-ins to drive the loop without services."""

    def __init__(
        self,
        settings: Settings,
        notifier: Notifier | None = None,
        *,
        writer: WriterPort | None = None,
        consumer: ConsumerFactory | None = None,
        control: ControlPort | None = None,
    ) -> None:
        self._settings = settings
        self._notifier = notifier or Notifier({})
        self._contract = Contract(
            site_timezone=settings.site_timezone, max_body_bytes=settings.max_body_bytes
        )
        # A batch may take at most a third of the buffer's bodies (which count three
        # times, parsed), so the next batch is already arriving while one is written.
        self._batcher = Batcher(
            settings.batch_max_events,
            min(settings.batch_max_bytes, settings.buffer_max_bytes // 6),
            settings.batch_max_ms / 1000,
        )
        self._head = migrations.head_revision()
        self._writer: WriterPort = writer or Writer(
            settings.libpq_url, Base.metadata, self._head, settings.copy_min_rows
        )
        self._consumer: ConsumerPort = (consumer or functools.partial(Consumer, settings))(
            self._on_message
        )
        instance_key = gate.new_instance_key()
        self._instance_id = gate.instance_id_for(instance_key)
        self._control: ControlPort = control or PostgresControl(settings.libpq_url, instance_key)
        self._gate: Gate | None = None
        self._gate_changed = asyncio.Event()
        self._report_now = asyncio.Event()
        # The control connection is shared by the control loop and start-up.
        self._control_lock = asyncio.Lock()
        self._started_at = datetime.datetime.now(datetime.UTC)
        self._in_hand = 0
        self._commits: deque[tuple[float, int, int]] = deque()
        self._last_commit_at: datetime.datetime | None = None
        self.metrics = Metrics(tables=Base.metadata.tables)
        # Held rejects (waiting out a broker alarm) are unacknowledged too: a paused
        # daemon is settled only once they are.
        self.metrics.in_flight.set_function(
            lambda: len(self._batcher) + self._in_hand + self._consumer.held
        )
        self.metrics.rejects_unconfirmed.set_function(lambda: self._consumer.held)
        # Memory, against the bound the README states: bodies held, and the process's
        # resident set (its own registry has no process collector otherwise).
        Gauge(
            "opdb_held_bytes",
            "Message bodies received and not yet acknowledged",
            registry=self.metrics.registry,
        ).set_function(self.held_bytes)
        ProcessCollector(registry=self.metrics.registry)
        self.metrics.set_state(State.STARTING)
        self._backoff = Backoff(settings.reconnect_max_delay_s)
        self._broker_outage = BrokerOutage()
        self._deadline: float | None = None
        self._average_body = 0.0
        # (monotonic time, size) of the largest recent body, see _LARGE_BODY_MEMORY_S.
        self._largest_body = (0.0, 0)
        self._in_hand_bytes = 0
        self._prefetch_changed = asyncio.Event()
        self.state = State.STARTING
        self.state_reason = ""
        self.exit_status = ExitStatus.OK
        self._stopping = False
        self._state_logged_at = 0.0
        self._control_error = ""
        self._control_error_at = 0.0

    # -- receiving ---------------------------------------------------------------

    def _on_message(self, message: Inbound) -> None:
        # Parsing here, as messages arrive, overlaps validation with the writer's
        # waits on PostgreSQL.
        self.metrics.events_consumed.inc()
        delivery = Delivery(message=message, size=len(message.body))
        # A parsed event takes three to four times its body: a body larger than a batch
        # (always a batch of its own) stays raw until the writer takes it, so that large
        # events waiting in the buffer cost their bodies only.
        if delivery.size <= self._batcher.max_bytes:
            self._parse(delivery)
        now = time.monotonic()
        if delivery.size >= self._largest_body[1] or now - self._largest_body[0] > (
            _LARGE_BODY_MEMORY_S
        ):
            self._largest_body = (now, delivery.size)
        if self._average_body:
            self._average_body = 0.9 * self._average_body + 0.1 * delivery.size
        else:
            self._average_body = float(delivery.size)
        self._batcher.add(delivery)
        current = self._consumer.prefetch
        wanted = self._prefetch()
        # Each change re-subscribes, so only clear moves count: grow by doubling,
        # shrink by a quarter or more (sooner, since memory is at stake).
        if wanted >= 2 * current or 4 * wanted <= 3 * current or self._over_budget():
            self._prefetch_changed.set()

    def _parse(self, delivery: Delivery) -> None:
        try:
            delivery.event = self._contract.parse(delivery.message.body)
        except EventRejected as rejection:
            delivery.rejection = rejection
        # A body that breaks the reader itself (a bug of ours, not a refusal) must not
        # vanish: raised from the delivery callback it would be dropped by the AMQP
        # library and then acknowledged by the next batch's multiple ack. Dead-lettered
        # with the error, it is kept, named, and replayable once the reader is fixed.
        except Exception as exc:
            log.error(
                "could not read a message; dead-lettering it",
                message_id=delivery.message.message_id,
                error=repr(exc),
                exc_info=exc,
            )
            delivery.rejection = EventRejected(
                Reason.MALFORMED, f"the daemon failed reading it: {exc!r}"[:500]
            )
        delivery.parsed = True

    def _prefetch(self) -> int:
        """As many messages as fit the memory budget, up to two full batches (fewer and
        a batch could never fill while one is written); a single one while bodies are
        so large that two would not fit."""
        if not self._average_body:
            return max(1, min(_INITIAL_PREFETCH, self._budget() // self._settings.max_body_bytes))
        # A parsed event takes about twice its body, and the body is kept too. The
        # largest recent body counts, not the average: it is what can arrive next.
        size = max(self._average_body, float(self._largest_body[1]))
        fitting = int(self._budget() // (3 * size))
        return max(1, min(fitting, 2 * self._settings.batch_max_events))

    def _budget(self) -> int:
        return self._settings.buffer_max_bytes

    def held_bytes(self) -> int:
        """Bodies received and not yet settled: waiting in the buffer or being written."""
        return self._batcher.buffered_bytes + self._in_hand_bytes

    def _over_budget(self) -> bool:
        # One delivery is always let in, however large, or it could never be written.
        return len(self._batcher) > 0 and self.held_bytes() > self._budget()

    # -- state -------------------------------------------------------------------

    def _set_state(self, state: State, reason: str = "") -> None:
        if (state, reason) != (self.state, self.state_reason):
            level = log.error if state == State.MISCONFIGURED else log.info
            level("state", state=state, reason=reason or None)
            self._state_logged_at = time.monotonic()
            self._notifier.status(f"{state}: {reason}" if reason else state)
            self.metrics.set_state(state)
            self._report_now.set()
        elif state in _REMINDED_STATES and time.monotonic() - self._state_logged_at >= (
            _REMINDER_S
        ):
            # Still there: a slow reminder, not a line per retry.
            log.warning("state", state=state, reason=reason or None, reminder=True)
            self._state_logged_at = time.monotonic()
        self.state, self.state_reason = state, reason

    def _permanent_problem(self, exc: Exception) -> str | None:
        if isinstance(exc, TransientDatabaseError):
            return diagnosis.database_problem(str(exc))
        return diagnosis.broker_problem(str(exc), self._settings.amqp_url.get_secret_value())

    def _control_failed(self, exc: Exception) -> None:
        """The control loop retries every interval; say each distinct failure once, then
        remind at a slow cadence."""
        error = str(exc)
        now = time.monotonic()
        if error != self._control_error or now - self._control_error_at >= _REMINDER_S:
            problem = self._permanent_problem(exc) if isinstance(exc, IngestError) else None
            log.warning("control connection failed", error=error, fix=problem)
            self._control_error, self._control_error_at = error, now

    def _remaining(self) -> float | None:
        return None if self._deadline is None else self._deadline - time.monotonic()

    async def _pause(self, stop: asyncio.Event, seconds: float) -> None:
        """Sleep for a back-off, cut short by a stop request or the shutdown deadline."""
        remaining = self._remaining()
        if remaining is not None:
            seconds = max(0.0, min(seconds, remaining))
        self._notifier.progressed()
        if stop.is_set():
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)

    # -- connecting --------------------------------------------------------------

    async def _connect(self, stop: asyncio.Event) -> bool:
        """Connect whatever is disconnected; False if stopped before both were up."""
        while not stop.is_set():
            try:
                if not self._writer.connected:
                    await self._writer.connect()
                if self._gate is None:
                    await self._refresh_gate()
                if not self._consumer.connected:
                    dropped = self._batcher.discard(lambda d: d.message.stale)
                    if dropped:
                        log.info("dropped deliveries of a dead channel", count=dropped)
                    if self.state == State.RUNNING:
                        # Not healthy from the moment the connection is known dead.
                        self._set_state(State.NOT_READY, "broker connection lost; reconnecting")
                    await self._consumer.connect(self._prefetch())
                    self._broker_outage.ended()
                self._backoff.reset()
                return True
            except TransientBrokerError as exc:
                _reraise_if_cancelling()
                problem = self._permanent_problem(exc)
                if problem:
                    self._set_state(State.MISCONFIGURED, problem)
                    await self._pause(stop, self._backoff.take())
                else:
                    # An outage: try again at a steady short interval, said once.
                    self._set_state(State.NOT_READY, self._broker_outage.failed(str(exc)))
                    await self._pause(stop, BROKER_RETRY_INTERVAL_S)
            except TransientDatabaseError as exc:
                _reraise_if_cancelling()
                problem = self._permanent_problem(exc)
                if problem:
                    self._set_state(State.MISCONFIGURED, problem)
                else:
                    self._set_state(State.NOT_READY, str(exc))
                await self._pause(stop, self._backoff.take())
        return False

    # -- processing --------------------------------------------------------------

    async def _process(self, batch: list[Delivery], stop: asyncio.Event) -> None:
        started = time.perf_counter()
        live = [d for d in batch if not d.message.stale]
        with_event = [d for d in live if d.event is not None]
        events = [d.event for d in with_event if d.event is not None]
        want_keys = {i for i, d in enumerate(with_event) if receipts.asked(d)}
        backoff = Backoff(self._settings.reconnect_max_delay_s)
        while True:
            try:
                result = await self._write_watched(events, want_keys)
                break
            except WritesGated as exc:
                # A migration started under our feet, or the schema changed: give the
                # messages back to the queue and wait for the control loop's verdict.
                self._set_gate(Gate(exc.mode, str(exc)))
                await self._consumer.requeue([d.message for d in live])
                return
            except TransientDatabaseError as exc:
                _reraise_if_cancelling()
                self.metrics.transient_errors.labels("database").inc()
                self._set_state(State.NOT_READY, f"database: {exc}")
                remaining = self._remaining()
                if remaining is not None and remaining <= 0:
                    self._mark_cut("shutdown deadline passed with the database failing", len(live))
                    return
                await self._pause(stop, backoff.take())

        rejected: list[tuple[Delivery, EventRejected]] = [
            (d, d.rejection) for d in live if d.rejection is not None
        ]
        rejected += [(with_event[i], r) for i, r in result.rejected.items()]
        outcomes: Counter[str] = Counter()
        copies: dict[asyncio.Future[None], Inbound] = {}
        disposed = []
        for delivery, rejection in rejected:
            disposition = dispose(self._settings, delivery.message, rejection)
            publishing = self._consumer.publish(delivery.message, disposition)
            copies[asyncio.ensure_future(publishing)] = delivery.message
            disposed.append((delivery, rejection, disposition))
            outcome = "dead_lettered" if disposition.dead else "retried"
            outcomes[outcome] += 1
            counter = self.metrics.dead_letters if disposition.dead else self.metrics.retries
            counter.labels(rejection.reason.value).inc()
            event_id, source = _identity(delivery, self._settings.max_body_bytes)
            log.warning(
                outcome,
                event_id=event_id,
                source=source,
                message_id=delivery.message.message_id,
                reason=rejection.reason.value,
                detail=rejection.detail,
                attempts=disposition.headers.get(ATTEMPTS_HEADER),
            )
        if copies:
            # No waiting at all while the broker is known to hold our copies back.
            blocked = self._consumer.publishing_blocked is not None
            patience = 0.0 if blocked else CONFIRM_PATIENCE_S
            confirmed, waiting = await asyncio.wait(copies, timeout=patience)
            failures = [c.exception() for c in confirmed if c.exception() is not None]
            if failures:
                for pending in waiting:
                    pending.cancel()
                self.metrics.transient_errors.labels("broker").inc()
                # Nothing acknowledged: the broker redelivers the batch, committed events
                # are recognised by the ledger and the rejects are disposed of again.
                log.warning("could not dispose of rejected events", error=str(failures[0]))
                self._consumer.lost.set()
                return
            # Copies the broker holds back (an alarm blocks our publishing connection)
            # keep their originals unacknowledged until confirmed; everything else in
            # the batch is acknowledged now, so committable events keep flowing.
            for pending in waiting:
                self._consumer.hold(copies[pending], pending)
        if want_keys or any(receipts.asked(d) for d, _ in rejected):
            await self._send_receipts(receipts.build(with_event, result, disposed))
        unacked = await self._consumer.ack([d.message for d in live])
        self._notifier.progressed()
        self._record_commit(len(result.committed), sum(result.rows_by_table.values()))
        ages_ms = self._observe(result, events, len(live))
        sources = Counter(e.source for e in events)
        log.info(
            "batch",
            events=len(live),
            committed=len(result.committed),
            duplicates=len(result.duplicates),
            dead_lettered=outcomes["dead_lettered"],
            retried=outcomes["retried"],
            rows=dict(result.rows_by_table),
            sources=dict(sources),
            transactions=result.transactions,
            rollbacks=result.rollbacks,
            unacked=unacked,
            stale=len(batch) - len(live),
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            # sent_at to after the COMMIT and ack, oldest and newest committed event.
            age_ms_max=round(max(ages_ms), 1) if ages_ms else None,
            age_ms_min=round(min(ages_ms), 1) if ages_ms else None,
        )

    async def _send_receipts(self, outgoing: list[receipts.Outgoing]) -> None:
        if outgoing:
            failed = await self._consumer.send_receipts(outgoing)
            self.metrics.receipts_sent.inc(len(outgoing) - failed)
            self.metrics.receipts_failed.inc(failed)

    async def _write_watched(self, events: list[Event], want_keys: set[int]) -> BatchResult:
        """Write, watching the wait: waiting on the database is not being wedged, so the
        watchdog is fed; past ``stall_after_s`` the daemon says it is stalled and on
        what; past ``stall_give_up_s`` the attempt ends and the batch is retried."""
        write = asyncio.create_task(self._writer.write(events, want_keys))
        started = time.monotonic()
        said_at = 0.0
        try:
            while True:
                done, _ = await asyncio.wait({write}, timeout=_STALL_TICK_S)
                if done:
                    return write.result()
                self._notifier.progressed()
                waited = time.monotonic() - started
                if waited >= self._settings.stall_give_up_s:
                    raise TransientDatabaseError(
                        f"gave up a write after waiting {waited:.0f} s on the database"
                    )
                if waited >= self._settings.stall_after_s and (
                    waited - said_at >= _STALL_REPORT_S or self.state != State.STALLED
                ):
                    said_at = waited
                    blocker = await self._blocker()
                    self._set_state(
                        State.STALLED, f"waiting on the database for {waited:.0f} s{blocker}"
                    )
        finally:
            if not write.done():
                write.cancel()
                await asyncio.wait({write}, timeout=_CLOSE_GRACE_S)
                # The connection may be mid-statement: start afresh.
                await self._writer.close()

    async def _blocker(self) -> str:
        """``, lock held by pid N (app, state, since)`` when PostgreSQL can tell."""
        pid = self._writer.backend_pid
        if pid is None:
            return ""
        try:
            async with asyncio.timeout(2), self._control_lock:
                rows = await self._control.blockers(pid)
        except (TimeoutError, psycopg.Error):
            return ""
        if not rows:
            return ""
        holders = "; ".join(
            f"pid {r[0]} ({r[1] or 'no application name'}, {r[2]}"
            + (f", in a transaction for {r[3].total_seconds():.0f} s" if r[3] else "")
            + ")"
            for r in rows
        )
        return f", lock held by {holders}"

    # -- the loop ----------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Ingest until ``stop`` is set, then flush what is in hand and disconnect.

        Ends within ``shutdown_timeout_s`` (plus a few seconds for disconnecting) of
        ``stop``, whatever the database and the broker do; ``exit_status`` then says
        whether everything in hand was settled and whether a helper task failed."""
        helpers = {
            "prefetch adjuster": self._adjust_prefetch,
            # Reports start at once, so a daemon that cannot reach the broker still
            # tells `status` why it is not ready.
            "control loop": self._control_loop,
            "starvation watch": self._watch_starvation,
        }
        if self._notifier.watchdog_interval_s is not None:
            helpers["watchdog feeder"] = self._feed_watchdog
        tasks = {asyncio.create_task(make(), name=name): name for name, make in helpers.items()}
        for task in tasks:
            task.add_done_callback(functools.partial(self._helper_ended, stop))
        health = HealthServer(self.metrics, self.readiness)
        main = asyncio.create_task(self._main(stop), name="main loop")
        try:
            if self._settings.metrics_address:
                await health.start(self._settings.metrics_address)
            await _first_of_task(main, stop)
            self._deadline = time.monotonic() + self._settings.shutdown_timeout_s
            await self._end_main(main)
        finally:
            self._stopping = True
            if not main.done():
                main.cancel()
            await asyncio.shield(self._shutdown(stop))
            for task in tasks:
                task.cancel()
            # A helper that swallows its cancellation must not hold the exit.
            await asyncio.wait(tasks, timeout=_CLOSE_GRACE_S)
            await self._close_control()
            await health.stop()
        if main.done() and not main.cancelled() and main.exception() is not None:
            raise main.exception()  # type: ignore[misc]

    async def _main(self, stop: asyncio.Event) -> None:
        try:
            if await self._connect(stop):
                self._notifier.ready("connected")
            while not stop.is_set():
                if not (self._consumer.connected and self._writer.connected):
                    await self._connect(stop)
                    continue
                assert self._gate is not None, "read by _connect"
                if self._gate.mode is not Mode.RUNNING:
                    await self._hold(self._gate, stop)
                    continue
                if not self._over_budget() and not await self._consumer.start():
                    continue
                self._set_state(*self._running_state())
                batch = await self._batcher.next_batch(stop)
                self._notifier.progressed()
                if batch:
                    await self._process_in_hand(batch, stop)
        except TransientBrokerError as exc:
            self._consumer.lost.set()
            log.warning("broker error in the main loop", error=str(exc))

    async def _end_main(self, main: asyncio.Task[None]) -> None:
        """After a stop: let a batch being written finish until the deadline; anything
        else the main loop waits for (a connection, the next batch) is abandoned now."""
        if main.done():
            return
        if self._in_hand:
            remaining = max(0.0, self._deadline_left())
            await asyncio.wait({main}, timeout=remaining)
        if not main.done():
            if self._in_hand:
                self._mark_cut("shutdown cap reached while writing a batch", self._in_hand)
            main.cancel()
            await asyncio.wait({main}, timeout=_CLOSE_GRACE_S)

    def _deadline_left(self) -> float:
        return 0.0 if self._deadline is None else self._deadline - time.monotonic()

    def _mark_cut(self, why: str, events: int) -> None:
        log.warning(why + "; unfinished messages go back to the queue", events=events)
        if self.exit_status is ExitStatus.OK:
            self.exit_status = ExitStatus.FLUSH_CUT

    def _helper_ended(self, stop: asyncio.Event, task: asyncio.Task[None]) -> None:
        """A helper task only ends when the service stops; anything else is a fault that
        leaves the daemon half-alive, so stop it (and let systemd restart it)."""
        if self._stopping or (task.cancelled() and stop.is_set()):
            return
        error = None if task.cancelled() else task.exception()
        log.error(
            "helper task ended unexpectedly; stopping",
            task=task.get_name(),
            error=repr(error) if error else ("cancelled" if task.cancelled() else "returned"),
            exc_info=error,
        )
        self.exit_status = ExitStatus.HELPER_FAILED
        stop.set()

    async def _process_in_hand(self, batch: list[Delivery], stop: asyncio.Event) -> None:
        self._in_hand = len(batch)
        self._in_hand_bytes = sum(d.size for d in batch)
        try:
            for delivery in batch:
                if not delivery.parsed:
                    self._parse(delivery)
            await self._process(batch, stop)
        finally:
            self._in_hand = 0
            self._in_hand_bytes = 0

    async def _hold(self, gate: Gate, stop: asyncio.Event) -> None:
        """Stop consuming and settle everything held, then wait for the gate to open:
        a paused daemon holds no unacked message, so the broker's consumer timeout
        never fires and every waiting event stays safely in the queue."""
        await self._consumer.stop()
        # Deliveries the broker sent before the cancel may still be on their way in.
        await asyncio.sleep(0)
        for batch in self._batcher.drain():
            await self._process_in_hand(batch, stop)
        if self._gate is not gate:
            return
        reason = gate.reason
        if gate.mode is Mode.SCHEMA_MISMATCH:
            reason = f"{reason}: {diagnosis.SCHEMA_FIX}"
        self._set_state(State(gate.mode.value), reason)
        # Waiting on purpose is progress: systemd's watchdog must not restart a daemon
        # that is paused for a long migration.
        self._notifier.progressed()
        self._gate_changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                _first_of(self._gate_changed, stop), self._settings.control_interval_s
            )

    # -- control: maintenance switch, schema guard, reports ------------------------

    def _set_gate(self, gate: Gate) -> None:
        if gate != self._gate:
            if self._gate is None or gate.mode != self._gate.mode:
                log.info("gate", mode=gate.mode.value, reason=gate.reason or None)
            self._gate = gate
            self._gate_changed.set()

    async def _refresh_gate(self) -> None:
        try:
            async with self._control_lock:
                self._set_gate(await self._control.read_gate(self._head))
        except psycopg.Error as exc:
            await self._close_control()
            raise TransientDatabaseError(f"cannot read the maintenance switch: {exc}") from exc

    async def _control_loop(self) -> None:
        while True:
            try:
                await self._refresh_gate()
                async with self._control_lock:
                    await self._control.report(self._report())
            except psycopg.errors.UndefinedTable:
                pass  # a database behind our schema has nowhere to report; the gate says so
            except (TransientDatabaseError, psycopg.Error) as exc:
                _reraise_if_cancelling()
                await self._close_control()
                self._control_failed(exc)
            else:
                self._control_error = ""
            self._report_now.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._report_now.wait(), self._settings.control_interval_s)

    def _report(self) -> gate.InstanceReport:
        now = time.monotonic()
        while self._commits and self._commits[0][0] < now - _RATE_WINDOW_S:
            self._commits.popleft()
        return gate.InstanceReport(
            instance_id=self._instance_id,
            queue=self._settings.queue,
            state=self.state,
            state_reason=self.state_reason,
            expected_revision=self._head,
            database_revision=self._gate.database_revision if self._gate else None,
            in_flight=len(self._batcher) + self._in_hand + self._consumer.held,
            started_at=self._started_at,
            last_commit_at=self._last_commit_at,
            events_last_minute=sum(c[1] for c in self._commits),
            rows_last_minute=sum(c[2] for c in self._commits),
        )

    def _observe(self, result: BatchResult, events: list[Event], delivered: int) -> list[float]:
        """Count the batch in the metrics; returns each committed event's age in ms."""
        metrics = self.metrics
        metrics.batch_events.observe(delivered)
        if result.transactions:
            metrics.commit_seconds.observe(result.commit_seconds / result.transactions)
        metrics.events_committed.inc(len(result.committed))
        metrics.duplicates.inc(len(result.duplicates))
        for table, rows in result.rows_by_table.items():
            metrics.rows_written.labels(table).inc(rows)
        now = datetime.datetime.now(datetime.UTC)
        ages = [(now - events[i].sent_at).total_seconds() for i in result.committed]
        for age in ages:
            metrics.event_age_seconds.observe(age)
        return [1000 * age for age in ages]

    def _running_state(self) -> tuple[State, str]:
        """``running``, or ``broker_blocked`` while the broker holds back the copies of
        rejected events (committable events still commit)."""
        why = self._consumer.publishing_blocked
        if why is None:
            return State.RUNNING, ""
        return State.BROKER_BLOCKED, (
            f"the broker blocks publishing ({why}); rejected events wait for it "
            "(opdb_rejects_unconfirmed), committable events go on"
        )

    def readiness(self) -> tuple[bool, str]:
        """Ready means connected and ingesting; paused or disconnected is not ready."""
        if self.state == State.RUNNING and not self._consumer.connected:
            return False, "not_ready: broker connection lost; reconnecting"
        if self.state == State.RUNNING:
            return True, State.RUNNING
        return False, f"{self.state}: {self.state_reason}" if self.state_reason else self.state

    def _record_commit(self, events: int, rows: int) -> None:
        if events:
            self._commits.append((time.monotonic(), events, rows))
            self._last_commit_at = datetime.datetime.now(datetime.UTC)

    async def _close_control(self) -> None:
        with contextlib.suppress(psycopg.Error):
            await self._control.close()

    async def _adjust_prefetch(self) -> None:
        """Follow the observed message size so the buffer stays within its budget,
        without waiting for the current batch to close."""
        while True:
            await self._prefetch_changed.wait()
            self._prefetch_changed.clear()
            if self._consumer.connected:
                try:
                    if self._over_budget():
                        # The broker may still send up to the window; stop the flow
                        # until the writer has brought what is held under the budget
                        # (the main loop consumes again then).
                        await self._consumer.stop()
                    await self._consumer.set_prefetch(self._prefetch())
                except TransientBrokerError as exc:
                    log.warning("could not change prefetch", error=str(exc))

    async def _watch_starvation(self) -> None:
        """A consumer that the broker delivers nothing to while events are ready in the
        ingest queue looks exactly like an idle daemon: running, nothing in flight, no
        error. Whatever starved it (deliveries lost in a client library, credit lost
        in the broker), a new connection ends it: the broker takes back what the old
        one held and delivers again. Only asked when the daemon has nothing in hand, so
        a full prefetch window being written never counts."""
        limit = self._settings.starved_after_s
        while True:
            await asyncio.sleep(min(_STARVATION_CHECK_S, limit / 4))
            quiet = self._consumer.quiet_s
            if quiet is None or quiet < limit or not self._idle():
                continue
            ready = await self._consumer.ready_messages()
            quiet = self._consumer.quiet_s
            if not ready or quiet is None or quiet < limit or not self._idle():
                continue
            self.metrics.transient_errors.labels("broker").inc()
            log.warning(
                "consumer starved: events are ready in the ingest queue but none was "
                "delivered; reconnecting",
                ready=ready,
                quiet_s=round(quiet, 1),
                queue=self._settings.queue,
            )
            self._consumer.lost.set()

    def _idle(self) -> bool:
        """Connected and running with nothing received and unsettled: no buffer, no
        batch, no held copy (a link already known lost is being replaced anyway)."""
        return (
            self._consumer.connected
            and self._gate is not None
            and self._gate.mode is Mode.RUNNING
            and not self._batcher
            and not self._in_hand
            and not self._consumer.held
        )

    async def _shutdown(self, stop: asyncio.Event) -> None:
        self._set_state(State.STOPPING)
        self._notifier.stopping()
        if self._deadline is None:
            self._deadline = time.monotonic() + self._settings.shutdown_timeout_s
        flush = asyncio.create_task(self._final_flush(stop))
        done, _ = await asyncio.wait({flush}, timeout=max(0.0, self._deadline_left()))
        if not done:
            self._mark_cut("shutdown cap reached during the final flush", len(self._batcher))
            flush.cancel()
            await asyncio.wait({flush}, timeout=_CLOSE_GRACE_S)
        elif not flush.cancelled() and flush.exception() is not None:
            log.error("final flush failed", error=repr(flush.exception()))
            self._mark_cut("final flush failed", len(self._batcher))
        # Closing the broker connection gives every unacknowledged message back to the
        # queue; a peer that does not answer the close must not hold the exit.
        for close in (self._consumer.close, self._writer.close):
            closing = asyncio.create_task(close())
            if not (await asyncio.wait({closing}, timeout=_CLOSE_GRACE_S))[0]:
                closing.cancel()
        self._set_state(State.STOPPED)
        report = asyncio.create_task(self._final_report())
        if not (await asyncio.wait({report}, timeout=_CLOSE_GRACE_S))[0]:
            report.cancel()
        log.info("stopped", exit_status=self.exit_status.name.lower())

    async def _final_report(self) -> None:
        with contextlib.suppress(psycopg.Error, TransientDatabaseError):
            await self._control.report(self._report())

    async def _final_flush(self, stop: asyncio.Event) -> None:
        await self._consumer.stop()
        await asyncio.sleep(0)
        for batch in self._batcher.drain():
            await self._process_in_hand(batch, stop)
        # Copies still unconfirmed leave their originals to the broker to deliver again.
        await self._consumer.wait_held(max(0.0, self._remaining() or 0.0))

    async def _feed_watchdog(self) -> None:
        interval = self._notifier.watchdog_interval_s
        assert interval is not None, "started only under a watchdog"
        while True:
            await asyncio.sleep(interval / 3)
            self._notifier.feed_watchdog_if_progressing()


# Enough of a body's head to find its envelope's id and source when it is too large.
_IDENTITY_HEAD_BYTES = 64 * 1024


def _identity(delivery: Delivery, max_body_bytes: int) -> tuple[str | None, str | None]:
    """The event id and source of a delivery, from the body when it was refused before
    it became an event, so that every reject's log line names what it refused."""
    if delivery.event is not None:
        return str(delivery.event.id), delivery.event.source
    body = delivery.message.body
    try:
        document = from_json(
            body if len(body) <= max_body_bytes else body[:_IDENTITY_HEAD_BYTES],
            allow_partial=True,
        )
    except ValueError:
        return None, None
    if not isinstance(document, dict):
        return None, None
    event_id, source = document.get("id"), document.get("source")
    return (
        event_id if isinstance(event_id, str) else None,
        source if isinstance(source, str) else None,
    )


async def _first_of_task(task: asyncio.Task[None], event: asyncio.Event) -> None:
    waiter = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()


def _reraise_if_cancelling() -> None:
    """psycopg can turn a cancellation that lands inside a failing connection attempt
    into a connection error; a loop catching those errors must still end when told."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def _first_of(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
