"""Maintenance mode and the schema guard: when a daemon may write, and how a migration
gets the database to itself.

Three mechanisms, each covering what the one before cannot:

* the **maintenance switch** (a row in ``opdb_ingest.maintenance``, shared by every
  daemon on the database and surviving restarts): daemons poll it, and while it is on
  they cancel their consumer, commit and acknowledge what they hold, and report
  ``maintenance`` in ``opdb_ingest.daemon_instance``;
* the **schema guard**: a daemon writes only while the database's alembic revision is
  the head its code was built for, otherwise it waits in ``schema_mismatch``;
* the **write lock**: every batch transaction takes a shared advisory lock and checks
  the revision; a migration holds the lock exclusively, so even a daemon that has not
  yet seen the switch cannot write into a half-migrated schema.
"""

from __future__ import annotations

import datetime
import getpass
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import psycopg
from psycopg.rows import dict_row

from daemon.errors import IngestError
from opdb.urls import WRITE_LOCK_KEY

# Advisory lock keys (arbitrary 64-bit constants, spelled "opdb" + a role number).
MIGRATOR_LOCK_KEY = 0x6F706462_0002

# A daemon reports every control interval; one silent for this long is gone.
LIVE_WITHIN_S = 15.0
# States in which a daemon holds no message and writes nothing.
QUIESCENT_STATES = frozenset({"maintenance", "schema_mismatch", "stopped"})


class Mode(StrEnum):
    """What the database allows daemons to do right now."""

    RUNNING = "running"
    MAINTENANCE = "maintenance"
    SCHEMA_MISMATCH = "schema_mismatch"


@dataclass(frozen=True)
class Gate:
    mode: Mode
    reason: str = ""
    database_revision: str | None = None


class MaintenanceError(IngestError):
    """A maintenance or migration step failed; the message says how to recover."""


_REVISION_SQL = "SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version"


async def read_gate(connection: psycopg.AsyncConnection[Any], head: str) -> Gate:
    """The mode the database currently allows, read on an autocommit connection."""
    try:
        cursor = await connection.execute(_REVISION_SQL)
        row = await cursor.fetchone()
    except psycopg.errors.UndefinedTable:
        return Gate(Mode.SCHEMA_MISMATCH, f"database has no schema history; code expects {head}")
    revision = row[0] if row else None
    if revision != head:
        return Gate(
            Mode.SCHEMA_MISMATCH,
            f"database is at revision {revision or 'none'}, code expects {head}",
            revision,
        )
    cursor = await connection.execute("SELECT enabled, reason FROM opdb_ingest.maintenance")
    switch = await cursor.fetchone()
    if switch and switch[0]:
        return Gate(Mode.MAINTENANCE, switch[1] or "maintenance", revision)
    return Gate(Mode.RUNNING, "", revision)


@dataclass(frozen=True)
class InstanceReport:
    """One daemon's report about itself."""

    instance_id: uuid.UUID
    queue: str
    state: str
    state_reason: str
    expected_revision: str
    database_revision: str | None
    in_flight: int
    started_at: datetime.datetime
    last_commit_at: datetime.datetime | None
    events_last_minute: int
    rows_last_minute: int
    host: str = socket.gethostname()
    pid: int = os.getpid()


_REPORT_SQL = """
INSERT INTO opdb_ingest.daemon_instance (
    instance_id, host, pid, queue, state, state_reason, expected_revision,
    database_revision, in_flight, started_at, heartbeat_at, last_commit_at,
    events_last_minute, rows_last_minute)
VALUES (%(instance_id)s, %(host)s, %(pid)s, %(queue)s, %(state)s, %(state_reason)s,
    %(expected_revision)s, %(database_revision)s, %(in_flight)s, %(started_at)s, now(),
    %(last_commit_at)s, %(events_last_minute)s, %(rows_last_minute)s)
ON CONFLICT (instance_id) DO UPDATE SET
    state = EXCLUDED.state, state_reason = EXCLUDED.state_reason,
    database_revision = EXCLUDED.database_revision, in_flight = EXCLUDED.in_flight,
    heartbeat_at = EXCLUDED.heartbeat_at, last_commit_at = EXCLUDED.last_commit_at,
    events_last_minute = EXCLUDED.events_last_minute,
    rows_last_minute = EXCLUDED.rows_last_minute
"""


async def report(connection: psycopg.AsyncConnection[Any], instance: InstanceReport) -> None:
    await connection.execute(_REPORT_SQL, instance.__dict__)


# -- the operator's side (synchronous, used by the CLI) --------------------------------


def _who() -> str:
    return f"{getpass.getuser()}@{socket.gethostname()}"


@dataclass(frozen=True)
class Switch:
    enabled: bool
    reason: str | None
    changed_at: datetime.datetime
    changed_by: str | None


def read_switch(conninfo: str) -> Switch:
    with psycopg.connect(conninfo) as conn:
        try:
            row = conn.execute(
                "SELECT enabled, reason, changed_at, changed_by FROM opdb_ingest.maintenance"
            ).fetchone()
        except psycopg.errors.UndefinedTable as exc:
            raise MaintenanceError(
                "this database has no maintenance switch yet: run `opdb-ingestd migrate` "
                "(or `opdb-ingestd db adopt` first for an opDB created before this project)"
            ) from exc
    assert row is not None, "the maintenance row is created by migration 0003"
    return Switch(*row)


