"""Run the real ``opdb-ingestd`` as a subprocess against this test's services."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from daemon.settings import Settings


class DaemonProcess:
    """One ``opdb-ingestd run`` subprocess and its JSON log."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        # The child keeps its own descriptor; ours is closed at once.
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(args, env=env, stdout=log, stderr=log)

    def log_records(self) -> list[dict[str, Any]]:
        records = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                records.append({"event": "unparsed", "line": line})
        return records

    def wait_for_log(self, predicate: Callable[[dict[str, Any]], bool], timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if any(predicate(r) for r in self.log_records()):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        tail = self.log_path.read_text(errors="replace")[-3000:]
        raise AssertionError(f"daemon log never matched (exit {self.process.poll()}):\n{tail}")

    def wait_running(self, timeout_s: float = 30) -> None:
        self.wait_for_log(
            lambda r: r.get("event") == "state" and r.get("state") == "running", timeout_s
        )

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 60) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout_s)


def daemon_environment(settings: Settings, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        **settings.to_env(),
    }
    # A checkout run with PYTHONPATH pointing at it (rather than the installed package)
    # must reach its daemon through scripts too, whose sys.path starts at their folder.
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    env.update(extra)
    return env


def run_cli(
    settings: Settings, *args: str, script: Path | None = None, timeout_s: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run one ``opdb-ingestd`` command to completion."""
    entry = [str(script)] if script else ["-m", "daemon.cli"]
    return subprocess.run(
        [sys.executable, *entry, *args],
        env=daemon_environment(settings),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )


@pytest.fixture
def visit_settings(make_settings: Callable[..., Settings]) -> Settings:
    """Settings whose daemons report every 0.2 s, on a database holding visit 1."""
    settings = make_settings(control_interval_s=0.2)
    with psycopg.connect(settings.libpq_url, autocommit=True) as conn:
        conn.execute("INSERT INTO pfs_visit (pfs_visit_id) VALUES (1)")
    return settings


@pytest.fixture
def start_daemon(tmp_path: Path) -> Iterator[Callable[..., DaemonProcess]]:
    """Start ``opdb-ingestd run`` (or another entry point) with these settings; every
    daemon still running at the end of the test is killed."""
    started: list[DaemonProcess] = []

    def start(settings: Settings, script: Path | None = None, **extra: str) -> DaemonProcess:
        entry = [str(script), "run"] if script else ["-m", "daemon.cli", "run"]
        log_path = tmp_path / f"daemon-{len(started)}.log"
        daemon = DaemonProcess(
            [sys.executable, *entry], daemon_environment(settings, **extra), log_path
        )
        started.append(daemon)
        return daemon

    yield start
    for daemon in started:
        if daemon.process.poll() is None:
            daemon.stop(signal.SIGKILL, 10)
