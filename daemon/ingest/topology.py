"""The broker objects the daemon relies on, declared idempotently at every connect so a
fresh broker works and an existing one is left as it is."""

from __future__ import annotations

import aio_pika
import aiormq
from aio_pika.abc import AbstractChannel, AbstractQueue
from aiormq.exceptions import ChannelPreconditionFailed
from pamqp.common import FieldTable

from daemon.logs import get_logger
from daemon.settings import Settings

log = get_logger(__name__)


def uncapped_steps(settings: Settings) -> int:
    """How many delays of the schedule are below the cap: the ``first * 2**j`` with
    ``first * 2**j < cap``, i.e. ``2**j <= (cap - 1) // first``."""
    return ((settings.retry_max_delay_ms - 1) // settings.retry_first_delay_ms).bit_length()


def retry_delays_ms(settings: Settings) -> list[int]:
    """Distinct waits of the missing-parent retry schedule: doubling, then capped."""
    first = settings.retry_first_delay_ms
    return [first << j for j in range(uncapped_steps(settings))] + [settings.retry_max_delay_ms]


def retry_queue_name(settings: Settings, delay_ms: int) -> str:
    """A waiting room of the retry schedule: a quorum queue, so that it survives the
    loss of a cluster node (a classic queue lives on one node, and while that node is
    down it cannot even be declared elsewhere)."""
    return f"{settings.queue}.retry.quorum.{delay_ms}ms"


def legacy_retry_queue_name(settings: Settings, delay_ms: int) -> str:
    """The classic waiting rooms of earlier releases. A broker upgraded in place may
    still hold some; what waits there still comes back to the ingest queue."""
    return f"{settings.queue}.retry.{delay_ms}ms"


def retry_queue_arguments(settings: Settings, delay_ms: int) -> FieldTable:
    """Messages expire in arrival order, then the broker moves them back to the ingest
    queue through the default exchange. ``at-least-once`` dead-lettering (which needs
    ``reject-publish``) has the broker keep a message until the ingest queue confirms
    it: a leader change in the middle loses nothing."""
    return {
        "x-queue-type": "quorum",
        "x-message-ttl": delay_ms,
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": settings.queue,
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


def queue_names(settings: Settings) -> list[str]:
    """Every queue the daemon declares, for operators' tools and test clean-up."""
    return [
        settings.queue,
        settings.dead_letter_queue,
        *([settings.journal_queue] if settings.journal else []),
        *(retry_queue_name(settings, d) for d in retry_delays_ms(settings)),
    ]


def journal_arguments(settings: Settings) -> FieldTable:
    """Arguments of the journal stream queue, also written into the deployment's
    definitions: both must match exactly, or the daemon's declaration is refused."""
    arguments: FieldTable = {
        "x-queue-type": "stream",
        "x-max-age": settings.journal_max_age,
        "x-stream-max-segment-size-bytes": settings.journal_segment_bytes,
    }
    if settings.journal_max_bytes:
        arguments["x-max-length-bytes"] = settings.journal_max_bytes
    return arguments


def legacy_queue_names(settings: Settings) -> list[str]:
    """Classic retry queues an earlier release may have left (see the README's upgrade
    notes): counted by ``status`` while they drain, never declared."""
    return [legacy_retry_queue_name(settings, d) for d in retry_delays_ms(settings)]


_QUORUM: FieldTable = {"x-queue-type": "quorum"}


async def _declare_or_adopt(
    connection: aio_pika.abc.AbstractConnection,
    channel: AbstractChannel,
    name: str,
    arguments: FieldTable,
) -> tuple[AbstractChannel, AbstractQueue]:
    """Declare ``name``; if it exists with other arguments (a classic queue made by
    hand or by an older release), use it as it is rather than refuse to start. A
    refused declaration closes its channel: the channel to go on with is returned."""
    try:
        return channel, await channel.declare_queue(name, durable=True, arguments=arguments)
    except ChannelPreconditionFailed as exc:
        log.warning(
            "queue exists with other arguments; using it as it is",
            queue=name,
            wanted=arguments,
            broker_said=str(exc),
        )
        channel = await connection.channel()
        return channel, await channel.declare_queue(name, passive=True)


async def _declare_journal(
    connection: aio_pika.abc.AbstractConnection,
    channel: AbstractChannel,
    settings: Settings,
) -> AbstractChannel:
    # Retention changed in the settings after the journal was made is refused by the
    # broker, which keeps the first arguments: the journal must not stop the daemon, so
    # it is used as it is (a policy changes retention on a live stream).
    channel, journal = await _declare_or_adopt(
        connection, channel, settings.journal_queue, journal_arguments(settings)
    )
    # Bound with "#" like the ingest queue, so the journal holds exactly what the daemon
    # is offered through the exchange: actors' events and `dlq replay` copies. Retries
    # and dead letters travel through the default exchange and are not journaled again.
    await journal.bind(settings.exchange, routing_key="#")
    return channel


async def declare(
    connection: aio_pika.abc.AbstractConnection, channel: AbstractChannel, settings: Settings
) -> tuple[AbstractChannel, AbstractQueue]:
    """Declare exchange, ingest queue and its binding, journal, dead-letter and retry queues.

    Returns the channel to go on with (a failed declaration closes a channel) and the
    ingest queue. A retry queue that cannot be declared (say, its node is down) does
    not stop consumption: the daemon consumes, and a copy for that queue comes back
    unroutable, so its event is not acknowledged and is tried again later.
    """
    exchange = await channel.declare_exchange(
        settings.exchange, aio_pika.ExchangeType.TOPIC, durable=True
    )
    channel, queue = await _declare_or_adopt(connection, channel, settings.queue, _QUORUM)
    await queue.bind(exchange, routing_key="#")
    if settings.journal:
        channel = await _declare_journal(connection, channel, settings)
    channel, _ = await _declare_or_adopt(connection, channel, settings.dead_letter_queue, _QUORUM)
    for delay in retry_delays_ms(settings):
        name = retry_queue_name(settings, delay)
        try:
            channel, _ = await _declare_or_adopt(
                connection, channel, name, retry_queue_arguments(settings, delay)
            )
        except aiormq.exceptions.AMQPChannelError as exc:
            log.warning(
                "cannot declare a retry queue; consuming anyway", queue=name, error=str(exc)
            )
            channel = await connection.channel()
    return channel, queue
