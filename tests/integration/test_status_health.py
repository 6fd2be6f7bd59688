"""`status` is unhealthy when a daemon says it is running but has committed nothing for
longer than a threshold while it holds events, or while events wait in the ingest queue
(a starved consumer holds none): stuck in a way it did not notice."""

from __future__ import annotations

import asyncio
import datetime
import re
import uuid

import psycopg
import pytest
from support import declare_topology, event, insert, publish

from daemon.ops import status
from daemon.settings import Settings

pytestmark = pytest.mark.integration

_REPORT = (
    "INSERT INTO opdb_ingest.daemon_instance (instance_id, host, pid, queue, state, "
    "state_reason, expected_revision, in_flight, started_at, heartbeat_at, last_commit_at, "
    "events_last_minute, rows_last_minute) VALUES (%s, 'h', %s, 'q', 'running', '', 'x', "
    "%s, now() - interval '10 min', now(), now() - make_interval(secs => %s), 0, 0)"
)


@pytest.mark.parametrize(
    ("in_flight", "idle_s", "healthy"),
    [(5, 600, False), (0, 600, True), (5, 10, True)],
)
def test_a_running_daemon_that_commits_nothing_while_holding_events_is_unhealthy(
    settings: Settings, in_flight: int, idle_s: int, healthy: bool
) -> None:
    with psycopg.connect(settings.libpq_url, autocommit=True) as conn:
        conn.execute(_REPORT, (uuid.uuid4(), 4242, in_flight, idle_s))
    report = status.collect(settings)
    stuck = [p for p in report.problems if "committed nothing" in p]
    print(report.problems)
    assert bool(stuck) is not healthy
    if stuck:
        assert f"holds {in_flight} events" in stuck[0]


@pytest.mark.parametrize(
    ("waited_s", "idle_s", "healthy"),
    [(600, 600, False), (5, 600, True), (600, 5, True), (None, 600, True)],
)
async def test_events_waiting_while_no_running_daemon_commits_is_unhealthy(
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
        conn.execute(_REPORT, (uuid.uuid4(), 4243, 0, idle_s))
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
