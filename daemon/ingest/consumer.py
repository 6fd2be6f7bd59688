"""The daemon's side of RabbitMQ: one connection, a consuming channel, a confirming
publishing channel, and the topology declared on every (re)connect.

Reconnection is the service loop's decision, not aio-pika's: a plain connection whose
loss is reported through ``lost`` keeps the failure modes few and visible.

Deliveries are taken from aiormq's channel directly rather than through aio-pika's
``Queue.consume``: aio-pika wraps each delivery in a second task and a richer message
object, which cost about a third of the daemon's CPU on small events (profiled).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import Callable, Sequence

import aio_pika
import aiormq
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractQueue
from aiormq.abc import DeliveredMessage
from pamqp.commands import Basic

from daemon.errors import IngestError
from daemon.ingest import deadletter, receipts, topology
from daemon.ingest.messages import Inbound
from daemon.logs import get_logger
from daemon.settings import Settings
from opdb.amqp import NoBrokerReachable, connect_first
from opdb.amqp import connect as amqp_connect
from opdb.urls import broker_label

log = get_logger(__name__)

# aio-pika surfaces broker trouble through several families of exceptions.
# What the broker (or a dead link to it) makes aio-pika and aiormq raise; anything else
# is a programming error and must surface, not turn into a reconnect loop.
BROKER_ERRORS = (
    aiormq.exceptions.AMQPError,
    aio_pika.exceptions.AMQPException,
    # Acting on a channel the broker closed meanwhile (a RuntimeError subclass).
    aiormq.exceptions.ChannelInvalidStateError,
    OSError,
    ConnectionError,
    asyncio.TimeoutError,
)
_CANCEL_TIMEOUT_S = 5.0
# The longest a batch waits for a lost receipt channel to be opened again.
_RECEIPT_CHANNEL_S = 1.0
# Per broker: a refused connection fails at once, a silent host takes this long.
_CONNECT_TIMEOUT_S = 5.0
# pamqp decodes header tables recursively, two Python frames per level of nesting, and
# a publisher chooses the nesting: at 1000 frames (Python's default) one message with a
# few thousand levels breaks every connection it is delivered to, for ever. A header
# must fit one frame (RabbitMQ's default frame_max is 128 KiB) and a level takes at
# least 5 bytes, so this limit decodes anything the broker can deliver.
_FRAME_MAX_BYTES = 131_072
_RECURSION_LIMIT = 2 * _FRAME_MAX_BYTES // 5 + 2_000


def allow_deepest_headers() -> None:
    """Raise the interpreter's recursion limit so that no header can break decoding."""
    if sys.getrecursionlimit() < _RECURSION_LIMIT:
        sys.setrecursionlimit(_RECURSION_LIMIT)