def set_switch(conninfo: str, enabled: bool, reason: str | None) -> Switch:
    """Turn maintenance on or off; returns the switch as it was before."""
    before = read_switch(conninfo)
    with psycopg.connect(conninfo) as conn:
        conn.execute(
            "UPDATE opdb_ingest.maintenance SET enabled = %s, reason = %s, changed_at = now(), "
            "changed_by = %s",
            (enabled, reason if enabled else None, _who()),
        )
    return before


def live_instances(conninfo: str) -> list[dict[str, Any]]:
    """Daemons that reported recently, newest first."""
    with psycopg.connect(conninfo, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT *, now() - heartbeat_at AS silent_for FROM opdb_ingest.daemon_instance "
            "WHERE heartbeat_at > now() - make_interval(secs => %s) AND state <> 'stopped' "
            "ORDER BY host, pid",
            (LIVE_WITHIN_S,),
        ).fetchall()


def _not_quiescent(instances: list[dict[str, Any]], since: datetime.datetime) -> list[str]:
    waiting = []
    for d in instances:
        settled = d["state"] in QUIESCENT_STATES and d["in_flight"] == 0
        if not settled or d["heartbeat_at"] <= since:
            waiting.append(f"{d['host']} pid {d['pid']}: {d['state']}, {d['in_flight']} in flight")
    return waiting


def wait_until_quiet(
    conninfo: str,
    timeout_s: float,
    progress: Callable[[list[str]], None] | None = None,
) -> list[dict[str, Any]]:
    """Wait until every live daemon reported, after the switch last changed, that it is
    paused with nothing in flight. Raises MaintenanceError on timeout."""
    since = read_switch(conninfo).changed_at
    deadline = time.monotonic() + timeout_s
    while True:
        instances = live_instances(conninfo)
        waiting = _not_quiescent(instances, since)
        if not waiting:
            return instances
        if time.monotonic() >= deadline:
            raise MaintenanceError(
                f"after {timeout_s:g}s these daemons have not paused: {'; '.join(waiting)}. "
                "Maintenance stays on; check them (opdb-ingestd maintenance status) and "
                "wait again, or switch it off with `opdb-ingestd maintenance off`."
            )
        if progress is not None:
            progress(waiting)
        time.sleep(0.5)


def dump(libpq_url: str, path: str) -> None:
    """Back the database up with pg_dump (custom format) before a migration."""
    result = subprocess.run(
        ["pg_dump", "--format=custom", "--file", path, "--dbname", libpq_url],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise MaintenanceError(f"pg_dump failed ({result.returncode}): {result.stderr.strip()}")


@dataclass(frozen=True)
class MigrationPlan:
    target: str = "head"
    backup: str | None = None
    wait_timeout_s: float = 60.0
    lock_timeout: str = "10s"
    statement_timeout: str = "30min"


def migrate(libpq_url: str, plan: MigrationPlan, say: Callable[[str], None] = print) -> str | None:
    """Upgrade the database under maintenance; returns the revision reached.

    On failure maintenance stays on and the error explains how to recover.
    """
    from daemon import migrations

    with psycopg.connect(libpq_url, autocommit=True) as guard:
        if not guard.execute("SELECT pg_try_advisory_lock(%s)", (MIGRATOR_LOCK_KEY,)).fetchone()[0]:  # type: ignore[index]
            raise MaintenanceError("another migration is running on this database; not starting")
        try:
            switch = _read_switch_if_any(libpq_url)
            if switch is None:
                say("no maintenance switch yet (new or adopted database): nothing to pause")
            else:
                set_switch(libpq_url, True, f"migration to {plan.target} by {_who()}")
                say("maintenance on; waiting for every daemon to pause")
                wait_until_quiet(libpq_url, plan.wait_timeout_s)
            holding_write_lock = False
            try:
                if plan.backup:
                    say(f"backing up to {plan.backup}")
                    dump(libpq_url, plan.backup)
                guard.execute(f"SET lock_timeout = '{plan.lock_timeout}'")
                guard.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK_KEY,))
                holding_write_lock = True
                say(f"upgrading to {plan.target}")
                migrations.upgrade(
                    libpq_url,
                    plan.target,
                    options={
                        "lock_timeout": plan.lock_timeout,
                        "statement_timeout": plan.statement_timeout,
                    },
                )
                reached = migrations.database_revision(libpq_url)
                expected = migrations.resolve(plan.target)
                if reached != expected:
                    raise MaintenanceError(f"database is at {reached}, expected {expected}")
            except Exception as exc:
                where = migrations.database_revision(libpq_url)
                backup = f" or restore {plan.backup} with pg_restore" if plan.backup else ""
                raise MaintenanceError(
                    f"migration failed: {exc}. The database is at revision {where}. "
                    f"Maintenance stays ON, so no daemon writes. Fix the cause and run "
                    f"`opdb-ingestd migrate` again{backup}; then `opdb-ingestd maintenance "
                    "off` if you want the daemons back on the old schema."
                ) from exc
            finally:
                # Writers may go on as soon as the schema is in place; this session
                # keeps the migrator lock until maintenance is settled.
                if holding_write_lock:
                    guard.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK_KEY,))
            if switch is not None and not switch.enabled:
                set_switch(libpq_url, False, None)
                say("maintenance off")
            elif switch is not None:
                say("maintenance was on before the migration and stays on")
            return reached
        finally:
            guard.execute("SELECT pg_advisory_unlock_all()")


def _read_switch_if_any(conninfo: str) -> Switch | None:
    try:
        return read_switch(conninfo)
    except MaintenanceError:
        return None
