"""A broker upgraded in place: the classic retry queues (and a classic dead-letter
queue) of an earlier release are there, one holding an event. The daemon starts,
consumes, declares its quorum retry queues beside them, and the waiting event still
comes back, is recognised as the daemon's own and lands once its parent does."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import aio_pika
import pytest
from aiormq.exceptions import ChannelPreconditionFailed
from support import (
    amqp_channel,
    amqp_connection,
    count,
    event,
    insert,
    publish,
    running_service,
    take_all,
    wait_until,
)

from daemon.ingest import deadletter, topology
from daemon.settings import Settings

pytestmark = pytest.mark.integration


async def _declare_previous_release(settings: Settings) -> None:
    """What an earlier release declared: classic retry queues (and, as some brokers
    were set up by hand, a classic dead-letter queue)."""
    async with amqp_channel(settings.amqp_url.get_secret_value()) as channel:
        exchange = await channel.declare_exchange(
            settings.exchange, aio_pika.ExchangeType.TOPIC, durable=True
        )
        ingest = await channel.declare_queue(
            settings.queue, durable=True, arguments={"x-queue-type": "quorum"}
        )
        await ingest.bind(exchange, "#")
        await channel.declare_queue(settings.dead_letter_queue, durable=True)
        for delay in topology.retry_delays_ms(settings):
            await channel.declare_queue(
                topology.legacy_retry_queue_name(settings, delay),
                durable=True,
                arguments={
                    "x-message-ttl": delay,
                    "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": settings.queue,
                },
            )
        # An orphan the earlier release sent to wait once already.
        orphan = event([insert("tel_status", {"pfs_visit_id": 5, "status_sequence_id": 1})])
        await channel.default_exchange.publish(
            aio_pika.Message(
                json.dumps(orphan).encode(),
                headers={deadletter.ATTEMPTS_HEADER: 1, deadletter.REASON_HEADER: "missing_parent"},
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            topology.legacy_retry_queue_name(settings, settings.retry_first_delay_ms),
        )


async def _is_quorum(url: str, name: str) -> bool:
    async with amqp_channel(url) as channel:
        try:
            await channel.declare_queue(name, durable=True, arguments={"x-queue-type": "classic"})
        except ChannelPreconditionFailed:
            return True
        return False


async def _delete(url: str, names: list[str]) -> None:
    async with amqp_connection(url) as connection:
        for name in names:
            channel = await connection.channel()
            await channel.queue_delete(name)


async def test_upgrade_over_classic_retry_queues(
    make_settings: Callable[..., Settings], amqp_url: str
) -> None:
    settings: Settings = make_settings(retry_first_delay_ms=300, retry_max_delay_ms=1200)
    await _declare_previous_release(settings)
    try:
        async with running_service(settings) as service:
            assert service.state == "running"
            await wait_until(
                lambda: service.metrics.retries.labels("missing_parent")._value.get() >= 1,
                15,
                "the orphan to come back and wait again",
            )
            bad = event([insert("pfs_visit", {"pfs_visit_id": "x"})])
            await publish(amqp_url, settings.exchange, [event([insert_visit(5)]), bad])
            await wait_until(lambda: count(settings.libpq_url, "tel_status") == 1, 20, "the orphan")
            dead = await take_all(amqp_url, settings.dead_letter_queue, expect=1, wait_s=10)
        assert [(m.headers or {}).get(deadletter.REASON_HEADER) for m in dead] == ["validation"]
        for delay in topology.retry_delays_ms(settings):
            assert await _is_quorum(amqp_url, topology.retry_queue_name(settings, delay))
    finally:
        await _delete(amqp_url, topology.legacy_queue_names(settings))


def insert_visit(visit_id: int) -> dict[str, Any]:
    return insert("pfs_visit", {"pfs_visit_id": visit_id})
