"""``opdb-ingestd bench --quick`` end to end: it runs, reports every figure, and leaves
nothing behind. Not a timed test: the performance targets are reported by the command,
never asserted here, since they depend on the machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pika  # type: ignore[import-untyped]
import psycopg
import pytest
from pika.exceptions import ChannelClosedByBroker  # type: ignore[import-untyped]

pytestmark = pytest.mark.integration

# --quick is meant to finish in ~40 s; the margin is for a loaded CI machine.
_BENCH_TIMEOUT_S = 180

_RATES = (
    "bare_consume_per_s",
    "small_events_per_s",
    "bulk_rows_per_s",
    "copy_rows_per_s",
    "row_commit_rows_per_s",
    "latency_low_p50_ms",
    "latency_low_p99_ms",
    "latency_p50_ms",
    "latency_p99_ms",
    "burst_p50_ms",
    "burst_p99_ms",
    "peak_rss_mb",
    "small_vs_bare",
    "bulk_vs_copy",
    "small_vs_row_commit",
)
_TARGETS = (
    "small_vs_bare",
    "bulk_vs_copy",
    "latency_low_p99_ms",
    "latency_p99_ms",
    "peak_rss_mb",
)
_GROUP_SIZES = ("1", "10", "50", "100", "500", "3000")


def _run_bench(pg_server_url: str, amqp_url: str) -> dict[str, Any]:
    env = {**os.environ, "OPDB_DATABASE_URL": pg_server_url, "OPDB_AMQP_URL": amqp_url}
    completed = subprocess.run(
        [sys.executable, "-m", "daemon.cli", "bench", "--quick"],
        env=env,
        capture_output=True,
        text=True,
        timeout=_BENCH_TIMEOUT_S,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-5000:]
    report: dict[str, Any] = json.loads(completed.stdout)
    return report


def _broker_has(amqp_url: str, kind: str, name: str) -> bool:
    """Whether a queue or exchange exists: a passive declare answers 404 if not."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        try:
            if kind == "queue":
                channel.queue_declare(name, passive=True)
            else:
                channel.exchange_declare(name, passive=True)
        except ChannelClosedByBroker as exc:
            if exc.reply_code == 404:
                return False
            raise
        return True
    finally:
        connection.close()


def test_quick_bench_reports_every_figure_and_leaves_nothing_behind(
    pg_server_url: str, amqp_url: str
) -> None:
    report = _run_bench(pg_server_url, amqp_url)

    for key in _RATES:
        assert isinstance(report.get(key), int | float), key
        assert report[key] > 0, key
    assert set(report["targets_met"]) == set(_TARGETS)
    assert all(isinstance(met, bool) for met in report["targets_met"].values())
    for table in ("tel_status", "mcs_data"):
        by_size = report["copy_vs_values"][table]
        assert set(by_size) == set(_GROUP_SIZES), table
        for size, rates in by_size.items():
            assert rates["values_rows_per_s"] > 0, (table, size)
            assert rates["copy_rows_per_s"] > 0, (table, size)
    assert report["daemon_exit_codes"], "no daemon ran"
    assert set(report["daemon_exit_codes"].values()) == {0}
    # Reported, not asserted: a daemon that recovered from a fault still measured.
    assert set(report["daemon_warnings"]) == set(report["daemon_exit_codes"])
    print("daemon warnings:", report["daemon_warnings"])

    scratch = report["scratch"]
    assert scratch["database"].startswith("opdb_bench_")
    with psycopg.connect(pg_server_url) as conn:
        left = conn.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", (scratch["database"],)
        ).fetchone()
    assert left == (0,), f"scratch database {scratch['database']} left behind"
    assert not _broker_has(amqp_url, "exchange", scratch["exchange"])
    assert scratch["queues"], "the report names no queues"
    for queue in scratch["queues"]:
        assert not _broker_has(amqp_url, "queue", queue), f"queue {queue} left behind"
