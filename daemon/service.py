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
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

import psycopg
from prometheus_client import Gauge, ProcessCollector

from daemon import maintenance, migrations
from daemon.batcher import Batcher, Delivery
from daemon.consumer import Consumer, Inbound, TransientBrokerError
from daemon.deadletter import dispose
from daemon.logs import get_logger
from daemon.maintenance import Gate, Mode
from daemon.metrics import HealthServer, Metrics
from daemon.settings import Settings
from daemon.systemd import Notifier
from daemon.writer import BatchResult, TransientDatabaseError, Writer, WritesGated
from opdb.contract import Contract, Event, EventRejected
from opdb.models import Base

log = get_logger(__name__)

# Until the first message shows how big they are: a few MCS frames at most.
_INITIAL_PREFETCH = 4
# After a large body the window is sized for bodies that large for this long, so that a
# run of small events between large ones does not open it wide just before the next.
_LARGE_BODY_MEMORY_S = 10.0
_FIRST_BACKOFF_S = 0.5
_RATE_WINDOW_S = 60.0


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
    """One daemon instance: owns a broker link, a database link and the buffer between."""

    def __init__(self, settings: Settings, notifier: Notifier | None = None) -> None:
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
        self._writer = Writer(settings.libpq_url, Base.metadata, self._head, settings.copy_min_rows)
        self._consumer = Consumer(settings, self._on_message)
        self._control: psycopg.AsyncConnection[Any] | None = None
        self._gate: Gate | None = None
        self._gate_changed = asyncio.Event()
        self._report_now = asyncio.Event()
        # The control connection is shared by the control loop and start-up.
        self._control_lock = asyncio.Lock()
        self._instance_id = uuid.uuid4()
        self._started_at = datetime.datetime.now(datetime.UTC)
        self._in_hand = 0
        self._commits: deque[tuple[float, int, int]] = deque()
        self._last_commit_at: datetime.datetime | None = None
        self.metrics = Metrics()
        self.metrics.in_flight.set_function(lambda: len(self._batcher) + self._in_hand)
        # Memory, against the bound the README states: bodies held, and the process's
        # resident set (its own registry has no process collector otherwise).
        Gauge(
            "opdb_held_bytes",
            "Message bodies received and not yet acknowledged",
            registry=self.metrics.registry,
        ).set_function(self.held_bytes)
        ProcessCollector(registry=self.metrics.registry)
        self.metrics.set_state("starting")
        self._backoff = Backoff(settings.reconnect_max_delay_s)
        self._deadline: float | None = None
        self._average_body = 0.0
        # (monotonic time, size) of the largest recent body, see _LARGE_BODY_MEMORY_S.
        self._largest_body = (0.0, 0)
        self._in_hand_bytes = 0
        self._prefetch_changed = asyncio.Event()
        self.state = "starting"
        self.state_reason = ""

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

    def _set_state(self, state: str, reason: str = "") -> None:
        if (state, reason) != (self.state, self.state_reason):
            log.info("state", state=state, reason=reason or None)
            self._notifier.status(f"{state}: {reason}" if reason else state)
            self.metrics.set_state(state)
            self._report_now.set()
        self.state, self.state_reason = state, reason

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
                    await self._consumer.connect(self._prefetch())
                self._backoff.reset()
                return True
            except (TransientDatabaseError, TransientBrokerError) as exc:
                self._set_state("not_ready", str(exc))
                await self._pause(stop, self._backoff.take())
        return False

    # -- processing --------------------------------------------------------------

    async def _process(self, batch: list[Delivery], stop: asyncio.Event) -> None:
        started = time.perf_counter()
        live = [d for d in batch if not d.message.stale]
        with_event = [d for d in live if d.event is not None]
        events = [d.event for d in with_event if d.event is not None]
        backoff = Backoff(self._settings.reconnect_max_delay_s)
        while True:
            try:
                result = await self._writer.write(events)
                break
            except WritesGated as exc:
                # A migration started under our feet, or the schema changed: give the
                # messages back to the queue and wait for the control loop's verdict.
                mode = Mode.MAINTENANCE if "lock" in str(exc) else Mode.SCHEMA_MISMATCH
                self._set_gate(Gate(mode, str(exc)))
                await self._consumer.requeue([d.message for d in live])
                return
            except TransientDatabaseError as exc:
                self.metrics.transient_errors.labels("database").inc()
                self._set_state("not_ready", f"database: {exc}")
                remaining = self._remaining()
                if remaining is not None and remaining <= 0:
                    log.warning(
                        "shutdown deadline passed; batch left to the broker", events=len(live)
                    )
                    return
                await self._pause(stop, backoff.take())

        rejected: list[tuple[Delivery, EventRejected]] = [
            (d, d.rejection) for d in live if d.rejection is not None
        ]
        rejected += [(with_event[i], r) for i, r in result.rejected.items()]
        outcomes: Counter[str] = Counter()
        try:
            for delivery, rejection in rejected:
                disposition = dispose(self._settings, delivery.message, rejection)
                await self._consumer.publish(delivery.message, disposition)
                outcome = "dead_lettered" if disposition.dead else "retried"
                outcomes[outcome] += 1
                counter = self.metrics.dead_letters if disposition.dead else self.metrics.retries
                counter.labels(rejection.reason.value).inc()
                log.warning(
                    outcome,
                    event_id=str(delivery.event.id) if delivery.event else None,
                    source=delivery.event.source if delivery.event else None,
                    message_id=delivery.message.message_id,
                    reason=rejection.reason.value,
                    detail=rejection.detail,
                    attempts=disposition.headers.get("x-opdb-attempts"),
                )
        except TransientBrokerError as exc:
            self.metrics.transient_errors.labels("broker").inc()
            # Nothing acknowledged: the broker redelivers the batch, committed events
            # are recognised by the ledger and the rejects are disposed of again.
            log.warning("could not dispose of rejected events", error=str(exc))
            self._consumer.lost.set()
            return
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

    # -- the loop ----------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Ingest until ``stop`` is set, then flush what is in hand and disconnect."""
        helpers = [
            asyncio.create_task(self._feed_watchdog()),
            asyncio.create_task(self._arm_deadline(stop)),
            asyncio.create_task(self._adjust_prefetch()),
            # Reports start at once, so a daemon that cannot reach the broker still
            # tells `status` why it is not ready.
            asyncio.create_task(self._control_loop()),
        ]
        health = HealthServer(self.metrics, self.readiness)
        if self._settings.metrics_address:
            await health.start(self._settings.metrics_address)
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
                if not self._over_budget():
                    await self._consumer.start()
                self._set_state("running")
                batch = await self._batcher.next_batch(stop)
                self._notifier.progressed()
                if batch:
                    await self._process_in_hand(batch, stop)
        except TransientBrokerError as exc:
            self._consumer.lost.set()
            log.warning("broker error in the main loop", error=str(exc))
        finally:
            await asyncio.shield(self._shutdown(stop))
            for task in helpers:
                task.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            await self._close_control()
            await health.stop()

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
        self._set_state(gate.mode.value, gate.reason)
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

    async def _control_connection(self) -> psycopg.AsyncConnection[Any]:
        if self._control is None or self._control.closed:
            self._control = await psycopg.AsyncConnection.connect(
                self._settings.libpq_url,
                autocommit=True,
                connect_timeout=5,
                application_name="opdb-ingestd control",
            )
        return self._control

    async def _refresh_gate(self) -> None:
        try:
            async with self._control_lock:
                connection = await self._control_connection()
                self._set_gate(await maintenance.read_gate(connection, self._head))
        except psycopg.Error as exc:
            await self._close_control()
            raise TransientDatabaseError(f"cannot read the maintenance switch: {exc}") from exc

    async def _control_loop(self) -> None:
        while True:
            try:
                await self._refresh_gate()
                async with self._control_lock:
                    await maintenance.report(await self._control_connection(), self._report())
            except psycopg.errors.UndefinedTable:
                pass  # a database behind our schema has nowhere to report; the gate says so
            except (TransientDatabaseError, psycopg.Error) as exc:
                await self._close_control()
                log.warning("control connection failed", error=str(exc))
            self._report_now.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._report_now.wait(), self._settings.control_interval_s)

    def _report(self) -> maintenance.InstanceReport:
        now = time.monotonic()
        while self._commits and self._commits[0][0] < now - _RATE_WINDOW_S:
            self._commits.popleft()
        return maintenance.InstanceReport(
            instance_id=self._instance_id,
            queue=self._settings.queue,
            state=self.state,
            state_reason=self.state_reason,
            expected_revision=self._head,
            database_revision=self._gate.database_revision if self._gate else None,
            in_flight=len(self._batcher) + self._in_hand,
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

    def readiness(self) -> tuple[bool, str]:
        """Ready means connected and ingesting; paused or disconnected is not ready."""
        if self.state == "running":
            return True, "running"
        return False, f"{self.state}: {self.state_reason}" if self.state_reason else self.state

    def _record_commit(self, events: int, rows: int) -> None:
        if events:
            self._commits.append((time.monotonic(), events, rows))
            self._last_commit_at = datetime.datetime.now(datetime.UTC)

    async def _close_control(self) -> None:
        control, self._control = self._control, None
        if control is not None:
            with contextlib.suppress(psycopg.Error):
                await control.close()

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

    async def _arm_deadline(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._deadline = time.monotonic() + self._settings.shutdown_timeout_s

    async def _shutdown(self, stop: asyncio.Event) -> None:
        self._set_state("stopping")
        self._notifier.stopping()
        if self._deadline is None:
            self._deadline = time.monotonic() + self._settings.shutdown_timeout_s
        flush = asyncio.create_task(self._final_flush(stop))
        remaining = max(0.0, self._deadline - time.monotonic())
        done, _ = await asyncio.wait({flush}, timeout=remaining)
        if not done:
            log.warning("shutdown cap reached; unfinished messages go back to the queue")
            flush.cancel()
            await asyncio.gather(flush, return_exceptions=True)
        await self._consumer.close()
        await self._writer.close()
        self._set_state("stopped")
        with contextlib.suppress(psycopg.Error, TransientDatabaseError):
            await maintenance.report(await self._control_connection(), self._report())
        log.info("stopped")

    async def _final_flush(self, stop: asyncio.Event) -> None:
        await self._consumer.stop()
        await asyncio.sleep(0)
        for batch in self._batcher.drain():
            await self._process_in_hand(batch, stop)

    async def _feed_watchdog(self) -> None:
        interval = self._notifier.watchdog_interval_s
        if interval is None:
            return
        while True:
            await asyncio.sleep(interval / 3)
            self._notifier.feed_watchdog_if_progressing()


async def _first_of(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