def _reraise_if_we_are_cancelled() -> None:
    """aio-pika can raise a stray CancelledError from a dead connection's internals;
    swallow that one, but never a cancellation aimed at the current task."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def _not_a_failed_connect(record: logging.LogRecord) -> bool:
    """aiormq logs every refused connection attempt as an error; while the broker is
    away that is one line a second. :class:`BrokerOutage` reports outages instead."""
    return not record.getMessage().startswith("error when creating transport")


logging.getLogger("aiormq.connection").addFilter(_not_a_failed_connect)


class TransientBrokerError(IngestError):
    """The broker cannot be reached or dropped us; retry later, lose nothing."""


# While the broker is away the daemon tries again at this steady pace rather than
# backing off: a broker is usually away for a restart, and every second of back-off
# past its return is a second of the night not ingested. A refused connection costs
# next to nothing, so the pace can be short.
BROKER_RETRY_INTERVAL_S = 1.0
_OUTAGE_REMINDER_S = 60.0
# A broker that is not blocking confirms a copy in milliseconds; one unconfirmed for
# this long means the broker holds our publishing connection (an alarm).
CONFIRM_PATIENCE_S = 2.0


class BrokerOutage:
    """Reports one broker outage in a few lines, however many attempts it takes: one
    warning when it starts, a reminder every minute, one line when it ends."""

    def __init__(self, reminder_s: float = _OUTAGE_REMINDER_S) -> None:
        self._reminder_s = reminder_s
        self._since: float | None = None
        self._reminded_at = 0.0
        self._attempts = 0
        self.reason = ""

    @property
    def ongoing(self) -> bool:
        return self._since is not None

    def failed(self, error: str) -> str:
        """Note a failed attempt; returns the outage's reason (its first error), which
        stays the same for the whole outage so the reported state does not churn."""
        now = time.monotonic()
        self._attempts += 1
        if self._since is None:
            self._since = self._reminded_at = now
            self.reason = error
            log.warning(
                "broker unreachable; trying again every "
                f"{BROKER_RETRY_INTERVAL_S:g} s, reminders every {self._reminder_s:g} s",
                error=error,
            )
        elif now - self._reminded_at >= self._reminder_s:
            self._reminded_at = now
            log.warning(
                "broker still unreachable",
                for_s=round(now - self._since),
                attempts=self._attempts,
                error=error,
            )
        return self.reason

    def ended(self) -> None:
        if self._since is not None:
            log.info(
                "broker reachable again",
                after_s=round(time.monotonic() - self._since, 1),
                attempts=self._attempts,
            )
        self._since = None
        self._attempts = 0
        self.reason = ""


class Consumer:
    """Consumes the ingest queue into ``on_message`` and acknowledges on request."""

    def __init__(self, settings: Settings, on_message: Callable[[Inbound], None]) -> None:
        self._settings = settings
        self._on_message = on_message
        self._connection: AbstractConnection | None = None
        self._channel: AbstractChannel | None = None
        # Copies of rejected events go out on a connection of their own: under a memory
        # or disk alarm the broker blocks every connection that publishes, as a whole,
        # and the consuming one must keep taking and acknowledging committable events.
        self._publish_connection: AbstractConnection | None = None
        self._publisher: AbstractChannel | None = None
        self._receipts: AbstractChannel | None = None
        # Rejected events whose copy the broker has not confirmed yet, each left
        # unacknowledged until it is; while any is, acknowledgements are one by one.
        self._held: dict[Inbound, float] = {}
        self._none_held = asyncio.Event()
        self._none_held.set()
        self._queue: AbstractQueue | None = None
        self._consumer_tag: str | None = None
        self._prefetch = 0
        # Index in settings.amqp_urls of the broker to try first at the next connect.
        self._next_broker = 0
        # Starting, stopping and re-prefetching the consumer come from different tasks.
        self._consume_lock = asyncio.Lock()
        self.lost = asyncio.Event()
        # Set by the broker's basic.cancel: the queue went away under the consumer.
        self._cancelled_at: float | None = None
        self.cancels = 0
        # When the current consumer started, and when it was last delivered a message
        # (monotonic): a consumer quiet while events wait has been starved.
        self._consuming_since = 0.0
        self._last_delivery_at = 0.0
        allow_deepest_headers()
        self._closing = False

    @property
    def connected(self) -> bool:
        return (
            self._connection is not None
            and not self._connection.is_closed
            and not self.lost.is_set()
        )

    @property
    def consuming(self) -> bool:
        return self._consumer_tag is not None

    async def connect(self, prefetch: int) -> None:
        """Connect, declare the topology and set prefetch; raises TransientBrokerError."""
        await self.close()
        self.lost.clear()
        try:
            urls = self._settings.amqp_urls
            self._connection, index = await connect_first(
                urls,
                self._next_broker,
                heartbeat=self._settings.heartbeat_s,
                timeout=_CONNECT_TIMEOUT_S,
                # Operators see which daemon and queue a connection belongs to.
                client_properties={"connection_name": f"opdb-ingestd {self._settings.queue}"},
            )
            # The next reconnection starts with the next broker of the list: the one
            # just used is the likeliest to be the one that failed.
            self._next_broker = (index + 1) % len(urls)
            if len(urls) > 1:
                log.info("connected to broker", broker=broker_label(urls[index]))
            self._connection.close_callbacks.add(self._on_close)
            channel = await self._connection.channel(publisher_confirms=False)
            self._channel, self._queue = await topology.declare(
                self._connection, channel, self._settings
            )
            self._channel.close_callbacks.add(self._on_close)
            underlay = await self._channel.get_underlay_channel()
            underlay.on_consumer_cancel_callbacks.add(self._on_cancelled)
            self._cancelled_at = None
            self._publish_connection = await amqp_connect(
                urls[index],
                heartbeat=self._settings.heartbeat_s,
                timeout=_CONNECT_TIMEOUT_S,
                client_properties={
                    "connection_name": f"opdb-ingestd {self._settings.queue} rejects"
                },
            )
            self._publish_connection.close_callbacks.add(self._on_close)
            self._publisher = await self._publish_connection.channel(
                publisher_confirms=True, on_return_raises=True
            )
            self._publisher.close_callbacks.add(self._on_close)
            # Opened here, not on the first receipt, so that sending one never waits
            # for a round trip to the broker. On the publishing connection, which an
            # alarm may block, never on the consuming one. Not watched by _on_close:
            # losing it costs receipts, not the link.
            self._receipts = await self._publish_connection.channel(publisher_confirms=False)
            self._prefetch = 0
            await self.set_prefetch(prefetch)
        except NoBrokerReachable as exc:
            await self.close()
            raise TransientBrokerError(f"cannot connect to RabbitMQ: {exc}") from exc
        except BROKER_ERRORS as exc:
            await self.close()
            raise TransientBrokerError(f"cannot connect to RabbitMQ: {exc!r}") from exc

    def _on_cancelled(self, frame: Basic.Cancel) -> None:
        """The broker cancelled our consumer: the queue was deleted (by an operator, a
        policy, a re-creation) or moved. The channel stays open and what it delivered
        stays ours to commit and acknowledge; the next :meth:`start` declares the
        topology again and consumes again."""
        if frame.consumer_tag is None or frame.consumer_tag != self._consumer_tag:
            return
        self._consumer_tag = None
        self._cancelled_at = time.monotonic()
        self.cancels += 1
        log.warning(
            "consumer cancelled by the broker; declaring the topology and consuming again",
            queue=self._settings.queue,
            why="the ingest queue was deleted, re-created or moved under the consumer",
        )

    @property
    def cancelled(self) -> bool:
        """True from the broker's cancel until we consume again."""
        return self._cancelled_at is not None

    def _on_close(self, _sender: object, exc: BaseException | None = None) -> None:
        # Our own close (a clean stop, a reconnect) is no news worth a warning: it
        # closes objects already detached from this consumer.
        current = (self._connection, self._publish_connection, self._channel, self._publisher)
        ours = self._closing or all(_sender is not c for c in current)
        if not self.lost.is_set() and not ours:
            log.warning("broker connection lost", error=repr(exc) if exc else None)
        self.lost.set()
        self._consumer_tag = None

    @property
    def prefetch(self) -> int:
        return self._prefetch

    async def set_prefetch(self, prefetch: int) -> None:
        """Change how many unacked messages the broker may send us.

        Quorum queues refuse channel-wide QoS and a consumer keeps the limit it started
        with, so a running consumer is cancelled and started again under the new limit.
        What it already delivered stays ours, in order, and is acknowledged as usual.
        """
        async with self._consume_lock:
            if prefetch == self._prefetch or self._channel is None:
                return
            was_consuming = self.consuming
            try:
                if was_consuming:
                    await self._stop()
                await self._channel.set_qos(prefetch_count=prefetch)
                self._prefetch = prefetch
            except BROKER_ERRORS as exc:
                self.lost.set()
                raise TransientBrokerError(f"cannot set prefetch: {exc!r}") from exc
            if was_consuming:
                await self._start()

    async def start(self) -> bool:
        """Consume, first declaring the topology again if the broker cancelled us.
        Returns False (and marks the connection lost, so the service reconnects) when
        the broker refuses."""
        async with self._consume_lock:
            try:
                if self._cancelled_at is not None:
                    await self._declare_again()
                await self._start()
            except (TransientBrokerError, *BROKER_ERRORS) as exc:
                self.lost.set()
                log.warning("cannot consume; reconnecting", error=str(exc))
                return False
            if self._cancelled_at is not None and self.consuming:
                log.info(
                    "consuming again after the broker's cancel",
                    queue=self._settings.queue,
                    after_s=round(time.monotonic() - self._cancelled_at, 3),
                )
                self._cancelled_at = None
            return True

    async def _declare_again(self) -> None:
        """Declare the topology on a channel of its own: a refused declaration closes
        its channel, and the consuming one holds deliveries not yet acknowledged."""
        if self._connection is None:
            raise TransientBrokerError("no connection")
        channel = await self._connection.channel(publisher_confirms=False)
        declared, self._queue = await topology.declare(self._connection, channel, self._settings)
        await self._close_quietly(declared)

    async def _start(self) -> None:
        if self._queue is None or self._channel is None or self._consumer_tag is not None:
            return
        try:
            underlay = await self._channel.get_underlay_channel()
            answer = await underlay.basic_consume(self._queue.name, self._deliver)
            self._consumer_tag = answer.consumer_tag
            self._consuming_since = time.monotonic()
        except BROKER_ERRORS as exc:
            self.lost.set()
            raise TransientBrokerError(f"cannot consume: {exc!r}") from exc

    async def _deliver(self, message: DeliveredMessage) -> None:
        delivery = message.delivery
        assert isinstance(delivery, Basic.Deliver)
        properties = message.header.properties
        self._last_delivery_at = time.monotonic()
        self._on_message(
            Inbound(
                message.body,
                delivery.delivery_tag or 0,
                message.channel,
                properties,
                delivery.exchange or "",
                delivery.routing_key or "",
            )
        )

    @property
    def quiet_s(self) -> float | None:
        """Seconds since the consumer was last delivered a message (or started, if it
        has been delivered none); None while not consuming."""
        if not self.consuming:
            return None
        return time.monotonic() - max(self._consuming_since, self._last_delivery_at)

    async def ready_messages(self) -> int | None:
        """How many messages the broker says are ready in the ingest queue (waiting for
        a consumer), asked on a channel of its own; None when it cannot tell."""
        connection = self._connection
        if connection is None or connection.is_closed:
            return None
        channel: AbstractChannel | None = None
        try:
            channel = await asyncio.wait_for(connection.channel(), _CANCEL_TIMEOUT_S)
            queue = await asyncio.wait_for(
                channel.declare_queue(self._settings.queue, passive=True), _CANCEL_TIMEOUT_S
            )
            return queue.declaration_result.message_count or 0
        except (*BROKER_ERRORS, asyncio.CancelledError):
            _reraise_if_we_are_cancelled()
            # The queue gone (the broker cancels us then) or the link down: both are
            # handled where they are noticed; here there is just no answer.
            return None
        finally:
            await self._close_quietly(channel)

    async def stop(self) -> None:
        """Cancel the consumer so the broker sends nothing more; what was already
        delivered stays ours to finish and acknowledge."""
        async with self._consume_lock:
            await self._stop()

    async def _stop(self) -> None:
        tag, self._consumer_tag = self._consumer_tag, None
        if tag is None or self._channel is None:
            return
        try:
            underlay = await self._channel.get_underlay_channel()
            await asyncio.wait_for(underlay.basic_cancel(tag), _CANCEL_TIMEOUT_S)
        except (*BROKER_ERRORS, asyncio.CancelledError) as exc:
            _reraise_if_we_are_cancelled()
            # A cancel that cannot complete leaves one way to stop deliveries: close the
            # channel. Unacked messages then go back to the queue, which is safe.
            log.warning("consumer cancel failed; closing the channel", error=repr(exc))
            self.lost.set()
            await self._close_quietly(self._channel)

    async def ack(self, messages: Sequence[Inbound]) -> int:
        """Acknowledge ``messages`` (the oldest unacked ones on their channel), one
        ``multiple`` ack per channel. Returns how many could not be acknowledged:
        their channel died, the broker will redeliver them and the ledger absorbs it."""
        return await self._settle(messages, requeue=None)

    async def requeue(self, messages: Sequence[Inbound]) -> int:
        """Give ``messages`` back to the queue, one ``multiple`` nack per channel."""
        return await self._settle(messages, requeue=True)

    async def _settle(self, messages: Sequence[Inbound], requeue: bool | None) -> int:
        if self._held:
            # A ``multiple`` ack would take the held ones along.
            return await self._settle_each(messages, requeue)
        last: dict[int, Inbound] = {}
        counts: dict[int, int] = {}
        for message in messages:
            if not message.stale:
                key = id(message.channel)
                last[key] = message
                counts[key] = counts.get(key, 0) + 1
        settled = 0
        for key, message in last.items():
            try:
                if requeue is None:
                    await message.channel.basic_ack(message.delivery_tag, multiple=True)
                else:
                    await message.channel.basic_nack(
                        message.delivery_tag, multiple=True, requeue=requeue
                    )
                settled += counts[key]
            except BROKER_ERRORS:
                self.lost.set()
        return len(messages) - settled

    async def _settle_each(self, messages: Sequence[Inbound], requeue: bool | None) -> int:
        settled = 0
        for message in messages:
            if message.stale or message in self._held:
                continue
            try:
                if requeue is None:
                    await message.channel.basic_ack(message.delivery_tag)
                else:
                    await message.channel.basic_nack(message.delivery_tag, requeue=requeue)
                settled += 1
            except BROKER_ERRORS:
                self.lost.set()
        return len(messages) - settled

    def hold(self, message: Inbound, confirmation: asyncio.Future[None]) -> None:
        """Leave ``message`` unacknowledged until its copy is confirmed, then ack it;
        if the copy fails, reconnect so that the broker delivers it again."""
        self._held[message] = time.monotonic()
        self._none_held.clear()
        confirmation.add_done_callback(lambda done: self._release(message, done))

    def _release(self, message: Inbound, confirmation: asyncio.Future[None]) -> None:
        self._held.pop(message, None)
        if not self._held:
            self._none_held.set()
        failed = confirmation.cancelled() or confirmation.exception() is not None
        if message.stale:
            return  # its channel died: the broker delivers it again
        if failed:
            self.lost.set()
            return
        # Errors here mean the channel died; the broker redelivers the message.
        ack = asyncio.ensure_future(message.channel.basic_ack(message.delivery_tag))
        ack.add_done_callback(lambda done: done.cancelled() or done.exception())

    @property
    def held(self) -> int:
        """Rejected events waiting for the broker to confirm their copy."""
        return len(self._held)

    @property
    def publishing_blocked(self) -> str | None:
        """Why the broker does not take our copies (it said so, or a copy waits for its
        confirm longer than a broker that is not blocking ever takes), else None."""
        connection = self._publish_connection
        transport = getattr(connection, "transport", None)
        underlay = getattr(transport, "connection", None)
        # aiormq keeps the broker's connection.blocked to itself; it is a plain Event.
        unblocked = getattr(underlay, "_Connection__connection_unblocked", None)
        opened = bool(getattr(underlay, "is_opened", False))
        if isinstance(unblocked, asyncio.Event) and opened and not unblocked.is_set():
            return "connection.blocked: a memory or disk alarm"
        if self._held:
            oldest = min(self._held.values())
            waited = time.monotonic() - oldest
            if waited >= CONFIRM_PATIENCE_S:
                return f"a copy unconfirmed for {waited:.0f} s"
        return None

    async def wait_held(self, timeout_s: float) -> None:
        """Give the copies in flight until ``timeout_s`` to be confirmed (shutdown)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._none_held.wait(), timeout_s)

    async def publish(self, message: Inbound, disposition: deadletter.Disposition) -> None:
        if self._publisher is None or self._publisher.is_closed:
            raise TransientBrokerError("no publishing channel")
        try:
            await deadletter.send(self._publisher.default_exchange, message, disposition)
        except BROKER_ERRORS as exc:
            where = disposition.routing_key
            raise TransientBrokerError(f"cannot publish to {where}: {exc!r}") from exc

    async def send_receipts(self, outgoing: Sequence[receipts.Outgoing]) -> int:
        """Publish receipts on a channel of their own, without confirms; returns how
        many could not be sent. Never raises: a receipt is not worth an event."""
        if not outgoing:
            return 0
        try:
            if self._receipts is None or self._receipts.is_closed:
                connection = self._publish_connection
                if connection is None or connection.is_closed:
                    return len(outgoing)
                self._receipts = await asyncio.wait_for(
                    connection.channel(publisher_confirms=False), _RECEIPT_CHANNEL_S
                )
            underlay = await self._receipts.get_underlay_channel()
        except (*BROKER_ERRORS, asyncio.CancelledError) as exc:
            _reraise_if_we_are_cancelled()
            log.warning("no channel for receipts", error=repr(exc))
            return len(outgoing)
        failed = 0
        for receipt in outgoing:
            try:
                await receipts.send(underlay, receipt)
            except (*BROKER_ERRORS, ValueError) as exc:
                failed += 1
                log.debug("receipt not sent", reply_to=receipt.reply_to, error=repr(exc))
        return failed

    async def close(self) -> None:
        self._consumer_tag = None
        connection, self._connection = self._connection, None
        publish_connection, self._publish_connection = self._publish_connection, None
        self._channel = self._publisher = self._receipts = None
        self._queue = None
        self._held.clear()
        self._none_held.set()
        if connection is not None:
            self._closing = True
            try:
                await self._close_quietly(connection)
                if publish_connection is not None:
                    await self._close_quietly(publish_connection)
            finally:
                self._closing = False

    @staticmethod
    async def _close_quietly(closable: AbstractConnection | AbstractChannel | None) -> None:
        if closable is None:
            return
        try:
            await asyncio.wait_for(closable.close(), _CANCEL_TIMEOUT_S)
        except (*BROKER_ERRORS, asyncio.CancelledError):
            _reraise_if_we_are_cancelled()
            # It is being discarded; the broker requeues whatever was unacked.
