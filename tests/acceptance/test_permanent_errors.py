"""Permanent misconfiguration is named, with its fix, once (then a slow reminder), while
the daemon keeps retrying; `opdb-ingestd check` finds the same problems up front."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import pytest
from conftest import DaemonProcess, run_cli
from support import declare_topology

from daemon.settings import Settings
from opdb.urls import with_database

pytestmark = pytest.mark.acceptance

WATCH_S = 6.0


def _broker_with(url: str, password: str | None = None, vhost: str | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if password is not None:
        credentials, _, host = netloc.rpartition("@")
        netloc = f"{credentials.split(':')[0]}:{password}@{host}"
    return urlunsplit(parts._replace(netloc=netloc, path=f"/{vhost}" if vhost else parts.path))


def _database_cases(settings: Settings) -> dict[str, tuple[str, str]]:
    return {
        "missing database": (
            with_database(settings.libpq_url, "opdb_no_such_database"),
            'database "opdb_no_such_database" does not exist',
        ),
        "unknown role": (
            settings.libpq_url.replace("postgres@", "opdb_no_such_role@", 1),
            'no role "opdb_no_such_role"',
        ),
    }


async def _watch(daemon: DaemonProcess, state: str, words: str) -> list[dict[str, object]]:
    def entered(r: dict[str, object]) -> bool:
        return r.get("event") == "state" and r.get("state") == state

    await asyncio.to_thread(daemon.wait_for_log, entered, 60)
    await asyncio.sleep(WATCH_S)  # several retries and control-loop rounds
    records = daemon.log_records()
    named = [r for r in records if entered(r)]
    assert len(named) == 1, named
    assert words in str(named[0]["reason"])
    print(f"{state}: {named[0]['reason']}")
    assert daemon.process.poll() is None, "the daemon must keep retrying"
    return records


def _loud_lines_after_entering(records: list[dict[str, object]]) -> int:
    first = next(i for i, r in enumerate(records) if r.get("event") == "state")
    return sum(1 for r in records[first:] if r.get("level") in ("warning", "error"))


@pytest.mark.parametrize("case", ["missing database", "unknown role"])
async def test_a_permanent_database_problem_is_named_once_with_its_fix(
    settings: Settings, start_daemon: Callable[..., DaemonProcess], case: str
) -> None:
    url, words = _database_cases(settings)[case]
    daemon = start_daemon(settings, OPDB_DATABASE_URL=url, OPDB_CONTROL_INTERVAL_S="0.2")
    records = await _watch(daemon, "misconfigured", words)
    assert "OPDB_DATABASE_URL" in str(
        next(r for r in records if r.get("state") == "misconfigured")["reason"]
    )
    # Without the fix: ~30 control rounds and a few reconnections, one line each.
    assert _loud_lines_after_entering(records) <= 3
    assert await asyncio.to_thread(daemon.stop) == 0


@pytest.mark.parametrize("case", ["wrong password", "missing vhost"])
async def test_a_permanent_broker_problem_is_named_once_with_its_fix(
    settings: Settings, amqp_url: str, start_daemon: Callable[..., DaemonProcess], case: str
) -> None:
    if case == "wrong password":
        url, words = _broker_with(amqp_url, password="wrong"), "refused the login"
    else:
        url, words = _broker_with(amqp_url, vhost="opdb_no_such_vhost"), "opdb_no_such_vhost"
    daemon = start_daemon(settings, OPDB_AMQP_URL=url, OPDB_RECONNECT_MAX_DELAY_S="1")
    records = await _watch(daemon, "misconfigured", words)
    assert _loud_lines_after_entering(records) <= 2
    assert await asyncio.to_thread(daemon.stop) == 0


async def test_an_unmigrated_database_names_the_migration(
    settings: Settings,
    start_daemon: Callable[..., DaemonProcess],
    scratch_databases: Callable[..., str],
) -> None:
    empty = scratch_databases("opdb_empty")
    daemon = start_daemon(settings, OPDB_DATABASE_URL=empty, OPDB_CONTROL_INTERVAL_S="0.2")
    records = await _watch(daemon, "schema_mismatch", "opdb-ingestd migrate")
    assert _loud_lines_after_entering(records) <= 1
    assert await asyncio.to_thread(daemon.stop) == 0


def _check(settings: Settings, **env: str) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    done = run_cli(settings, "check", **env)
    print(f"check ({time.monotonic() - started:.1f} s): rc {done.returncode}\n{done.stdout}")
    assert "Traceback" not in done.stderr
    return done


async def test_check_passes_a_good_configuration(settings: Settings) -> None:
    await declare_topology(settings)
    done = await asyncio.to_thread(_check, settings)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("ok:")


async def test_check_names_each_problem_on_one_line(
    settings: Settings, amqp_url: str, scratch_databases: Callable[..., str]
) -> None:
    for url, words in _database_cases(settings).values():
        done = await asyncio.to_thread(_check, settings, OPDB_DATABASE_URL=url)
        assert done.returncode == 1
        problems = done.stdout.splitlines()
        assert any(words in line for line in problems)
        assert all(line.startswith("problem: ") for line in problems)
    done = await asyncio.to_thread(
        _check, settings, OPDB_DATABASE_URL=scratch_databases("opdb_empty")
    )
    assert done.returncode == 1
    assert "opdb-ingestd migrate" in done.stdout
    # Without the topology: the exchange is missing.
    assert "does not exist" in done.stdout
    for url, words in (
        (_broker_with(amqp_url, password="wrong"), "refused the login"),
        (_broker_with(amqp_url, vhost="opdb_no_such_vhost"), "opdb_no_such_vhost"),
    ):
        done = await asyncio.to_thread(_check, settings, OPDB_AMQP_URL=url)
        assert done.returncode == 1
        assert words in done.stdout
        assert "wrong" not in done.stdout
