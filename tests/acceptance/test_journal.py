"""The journal: every event the exchange accepted, replayable into a database.

Real daemons, the real broker (a private node where it is restarted), real pg_dump and
pg_restore, and the real ``opdb-ingestd journal`` command line."""

from __future__ import annotations

import asyncio
import datetime
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import psycopg
import pytest
from conftest import DaemonProcess, run_cli
from private_rabbitmq import PrivateRabbitMQ
from psycopg import sql
from support import declare_topology, event, insert, publish, queue_depth, scalar, wait_until

from daemon.settings import Settings
from opdb import simulate
from opdb.models import Base

pytestmark = pytest.mark.acceptance

# A night small enough for seconds, with every kind of event and out-of-order arrivals.
NIGHT = simulate.NightOptions(
    seed=17, visits=4, frames=2, spots=300, cobras=120, fiducials=12, ag_frames=4
)
NIGHT_DATE = simulate.NIGHT_START.date().isoformat()


NEXT_RELEASE = Path(__file__).with_name("next_release") / "opdb_ingestd_next.py"
ROOT = Path(__file__).resolve().parents[2]


def cli(
    settings: Settings, *args: str, script: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``opdb-ingestd`` (or the next release's) on this checkout's code, whichever
    directory the entry point is in."""
    return run_cli(settings, *args, script=script, timeout_s=300, PYTHONPATH=str(ROOT))


def journal_cli(
    settings: Settings, *args: str, into: str | None = None, script: Path | None = None
) -> dict[str, Any]:
    """Run ``opdb-ingestd journal ... --json`` and return its JSON document."""
    extra = ["--into", into] if into else []
    done = cli(settings, "journal", *args, *extra, "--json", script=script)
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def ledger_ids(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT event_id::text FROM opdb_ingest.event_ledger").fetchall()
    return [row[0] for row in rows]


def table_fingerprints(url: str) -> dict[str, tuple[int, str | None]]:
    """Rows and an md5 of every row, ordered by primary key, for each opDB table."""
    fingerprints = {}
    with psycopg.connect(url) as conn:
        for table in Base.metadata.sorted_tables:
            key = sql.SQL(", ").join(sql.Identifier(c.name) for c in table.primary_key.columns)
            query = sql.SQL(
                "SELECT count(*), md5(string_agg(t::text, '|' ORDER BY {key})) FROM {table} t"
            ).format(key=key, table=sql.Identifier(table.name))
            row = conn.execute(query).fetchone()
            assert row is not None
            fingerprints[table.name] = (int(row[0]), row[1])
    return fingerprints


def split_with_a_straggler(
    night: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The night in two parts, with one Gen2 status snapshot of a second-part visit
    moved into the first part, as an actor's retrying publisher might send it."""
    half = len(night) // 2
    first, second = night[:half], night[half:]
    for i, parent in enumerate(second):
        visits = {
            row["pfs_visit_id"]
            for write in parent["writes"]
            if write["table"] == "pfs_visit"
            for row in write["rows"]
        }
        for j in range(i + 1, len(second) if visits else 0):
            if any(
                write["table"] == "tel_status" and write["rows"][0]["pfs_visit_id"] in visits
                for write in second[j]["writes"]
            ):
                return [*first, second[j]], second[:j] + second[j + 1 :]
    raise AssertionError("the night has no visit with a status snapshot in its second half")


class LiveNight(NamedTuple):
    settings: Settings
    night: list[dict[str, Any]]
    daemon: DaemonProcess


@pytest.fixture
async def live_night(
    make_settings: Callable[..., Settings], start_daemon: Callable[..., DaemonProcess]
) -> LiveNight:
    """A simulated night, not yet published, and a running daemon to take it."""
    # Short retries: the night's early children wait for their parents in seconds.
    settings = make_settings(
        retry_first_delay_ms=200, retry_max_delay_ms=400, control_interval_s=0.2
    )
    await declare_topology(settings)
    night = list(simulate.simulate_night(options=NIGHT))
    daemon = start_daemon(settings)
    daemon.wait_running()
    return LiveNight(settings, night, daemon)


async def ledger_settles(url: str, at_least: int, quiet_s: float = 2.0) -> int:
    """Wait until the ledger holds at least ``at_least`` events and stops growing."""
    await wait_until(lambda: scalar(url, LEDGER_COUNT) >= at_least, 120, f"{at_least} events")
    last, still = -1, 0.0
    while still < quiet_s:
        now = scalar(url, LEDGER_COUNT)
        still = still + 0.5 if now == last else 0.0
        last = now
        await asyncio.sleep(0.5)
    return int(last)


LEDGER_COUNT = "SELECT count(*) FROM opdb_ingest.event_ledger"


def archive_created_at(dump: Path) -> datetime.datetime:
    """The dump's time, as the runbook reads it: ``pg_restore -l`` prints it."""
    listing = subprocess.run(
        ["pg_restore", "-l", str(dump)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    found = re.search(r"Archive created at (\S+ \S+) (\S+)", listing)
    assert found, listing[:500]
    assert found[2] == "UTC", f"the test server's clock zone: {found[2]}"
    return datetime.datetime.fromisoformat(found[1]).replace(tzinfo=datetime.UTC)


@pytest.mark.timeout(300)
async def test_restoring_a_backup_and_replaying_the_journal_loses_nothing(
    live_night: LiveNight, scratch_databases: Callable[..., str], tmp_path: Path
) -> None:
    settings, night, daemon = live_night
    ids = {e["id"] for e in night}
    first, second = split_with_a_straggler(night)
    amqp = settings.amqp_url.get_secret_value()
    url = settings.libpq_url

    await publish(amqp, settings.exchange, first)
    # The straggler waits for its parent in the retry queues: published before the
    # dump, committed after it.
    in_dump = await ledger_settles(url, len(first) - 1)
    assert in_dump == len(first) - 1
    await asyncio.sleep(1.1)  # the journal's times have a resolution of one second
    between = datetime.datetime.now(datetime.UTC)
    dump = tmp_path / "before.dump"
    # The backup an operator takes (a `migrate --backup` at head does nothing at all).
    await asyncio.to_thread(
        subprocess.run,
        ["pg_dump", "--format=custom", "--file", str(dump), "--dbname", url],
        check=True,
        capture_output=True,
        timeout=120,
    )
    dumped_at = archive_created_at(dump)
    await asyncio.sleep(1.1)

    await publish(amqp, settings.exchange, second)
    await wait_until(lambda: scalar(url, LEDGER_COUNT) == len(night), 120, "the whole night")
    live = table_fingerprints(url)
    assert daemon.stop() == 0

    # The journal's time index: from a moment between the halves, exactly the second.
    second_half = await asyncio.to_thread(journal_cli, settings, "list", "--from", str(between))
    assert second_half["events"] == len(second)
    first_half = await asyncio.to_thread(journal_cli, settings, "list", "--to", str(between))
    assert first_half["events"] == len(first)

    # The disaster: the database is lost; the dump is restored.
    restored = scratch_databases("opdb_restored")
    await asyncio.to_thread(
        subprocess.run,
        ["pg_restore", "--no-owner", "--dbname", restored, str(dump)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert len(ledger_ids(restored)) == in_dump
    # The runbook's margin before the dump time covers events published before the dump
    # and committed after it (missing-parent retries, a backlog in the ingest queue).
    start = dumped_at - datetime.timedelta(minutes=20)
    report = await asyncio.to_thread(
        journal_cli, settings, "replay", "--from", start.isoformat(), into=restored
    )

    assert report["rejected"] == {}
    assert report["committed"] == len(night) - in_dump
    assert report["already_present"] == in_dump
    replayed = ledger_ids(restored)
    assert len(replayed) == len(set(replayed)) == len(night), "0 lost, 0 duplicated"
    assert set(replayed) == ids
    after = table_fingerprints(restored)
    assert {t: n for t, (n, _) in after.items() if n} == simulate.expected_rows(NIGHT)
    assert after == live

    # Replaying again changes nothing: the ledger skips every event.
    again = await asyncio.to_thread(
        journal_cli, settings, "replay", "--from", start.isoformat(), into=restored
    )
    assert (again["committed"], again["already_present"]) == (0, len(night))
    assert table_fingerprints(restored) == live


@pytest.mark.timeout(300)
async def test_a_night_rebuilt_into_an_empty_database_equals_the_live_one_and_rehearses(
    live_night: LiveNight, scratch_databases: Callable[..., str], migrated_template: str
) -> None:
    settings, night, daemon = live_night
    other_night = [event([insert("pfs_visit", {"pfs_visit_id": 1})], source="elsewhere")]
    # Two bad events of the night: the daemon dead-letters them; replay only counts them.
    invalid = event([insert("tel_status", {"pfs_visit_id": 1, "altitude": "high"})])
    invalid["sent_at"] = "2026-11-24T20:00:00-10:00"
    bad: list[dict[str, Any] | bytes] = [invalid, b'{"version": 1, "id": ']
    amqp = settings.amqp_url.get_secret_value()
    # An event of another night (sent now) is in the journal too; --night leaves it out.
    await publish(amqp, settings.exchange, [*night[:5], *other_night, *bad, *night[5:]])
    url = settings.libpq_url
    await wait_until(lambda: scalar(url, LEDGER_COUNT) == len(night) + 1, 120, "the night")
    dead = settings.dead_letter_queue
    for _ in range(100):
        if await queue_depth(amqp, dead) == 2:
            break
        await asyncio.sleep(0.2)
    assert daemon.stop() == 0
    live = table_fingerprints(url)
    live["pfs_visit"] = table_fingerprints_without(url, "pfs_visit", "pfs_visit_id <> 1")

    listing = await asyncio.to_thread(journal_cli, settings, "list")
    assert listing["nights"][NIGHT_DATE]["events"] == len(night) + 1  # and the invalid one
    assert listing["nights"]["?"]["events"] == 1  # the malformed body has no sent_at
    assert listing["events"] == len(night) + 3

    empty = scratch_databases("opdb_rebuild", template=migrated_template)
    report = await asyncio.to_thread(
        journal_cli, settings, "replay", "--night", NIGHT_DATE, into=empty
    )
    assert report["rejected"] == {"validation": 1, "malformed": 1}
    assert (report["selected"], report["committed"]) == (len(night) + 2, len(night))
    assert report["read"] == len(night) + 3
    assert table_fingerprints(empty) == live
    # Rejects of a replay are reported, never added to the live dead-letter queue.
    assert await queue_depth(amqp, dead) == 2

    # A dead letter replayed by an operator is journaled again (routing key "replay"):
    # committed after any earlier backup, it must be in a recovery's replay.
    replayed = await asyncio.to_thread(cli, settings, "dlq", "replay", "--reason", "validation")
    assert replayed.returncode == 0, replayed.stderr
    listing = await asyncio.to_thread(journal_cli, settings, "list")
    assert (listing["events"], listing["dlq_replays"]) == (len(night) + 4, 1)

    # Rehearsal: the night replayed by the next release into a copy at its revision.
    rehearsal = scratch_databases("opdb_rehearsal", template=migrated_template)
    on_copy = settings.model_copy(
        update={"database_url": Settings(database_url=rehearsal).database_url}
    )
    migrated = await asyncio.to_thread(cli, on_copy, "migrate", script=NEXT_RELEASE)
    assert migrated.returncode == 0, migrated.stderr
    # (The next release's revision is additive, so this release could write there too:
    # issue 13's revision kinds; the rehearsal is the new release's write path.)
    rehearsed = await asyncio.to_thread(
        journal_cli, settings, "replay", "--night", NIGHT_DATE, into=rehearsal, script=NEXT_RELEASE
    )
    assert rehearsed["committed"] == len(night)
    assert rehearsed["events_per_s"] > 0
    counts = {t: n for t, (n, _) in table_fingerprints(rehearsal).items()}
    assert counts == {t: n for t, (n, _) in live.items()}
    assert set(ledger_ids(empty)) == {e["id"] for e in night}


def table_fingerprints_without(url: str, table: str, where: str) -> tuple[int, str | None]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            sql.SQL(
                "SELECT count(*), md5(string_agg(t::text, '|' ORDER BY pfs_visit_id)) "
                "FROM {} t WHERE " + where
            ).format(sql.Identifier(table))
        ).fetchone()
    assert row is not None
    return int(row[0]), row[1]


@pytest.mark.timeout(300)
async def test_the_journal_survives_a_daemon_crash_and_a_broker_restart(
    make_settings: Callable[..., Settings],
    start_daemon: Callable[..., DaemonProcess],
    scratch_databases: Callable[..., str],
    migrated_template: str,
    private_broker: PrivateRabbitMQ,
) -> None:
    settings = make_settings(amqp_url=private_broker.url)
    await declare_topology(settings)
    events = [
        event([insert("pfs_visit", {"pfs_visit_id": v})], source="crash") for v in range(1, 41)
    ]
    daemon = start_daemon(settings)
    daemon.wait_running()
    await publish(private_broker.url, settings.exchange, events[:20])
    url = settings.libpq_url
    await wait_until(lambda: scalar(url, LEDGER_COUNT) == 20, 60, "the first events")
    daemon.process.kill()
    daemon.process.wait(10)
    # Published while no daemon runs: in the ingest queue and in the journal.
    await publish(private_broker.url, settings.exchange, events[20:])
    await asyncio.to_thread(private_broker.restart_app)

    listing = await asyncio.to_thread(journal_cli, settings, "list")
    assert listing["events"] == len(events)
    empty = scratch_databases("opdb_crash", template=migrated_template)
    report = await asyncio.to_thread(
        journal_cli, settings, "replay", "--from", "2000-01-01", into=empty
    )
    assert report["committed"] == len(events)
    assert set(ledger_ids(empty)) == {e["id"] for e in events}

    # And the daemon, restarted, takes what waited in the ingest queue.
    start_daemon(settings).wait_running()
    await wait_until(lambda: scalar(url, LEDGER_COUNT) == len(events), 60, "the rest")


@pytest.mark.timeout(120)
async def test_retention_removes_what_is_older_than_the_setting(
    make_settings: Callable[..., Settings],
) -> None:
    # Tiny segments: retention removes whole segments, checked when one is full.
    settings = make_settings(journal_max_age="2s", journal_segment_bytes=2000)
    await declare_topology(settings)
    amqp = settings.amqp_url.get_secret_value()

    def events(source: str) -> list[dict[str, Any]]:
        return [event([insert("pfs_visit", {"pfs_visit_id": v})], source=source) for v in range(30)]

    await publish(amqp, settings.exchange, events("old"), in_flight=1)
    listed = await asyncio.to_thread(journal_cli, settings, "list")
    assert listed["events"] == 30
    await asyncio.sleep(3)
    # The segment that "new" starts in also holds the last "old" entries: it goes once
    # all of it is older than the setting, when a later segment fills.
    await publish(amqp, settings.exchange, events("new"), in_flight=1)
    await asyncio.sleep(3)
    await publish(amqp, settings.exchange, events("newest"), in_flight=1)

    listed = await asyncio.to_thread(journal_cli, settings, "list")
    sources = {s for night in listed["nights"].values() for s in night["sources"]}
    assert "old" not in sources
    assert "newest" in sources
    assert listed["first_offset"] >= 30
