"""A throwaway PostgreSQL cluster for tests that must stop or restart the server.

The shared server on 5432 is used by every engineer's tests at once, so a test that
restarts PostgreSQL does it on a cluster of its own: ``initdb`` into a temporary
directory, ``pg_ctl start`` on a free port with the socket in that directory, and
``pg_ctl stop`` plus removal of the directory at the end, whatever happens.

PostgreSQL refuses to run as root; when the tests run as root the server's commands
run as the ``postgres`` OS user (through ``runuser``), otherwise as the current user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from support import free_port

SERVER_USER = "postgres"
_START_ATTEMPTS = 3


class PrivatePostgresUnavailable(RuntimeError):  # noqa: N818 - a condition to skip on
    """This machine cannot run a private cluster; the message says why."""


def _bindir() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    # Debian keeps the server binaries off PATH.
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if not candidates:
        raise PrivatePostgresUnavailable("initdb is not installed (not on PATH nor in /usr/lib)")
    return Path(candidates[-1]).parent


def _as_server_user() -> list[str]:
    """The command prefix that runs a server binary as an allowed user."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise PrivatePostgresUnavailable(
            f"running as root and there is no {SERVER_USER!r} OS user to run PostgreSQL as"
        ) from None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise PrivatePostgresUnavailable("running as root and runuser is not available")
    return [runuser, "-u", SERVER_USER, "--"]


@dataclass
class PrivatePostgres:
    """One running cluster in ``root``; build it with :func:`private_postgres`."""

    root: Path
    bindir: Path
    prefix: list[str]
    port: int = 0
    restarts: list[float] = field(default_factory=list)
    data: Path = field(init=False)
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.data = self.root / "data"
        self.log_path = self.root / "server.log"

    def url(self, database: str = "postgres") -> str:
        """A libpq URL over TCP (the daemon connects the way it would in production)."""
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *args: str, timeout_s: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.data), *args],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )

    def _initdb(self) -> None:
        done = subprocess.run(
            [
                *self.prefix,
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SERVER_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise PrivatePostgresUnavailable(f"initdb failed: {done.stderr.strip()[-2000:]}")

    def _start(self) -> None:
        last = ""
        for _ in range(_START_ATTEMPTS):
            self.port = free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                f"-c unix_socket_directories={self.root}"
            )
            done = self._pg_ctl("-l", str(self.log_path), "-w", "-t", "60", "-o", options, "start")
            if done.returncode == 0:
                return
            # Most likely another process took the port between probe and bind.
            last = done.stderr.strip() + "\n" + self.log_tail()
        raise RuntimeError(f"private PostgreSQL did not start: {last}")

    def restart(self, mode: str = "fast") -> float:
        """``pg_ctl restart -m <mode>``, same options; returns how long it took."""
        started = time.monotonic()
        done = self._pg_ctl("-l", str(self.log_path), "-w", "-t", "60", "-m", mode, "restart")
        took = time.monotonic() - started
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl restart failed: {done.stderr.strip()}\n{self.log_tail()}")
        self.restarts.append(took)
        return took

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("-m", "immediate", "-w", "-t", "60", "stop")

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def log_tail(self, chars: int = 3000) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-chars:]
        return ""


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """Start a private cluster; stop it and remove its directory on exit.

    Raises :class:`PrivatePostgresUnavailable` (before creating anything that would
    outlive the call) when this machine cannot run one.
    """
    bindir = _bindir()
    prefix = _as_server_user()
    root = Path(tempfile.mkdtemp(prefix="opdb-private-pg-"))
    cluster = PrivatePostgres(root=root, bindir=bindir, prefix=prefix)
    try:
        if prefix:
            account = pwd.getpwnam(SERVER_USER)
            os.chown(root, account.pw_uid, account.pw_gid)
        root.chmod(0o700)
        cluster._initdb()
        cluster._start()
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)
