"""Operating the daemon: `status` exit codes and the metrics and health endpoints."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable

import pytest
from conftest import DaemonProcess, run_cli
from pydantic import SecretStr
from support import (
    add_visit,
    event,
    free_port,
    http_get,
    insert,
    publish,
    running_service,
    scalar,
    take_all,
    tel_status_events,
    wait_until,
)

from daemon.ops import maintenance
from daemon.settings import Settings

pytestmark = pytest.mark.acceptance


def _status(settings: Settings) -> tuple[int, dict[str, object]]:
    done = run_cli(settings, "status", "--json")
    return done.returncode, json.loads(done.stdout)


async def test_status_exit_codes_healthy_paused_and_broker_down(
    visit_settings: Settings, amqp_url: str, start_daemon: Callable[..., DaemonProcess]
) -> None:
    settings = visit_settings
    daemon = start_daemon(settings)
    await asyncio.to_thread(daemon.wait_running)
    await wait_until(
        lambda: [d["state"] for d in maintenance.live_instances(settings.libpq_url)] == ["running"],
        10,
        "the daemon's report",
    )
    code, healthy = await asyncio.to_thread(_status, settings)
    assert code == 0, healthy
    assert healthy["problems"] == []
    assert set(healthy["queues"]) == {"ingest", "dead_letter", "retry"}  # type: ignore[arg-type]

    assert run_cli(settings, "maintenance", "on", "--wait", "--timeout", "20").returncode == 0
    code, paused = await asyncio.to_thread(_status, settings)
    assert code == 1
    assert any("maintenance is on" in p for p in paused["problems"])  # type: ignore[attr-defined]
    assert run_cli(settings, "maintenance", "off").returncode == 0
    assert await asyncio.to_thread(daemon.stop) == 0

    nowhere = f"amqp://guest:guest@127.0.0.1:{free_port()}/"
    cut_off = start_daemon(settings, OPDB_AMQP_URL=nowhere)
    await wait_until(
        lambda: (
            [d["state"] for d in maintenance.live_instances(settings.libpq_url)] == ["not_ready"]
        ),
        20,
        "the cut-off daemon's report",
    )
    broken = run_cli(settings.model_copy(update={"amqp_url": SecretStr(nowhere)}), "status")
    assert broken.returncode == 1
    assert "broker unreachable" in broken.stdout
    assert re.search(r"not_ready \(cannot connect to RabbitMQ", broken.stdout), broken.stdout
    assert "guest:guest" not in broken.stdout
    assert await asyncio.to_thread(cut_off.stop) == 0


def _metric(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} not in the scrape"
    return float(match.group(1))


async def test_metrics_and_health_endpoints_count_what_was_sent(
    make_settings: Callable[..., Settings], amqp_url: str
) -> None:
    port = free_port()
    settings = make_settings(metrics_address=f"127.0.0.1:{port}", control_interval_s=0.2)
    add_visit(settings.libpq_url)
    good = tel_status_events(range(40))
    bad = [event([insert("tel_status", {"pfs_visit_id": 1, "status_sequence_id": "x"})])] * 3
    base = f"http://127.0.0.1:{port}"
    async with running_service(settings):
        await publish(amqp_url, settings.exchange, [*good, *bad, b"not json"])
        await take_all(amqp_url, settings.dead_letter_queue, expect=4, wait_s=20)
        await wait_until(
            lambda: scalar(settings.libpq_url, "SELECT count(*) FROM tel_status") == 40,
            20,
            "the good rows",
        )
        code, text = await asyncio.to_thread(http_get, f"{base}/metrics")
        assert code == 200
        assert _metric(text, "opdb_events_consumed_total") == 44
        assert _metric(text, "opdb_events_committed_total") == 40
        assert _metric(text, 'opdb_rows_written_total{table="tel_status"}') == 40
        assert _metric(text, 'opdb_dead_letters_total{reason="validation"}') == 3
        assert _metric(text, 'opdb_dead_letters_total{reason="malformed"}') == 1
        assert _metric(text, "opdb_event_age_at_commit_seconds_count") == 40
        assert _metric(text, 'opdb_state{state="running"}') == 1
        assert await asyncio.to_thread(http_get, f"{base}/healthz") == (200, "alive\n")
        assert (await asyncio.to_thread(http_get, f"{base}/readyz"))[0] == 200

        maintenance.set_switch(settings.libpq_url, True, "scrape test")
        await asyncio.to_thread(maintenance.wait_until_quiet, settings.libpq_url, 10)
        code, why = await asyncio.to_thread(http_get, f"{base}/readyz")
        assert code == 503
        assert "maintenance" in why
        assert await asyncio.to_thread(http_get, f"{base}/healthz") == (200, "alive\n")
        maintenance.set_switch(settings.libpq_url, False, None)
