"""Maintenance mode, the operators' side: switching it, waiting until every daemon is
quiet, and migrating under it (the daemon's side is ``daemon.ingest.gate``).

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
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from daemon.errors import IngestError
from daemon.ingest.gate import LIVE_WITHIN_S, QUIESCENT_STATES
from daemon.logs import mask_secrets
from daemon.ops import night
from daemon.schema import migrations
from daemon.schema.migrations import DEFAULT_SESSION_OPTIONS, Direction, Drop
from opdb.locks import MIGRATOR_LOCK_KEY, WRITE_LOCK_KEY


class MaintenanceError(IngestError):
    """A maintenance or migration step failed; the message says how to recover."""


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


def _one_line(exc: BaseException | str) -> str:
    return mask_secrets(" ".join(str(exc).split()))


def prepare_backup(path: str) -> Path:
    """Make sure the backup can be written, before anything is switched: the folder is
    created if missing (a new host has no /var/backups/opdb yet), an existing file is
    never overwritten (it may be the backup of an earlier, failed attempt), and the file
    is created empty, readable by its owner only (a dump holds every row)."""
    target = Path(path).expanduser()
    if shutil.which("pg_dump") is None:
        raise MaintenanceError("--backup needs pg_dump, which is not on PATH; nothing changed")
    if target.exists():
        raise MaintenanceError(
            f"backup file {target} already exists; give a new name (an earlier backup is "
            "never overwritten); nothing changed"
        )
    blocking = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise MaintenanceError(
            f"cannot write the backup file {target}: {blocking} is a file, not a folder; "
            "nothing changed"
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise MaintenanceError(
            f"cannot write the backup file {target}: {exc.strerror or exc}; nothing changed"
        ) from exc
    return target


@dataclass(frozen=True)
class Backup:
    path: Path
    size_bytes: int
    seconds: float
    started_at: datetime.datetime


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def dump(
    libpq_url: str,
    path: Path,
    say: Callable[[str], None] = print,
    progress_every_s: float = 2.0,
) -> Backup:
    """Back the database up with pg_dump (custom format), saying how far it got.

    pg_dump reads one snapshot and takes only ACCESS SHARE locks, so daemons keep
    writing meanwhile; what they commit after the snapshot is not in the backup.
    """
    with psycopg.connect(libpq_url) as conn:
        started_at = conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
    began = time.monotonic()
    process = subprocess.Popen(
        ["pg_dump", "--format=custom", "--file", str(path), "--dbname", libpq_url],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    while True:
        try:
            _, errors = process.communicate(timeout=progress_every_s)
            break
        except subprocess.TimeoutExpired:
            size = path.stat().st_size if path.exists() else 0
            say(f"backup: {_megabytes(size)} written, {time.monotonic() - began:.0f}s")
    seconds = time.monotonic() - began
    if process.returncode != 0:
        path.unlink(missing_ok=True)
        raise MaintenanceError(
            f"pg_dump failed ({process.returncode}): {_one_line(errors)}; nothing changed"
        )
    return Backup(path, path.stat().st_size, seconds, started_at)


@dataclass(frozen=True)
class NightPolicy:
    """What to do when pausing ingestion would cut into an observation."""

    wait_for_gap: bool = False
    gap_timeout_s: float = 600.0
    # Pause anyway; recorded, with who, in the maintenance switch's reason.
    force_reason: str | None = None


def before_pausing(
    libpq_url: str, policy: NightPolicy, say: Callable[[str], None], wait: bool = True
) -> str | None:
    """Refuse to pause during an observation, wait for a gap, or note who forced it and
    why (returned, for the switch's reason). ``wait=False`` only refuses or passes."""
    busy = night.in_progress(libpq_url)
    if not busy:
        return None
    if policy.force_reason is not None:
        note = f"forced by {_who()}: {policy.force_reason}; in progress: {'; '.join(busy)}"
        say(note)
        return note
    if policy.wait_for_gap:
        if not wait or night.wait_for_gap(libpq_url, policy.gap_timeout_s, say):
            return None
        raise MaintenanceError(
            f"no gap in the observations within {policy.gap_timeout_s:g}s "
            f"({'; '.join(night.in_progress(libpq_url)) or 'now clear'}); nothing changed"
        )
    raise MaintenanceError(
        f"refusing to pause ingestion during an observation: {'; '.join(busy)}. Wait for a "
        "gap with --wait-for-gap, or override with --force REASON; nothing changed"
    )


@dataclass(frozen=True)
class MigrationPlan:
    target: str = "head"
    backup: str | None = None
    wait_timeout_s: float = 60.0
    lock_timeout: str = DEFAULT_SESSION_OPTIONS["lock_timeout"]
    statement_timeout: str = DEFAULT_SESSION_OPTIONS["statement_timeout"]
    # Required to go below the baseline or to drop tables/columns that hold data.
    allow_data_loss: bool = False
    # Use maintenance mode even when every step is additive.
    pause: bool = False
    night: NightPolicy = NightPolicy()

    @property
    def session_options(self) -> dict[str, str]:
        return {"lock_timeout": self.lock_timeout, "statement_timeout": self.statement_timeout}


@dataclass(frozen=True)
class Checked:
    """What ``migrate`` found before changing anything."""

    current: str | None
    target: str | None
    direction: Direction
    steps: list[str]
    drops: list[Drop]

    def describe(self) -> str:
        return (
            f"{self.direction} {self.current or 'base'} -> {self.target or 'base'} "
            f"({len(self.steps)} step{'s' if len(self.steps) != 1 else ''}: "
            f"{', '.join(self.steps)})"
        )


CONFIRM_FLAG = "--yes-drop-data"


def _check_session_options(conn: psycopg.Connection[Any], plan: MigrationPlan) -> None:
    for name, value in plan.session_options.items():
        try:
            with conn.transaction():
                conn.execute("SELECT set_config(%s, %s, true)", (name, value))
        except psycopg.errors.DataError as exc:
            flag = "--" + name.replace("_", "-")
            raise MaintenanceError(
                f"{flag} {value!r} is not a PostgreSQL duration (e.g. 10s, 2min); nothing changed"
            ) from exc


def check(conn: psycopg.Connection[Any], libpq_url: str, plan: MigrationPlan) -> Checked:
    """Everything ``migrate`` can verify before it changes anything. Each failure is one
    line and leaves the database, its maintenance switch and the backup path as found."""
    target = migrations.resolve(plan.target)
    _check_session_options(conn, plan)
    current = migrations.database_revision(libpq_url)
    if current is None and (tables := migrations.unadopted_opdb_tables(libpq_url)):
        raise MaintenanceError(
            f"this database holds {tables} opDB tables but no migration history: run "
            "`opdb-ingestd db adopt` first; nothing changed"
        )
    if current is not None and not migrations.is_known(current):
        raise MaintenanceError(
            f"the database is at revision {current}, which this release does not know (a "
            "newer release migrated it): run migrate from that release; nothing changed"
        )
    way = migrations.direction(current, target)
    drops: list[Drop] = []
    if way == "downgrade":
        assert current is not None
        drops = migrations.data_dropped(libpq_url, current, target)
        losing = [str(d) for d in drops if d.holds_data]
        if not plan.allow_data_loss and (target is None or losing):
            tables = sum(1 for d in drops if d.column is None)
            what = f"it drops data: {'; '.join(losing)}"
            if target is None:
                held = f", these holding data: {'; '.join(losing)}" if losing else ", all empty"
                what = f"it drops all {tables} opDB and bookkeeping tables{held}"
            raise MaintenanceError(
                f"refusing to downgrade to {target or 'base'} without {CONFIRM_FLAG}: {what}. "
                "Nothing changed"
            )
    return Checked(current, target, way, migrations.steps(current, target), drops)


def migrate(libpq_url: str, plan: MigrationPlan, say: Callable[[str], None] = print) -> str | None:
    """Move the database to ``plan.target`` (up or down); returns the revision reached.

    Everything that can be checked is checked before anything changes; the backup is
    taken while the daemons keep writing; maintenance is on only while the schema
    changes. On a failure after that, maintenance stays on and the error explains how
    to recover.
    """
    try:
        guard = psycopg.connect(libpq_url, autocommit=True)
    except psycopg.OperationalError as exc:
        raise MaintenanceError(f"cannot connect to the database: {_one_line(exc)}") from exc
    with guard:
        if not guard.execute("SELECT pg_try_advisory_lock(%s)", (MIGRATOR_LOCK_KEY,)).fetchone()[0]:  # type: ignore[index]
            raise MaintenanceError("another migration is running on this database; not starting")
        try:
            checked = check(guard, libpq_url, plan)
            if checked.direction == "none":
                say(
                    f"the database is already at revision {checked.current or 'base'}: "
                    "nothing to do, maintenance untouched"
                )
                return checked.current
            online = not plan.pause and _additive(checked)
            if not online:
                # Refuse before a long backup, not after it; waiting comes just before the
                # pause.
                before_pausing(libpq_url, plan.night, say, wait=False)
            backup_path = prepare_backup(plan.backup) if plan.backup else None
            say(checked.describe())
            dropped = [str(d) for d in checked.drops if d.holds_data]
            if dropped:
                say(f"dropping, as confirmed with {CONFIRM_FLAG}: {'; '.join(dropped)}")
            if backup_path is not None:
                say(
                    f"backing up to {backup_path} while the daemons keep writing "
                    "(what they commit from now on is not in the backup)"
                )
                backup = dump(libpq_url, backup_path, say)
                say(
                    f"backup done: {_megabytes(backup.size_bytes)} in {backup.seconds:.1f}s; "
                    f"it holds what was committed before {backup.started_at:%Y-%m-%d %H:%M:%S %Z}"
                )
            if online:
                return _migrate_additive(libpq_url, plan, checked, say)
            return _migrate_paused(guard, libpq_url, plan, checked, backup_path, say)
        finally:
            guard.execute("SELECT pg_advisory_unlock_all()")


# An additive revision runs while daemons write: its DDL may wait for a table lock only
# briefly (writers queue behind a waiting lock), and tries again a little later.
ADDITIVE_LOCK_TIMEOUT = "2s"
ADDITIVE_TRIES = 5


def _additive(checked: Checked) -> bool:
    return checked.direction == "upgrade" and all(
        migrations.revision_kind(r) == "additive" for r in checked.steps
    )


def _lock_was_busy(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, psycopg.errors.LockNotAvailable):
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False


def _migrate_additive(
    libpq_url: str, plan: MigrationPlan, checked: Checked, say: Callable[[str], None]
) -> str | None:
    """Apply additive revisions without maintenance: daemons built for the revision
    below keep writing (the schema guard lets them, see ``additive_beyond``)."""
    say(
        f"every step is additive: applying without pausing ingestion (lock_timeout "
        f"{ADDITIVE_LOCK_TIMEOUT}, up to {ADDITIVE_TRIES} tries)"
    )
    options = {**plan.session_options, "lock_timeout": ADDITIVE_LOCK_TIMEOUT}
    began = time.monotonic()
    for attempt in range(1, ADDITIVE_TRIES + 1):
        try:
            migrations.upgrade(libpq_url, checked.target or "base", options=options)
            break
        except Exception as exc:
            where = migrations.database_revision(libpq_url)
            if not _lock_was_busy(exc) or attempt == ADDITIVE_TRIES:
                raise MaintenanceError(
                    f"upgrade failed: {_one_line(exc)}. The database is at revision {where}; "
                    "ingestion was never paused. Fix the cause and run `opdb-ingestd "
                    "migrate` again (with --pause to apply it under maintenance)"
                ) from exc
            delay = float(2 ** (attempt - 1))
            say(f"try {attempt}: a table was busy for {ADDITIVE_LOCK_TIMEOUT}; again in {delay:g}s")
            time.sleep(delay)
    reached = migrations.database_revision(libpq_url)
    if reached != checked.target:
        raise MaintenanceError(f"database is at {reached}, expected {checked.target}")
    say(f"upgrade to {reached} done in {time.monotonic() - began:.1f}s without pausing ingestion")
    return reached


def _migrate_paused(
    guard: psycopg.Connection[Any],
    libpq_url: str,
    plan: MigrationPlan,
    checked: Checked,
    backup: Path | None,
    say: Callable[[str], None],
) -> str | None:
    switch = _read_switch_if_any(libpq_url)
    paused_at = time.monotonic()
    if switch is None:
        say("no maintenance switch yet (new or adopted database): nothing to pause")
    else:
        reason = f"{checked.direction} to {checked.target or 'base'} by {_who()}"
        if not switch.enabled and (forced := before_pausing(libpq_url, plan.night, say)):
            reason += f" ({forced})"
        set_switch(libpq_url, True, reason)
        say("maintenance on; waiting for every daemon to pause")
        wait_until_quiet(libpq_url, plan.wait_timeout_s)
    holding_write_lock = False
    try:
        guard.execute("SELECT set_config('lock_timeout', %s, false)", (plan.lock_timeout,))
        guard.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK_KEY,))
        holding_write_lock = True
        say(f"{checked.direction} to {checked.target or 'base'} running")
        migrations.upgrade(libpq_url, checked.target or "base", options=plan.session_options)
        reached = migrations.database_revision(libpq_url)
        if reached != checked.target:
            raise MaintenanceError(f"database is at {reached}, expected {checked.target}")
    except Exception as exc:
        where = migrations.database_revision(libpq_url)
        restore = f" or restore {backup} with pg_restore" if backup else ""
        raise MaintenanceError(
            f"{checked.direction} failed: {_one_line(exc)}. The database is at revision "
            f"{where}. Maintenance stays ON, so no daemon writes. Fix the cause and run "
            f"`opdb-ingestd migrate` again{restore}; then `opdb-ingestd maintenance "
            "off` if you want the daemons back on the old schema."
        ) from exc
    finally:
        # Writers may go on as soon as the schema is in place; the caller keeps the
        # migrator lock until maintenance is settled.
        if holding_write_lock:
            guard.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK_KEY,))
    after = _read_switch_if_any(libpq_url)
    if switch is not None and after is None:
        say(
            f"the maintenance switch went away with the revisions undone; revision "
            f"{reached or 'base'} has none"
        )
    elif switch is not None and not switch.enabled:
        set_switch(libpq_url, False, None)
        say("maintenance off")
    elif switch is not None:
        say("maintenance was on before the migration and stays on")
    took = time.monotonic() - paused_at
    paused = f"ingestion was paused for {took:.1f}s" if switch else f"took {took:.1f}s"
    say(f"{checked.direction} to {reached or 'base'} done; {paused}")
    return reached


