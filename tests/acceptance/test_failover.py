"""A primary/standby pair behind one multi-host URL: the daemon, `migrate`, `status` and
`visit` all work after the standby is promoted (run with -m chaos)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from conftest import DaemonProcess, run_cli
from private_postgres import (
    SERVER_USER,
    PrivatePostgres,
    PrivatePostgresUnavailable,
    private_postgres,
)
from support import declare_topology, event, insert, publish, wait_until

from daemon.schema import migrations
from daemon.settings import Settings

# Minutes on a loaded machine (a second cluster, a CLI start per command): behind chaos.
pytestmark = [pytest.mark.acceptance, pytest.mark.chaos]


@pytest.fixture
def pair() -> Iterator[tuple[PrivatePostgres, PrivatePostgres]]:
    """A primary and a streaming standby made from it with pg_basebackup."""
    try:
        with private_postgres() as primary:
            primary.create_database("opdb")
            migrations.upgrade(primary.url("opdb"))
            root = Path(tempfile.mkdtemp(prefix="opdb-private-pg-standby-"))
            standby = PrivatePostgres(root=root, bindir=primary.bindir, prefix=primary.prefix)
            try:
                if primary.prefix:
                    shutil.chown(root, SERVER_USER, SERVER_USER)
                root.chmod(0o700)
                done = subprocess.run(
                    [
                        *primary.prefix,
                        str(primary.bindir / "pg_basebackup"),
                        "-d",
                        primary.url(),
                        "-D",
                        str(standby.data),
                        "-R",
                        "-X",
                        "stream",
                    ],
                    capture_output=True,
                    text=True,
                    timeout=120,
                    check=False,
                )
                assert done.returncode == 0, done.stderr
                standby._start()
                yield primary, standby
            finally:
                standby.stop()
                shutil.rmtree(root, ignore_errors=True)
    except PrivatePostgresUnavailable as exc:
        pytest.skip(str(exc))


def _promote(standby: PrivatePostgres) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*standby.prefix, str(standby.bindir / "pg_ctl"), "-D", str(standby.data), "-w", "promote"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _cli(settings: Settings, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(settings, *args, timeout_s=180, OPDB_DATABASE_URL=url)


def _commands_work(settings: Settings, url: str) -> None:
    for args, codes in (
        (["migrate", "--dry-run"], {0}),
        (["migrate"], {0}),
        (["status"], {0, 1}),
        (["visit", "1"], {0, 1}),
    ):
        done = _cli(settings, url, *args)
        print(f"{' '.join(args)}: rc {done.returncode}")
        assert done.returncode in codes, done.stderr
        assert "Traceback" not in done.stderr
    assert "daemons:" in _cli(settings, url, "status").stdout


@pytest.mark.timeout(400)
async def test_multi_host_url_follows_a_promotion_in_every_command(
    settings: Settings,
    amqp_url: str,
    start_daemon: Callable[..., DaemonProcess],
    pair: tuple[PrivatePostgres, PrivatePostgres],
) -> None:
    primary, standby = pair
    url = (
        f"postgresql://{SERVER_USER}@127.0.0.1:{primary.port},127.0.0.1:{standby.port}/opdb"
        "?target_session_attrs=read-write"
    )
    with psycopg.connect(primary.url("opdb"), autocommit=True) as conn:
        conn.execute("INSERT INTO pfs_visit (pfs_visit_id) VALUES (1)")
    await declare_topology(settings)
    daemon = start_daemon(settings, OPDB_DATABASE_URL=url)
    await asyncio.to_thread(daemon.wait_running, 60)

    def status_rows(n: int) -> list[dict[str, object]]:
        return [
            event([insert("tel_status", {"pfs_visit_id": 1, "status_sequence_id": s})])
            for s in range(n, n + 20)
        ]

    def written() -> int:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            row = conn.execute("SELECT count(*) FROM tel_status").fetchone()
        return int(row[0]) if row else 0

    await publish(amqp_url, settings.exchange, status_rows(0))
    await wait_until(lambda: written() == 20, 60, "the first events on the primary")

    primary.stop()
    failed_over_at = time.monotonic()
    promoted = await asyncio.to_thread(_promote, standby)
    assert promoted.returncode == 0, promoted.stderr
    await publish(amqp_url, settings.exchange, status_rows(100))
    await wait_until(lambda: written() == 40, 90, "the events after the promotion")
    print(
        f"written through the promoted standby {time.monotonic() - failed_over_at:.1f} s "
        "after the primary stopped"
    )
    await asyncio.to_thread(_commands_work, settings, url)
    assert await asyncio.to_thread(daemon.stop) == 0
