"""`status` is unhealthy when a daemon says it is running but has committed nothing for
longer than a threshold while it holds events: stuck in a way it did not notice."""

from __future__ import annotations

import uuid

import psycopg
import pytest

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