def _read_switch_if_any(conninfo: str) -> Switch | None:
    try:
        return read_switch(conninfo)
    except MaintenanceError:
        return None


def dry_run(libpq_url: str, plan: MigrationPlan, say: Callable[[str], None] = print) -> str:
    """The SQL ``migrate`` would run, either way, with its session settings; touches
    nothing. Without a reachable database, the SQL from an empty one."""
    target = migrations.resolve(plan.target)
    try:
        with psycopg.connect(libpq_url, autocommit=True) as conn:
            checked: Checked | None = check(conn, libpq_url, replace(plan, allow_data_loss=True))
    except psycopg.OperationalError as exc:
        say(f"cannot read the current revision ({_one_line(exc)}); SQL from an empty database")
        checked = None
    if checked is None:
        return migrations.offline_sql(None, target, plan.session_options)
    if checked.direction == "none":
        say(f"the database is already at revision {checked.current or 'base'}: no SQL to run")
        return ""
    say(checked.describe())
    dropped = [str(d) for d in checked.drops if d.holds_data]
    if dropped:
        say(f"it drops data (the real run needs {CONFIRM_FLAG}): {'; '.join(dropped)}")
    elif checked.target is None:
        say(f"it drops every opDB table (the real run needs {CONFIRM_FLAG})")
    return migrations.offline_sql(checked.current, checked.target, plan.session_options)
