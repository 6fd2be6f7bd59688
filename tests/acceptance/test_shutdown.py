"""SIGTERM ends ``opdb-ingestd run`` within OPDB_SHUTDOWN_TIMEOUT_S plus a small margin
in every state, and the exit code tells whether the final flush was cut short.

Tests that stop or lock a database do it on a private cluster; a service that accepts
connections but never answers is a listening socket that never accepts.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import time
from collections.abc import Callable, Iterator

import psycopg
import pytest
from conftest import DaemonProcess, migrated_opdb
from private_postgres import PrivatePostgres
from support import declare_topology, free_port, publish, queue_depth, tel_status_events, wait_until

from daemon.ops import maintenance
from daemon.settings import Settings

pytestmark = pytest.mark.acceptance

SHUTDOWN_S = 3.0
# Closing connections and the last report take about a second each at most.
MARGIN_S = 2.5
EXIT_FLUSH_CUT = 3


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that completes TCP handshakes (the backlog) but never says a word."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield int(sock.getsockname()[1])


def _events(total: int) -> list[dict[str, object]]:
    return tel_status_events(range(total))


async def _sigterm(daemon: DaemonProcess, state: str) -> tuple[int, float]:
    asked = time.monotonic()
    code = await asyncio.to_thread(daemon.stop, signal.SIGTERM, SHUTDOWN_S + 30)
    took = time.monotonic() - asked
    print(f"SIGTERM while {state}: exit {code} after {took:.2f} s")
    return code, took


def _start(
    start_daemon: Callable[..., DaemonProcess], settings: Settings, **env: str
) -> DaemonProcess:
    return start_daemon(settings, OPDB_SHUTDOWN_TIMEOUT_S=str(SHUTDOWN_S), **env)


def _wait_state(daemon: DaemonProcess, state: str, timeout_s: float = 30) -> None:
    daemon.wait_for_log(lambda r: r.get("event") == "state" and r.get("state") == state, timeout_s)


def _wait_started(daemon: DaemonProcess) -> None:
    """Past the imports (seconds on a loaded machine), into the event loop."""
    daemon.wait_for_log(lambda r: r.get("event") == "starting", 60)


async def test_sigterm_while_the_database_refuses_connections(
    settings: Settings, start_daemon: Callable[..., DaemonProcess], pg_cluster: PrivatePostgres
) -> None:
    url = migrated_opdb(pg_cluster)
    pg_cluster.stop()
    daemon = _start(start_daemon, settings, OPDB_DATABASE_URL=url)
    await asyncio.to_thread(_wait_state, daemon, "not_ready")
    await asyncio.sleep(2)  # a few reconnection attempts and control-loop rounds
    code, took = await _sigterm(daemon, "the database refuses connections")
    assert code == 0
    assert took < SHUTDOWN_S + MARGIN_S
    assert not [r for r in daemon.log_records() if r.get("event") == "unparsed"]


async def test_sigterm_while_the_database_never_answers(
    settings: Settings, start_daemon: Callable[..., DaemonProcess], silent_port: int
) -> None:
    url = f"postgresql://postgres@127.0.0.1:{silent_port}/opdb"
    daemon = _start(start_daemon, settings, OPDB_DATABASE_URL=url)
    await asyncio.to_thread(_wait_started, daemon)
    await asyncio.sleep(3)  # inside a connection attempt (connect_timeout is 5 s)
    code, took = await _sigterm(daemon, "a connection to the database hangs")
    assert code == 0
    assert took < SHUTDOWN_S + MARGIN_S


@pytest.mark.parametrize("broker", ["refused", "silent"])
async def test_sigterm_while_the_broker_is_down(
    settings: Settings,
    start_daemon: Callable[..., DaemonProcess],
    silent_port: int,
    broker: str,
) -> None:
    port = silent_port if broker == "silent" else free_port()
    daemon = _start(start_daemon, settings, OPDB_AMQP_URL=f"amqp://guest:guest@127.0.0.1:{port}/")
    await asyncio.to_thread(_wait_started, daemon)
    if broker == "refused":
        await asyncio.to_thread(_wait_state, daemon, "not_ready")
    await asyncio.sleep(3)
    code, took = await _sigterm(daemon, f"the broker is {broker}")
    assert code == 0
    assert took < SHUTDOWN_S + MARGIN_S


@pytest.mark.parametrize("after_s", [0.5, 1.5, 3.0])
async def test_sigterm_while_starting(
    settings: Settings, start_daemon: Callable[..., DaemonProcess], after_s: float
) -> None:
    """At any moment of the start: during the imports the default action ends the
    process (SIGTERM is a clean stop for systemd), later the daemon's own handler."""
    daemon = _start(start_daemon, settings)
    await asyncio.sleep(after_s)
    code, took = await _sigterm(daemon, f"starting ({after_s:g} s after the start)")
    assert code in (0, -signal.SIGTERM)
    assert took < SHUTDOWN_S + MARGIN_S


async def test_sigterm_while_paused(
    settings: Settings, start_daemon: Callable[..., DaemonProcess]
) -> None:
    maintenance.set_switch(settings.libpq_url, True, "test pause")
    daemon = _start(start_daemon, settings)
    await asyncio.to_thread(_wait_state, daemon, "maintenance")
    code, took = await _sigterm(daemon, "paused for maintenance")
    assert code == 0
    assert took < SHUTDOWN_S + MARGIN_S


async def test_sigterm_while_a_batch_waits_on_a_lock_cuts_the_flush_and_loses_nothing(
    settings: Settings,
    amqp_url: str,
    start_daemon: Callable[..., DaemonProcess],
    pg_cluster: PrivatePostgres,
) -> None:
    url = migrated_opdb(pg_cluster)
    total = 50
    await declare_topology(settings)
    locker = psycopg.connect(url)
    try:
        locker.execute("LOCK TABLE tel_status IN ACCESS EXCLUSIVE MODE")
        daemon = _start(start_daemon, settings, OPDB_DATABASE_URL=url)
        await asyncio.to_thread(daemon.wait_running)
        await publish(amqp_url, settings.exchange, _events(total))

        def blocked() -> bool:
            with psycopg.connect(url, autocommit=True) as conn:
                row = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                ).fetchone()
            return bool(row and row[0])

        await wait_until(blocked, 30, "the daemon's batch to wait on the lock")
        code, took = await _sigterm(daemon, "a batch waits on a lock")
        assert code == EXIT_FLUSH_CUT
        assert took < SHUTDOWN_S + MARGIN_S
        assert any("shutdown cap reached" in str(r.get("event")) for r in daemon.log_records())
        # Nothing was acknowledged: every event is back in the queue.
        assert await queue_depth(amqp_url, settings.queue) == total
    finally:
        with contextlib.suppress(psycopg.Error):
            locker.rollback()
        locker.close()

    again = _start(start_daemon, settings, OPDB_DATABASE_URL=url)

    def written() -> int:
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute("SELECT count(*) FROM tel_status").fetchone()
        return int(row[0]) if row else 0

    await wait_until(lambda: written() == total, 60, "every event after the lock is gone")
    code, took = await _sigterm(again, "running")
    assert code == 0
    assert await queue_depth(amqp_url, settings.queue) == 0
