"""Metrics tell the truth from the first scrape: every labelled counter already has its
series at 0, so `increase()` sees the first dead letter of each reason after a start."""

from __future__ import annotations

import asyncio
import time
import urllib.request
from collections.abc import Callable

import pytest
from conftest import DaemonProcess
from prometheus_client.parser import text_string_to_metric_families
from support import free_port

from daemon.settings import Settings
from opdb.contract import Reason

pytestmark = pytest.mark.acceptance


def _first_scrape(address: str, daemon: DaemonProcess, timeout_s: float = 60) -> str:
    until = time.monotonic() + timeout_s
    while time.monotonic() < until:
        assert daemon.process.poll() is None, daemon.log_path.read_text()[-2000:]
        try:
            with urllib.request.urlopen(f"http://{address}/metrics", timeout=2) as answer:
                return str(answer.read().decode())
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the metrics endpoint never answered")


async def test_every_labelled_counter_is_at_zero_from_the_first_scrape(
    settings: Settings, start_daemon: Callable[..., DaemonProcess]
) -> None:
    address = f"127.0.0.1:{free_port()}"
    daemon = start_daemon(settings, OPDB_METRICS_ADDRESS=address)
    text = await asyncio.to_thread(_first_scrape, address, daemon)
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    for reason in Reason:
        for counter in ("opdb_dead_letters_total", "opdb_retries_total"):
            assert samples[(counter, (("reason", reason.value),))] == 0, (counter, reason)
    for service in ("database", "broker"):
        assert samples[("opdb_transient_errors_total", (("service", service),))] == 0
    assert samples[("opdb_rows_written_total", (("table", "tel_status"),))] == 0
    assert await asyncio.to_thread(daemon.stop) == 0
