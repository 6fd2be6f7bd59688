"""A consumer the broker delivers nothing to while events are ready in the ingest queue
(deliveries lost in the client library, credit lost in the broker) looks exactly like
an idle daemon. On real PostgreSQL and RabbitMQ: the daemon notices by itself and
reconnects, and `status` tells, each from its own side."""

from __future__ import annotations

import asyncio
import datetime
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from aiormq.abc import DeliveredMessage
from support import (
    add_visit,
    count,
    declare_topology,
    event,
    insert,
    publish,
    queue_depth,
    scalar,
    wait_until,
)

from daemon.ingest.consumer import Consumer
from daemon.ingest.messages import Inbound
from daemon.ingest.service import IngestService
from daemon.ops import status
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


def tel_status_events(total: int) -> list[dict[str, Any]]:
    return [
        event(
            [
                insert(
                    "tel_status",
                    {
                        "pfs_visit_id": 1,
                        "status_sequence_id": n,
                        "altitude": 60.5,
                        "created_at": "2026-12-01T20:00:00",
                    },
                )
            ]
        )
        for n in range(total)
    ]


async def run_starved(settings: Settings) -> tuple[DeafFirstChannel, float]:
    """Run the service on the deaf consumer until every event is written; returns the
    consumer and the seconds from the last publish to the last row."""
    add_visit(settings.libpq_url)
    made: list[DeafFirstChannel] = []

    def deaf(on_message: Callable[[Inbound], None]) -> DeafFirstChannel:
        made.append(DeafFirstChannel(settings, on_message))
        return made[0]

    service = IngestService(settings, consumer=deaf)
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    try:
        await wait_until(lambda: service.state == "running", 30, "the service to start")
        assert (
            await publish(
                settings.amqp_url.get_secret_value(), settings.exchange, tel_status_events(EVENTS)
            )
            == EVENTS
        )
        published = time.monotonic()
        await wait_until(
            lambda: count(settings.libpq_url, "tel_status") == EVENTS,
            STARVED_AFTER_S + 15,
            "every row, after the starved consumer reconnected",
        )
        took = time.monotonic() - published
    finally:
        stop.set()
        await asyncio.wait_for(task, settings.shutdown_timeout_s + 10)
    assert task.result() is None
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


_REPORT = (
    "INSERT INTO opdb_ingest.daemon_instance (instance_id, host, pid, queue, state, "
    "state_reason, expected_revision, in_flight, started_at, heartbeat_at, last_commit_at, "
    "events_last_minute, rows_last_minute) VALUES (%s, 'h', 4243, 'q', 'running', '', 'x', "
    "0, now() - interval '1 hour', now(), now() - make_interval(secs => %s), 0, 0)"
)


@pytest.mark.parametrize(
    ("waited_s", "idle_s", "healthy"),
    [(600, 600, False), (5, 600, True), (600, 5, True), (None, 600, True)],
)
async def test_status_names_events_waiting_while_no_daemon_commits(
    settings: Settings, waited_s: int | None, idle_s: int, healthy: bool
) -> None:
    """A daemon that says running and holds nothing, while the ingest queue's oldest event
    waits longer than NO_COMMIT_S and nothing was committed for as long: starved."""
    await declare_topology(settings)
    if waited_s is not None:
        old = event([insert("pfs_visit", {"pfs_visit_id": 1})])
        sent_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=waited_s)
        old["sent_at"] = sent_at.isoformat()
        await publish(settings.amqp_url.get_secret_value(), settings.exchange, [old])
    with psycopg.connect(settings.libpq_url, autocommit=True) as conn:
        conn.execute(_REPORT, (uuid.uuid4(), idle_s))
    report = await asyncio.to_thread(status.collect, settings)
    starved = [p for p in report.problems if "waiting in the ingest queue" in p]
    print(report.problems)
    assert bool(starved) is not healthy
    if starved:
        assert re.fullmatch(
            r"1 event waiting in the ingest queue \(the oldest sent 60\d s ago\) and no "
            r"running daemon has committed for 60\d s",
            starved[0],
        ), starved[0]
