"""The real ``opdb-ingestd run`` process: signals, crashes and its log stream."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DaemonProcess
from support import (
    add_visit,
    count,
    declare_topology,
    publish,
    queue_depth,
    scalar,
    tel_status_events,
    wait_until,
)

from daemon.settings import Settings

pytestmark = pytest.mark.acceptance

KILL_BEFORE_ACK = Path(__file__).with_name("kill_before_ack.py")


def _ledger(settings: Settings) -> int:
    return int(scalar(settings.libpq_url, "SELECT count(*) FROM opdb_ingest.event_ledger"))


def _tel_status_events(settings: Settings, total: int) -> list[dict[str, object]]:
    add_visit(settings.libpq_url)
    return tel_status_events(range(total))


async def test_sigterm_mid_stream_exits_zero_and_a_restart_finishes_the_job(
    settings: Settings, amqp_url: str, start_daemon: Callable[..., DaemonProcess]
) -> None:
    total = 5000
    events = _tel_status_events(settings, total)
    daemon = start_daemon(settings)
    await asyncio.to_thread(daemon.wait_running)
    publisher = asyncio.create_task(publish(amqp_url, settings.exchange, events, in_flight=100))
    await wait_until(lambda: _ledger(settings) > 200, 30, "the stream to be flowing")
    asked = time.monotonic()
    code = await asyncio.to_thread(daemon.stop, signal.SIGTERM)
    took = time.monotonic() - asked
    written_at_stop = _ledger(settings)
    print(f"SIGTERM: exit {code} after {took:.2f}s with {written_at_stop}/{total} written")
    assert code == 0
    assert took < settings.shutdown_timeout_s + 5
    assert written_at_stop < total, "the stream ended before SIGTERM; nothing was tested"
    await publisher

    restarted = start_daemon(settings)
    await wait_until(lambda: _ledger(settings) == total, 60, "the rest of the stream")
    assert await asyncio.to_thread(restarted.stop) == 0
    assert count(settings.libpq_url, "tel_status") == total
    assert await queue_depth(amqp_url, settings.dead_letter_queue) == 0
    assert await queue_depth(amqp_url, settings.queue) == 0


async def test_sigkill_between_commit_and_ack_writes_once(
    settings: Settings, amqp_url: str, start_daemon: Callable[..., DaemonProcess]
) -> None:
    total = 300
    await declare_topology(settings)
    await publish(amqp_url, settings.exchange, _tel_status_events(settings, total))
    doomed = start_daemon(settings, script=KILL_BEFORE_ACK)
    assert await asyncio.to_thread(doomed.process.wait, 60) == -signal.SIGKILL
    committed_before_crash = _ledger(settings)
    assert committed_before_crash > 0, "the doomed daemon committed nothing"
    assert count(settings.libpq_url, "tel_status") == committed_before_crash

    survivor = start_daemon(settings)

    def survivor_batches() -> list[dict[str, int]]:
        return [r for r in survivor.log_records() if r.get("event") == "batch"]

    await wait_until(
        lambda: sum(b["committed"] + b["duplicates"] for b in survivor_batches()) == total,
        60,
        "the survivor to process every event",
    )
    assert await asyncio.to_thread(survivor.stop) == 0
    duplicates = sum(b["duplicates"] for b in survivor_batches())
    print(
        f"committed before SIGKILL: {committed_before_crash}; redelivered duplicates "
        f"absorbed: {duplicates}"
    )
    assert duplicates == committed_before_crash
    assert count(settings.libpq_url, "tel_status") == total
    assert await queue_depth(amqp_url, settings.dead_letter_queue) == 0


async def test_log_stream_is_json_with_a_line_per_batch_and_no_password(
    make_settings: Callable[..., Settings],
    amqp_url: str,
    start_daemon: Callable[..., DaemonProcess],
) -> None:
    settings = make_settings()
    secret = "s3cret-Pa55"
    url = settings.libpq_url.replace("postgres@", f"postgres:{secret}@")
    daemon = start_daemon(settings, OPDB_DATABASE_URL=url)
    await asyncio.to_thread(daemon.wait_running)
    await publish(amqp_url, settings.exchange, _tel_status_events(settings, 10))
    await wait_until(lambda: _ledger(settings) == 10, 30, "the events")
    assert await asyncio.to_thread(daemon.stop) == 0
    text = daemon.log_path.read_text()
    assert secret not in text
    assert "guest:guest" not in text
    records = [json.loads(line) for line in text.splitlines()]
    batches = [r for r in records if r["event"] == "batch"]
    assert sum(b["committed"] for b in batches) == 10
    assert {"events", "rows", "dead_lettered", "retried", "duration_ms", "timestamp"} <= set(
        batches[0]
    )
    assert any("***" in str(r.get("database")) for r in records if r["event"] == "starting")
