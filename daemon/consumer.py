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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aio_pika
import aiormq
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractQueue
from aiormq.abc import AbstractChannel as UnderlayChannel
from aiormq.abc import DeliveredMessage
from pamqp.commands import Basic

from daemon import deadletter, topology
from daemon.errors import IngestError
from daemon.logs import get_logger
from daemon.settings import Settings

log = get_logger(__name__)

# aio-pika surfaces broker trouble through several families of exceptions.
BROKER_ERRORS = (
    aiormq.exceptions.AMQPError,
    aio_pika.exceptions.AMQPException,
    OSError,
    ConnectionError,
    asyncio.TimeoutError,
    RuntimeError,
)
_CANCEL_TIMEOUT_S = 5.0


@dataclass(slots=True, eq=False)
class Inbound:
    """One message as delivered: what the daemon needs to process and settle it."""

    body: bytes
    delivery_tag: int
    channel: UnderlayChannel
    properties: Basic.Properties

    @property
    def headers(self) -> dict[str, Any]:
        return dict(self.properties.headers or {})

    @property
    def message_id(self) -> str | None:
        return self.properties.message_id

    @property
    def stale(self) -> bool:
        """True when its channel died: it can no longer be acknowledged, and the broker
        will deliver it again."""
        return bool(self.channel.is_closed)


def _reraise_if_we_are_cancelled() -> None:
    """aio-pika can raise a stray CancelledError from a dead connection's internals;
    swallow that one, but never a cancellation aimed at the current task."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class TransientBrokerError(IngestError):
    """The broker cannot be reached or dropped us; retry later, lose nothing."""


class Consumer:
    """Consumes the ingest queue into ``on_message`` and acknowledges on request."""

    def __init__(self, settings: Settings, on_message: Callable[[Inbound], None]) -> None:
        self._settings = settings
        self._on_message = on_message
        self._connection: AbstractConnection | None = None
        self._channel: AbstractChannel | None = None
        self._publisher: AbstractChannel | None = None
        self._queue: AbstractQueue | None = None
        self._consumer_tag: str | None = None
        self._prefetch = 0
        # Starting, stopping and re-prefetching the consumer come from different tasks.
        self._consume_lock = asyncio.Lock()
        self.lost = asyncio.Event()
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
            self._connection = await aio_pika.connect(
                self._settings.amqp_url.get_secret_value(),
                heartbeat=self._settings.heartbeat_s,
                timeout=10,
                # Operators see which daemon and queue a connection belongs to.
                client_properties={"connection_name": f"opdb-ingestd {self._settings.queue}"},
            )
            self._connection.close_callbacks.add(self._on_close)
            channel = await self._connection.channel(publisher_confirms=False)
            self._channel, self._queue = await topology.declare(
                self._connection, channel, self._settings
            )
            self._channel.close_callbacks.add(self._on_close)
            self._publisher = await self._connection.channel(publisher_confirms=True)
            self._publisher.close_callbacks.add(self._on_close)
            self._prefetch = 0
            await self.set_prefetch(prefetch)
        except BROKER_ERRORS as exc:
            await self.close()
            raise TransientBrokerError(f"cannot connect to RabbitMQ: {exc!r}") from exc

    def _on_close(self, _sender: object, exc: BaseException | None = None) -> None:
        # Our own close (a clean stop, a reconnect) is no news worth a warning: it
        # closes objects already detached from this consumer.
        current = (self._connection, self._channel, self._publisher)
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

    async def start(self) -> None:
        async with self._consume_lock:
            await self._start()

    async def _start(self) -> None:
        if self._queue is None or self._channel is None or self._consumer_tag is not None:
            return
        try:
            underlay = await self._channel.get_underlay_channel()
            answer = await underlay.basic_consume(self._queue.name, self._deliver)
            self._consumer_tag = answer.consumer_tag
        except BROKER_ERRORS as exc:
            self.lost.set()
            raise TransientBrokerError(f"cannot consume: {exc!r}") from exc

    async def _deliver(self, message: DeliveredMessage) -> None:
        delivery = message.delivery
        assert isinstance(delivery, Basic.Deliver)
        properties = message.header.properties
        self._on_message(
            Inbound(message.body, delivery.delivery_tag or 0, message.channel, properties)
        )

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

    async def publish(self, message: Inbound, disposition: deadletter.Disposition) -> None:
        if self._publisher is None or self._publisher.is_closed:
            raise TransientBrokerError("no publishing channel")
        try:
            await deadletter.send(self._publisher.default_exchange, message, disposition)
        except BROKER_ERRORS as exc:
            where = disposition.routing_key
            raise TransientBrokerError(f"cannot publish to {where}: {exc!r}") from exc

    async def close(self) -> None:
        self._consumer_tag = None
        connection, self._connection = self._connection, None
        self._channel = self._publisher = None
        self._queue = None
        if connection is not None:
            self._closing = True
            try:
                await self._close_quietly(connection)
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
