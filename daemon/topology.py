"""The broker objects the daemon relies on, declared idempotently at every connect so a
fresh broker works and an existing one is left as it is."""

from __future__ import annotations

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractQueue
from aiormq.exceptions import ChannelPreconditionFailed

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
    return f"{settings.queue}.retry.{delay_ms}ms"


def queue_names(settings: Settings) -> list[str]:
    """Every queue the daemon declares, for operators' tools and test clean-up."""
    return [
        settings.queue,
        settings.dead_letter_queue,
        *(retry_queue_name(settings, d) for d in retry_delays_ms(settings)),
    ]


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
    """Declare exchange, ingest queue and its binding, dead-letter and retry queues.

    Returns the channel to go on with (a failed declaration closes a channel) and the
    ingest queue.
    """
    exchange = await channel.declare_exchange(
        settings.exchange, aio_pika.ExchangeType.TOPIC, durable=True
    )
    channel, queue = await _declare_ingest_queue(connection, channel, settings)
    await queue.bind(exchange, routing_key="#")
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
