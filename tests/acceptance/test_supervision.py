"""Every helper task of the daemon is supervised: one that ends unexpectedly is logged
and the daemon exits non-zero (4), so that systemd restarts it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DaemonProcess

from daemon.settings import Settings

pytestmark = pytest.mark.acceptance

HELPER_DIES = Path(__file__).with_name("helper_dies.py")
# A script's own directory comes first on sys.path, not the checkout under test.
CHECKOUT = str(Path(__file__).resolve().parents[2])
EXIT_HELPER_FAILED = 4


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("_control_loop", "control loop"),
        ("_adjust_prefetch", "prefetch adjuster"),
        ("_watch_starvation", "starvation watch"),
        ("_feed_watchdog", "watchdog feeder"),
    ],
)
async def test_a_helper_task_that_dies_stops_the_daemon_with_exit_4(
    settings: Settings, start_daemon: Callable[..., DaemonProcess], method: str, name: str
) -> None:
    daemon = start_daemon(
        settings,
        script=HELPER_DIES,
        OPDB_TEST_HELPER=method,
        PYTHONPATH=CHECKOUT,
        # The watchdog feeder runs only under systemd's watchdog.
        WATCHDOG_USEC="30000000",
    )
    started = time.monotonic()
    code = await asyncio.to_thread(daemon.process.wait, 60)
    print(f"{name} killed: exit {code} {time.monotonic() - started:.1f} s after the spawn")
    assert code == EXIT_HELPER_FAILED
    failures = [
        r for r in daemon.log_records() if r.get("event", "").startswith("helper task ended")
    ]
    assert [f["task"] for f in failures] == [name]
    assert "injected fault" in failures[0]["error"]
    assert failures[0]["level"] == "error"
    assert "Traceback" in failures[0].get("exception", "")
