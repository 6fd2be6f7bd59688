"""Run the real ``opdb-ingestd`` as a subprocess against this test's services."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from private_postgres import PrivatePostgres, PrivatePostgresUnavailable, private_postgres
from private_rabbitmq import PrivateRabbitMQ, PrivateRabbitMQUnavailable, private_rabbitmq
from support import Rig, add_visit, run_to_end

from daemon.dev.harness import DaemonProcess, daemon_env
from daemon.schema import migrations
from daemon.settings import Settings

__all__ = ["DaemonProcess", "daemon_environment", "migrated_opdb", "run_cli"]


def daemon_environment(settings: Settings, **extra: str) -> dict[str, str]:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    # A checkout run with PYTHONPATH pointing at it (rather than the installed package)
    # must reach its daemon through scripts too, whose sys.path starts at their folder.
    if "PYTHONPATH" in os.environ:
        base["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return daemon_env(settings, base, **extra)


def run_cli(
    settings: Settings,
    *args: str,
    script: Path | None = None,
    timeout_s: float = 120,
    stdin: Any = subprocess.DEVNULL,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    """Run one ``opdb-ingestd`` command to completion; ``env`` adds to or overrides the
    environment made of ``settings``."""
    entry = [str(script)] if script else ["-m", "daemon.cli"]
    return run_to_end(
        [sys.executable, *entry, *args], daemon_environment(settings, **env), timeout_s, stdin
    )


@pytest.fixture
def visit_settings(make_settings: Callable[..., Settings]) -> Settings:
    """Settings whose daemons report every 0.2 s, on a database holding visit 1."""
    settings = make_settings(control_interval_s=0.2)
    add_visit(settings.libpq_url)
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
            daemon_environment(settings, **extra), log_path, [sys.executable, *entry]
        )
        started.append(daemon)
        return daemon

    yield start
    for daemon in started:
        if daemon.process.poll() is None:
            daemon.stop(signal.SIGKILL, 10)


@pytest.fixture
def make_rig(
    amqp_url: str, start_daemon: Callable[..., DaemonProcess]
) -> Callable[[Settings], Rig]:
    """A rig of daemons with these settings, on this test's broker."""
    return lambda settings: Rig(settings, amqp_url, start_daemon)


@pytest.fixture
def private_broker() -> Iterator[PrivateRabbitMQ]:
    """A RabbitMQ node of this test's own, stopped and removed afterwards; the test is
    skipped when this machine cannot run one."""
    try:
        with private_rabbitmq() as broker:
            yield broker
    except PrivateRabbitMQUnavailable as exc:
        pytest.skip(f"no private RabbitMQ node on this machine: {exc}")


@pytest.fixture
def pg_cluster() -> Iterator[PrivatePostgres]:
    """A PostgreSQL cluster of this test's own, stopped and removed afterwards; the test
    is skipped when this machine cannot run one."""
    try:
        with private_postgres() as cluster:
            yield cluster
    except PrivatePostgresUnavailable as exc:
        pytest.skip(f"cannot run a private PostgreSQL cluster: {exc}")


def migrated_opdb(cluster: PrivatePostgres) -> str:
    """The URL of a database ``opdb`` at head on ``cluster``, holding visit 1."""
    url = cluster.create_database("opdb")
    migrations.upgrade(url)
    add_visit(url)
    return url
