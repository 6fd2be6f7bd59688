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
import time
from collections import Counter
from dataclasses import dataclass

from aio_pika.abc import AbstractIncomingMessage

from daemon.batcher import Batcher, Delivery
from daemon.consumer import Consumer, TransientBrokerError
from daemon.deadletter import dispose
from daemon.logs import get_logger
from daemon.settings import Settings
from daemon.systemd import Notifier
from daemon.writer import TransientDatabaseError, Writer
from opdb.contract import Contract, EventRejected
from opdb.models import Base

log = get_logger(__name__)

_INITIAL_PREFETCH = 32
_FIRST_BACKOFF_S = 0.5


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
        self._batcher = Batcher(
            settings.batch_max_events, settings.batch_max_bytes, settings.batch_max_ms / 1000
        )
        self._writer = Writer(settings.libpq_url, Base.metadata, settings.copy_min_rows)
        self._consumer = Consumer(settings, self._on_message)
        self._backoff = Backoff(settings.reconnect_max_delay_s)
        self._deadline: float | None = None
        self._average_body = 0.0
        self._prefetch_changed = asyncio.Event()
        self.state = "starting"
        self.state_reason = ""

    # -- receiving ---------------------------------------------------------------

    def _on_message(self, message: AbstractIncomingMessage) -> None:
        # Parsing here, as messages arrive, overlaps validation with the writer's
        # waits on PostgreSQL.
        delivery = Delivery(message=message, size=len(message.body))
        try:
            delivery.event = self._contract.parse(message.body)
        except EventRejected as rejection:
            delivery.rejection = rejection
        if self._average_body:
            self._average_body = 0.9 * self._average_body + 0.1 * delivery.size
        else:
            self._average_body = float(delivery.size)
        self._batcher.add(delivery)
        current = self._consumer.prefetch
        wanted = self._prefetch()
        if wanted >= 2 * current or 2 * wanted <= current:
            self._prefetch_changed.set()

    def _prefetch(self) -> int:
        """As many messages as fit the memory budget, between 2 and two full batches:
        fewer than two batches' worth and a batch could never fill while one is written."""
        if not self._average_body:
            return _INITIAL_PREFETCH
        fitting = int(self._settings.buffer_max_bytes // self._average_body)
        return max(2, min(fitting, 2 * self._settings.batch_max_events))

    # -- state -------------------------------------------------------------------

    def _set_state(self, state: str, reason: str = "") -> None:
        if (state, reason) != (self.state, self.state_reason):
            log.info("state", state=state, reason=reason or None)
            self._notifier.status(f"{state}: {reason}" if reason else state)
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
                if not self._consumer.connected:
                    dropped = self._batcher.discard(lambda d: Consumer.is_stale(d.message))
                    if dropped:
                        log.info("dropped deliveries of a dead channel", count=dropped)
                    await self._consumer.connect(self._prefetch())
                await self._consumer.start()
                self._backoff.reset()
                return True
            except (TransientDatabaseError, TransientBrokerError) as exc:
                self._set_state("not_ready", str(exc))
                await self._pause(stop, self._backoff.take())
        return False

    # -- processing --------------------------------------------------------------

    async def _process(self, batch: list[Delivery], stop: asyncio.Event) -> None:
        started = time.perf_counter()
        live = [d for d in batch if not Consumer.is_stale(d.message)]
        with_event = [d for d in live if d.event is not None]
        events = [d.event for d in with_event if d.event is not None]
        backoff = Backoff(self._settings.reconnect_max_delay_s)
        while True:
            try:
                result = await self._writer.write(events)
                break
            except TransientDatabaseError as exc:
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
            # Nothing acknowledged: the broker redelivers the batch, committed events
            # are recognised by the ledger and the rejects are disposed of again.
            log.warning("could not dispose of rejected events", error=str(exc))
            self._consumer.lost.set()
            return
        unacked = await self._consumer.ack([d.message for d in live])
        self._set_state("running")
        self._notifier.progressed()
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
            unacked=unacked,
            stale=len(batch) - len(live),
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
        )

    # -- the loop ----------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Ingest until ``stop`` is set, then flush what is in hand and disconnect."""
        watchdog = asyncio.create_task(self._feed_watchdog())
        stopper = asyncio.create_task(self._arm_deadline(stop))
        adjuster = asyncio.create_task(self._adjust_prefetch())
        try:
            if await self._connect(stop):
                self._set_state("running")
                self._notifier.ready("running")
            while not stop.is_set():
                if not (self._consumer.connected and self._writer.connected):
                    await self._connect(stop)
                    continue
                batch = await self._batcher.next_batch(stop)
                self._notifier.progressed()
                if batch:
                    await self._process(batch, stop)
        except TransientBrokerError as exc:
            self._consumer.lost.set()
            log.warning("broker error in the main loop", error=str(exc))
        finally:
            await asyncio.shield(self._shutdown(stop))
            for task in (watchdog, stopper, adjuster):
                task.cancel()

    async def _adjust_prefetch(self) -> None:
        """Follow the observed message size so the buffer stays within its budget,
        without waiting for the current batch to close."""
        while True:
            await self._prefetch_changed.wait()
            self._prefetch_changed.clear()
            if self._consumer.connected:
                try:
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
        log.info("stopped")

    async def _final_flush(self, stop: asyncio.Event) -> None:
        await self._consumer.stop()
        for batch in self._batcher.drain():
            await self._process(batch, stop)

    async def _feed_watchdog(self) -> None:
        interval = self._notifier.watchdog_interval_s
        if interval is None:
            return
        while True:
            await asyncio.sleep(interval / 3)
            self._notifier.feed_watchdog_if_progressing()
