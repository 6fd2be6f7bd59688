"""A real ``opdb-ingestd run`` subprocess, its JSON log, a scratch database and broker
names: the one harness the bench, the demo and the acceptance tests share.

The daemon's log goes to a file, never a pipe: a pipe its reader fails to drain in time
would block the daemon on a log write and distort what is being observed. The file is
read incrementally, whole lines only, so polling it stays cheap over a long run.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import psycopg
from psycopg import sql
from pydantic import SecretStr

from daemon.errors import IngestError
from daemon.ingest import topology
from daemon.schema import migrations
from daemon.settings import Settings, sqlalchemy_database_url
from opdb.amqp import connect_first
from opdb.urls import with_database

__all__ = [
    "DaemonProcess",
    "HarnessError",
    "LogFile",
    "Scratch",
    "daemon_env",
    "is_running",
    "log_time",
]

RUN = ("-m", "daemon.cli", "run")


class HarnessError(IngestError):
    """A daemon under the harness exited, stalled or never started."""


def log_time(record: Mapping[str, Any]) -> float:
    """The daemon's clock at a log record, in seconds since the epoch."""
    return datetime.datetime.fromisoformat(str(record["timestamp"])).timestamp()


def is_running(record: Mapping[str, Any]) -> bool:
    """The record a daemon logs once it consumes."""
    return record.get("event") == "state" and record.get("state") == "running"


def daemon_env(
    settings: Settings, base: Mapping[str, str] | None = None, **extra: str
) -> dict[str, str]:
    """The environment of a subprocess that runs with ``settings``: ``base`` (this
    process's environment unless given), every setting, then ``extra``."""
    return {**(os.environ if base is None else base), **settings.to_env(), **extra}


class LogFile:
    """A daemon's JSON log, read incrementally from the file its output goes to."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Lines that are not JSON (a traceback, a library's print) are kept in order as
        # {"event": "unparsed"} records, so that they show where they happened.
        self.records: list[dict[str, Any]] = []
        self._offset = 0

    def update(self) -> list[dict[str, Any]]:
        """Every record so far; a line still being written waits for its newline."""
        try:
            with self.path.open("rb") as file:
                file.seek(self._offset)
                chunk = file.read()
        except FileNotFoundError:
            return self.records
        end = chunk.rfind(b"\n")
        if end < 0:
            return self.records
        self._offset += end + 1
        for line in chunk[:end].split(b"\n"):
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if isinstance(record, dict):
                self.records.append(record)
            else:
                self.records.append({"event": "unparsed", "line": line.decode(errors="replace")})
        return self.records

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return "(no log written)"


class DaemonProcess:
    """One ``opdb-ingestd run`` subprocess (or another entry point given as ``args``),
    started at once, with its stdout and stderr appended to ``log_path``."""

    def __init__(
        self,
        env: Mapping[str, str],
        log_path: Path,
        args: Sequence[str] | None = None,
        label: str = "run",
    ) -> None:
        self.label = label
        self.log_path = log_path
        self.log = LogFile(log_path)
        # The child keeps its own descriptor; ours is closed at once.
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                list(args) if args else [sys.executable, *RUN],
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_records(self) -> list[dict[str, Any]]:
        return self.log.update()

    def batches(self, since: int = 0) -> list[dict[str, Any]]:
        """The per-batch records (logged at INFO), from the ``since``-th record on."""
        return [r for r in self.log.update()[since:] if r.get("event") == "batch"]

    def running_since(self) -> float | None:
        """Daemon-clock time of its first ``state: running`` record: consuming began."""
        for record in self.log.update():
            if is_running(record):
                return log_time(record)
        return None

    def exited(self) -> HarnessError:
        return HarnessError(
            f"daemon {self.label} exited with {self.process.poll()}:\n{self.log.tail()}"
        )

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise self.exited()

    def wait_for_log(self, predicate: Callable[[dict[str, Any]], bool], timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if any(predicate(r) for r in self.log.update()):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise HarnessError(
            f"daemon {self.label} log never matched (exit {self.process.poll()}):\n"
            + self.log.tail()
        )

    def wait_running(self, timeout_s: float = 30) -> None:
        self.wait_for_log(is_running, timeout_s)

    async def until_running(self, timeout_s: float = 60.0, poll_s: float = 0.05) -> float:
        """Wait without blocking the event loop; the daemon-clock time it began."""
        deadline = time.monotonic() + timeout_s
        while (since := self.running_since()) is None:
            self.check_alive()
            if time.monotonic() > deadline:
                raise HarnessError(f"daemon {self.label} not running after {timeout_s}s")
            await asyncio.sleep(poll_s)
        return since

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 60) -> int:
        """Send ``sig`` (if still running) and wait for the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout_s)

    def terminate(self, timeout_s: float) -> int:
        """SIGTERM, then wait for the final flush; SIGKILL (and an error) past the cap."""
        try:
            return self.stop(signal.SIGTERM, timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise HarnessError(
                f"daemon {self.label} ignored SIGTERM for {timeout_s}s; killed"
            ) from None

    def cpu_seconds(self) -> float:
        """User + system CPU the daemon has used so far, from /proc."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        # Fields after the parenthesised command name; utime and stime are 14 and 15.
        fields = stat.rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mb(self) -> dict[str, float]:
        """Peak (VmHWM) and current (VmRSS) resident set, from /proc."""
        found: dict[str, float] = {}
        status = Path(f"/proc/{self.pid}/status").read_text()
        for line in status.splitlines():
            key, _, value = line.partition(":")
            if key in {"VmHWM", "VmRSS"}:
                found[key] = int(value.split()[0]) / 1024
        return found


@dataclass
class Scratch:
    """A throwaway database on the server of some settings and broker names of its own,
    as the settings a daemon on them runs with."""

    settings: Settings
    # CREATE/DROP DATABASE need a connection to another database of the server: the
    # configured one need not exist (a fresh machine has no `opdb`), as for createdb.
    admin_url: str
    database: str
    created_database: bool = False

    @classmethod
    def named(cls, settings: Settings, kind: str, tag: str | None = None, **changes: Any) -> Self:
        """``opdb_<kind>_<tag>`` and ``opdb.<kind>.<tag>.*``; ``changes`` to the settings."""
        tag = tag or uuid.uuid4().hex[:12]
        admin_url = with_database(settings.libpq_url, "postgres")
        database = f"opdb_{kind}_{tag}"
        url = with_database(admin_url, database)
        scratch_settings = settings.model_copy(
            update={
                "database_url": SecretStr(sqlalchemy_database_url(url)),
                "exchange": f"opdb.{kind}.{tag}",
                "queue": f"opdb.{kind}.{tag}.ingest",
                **changes,
            }
        )
        return cls(scratch_settings, admin_url, database)

    @property
    def url(self) -> str:
        return self.settings.libpq_url

    def create_database(self, migrate: bool = True) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))
        self.created_database = True
        if migrate:
            migrations.upgrade(self.url)

    def drop_database(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.database)
                )
            )

    async def delete_broker_objects(self, extra_queues: Sequence[str] = ()) -> None:
        """The daemon's queues (and ``extra_queues``) and the exchange, full or not."""
        connection, _ = await connect_first(self.settings.amqp_urls)
        try:
            channel = await connection.channel()
            for name in [*topology.queue_names(self.settings), *extra_queues]:
                await channel.queue_delete(name, if_unused=False, if_empty=False)
            await channel.exchange_delete(self.settings.exchange)
        finally:
            await connection.close()
