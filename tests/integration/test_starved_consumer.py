"""A consumer the broker delivers nothing to while events are ready in the ingest queue
(deliveries lost in the client library, credit lost in the broker) looks exactly like
an idle daemon. On real PostgreSQL and RabbitMQ: the daemon notices by itself and
reconnects. What `status` says of it: tests/integration/test_status_health.py."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from aiormq.abc import DeliveredMessage
from support import (
    add_visit,
    count,
    publish,
    queue_depth,
    running_service,
    scalar,
    tel_status_events,
    wait_until,
)

from daemon.ingest.consumer import Consumer
from daemon.ingest.messages import Inbound
from daemon.settings import Settings

pytestmark = pytest.mark.integration

STARVED_AFTER_S = 2.0
EVENTS = 40


class DeafFirstChannel(Consumer):
    """The real consumer, except that every delivery on its first channel is lost before
    it reaches the service: the broker counts those as unacknowledged and, once the
    prefetch window is full, delivers nothing more to it."""

    def __init__(self, settings: Settings, on_message: Callable[[Inbound], None]) -> None:
        super().__init__(settings, on_message)
        self.deaf_channel: object | None = None
        self.lost_deliveries = 0

    async def _deliver(self, message: DeliveredMessage) -> None:
        if self.deaf_channel is None:
            self.deaf_channel = message.channel
        if message.channel is self.deaf_channel:
            self.lost_deliveries += 1
            return
        await super()._deliver(message)


async def run_starved(settings: Settings) -> tuple[DeafFirstChannel, float]:
    """Run the service on the deaf consumer until every event is written; returns the
    consumer and the seconds from the last publish to the last row."""
    add_visit(settings.libpq_url)
    made: list[DeafFirstChannel] = []

    def deaf(on_message: Callable[[Inbound], None]) -> DeafFirstChannel:
        made.append(DeafFirstChannel(settings, on_message))
        return made[0]

    events = tel_status_events(range(EVENTS), altitude=60.5, created_at="2026-12-01T20:00:00")
    async with running_service(settings, consumer=deaf):
        sent = await publish(settings.amqp_url.get_secret_value(), settings.exchange, events)
        assert sent == EVENTS
        published = time.monotonic()
        await wait_until(
            lambda: count(settings.libpq_url, "tel_status") == EVENTS,
            STARVED_AFTER_S + 15,
            "every row, after the starved consumer reconnected",
        )
        took = time.monotonic() - published
    return made[0], took


async def test_a_starved_daemon_reconnects_and_every_event_lands_once(
    make_settings: Callable[..., Settings],
) -> None:
    # Small batches keep the prefetch window (twice a batch) below the events published.
    settings = make_settings(starved_after_s=STARVED_AFTER_S, batch_max_events=5)
    consumer, took = await run_starved(settings)
    print(f"{consumer.lost_deliveries} deliveries lost; every row {took:.1f} s after publishing")
    assert 0 < consumer.lost_deliveries < EVENTS, "the first channel was not starved"
    assert took < STARVED_AFTER_S + 10
    assert scalar(settings.libpq_url, "SELECT count(*) FROM opdb_ingest.event_ledger") == EVENTS
    assert await queue_depth(settings.amqp_url.get_secret_value(), settings.queue) == 0
    assert await queue_depth(settings.amqp_url.get_secret_value(), settings.dead_letter_queue) == 0
