"""Maintenance mode, the schema guard and gated migrations, with the real CLI."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import DaemonProcess, daemon_environment, run_cli
from pydantic import SecretStr
from support import (
    Rig,
    count,
    declare_topology,
    opdb_without_history,
    publish,
    publish_paced,
    queue_depth,
    scalar,
    take_all,
    tel_status_events,
    wait_until,
)

from daemon.ops import maintenance
from daemon.schema import migrations
from daemon.settings import Settings
from opdb.locks import MIGRATOR_LOCK_KEY
from opdb.urls import with_database

pytestmark = pytest.mark.acceptance

NEXT_RELEASE = Path(__file__).with_name("next_release") / "opdb_ingestd_next.py"
# The same change as NEXT_RELEASE's (revision t002 instead of t001), declared breaking.
BREAKING_RELEASE = NEXT_RELEASE.with_name("opdb_ingestd_breaking.py")


def _ledger(settings: Settings) -> int:
    return int(scalar(settings.libpq_url, "SELECT count(*) FROM opdb_ingest.event_ledger"))


def _stream(settings: Settings, total: int, first: int = 0, **extra: Any) -> list[dict[str, Any]]:
    return tel_status_events(range(first, first + total), **extra)


async def _started(settings: Settings, *args: str) -> asyncio.subprocess.Process:
    """``python ARGS`` (a CLI command) started with the daemon's environment and left
    running, its output piped, for a test that acts while it runs."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        env=daemon_environment(settings),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


async def _stderr_until(process: asyncio.subprocess.Process, needle: bytes) -> bytes:
    """What ``process`` wrote on stderr up to the line that holds ``needle``."""
    assert process.stderr is not None
    said = b""
    while needle not in said:
        line = await asyncio.wait_for(process.stderr.readline(), 60)
        assert line, f"it ended before saying {needle.decode()!r}: {said.decode()}"
        said += line
    return said


def _states(settings: Settings) -> list[str]:
    return sorted(d["state"] for d in maintenance.live_instances(settings.libpq_url))


@pytest.fixture
def rig(visit_settings: Settings, make_rig: Callable[[Settings], Rig]) -> Rig:
    return make_rig(visit_settings)


async def _daemon_under_a_stream(
    rig: Rig, events: int, flowing_after: int
) -> tuple[DaemonProcess, asyncio.Task[int]]:
    """A running daemon fed a steady 300 events/s, once the first rows have landed."""
    settings, amqp_url = rig.settings, rig.amqp_url
    daemon = rig.start_daemon(settings)
    await asyncio.to_thread(daemon.wait_running)
    stream = asyncio.create_task(
        publish_paced(amqp_url, settings.exchange, _stream(settings, events), per_second=300)
    )
    await wait_until(lambda: _ledger(settings) > flowing_after, 20, "the stream to flow")
    return daemon, stream


async def test_maintenance_pauses_a_live_stream_and_resumes_it(rig: Rig) -> None:
    settings, amqp_url = rig.settings, rig.amqp_url
    total = 2400
    daemon, stream = await _daemon_under_a_stream(rig, total, 300)

    asked = time.monotonic()
    paused = await asyncio.to_thread(
        run_cli, settings, "maintenance", "on", "--reason", "test", "--wait", "--timeout", "20"
    )
    took = time.monotonic() - asked
    assert paused.returncode == 0, paused.stderr
    written = _ledger(settings)
    depth = await queue_depth(amqp_url, settings.queue)
    await asyncio.sleep(3)
    still_written = _ledger(settings)
    grown = await queue_depth(amqp_url, settings.queue)
    print(
        f"maintenance on --wait returned in {took:.2f}s; {written} written; queue "
        f"{depth} -> {grown} while paused"
    )
    assert took < 10
    assert still_written == written, "rows were written during maintenance"
    assert grown > depth, "the queue did not grow while paused"
    status = await asyncio.to_thread(run_cli, settings, "maintenance", "status")
    assert "maintenance: ON" in status.stdout
    assert ": maintenance" in status.stdout

    resumed = await asyncio.to_thread(run_cli, settings, "maintenance", "off")
    assert resumed.returncode == 0, resumed.stderr
    await stream
    await wait_until(lambda: _ledger(settings) == total, 60, "the backlog to drain")
    assert await asyncio.to_thread(daemon.stop) == 0
    assert count(settings.libpq_url, "tel_status") == total
    assert await queue_depth(amqp_url, settings.dead_letter_queue) == 0


