"""The broker objects the daemon relies on, declared idempotently at every connect so a
fresh broker works and an existing one is left as it is."""

from __future__ import annotations

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractQueue
from aiormq.exceptions import ChannelPreconditionFailed

from daemon.logs import get_logger
from daemon.settings import Settings

log = get_logger(__name__)


def retry_delays_ms(settings: Settings) -> list[int]:
    """Distinct waits of the missing-parent retry schedule: doubling, then capped."""
    delays: list[int] = []
    delay = settings.retry_first_delay_ms
    while delay < settings.retry_max_delay_ms:
        delays.append(delay)
        delay *= 2
    delays.append(settings.retry_max_delay_ms)
    return delays


def retry_queue_name(settings: Settings, delay_ms: int) -> str:
    return f"{settings.queue}.retry.{delay_ms}ms"


def queue_names(settings: Settings) -> list[str]:
    """Every queue the daemon declares, for operators' tools and test clean-up."""
    return [
        settings.queue,
        settings.dead_letter_queue,
        *([settings.journal_queue] if settings.journal else []),
        *(retry_queue_name(settings, d) for d in retry_delays_ms(settings)),
    ]


def journal_arguments(settings: Settings) -> dict[str, str | int]:
    """Arguments of the journal stream queue, also written into the deployment's
    definitions: both must match exactly, or the daemon's declaration is refused."""
    arguments: dict[str, str | int] = {
        "x-queue-type": "stream",
        "x-max-age": settings.journal_max_age,
        "x-stream-max-segment-size-bytes": settings.journal_segment_bytes,
    }
    if settings.journal_max_bytes:
        arguments["x-max-length-bytes"] = settings.journal_max_bytes
    return arguments


async def _declare_journal(
    connection: aio_pika.abc.AbstractConnection,
    channel: AbstractChannel,
    settings: Settings,
) -> AbstractChannel:
    name = settings.journal_queue
    try:
        journal = await channel.declare_queue(
            name, durable=True, arguments=dict(journal_arguments(settings))
        )
    except ChannelPreconditionFailed:
        # Retention was changed in the settings after the journal was made; the broker
        # keeps the first arguments. The journal must not stop the daemon: use it as it
        # is (a policy changes retention on a live stream).
        log.warning("journal exists with other arguments; using it", queue=name)
        channel = await connection.channel()
        journal = await channel.declare_queue(name, passive=True)
    # Bound with "#" like the ingest queue, so the journal holds exactly what the daemon
    # is offered through the exchange: actors' events and `dlq replay` copies. Retries
    # and dead letters travel through the default exchange and are not journaled again.
    await journal.bind(settings.exchange, routing_key="#")
    return channel


async def _declare_ingest_queue(
    connection: aio_pika.abc.AbstractConnection, channel: AbstractChannel, settings: Settings
) -> tuple[AbstractChannel, AbstractQueue]:
    try:
        queue = await channel.declare_queue(
            settings.queue, durable=True, arguments={"x-queue-type": "quorum"}
        )
    except ChannelPreconditionFailed:
        # The queue exists with other arguments (say, a classic queue made by hand or by
        # an older broker). Use it as it is rather than refuse to start.
        log.warning("ingest queue exists with other arguments; using it", queue=settings.queue)
        channel = await connection.channel()
        queue = await channel.declare_queue(settings.queue, passive=True)
    return channel, queue


async def declare(
    connection: aio_pika.abc.AbstractConnection, channel: AbstractChannel, settings: Settings
) -> tuple[AbstractChannel, AbstractQueue]:
    """Declare exchange, ingest queue and its binding, journal, dead-letter and retry queues.

    Returns the channel to go on with (a failed declaration closes a channel) and the
    ingest queue.
    """
    exchange = await channel.declare_exchange(
        settings.exchange, aio_pika.ExchangeType.TOPIC, durable=True
    )
    channel, queue = await _declare_ingest_queue(connection, channel, settings)
    await queue.bind(exchange, routing_key="#")
    if settings.journal:
        channel = await _declare_journal(connection, channel, settings)
    await channel.declare_queue(
        settings.dead_letter_queue, durable=True, arguments={"x-queue-type": "quorum"}
    )
    for delay in retry_delays_ms(settings):
        # A waiting room per delay: messages expire in arrival order, then the broker
        # moves them back to the ingest queue through the default exchange.
        await channel.declare_queue(
            retry_queue_name(settings, delay),
            durable=True,
            arguments={
                "x-message-ttl": delay,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": settings.queue,
            },
        )
    return channel, queue
