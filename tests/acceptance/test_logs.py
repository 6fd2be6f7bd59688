"""The daemon's log as an operator reads it: quiet on a clean stop, every reject named
by its event id and source, and a readable format in a terminal."""

from __future__ import annotations

import asyncio
import json
import os
import pty
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DaemonProcess, daemon_environment
from support import add_visit, event, insert, publish, queue_depth, tel_status_events, wait_until

from daemon.logs import wants_json
from daemon.settings import Settings

pytestmark = pytest.mark.acceptance

MAX_BODY = 4096


async def test_a_clean_stop_logs_no_warning(
    settings: Settings, amqp_url: str, start_daemon: Callable[..., DaemonProcess]
) -> None:
    add_visit(settings.libpq_url)
    daemon = start_daemon(settings)
    await asyncio.to_thread(daemon.wait_running)
    events = tel_status_events(range(20))
    await publish(amqp_url, settings.exchange, events)
    await asyncio.to_thread(
        daemon.wait_for_log, lambda r: r.get("event") == "batch" and r["committed"] > 0, 30
    )
    assert await asyncio.to_thread(daemon.stop) == 0
    loud = [r for r in daemon.log_records() if r.get("level") in ("warning", "error", "critical")]
    assert loud == []


async def test_every_reject_names_its_event_id_and_source(
    settings: Settings, amqp_url: str, start_daemon: Callable[..., DaemonProcess]
) -> None:
    """Refused before the database (unknown table, a body too large, a bad field) or by
    it: the log line carries the id and source the body gave."""
    ids = {name: str(uuid.uuid4()) for name in ("unknown_table", "too_large", "validation")}
    unknown = event([insert("no_such_table", {"a": 1})], source="actor.unknown")
    unknown["id"] = ids["unknown_table"]
    # id and source first, as publishers write them; the padding makes it too large.
    large = event([insert("tel_status", {"pfs_visit_id": 1, "x": "y" * MAX_BODY})])
    large.update(id=ids["too_large"], source="actor.large")
    bad = event([insert("tel_status", {"pfs_visit_id": "not a number"})], source="actor.bad")
    bad["id"] = ids["validation"]
    daemon = start_daemon(settings, OPDB_MAX_BODY_BYTES=str(MAX_BODY))
    await asyncio.to_thread(daemon.wait_running)
    await publish(amqp_url, settings.exchange, [unknown, large, bad, b"{not json"])

    def rejects() -> list[dict[str, object]]:
        return [r for r in daemon.log_records() if r.get("event") == "dead_lettered"]

    await wait_until(lambda: len(rejects()) == 4, 30, "four dead letters")
    assert await asyncio.to_thread(daemon.stop) == 0
    named = {str(r["reason"]): (r["event_id"], r["source"]) for r in rejects()}
    print(named)
    assert named["unknown_table"] == (ids["unknown_table"], "actor.unknown")
    assert named["too_large"] == (ids["too_large"], "actor.large")
    assert named["validation"] == (ids["validation"], "actor.bad")
    assert named["malformed"] == (None, None)
    assert await queue_depth(amqp_url, settings.dead_letter_queue) == 4


@pytest.mark.parametrize(
    ("log_format", "tty", "environ", "expected"),
    [
        ("auto", False, {}, True),
        ("auto", True, {}, False),
        ("auto", True, {"INVOCATION_ID": "x"}, True),
        ("auto", True, {"JOURNAL_STREAM": "8:1234"}, True),
        ("json", True, {}, True),
        ("console", False, {}, False),
    ],
)
def test_the_log_format_follows_the_setting_and_the_terminal(
    log_format: str, tty: bool, environ: dict[str, str], expected: bool
) -> None:
    class Stream:
        def isatty(self) -> bool:
            return tty

    assert wants_json(log_format, Stream(), environ) is expected  # type: ignore[arg-type]


def _first_lines(settings: Settings, tmp_path: Path, **env: str) -> list[str]:
    """Run the daemon with stderr on a pseudo-terminal; its lines until it stops."""
    controller, terminal = pty.openpty()
    environment = daemon_environment(settings, **env)
    environment["OPDB_DATABASE_URL"] = settings.libpq_url.replace("postgres@", "postgres:pw@")
    process = subprocess.Popen(
        [sys.executable, "-m", "daemon.cli", "run"],
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=terminal,
    )
    os.close(terminal)
    output = b""
    deadline = time.monotonic() + 60
    try:
        while b"running" not in output and time.monotonic() < deadline:
            try:
                output += os.read(controller, 65536)
            except OSError:
                break
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
    return output.decode(errors="replace").splitlines()


@pytest.mark.parametrize("env", [{}, {"OPDB_LOG_FORMAT": "console"}])
def test_a_terminal_gets_the_console_format(
    settings: Settings, tmp_path: Path, env: dict[str, str]
) -> None:
    lines = _first_lines(settings, tmp_path, **env)
    print("\n".join(lines[:3]))
    starting = next(line for line in lines if "starting" in line)
    assert not starting.lstrip().startswith("{")
    assert "postgres:***@" in starting
    assert ":pw@" not in "\n".join(lines)


def test_systemd_gets_json_even_on_a_terminal(settings: Settings, tmp_path: Path) -> None:
    lines = _first_lines(settings, tmp_path, INVOCATION_ID="0123456789abcdef")
    starting = next(line for line in lines if "starting" in line)
    assert json.loads(starting)["event"] == "starting"