async def test_two_daemons_on_one_queue_both_pause_and_resume(
    visit_settings: Settings, amqp_url: str, start_daemon: Callable[..., DaemonProcess]
) -> None:
    settings = visit_settings
    daemons = [start_daemon(settings), start_daemon(settings)]
    for daemon in daemons:
        await asyncio.to_thread(daemon.wait_running)
    await publish(amqp_url, settings.exchange, _stream(settings, 200))
    paused = await asyncio.to_thread(
        run_cli, settings, "maintenance", "on", "--wait", "--timeout", "20"
    )
    assert paused.returncode == 0, paused.stderr
    assert _states(settings) == ["maintenance", "maintenance"]
    await publish(amqp_url, settings.exchange, _stream(settings, 200, first=200))
    await asyncio.to_thread(run_cli, settings, "maintenance", "off")
    await wait_until(lambda: _states(settings) == ["running", "running"], 10, "both to resume")
    await wait_until(lambda: _ledger(settings) == 400, 30, "every event")
    for daemon in daemons:
        assert await asyncio.to_thread(daemon.stop) == 0
    assert count(settings.libpq_url, "tel_status") == 400


async def test_a_daemon_started_during_maintenance_stays_paused(
    visit_settings: Settings, amqp_url: str, start_daemon: Callable[..., DaemonProcess]
) -> None:
    settings = visit_settings
    await declare_topology(settings)
    assert run_cli(settings, "maintenance", "on", "--reason", "upgrade").returncode == 0
    daemon = start_daemon(settings)
    await publish(amqp_url, settings.exchange, _stream(settings, 50))
    await wait_until(lambda: _states(settings) == ["maintenance"], 20, "the daemon to report")
    await asyncio.sleep(1)
    assert _ledger(settings) == 0
    assert await queue_depth(amqp_url, settings.queue) == 50
    assert run_cli(settings, "maintenance", "off").returncode == 0
    await wait_until(lambda: _ledger(settings) == 50, 20, "the events after resuming")
    assert await asyncio.to_thread(daemon.stop) == 0


async def test_schema_mismatch_holds_writes_until_corrected(
    visit_settings: Settings, amqp_url: str, start_daemon: Callable[..., DaemonProcess]
) -> None:
    settings = visit_settings
    head = migrations.head_revision()
    daemon = start_daemon(settings)
    await asyncio.to_thread(daemon.wait_running)
    with psycopg.connect(settings.libpq_url, autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffffdeadbeef'")
    await wait_until(lambda: _states(settings) == ["schema_mismatch"], 10, "schema_mismatch")
    await publish(amqp_url, settings.exchange, _stream(settings, 30))
    await asyncio.sleep(1.5)
    assert _ledger(settings) == 0
    (reason,) = [d["state_reason"] for d in maintenance.live_instances(settings.libpq_url)]
    assert "ffffdeadbeef" in reason
    assert head in reason
    assert daemon.process.poll() is None, "the daemon exited instead of waiting"
    with psycopg.connect(settings.libpq_url, autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = %s", (head,))
    await wait_until(lambda: _ledger(settings) == 30, 20, "writes to resume by themselves")
    assert await asyncio.to_thread(daemon.stop) == 0
    assert any(r.get("state") == "schema_mismatch" for r in daemon.log_records())


async def test_migrate_under_load_to_a_breaking_revision(rig: Rig) -> None:
    settings, amqp_url = rig.settings, rig.amqp_url
    before = 1500
    old, stream = await _daemon_under_a_stream(rig, before, 200)
    migrated = await asyncio.to_thread(
        run_cli, settings, "migrate", "--timeout", "30", script=BREAKING_RELEASE
    )
    assert migrated.returncode == 0, migrated.stderr
    print(migrated.stderr.strip().splitlines()[-1])
    assert "maintenance on" in migrated.stderr
    assert migrations.database_revision(settings.libpq_url) == "t002"
    await wait_until(lambda: _states(settings) == ["schema_mismatch"], 10, "the old daemon")

    new = rig.start_daemon(settings, script=BREAKING_RELEASE)
    await stream
    after = _stream(settings, 100, first=before, test_note="written by the next release")
    await publish(amqp_url, settings.exchange, after)
    await wait_until(lambda: _ledger(settings) == before + 100, 60, "every event")
    assert await asyncio.to_thread(old.stop) == 0
    assert await asyncio.to_thread(new.stop) == 0
    assert count(settings.libpq_url, "tel_status") == before + 100
    assert (
        scalar(settings.libpq_url, "SELECT count(*) FROM tel_status WHERE test_note IS NOT NULL")
        == 100
    )
    assert await queue_depth(amqp_url, settings.dead_letter_queue) == 0
    switch = maintenance.read_switch(settings.libpq_url)
    assert not switch.enabled, "maintenance was off before, so migrate must turn it off"


async def test_failed_migration_stays_in_maintenance_and_says_how_to_recover(
    visit_settings: Settings,
) -> None:
    settings = visit_settings
    with psycopg.connect(settings.libpq_url) as blocker:
        blocker.execute("LOCK TABLE tel_status IN ACCESS EXCLUSIVE MODE")
        failed = await asyncio.to_thread(
            run_cli, settings, "migrate", "--lock-timeout", "1s", script=BREAKING_RELEASE
        )
    assert failed.returncode == 1
    assert "Maintenance stays ON" in failed.stderr
    assert "opdb-ingestd migrate" in failed.stderr
    assert maintenance.read_switch(settings.libpq_url).enabled
    assert migrations.database_revision(settings.libpq_url) == migrations.head_revision()


def test_only_one_migrator_at_a_time(visit_settings: Settings) -> None:
    with psycopg.connect(visit_settings.libpq_url) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (MIGRATOR_LOCK_KEY,))
        refused = run_cli(visit_settings, "migrate")
    assert refused.returncode == 1
    assert "another migration is running" in refused.stderr


def test_dry_run_prints_sql_and_touches_nothing(visit_settings: Settings) -> None:
    shown = run_cli(visit_settings, "migrate", "--dry-run", script=NEXT_RELEASE)
    assert shown.returncode == 0, shown.stderr
    assert "ALTER TABLE tel_status ADD COLUMN test_note VARCHAR" in shown.stdout
    assert migrations.database_revision(visit_settings.libpq_url) == migrations.head_revision()
    assert not maintenance.read_switch(visit_settings.libpq_url).enabled


def test_migrate_with_backup_writes_a_dump(visit_settings: Settings, tmp_path: Path) -> None:
    backup = tmp_path / "before.dump"
    done = run_cli(visit_settings, "migrate", "--backup", str(backup), script=NEXT_RELEASE)
    assert done.returncode == 0, done.stderr
    assert backup.stat().st_size > 10_000
    assert migrations.database_revision(visit_settings.libpq_url) == "t001"


# -- migrate checks everything before it switches anything ----------------------------


def _switch_row(settings: Settings) -> tuple[Any, ...]:
    with psycopg.connect(settings.libpq_url) as conn:
        row = conn.execute("SELECT * FROM opdb_ingest.maintenance").fetchone()
    assert row is not None
    return tuple(row)


def _refused_in_one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_typos_and_bad_paths_leave_maintenance_as_it_was(
    visit_settings: Settings, tmp_path: Path
) -> None:
    settings = visit_settings
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    earlier_backup = tmp_path / "earlier.dump"
    earlier_backup.write_bytes(b"the backup of an earlier attempt")
    mistakes = {
        ("--to", "nonsense"): "unknown revision 'nonsense'",
        ("--to", "0099"): "unknown revision '0099'",
        ("--lock-timeout", "10x"): "--lock-timeout '10x' is not a PostgreSQL duration",
        ("--backup", str(not_a_folder / "before.dump")): "cannot write the backup file",
        ("--backup", str(earlier_backup)): "already exists",
        ("--to", "base"): "without --yes-drop-data",
    }
    head = migrations.head_revision()
    # With maintenance off (the usual case), then on as an operator left it (a few).
    for reason, cases in ((None, list(mistakes)), ("UPS test", list(mistakes)[::3])):
        if reason:
            assert run_cli(settings, "maintenance", "on", "--reason", reason).returncode == 0
        before = _switch_row(settings)
        for args in cases:
            expected = mistakes[args]
            line = _refused_in_one_line(run_cli(settings, "migrate", *args, script=NEXT_RELEASE))
            assert expected in line, line
            assert _switch_row(settings) == before, f"{args} changed the maintenance switch"
            assert migrations.database_revision(settings.libpq_url) == head
    assert earlier_backup.read_bytes() == b"the backup of an earlier attempt"
    assert count(settings.libpq_url, "pfs_visit") == 1


def test_migrate_with_an_unusable_url_says_so_in_one_line(visit_settings: Settings) -> None:
    gone = visit_settings.model_copy(
        update={"database_url": SecretStr(with_database(visit_settings.libpq_url, "no_such_db"))}
    )
    line = _refused_in_one_line(run_cli(gone, "migrate"))
    assert "cannot connect to the database" in line
    assert "no_such_db" in line


def test_migrate_on_an_opdb_without_history_asks_for_adopt(
    scratch_databases: Callable[..., str],
) -> None:
    url = opdb_without_history(scratch_databases())
    settings = Settings(database_url=url, amqp_url="amqp://guest:guest@127.0.0.1:5672/")
    line = _refused_in_one_line(run_cli(settings, "migrate"))
    assert "run `opdb-ingestd db adopt` first" in line
    assert "DuplicateTable" not in line
    assert migrations.database_revision(url) is None


async def test_migrate_at_the_target_does_not_pause_a_running_daemon(
    visit_settings: Settings, start_daemon: Callable[..., DaemonProcess], tmp_path: Path
) -> None:
    settings = visit_settings
    daemon = start_daemon(settings)
    await asyncio.to_thread(daemon.wait_running)
    switch = _switch_row(settings)
    backup = tmp_path / "new" / "before.dump"
    seen: set[str] = set()
    command = asyncio.create_task(
        asyncio.to_thread(run_cli, settings, "migrate", "--backup", str(backup))
    )
    while not command.done():
        seen.update(_states(settings))
        await asyncio.sleep(0.02)
    done = command.result()
    assert done.returncode == 0, done.stderr
    assert "already at revision" in done.stderr
    await asyncio.sleep(0.5)  # a pause would show up within two reports
    seen.update(_states(settings))
    assert seen == {"running"}
    assert _switch_row(settings) == switch
    assert not backup.exists()
    assert not backup.parent.exists()
    assert await asyncio.to_thread(daemon.stop) == 0


def test_below_the_baseline_needs_the_flag_and_names_what_it_drops(
    visit_settings: Settings,
) -> None:
    settings = visit_settings
    line = _refused_in_one_line(run_cli(settings, "migrate", "--to", "base"))
    assert "--yes-drop-data" in line
    assert "table pfs_visit (" in line
    assert count(settings.libpq_url, "pfs_visit") == 1
    shown = run_cli(settings, "migrate", "--to", "base", "--dry-run")
    assert shown.returncode == 0, shown.stderr
    assert "DROP TABLE pfs_visit;" in shown.stdout
    dropped = run_cli(settings, "migrate", "--to", "base", "--yes-drop-data")
    assert dropped.returncode == 0, dropped.stderr
    assert f"downgrade {migrations.head_revision()} -> base" in dropped.stderr
    assert "table pfs_visit (" in dropped.stderr
    assert migrations.database_revision(settings.libpq_url) is None
    assert scalar(settings.libpq_url, "SELECT to_regclass('pfs_visit') IS NULL")


def test_a_downgrade_dropping_a_column_with_values_needs_the_flag(
    visit_settings: Settings,
) -> None:
    settings = visit_settings
    head = migrations.head_revision()
    up = run_cli(settings, "migrate", script=NEXT_RELEASE)
    assert up.returncode == 0, up.stderr
    empty_column = run_cli(settings, "migrate", "--to", head, script=NEXT_RELEASE)
    assert empty_column.returncode == 0, empty_column.stderr
    assert f"downgrade t001 -> {head}" in empty_column.stderr
    assert "upgrad" not in empty_column.stderr
    assert "maintenance off" in empty_column.stderr
    assert run_cli(settings, "migrate", script=NEXT_RELEASE).returncode == 0
    with psycopg.connect(settings.libpq_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO tel_status (pfs_visit_id, status_sequence_id, test_note) "
            "VALUES (1, 1, 'kept')"
        )
    line = _refused_in_one_line(run_cli(settings, "migrate", "--to", head, script=NEXT_RELEASE))
    assert "column tel_status.test_note (holds values)" in line
    assert migrations.database_revision(settings.libpq_url) == "t001"
    confirmed = run_cli(settings, "migrate", "--to", head, "--yes-drop-data", script=NEXT_RELEASE)
    assert confirmed.returncode == 0, confirmed.stderr
    assert migrations.database_revision(settings.libpq_url) == head
    assert not maintenance.read_switch(settings.libpq_url).enabled


def test_dry_run_shows_either_direction_with_the_session_timeouts(
    visit_settings: Settings,
) -> None:
    settings = visit_settings
    up = run_cli(settings, "migrate", "--dry-run", "--lock-timeout", "3s", script=NEXT_RELEASE)
    assert up.returncode == 0, up.stderr
    assert up.stdout.index("SET lock_timeout = '3s';") < up.stdout.index("ALTER TABLE")
    assert "SET statement_timeout = '30min';" in up.stdout
    down = run_cli(settings, "migrate", "--dry-run", "--to", "0002")
    assert down.returncode == 0, down.stderr
    assert f"downgrade {migrations.head_revision()} -> 0002" in down.stderr
    assert down.stdout.index("SET lock_timeout = '10s';") < down.stdout.index(
        "DROP TABLE opdb_ingest.maintenance;"
    )
    assert migrations.database_revision(settings.libpq_url) == migrations.head_revision()
    assert not maintenance.read_switch(settings.libpq_url).enabled


async def test_downgrade_then_upgrade_round_trip_under_load(rig: Rig) -> None:
    settings, amqp_url = rig.settings, rig.amqp_url
    head = migrations.head_revision()
    total, marked = 1500, 0
    old, stream = await _daemon_under_a_stream(rig, total, 200)
    new = rig.start_daemon(settings, script=NEXT_RELEASE)
    for args, reached in (((), "t001"), (("--to", head), head), ((), "t001")):
        moved = await asyncio.to_thread(
            run_cli, settings, "migrate", "--timeout", "30", *args, script=NEXT_RELEASE
        )
        assert moved.returncode == 0, moved.stderr
        assert f"is at revision {reached}" in moved.stdout
        assert migrations.database_revision(settings.libpq_url) == reached
        print(moved.stderr.strip().splitlines()[-1])
        # Whichever daemon matches the revision now writes, stream or no stream.
        await publish(amqp_url, settings.exchange, _stream(settings, 20, first=10_000 + marked))
        marked += 20
        await wait_until(
            lambda m=marked: (
                scalar(  # type: ignore[misc]
                    settings.libpq_url,
                    "SELECT count(*) FROM tel_status WHERE status_sequence_id >= 10000",
                )
                == m
            ),
            20,
            f"writes at revision {reached}",
        )
    await stream
    await wait_until(lambda: _ledger(settings) == total + marked, 60, "every event")
    assert await asyncio.to_thread(old.stop) == 0
    assert await asyncio.to_thread(new.stop) == 0
    assert count(settings.libpq_url, "tel_status") == total + marked
    assert await queue_depth(amqp_url, settings.dead_letter_queue) == 0


async def test_backup_runs_while_the_daemon_keeps_committing(
    visit_settings: Settings,
    amqp_url: str,
    start_daemon: Callable[..., DaemonProcess],
    scratch_databases: Callable[..., str],
    tmp_path: Path,
) -> None:
    settings = visit_settings
    daemon = start_daemon(settings)
    await asyncio.to_thread(daemon.wait_running)
    backup = tmp_path / "backups" / "opdb" / "before.dump"  # folders that do not exist yet
    # pg_dump waits for a lock on a table the stream never writes, so the backup lasts
    # as long as this test wants, as a long dump of the real opDB would.
    blocker = await psycopg.AsyncConnection.connect(settings.libpq_url)
    await blocker.execute("LOCK TABLE mcs_data IN ACCESS EXCLUSIVE MODE")
    migrate = await _started(settings, str(BREAKING_RELEASE), "migrate", "--backup", str(backup))
    try:
        said = await _stderr_until(migrate, b"backing up")
        before = _ledger(settings)
        total = 900
        stream = asyncio.create_task(
            publish_paced(amqp_url, settings.exchange, _stream(settings, total), per_second=300)
        )
        seen: set[str] = set()
        for _ in range(35):  # 3.5 s into the backup, while the stream flows
            seen.update(_states(settings))
            await asyncio.sleep(0.1)
        during = _ledger(settings)
    finally:
        await blocker.close()
    out, rest = await asyncio.wait_for(migrate.communicate(), 120)
    stderr = (said + rest).decode()
    assert migrate.returncode == 0, stderr
    print(stderr)
    assert "is at revision t002" in out.decode()
    assert seen == {"running"}, "the daemon paused during the backup"
    assert during > before + 300, "the daemon did not keep committing during the backup"
    assert "MB written, " in stderr, "no progress shown"
    assert stderr.index("backup done") < stderr.index("maintenance on")
    await stream
    await wait_until(lambda: _ledger(settings) == total, 60, "every event")
    assert await asyncio.to_thread(daemon.stop) == 0

    # What the README says a restore does: events committed after the backup began are
    # not in it, and only the live ledger, saved before restoring, names them.
    restored = scratch_databases("opdb_restored")
    await asyncio.to_thread(
        subprocess.run,
        ["pg_restore", "--no-owner", "--dbname", restored, str(backup)],
        check=True,
        timeout=120,
    )
    in_backup = int(scalar(restored, "SELECT count(*) FROM opdb_ingest.event_ledger"))
    assert migrations.database_revision(restored) == migrations.head_revision()
    assert before <= in_backup < during
    print(f"{total - in_backup} of {total} events were committed after the backup began")


async def test_an_additive_revision_never_pauses_ingestion(rig: Rig) -> None:
    settings, amqp_url = rig.settings, rig.amqp_url
    total = 2400
    daemon, stream = await _daemon_under_a_stream(rig, total, 200)
    switch = _switch_row(settings)
    started = scalar(settings.libpq_url, "SELECT now()")
    seen: set[str] = set()
    command = asyncio.create_task(
        asyncio.to_thread(run_cli, settings, "migrate", script=NEXT_RELEASE)
    )
    while not command.done():
        seen.update(_states(settings))
        await asyncio.sleep(0.02)
    migrated = command.result()
    finished = scalar(settings.libpq_url, "SELECT now()")
    assert migrated.returncode == 0, migrated.stderr
    assert "without pausing ingestion" in migrated.stderr
    assert migrations.database_revision(settings.libpq_url) == "t001"
    written = _ledger(settings)
    assert written < total, "the stream ended before the migration: nothing was measured"
    # The daemon, built for the revision below, keeps writing into t001.
    await wait_until(lambda: _ledger(settings) > written + 100, 10, "writes at t001")
    seen.update(_states(settings))
    await stream
    await wait_until(lambda: _ledger(settings) == total, 60, "every event")
    gap = scalar(
        settings.libpq_url,
        "SELECT extract(epoch FROM max(gap)) FROM (SELECT committed_at - lag(committed_at) "
        "OVER (ORDER BY committed_at) AS gap FROM opdb_ingest.event_ledger) AS gaps",
    )
    during = scalar(
        settings.libpq_url,
        "SELECT count(*) FROM opdb_ingest.event_ledger WHERE committed_at BETWEEN %s AND %s",
        (started, finished),
    )
    print(
        f"{migrated.stderr.strip().splitlines()[-1]}; {during} events committed during "
        f"migrate; longest gap between commits {float(gap):.2f}s"
    )
    assert seen == {"running"}
    assert _switch_row(settings) == switch
    assert count(settings.libpq_url, "tel_status") == total
    assert await queue_depth(amqp_url, settings.dead_letter_queue) == 0

    # An actor on the newer release sends the new column to the old daemon: refused,
    # saying why, and kept for a replay once the daemon is upgraded.
    await publish(amqp_url, settings.exchange, _stream(settings, 1, first=total, test_note="x"))
    (refused,) = await take_all(amqp_url, settings.dead_letter_queue, expect=1, wait_s=20)
    detail = str(refused.headers["x-opdb-detail"])
    assert "column 'test_note': unknown column" in detail
    assert "newer release" in detail
    assert await asyncio.to_thread(daemon.stop) == 0


# -- maintenance that knows the night --------------------------------------------------


async def test_pausing_waits_for_a_gap_in_the_night_or_is_forced(
    visit_settings: Settings, tmp_path: Path
) -> None:
    settings = visit_settings
    with psycopg.connect(settings.libpq_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO iic_sequence (iic_sequence_id, name, created_at) "
            "VALUES (77, 'S26B-00077', now() AT TIME ZONE 'Pacific/Honolulu')"
        )
    before = _switch_row(settings)
    line = _refused_in_one_line(run_cli(settings, "maintenance", "on"))
    assert "iic_sequence 77 (S26B-00077) open since" in line
    assert "--force" in line
    backup = tmp_path / "b.dump"
    line = _refused_in_one_line(
        run_cli(settings, "migrate", "--backup", str(backup), script=BREAKING_RELEASE)
    )
    assert "iic_sequence 77" in line
    assert not backup.exists(), "the backup ran although the migration was refused"
    assert _switch_row(settings) == before

    forced = run_cli(settings, "maintenance", "on", "--force", "UPS test agreed with the OA")
    assert forced.returncode == 0, forced.stderr
    switch = maintenance.read_switch(settings.libpq_url)
    assert switch.enabled
    assert switch.reason is not None
    assert "forced by" in switch.reason
    assert "UPS test agreed with the OA" in switch.reason
    assert "iic_sequence 77" in switch.reason
    assert run_cli(settings, "maintenance", "off").returncode == 0

    waiting = await _started(settings, "-m", "daemon.cli", "maintenance", "on", "--wait-for-gap")
    assert waiting.stderr is not None
    said = await asyncio.wait_for(waiting.stderr.readline(), 60)
    assert b"waiting for a gap in the observations: iic_sequence 77" in said, said
    await asyncio.sleep(1)
    assert waiting.returncode is None, "maintenance went on during the sequence"
    assert not maintenance.read_switch(settings.libpq_url).enabled
    with psycopg.connect(settings.libpq_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO iic_sequence_status (iic_sequence_id, status_flag) VALUES (77, 0)"
        )
    _, rest = await asyncio.wait_for(waiting.communicate(), 60)
    assert waiting.returncode == 0, rest.decode()
    assert "maintenance on" in rest.decode()
    assert maintenance.read_switch(settings.libpq_url).enabled


async def test_an_additive_revision_retries_while_a_table_is_busy(
    visit_settings: Settings,
) -> None:
    settings = visit_settings
    # A long report reading tel_status holds a lock the added column must wait for.
    reader = await psycopg.AsyncConnection.connect(settings.libpq_url)
    await reader.execute("LOCK TABLE tel_status IN ACCESS SHARE MODE")
    migrate = await _started(settings, str(NEXT_RELEASE), "migrate")
    try:
        said = await _stderr_until(migrate, b"try 1: a table was busy")
        assert migrations.database_revision(settings.libpq_url) == migrations.head_revision()
    finally:
        await reader.close()
    _, rest = await asyncio.wait_for(migrate.communicate(), 60)
    assert migrate.returncode == 0, (said + rest).decode()
    assert b"without pausing ingestion" in rest
    assert migrations.database_revision(settings.libpq_url) == "t001"
    assert not maintenance.read_switch(settings.libpq_url).enabled
