"""``opdb-ingestd demo``: the whole system on the local services, in one command.

In a scratch database and under scratch broker names it migrates, starts a real daemon,
publishes a simulated PFS night through the actors' publisher (with a progress bar),
adds a few deliberately bad events, waits until everything has landed or been
rejected, prints what happened and cleans up (unless ``--keep``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import aio_pika
import psycopg
from psycopg import sql

from daemon.dev.harness import DaemonProcess, HarnessError, Scratch, daemon_env
from daemon.errors import IngestError
from daemon.ingest import topology
from daemon.ops.dlq import DeadLetterQueue
from daemon.settings import Settings
from opdb import simulate
from opdb.amqp import connect_first
from opdb.publish import AsyncPublisher, PublisherSettings

_WAIT_S = 120.0


class DemoError(IngestError):
    """The demo could not complete; the message says where it stopped."""


@dataclass
class Demo:
    """Names of everything the demo creates, so that it can all be removed."""

    scratch: Scratch
    workdir: Path
    daemon: DaemonProcess | None = None
    bad: dict[str, bytes] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return self.scratch.settings


def _bad_events(good_visit: int) -> dict[str, bytes]:
    """One event per kind of rejection an operator will meet, keyed by expected reason.
    They go around the publisher, which would refuse most of them at the actor."""

    def envelope(writes: list[dict[str, Any]], **changes: Any) -> bytes:
        document = {
            "version": 1,
            "id": str(uuid.uuid4()),
            "source": "demo",
            "sent_at": "2026-11-24T23:00:00+00:00",
            "writes": writes,
            **changes,
        }
        return json.dumps(document).encode()

    status = {"pfs_visit_id": good_visit, "status_sequence_id": 999_999}
    return {
        "validation": envelope([{"table": "tel_status", "rows": [{**status, "altitude": "high"}]}]),
        "unknown_table": envelope([{"table": "tel_statu", "rows": [status]}]),
        "malformed": b'{"version": 1, "id": "not json',
        "unsupported_version": envelope([{"table": "tel_status", "rows": [status]}], version=2),
        "missing_parent": envelope(
            [{"table": "tel_status", "rows": [{"pfs_visit_id": 987_654, "status_sequence_id": 1}]}]
        ),
    }


def _prepare(settings: Settings, args: argparse.Namespace, say: Callable[[str], None]) -> Demo:
    scratch = Scratch.named(
        settings,
        "demo",
        uuid.uuid4().hex[:10],
        # Short waits, so the demo's orphan is dead-lettered within seconds.
        retry_first_delay_ms=200,
        retry_max_delay_ms=1000,
        retry_give_up_s=args.give_up,
    )
    say(f"scratch database {scratch.database}: migrating")
    scratch.create_database()
    workdir = Path(tempfile.mkdtemp(prefix="opdb-demo-"))
    return Demo(scratch, workdir)


def _start_daemon(demo: Demo) -> None:
    demo.daemon = DaemonProcess(daemon_env(demo.settings), demo.workdir / "daemon.log")


def _scalar(url: str, query: str) -> Any:
    with psycopg.connect(url) as conn:
        row = conn.execute(query).fetchone()
    return row[0] if row else None


def _wait(what: str, done: Callable[[], bool], demo: Demo, timeout_s: float = _WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        if demo.daemon is not None and demo.daemon.process.poll() is not None:
            raise DemoError(
                f"the daemon exited ({demo.daemon.process.returncode}) while waiting for "
                f"{what}; see {demo.workdir / 'daemon.log'}"
            )
        if time.monotonic() > deadline:
            raise DemoError(
                f"timed out after {timeout_s:g}s waiting for {what}; "
                f"see {demo.workdir / 'daemon.log'}"
            )
        time.sleep(0.2)


class _Progress:
    """A one-line progress bar on a terminal, a few plain lines otherwise."""

    def __init__(self, total: int, out: TextIO) -> None:
        self._total = max(total, 1)
        self._out = out
        self._tty = out.isatty()
        self._shown = -1

    def update(self, done: int) -> None:
        if self._tty:
            filled = 30 * done // self._total
            self._out.write(
                f"\r  [{'#' * filled}{'.' * (30 - filled)}] {done}/{self._total} events"
            )
            if done == self._total:
                self._out.write("\n")
            self._out.flush()
        elif (quarter := 4 * done // self._total) > self._shown:
            self._shown = quarter
            self._out.write(f"  {done}/{self._total} events published\n")


async def _publish(demo: Demo, night: list[dict[str, Any]], out: TextIO) -> float:
    """Publish the night through the publisher, one publisher per actor, in order."""
    s = demo.settings
    publishers: dict[str, AsyncPublisher] = {}
    progress = _Progress(len(night), out)
    started = time.monotonic()
    try:
        for number, envelope in enumerate(night, 1):
            source = envelope["source"]
            if source not in publishers:
                publishers[source] = AsyncPublisher(
                    source,
                    PublisherSettings(
                        amqp_url=s.amqp_url,
                        exchange=s.exchange,
                        spool_path=demo.workdir / f"spool-{source}.sqlite",
                    ),
                )
                await publishers[source].start()
            await publishers[source].publish(envelope["writes"])
            progress.update(number)
        for publisher in publishers.values():
            if not await publisher.flush(30):
                raise DemoError(f"publisher {publisher.source} could not empty its spool")
    finally:
        for publisher in publishers.values():
            await publisher.close()
    return time.monotonic() - started


async def _publish_raw(demo: Demo) -> None:
    connection, _ = await connect_first(demo.settings.amqp_urls)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(demo.settings.exchange)
        for body in demo.bad.values():
            await exchange.publish(
                aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), "demo.bad"
            )
    finally:
        await connection.close()


async def _dead_letters(settings: Settings) -> dict[str, list[str]]:
    async with DeadLetterQueue(settings) as queue:
        taken = await queue.take(10_000)
        by_reason: dict[str, list[str]] = {}
        for held in taken.held:
            by_reason.setdefault(held.letter.reason or "?", []).append(held.letter.detail or "")
        await queue.give_back()
    return by_reason


def _table_counts(url: str) -> dict[str, int]:
    from opdb.models import Base

    with psycopg.connect(url) as conn:
        counts = {}
        for table in Base.metadata.sorted_tables:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table.name))
            row = conn.execute(query).fetchone()
            if row and row[0]:
                counts[table.name] = int(row[0])
    return counts


def _timing(url: str) -> dict[str, float]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "WITH age AS (SELECT extract(epoch FROM committed_at - sent_at) AS s "
            "FROM opdb_ingest.event_ledger) SELECT percentile_cont(0.5) WITHIN GROUP "
            "(ORDER BY s), percentile_cont(0.99) WITHIN GROUP (ORDER BY s) FROM age"
        ).fetchone()
    p50, p99 = row or (0, 0)
    return {
        "latency_p50_ms": round(float(p50 or 0) * 1000, 1),
        "latency_p99_ms": round(float(p99 or 0) * 1000, 1),
    }


def _summary(
    demo: Demo, expected: Mapping[str, int], publish_s: float, ingest_s: float, events: int
) -> dict[str, Any]:
    url = demo.settings.libpq_url
    counts = _table_counts(url)
    dead = asyncio.run(_dead_letters(demo.settings))
    timing = _timing(url)
    return {
        "database": demo.scratch.database,
        "exchange": demo.settings.exchange,
        "queues": topology.queue_names(demo.settings),
        "events_published": events,
        "events_committed": int(_scalar(url, "SELECT count(*) FROM opdb_ingest.event_ledger")),
        "publish_seconds": round(publish_s, 2),
        "ingest_seconds": round(ingest_s, 2),
        "events_per_s": round(events / ingest_s, 1),
        "rows_per_s": round(sum(expected.values()) / ingest_s, 1),
        **timing,
        "rows": {t: {"found": counts.get(t, 0), "expected": n} for t, n in expected.items()},
        "rows_match": all(counts.get(t, 0) == n for t, n in expected.items())
        and set(counts) <= set(expected),
        "dead_letters": {
            reason: {"count": len(details), "example": details[0]}
            for reason, details in sorted(dead.items())
        },
        "bad_events_sent": sorted(demo.bad),
    }


def _render(summary: Mapping[str, Any]) -> str:
    lines = [
        "",
        f"{'table':<28}{'rows':>10}{'expected':>10}",
        f"{'-' * 28}{'-' * 10:>10}{'-' * 10:>10}",
    ]
    for table, n in sorted(summary["rows"].items()):
        mark = "" if n["found"] == n["expected"] else "  <-- differs"
        lines.append(f"{table:<28}{n['found']:>10}{n['expected']:>10}{mark}")
    lines += [
        "",
        f"events: {summary['events_committed']} committed of {summary['events_published']} "
        f"published; all committed {summary['ingest_seconds']} s after the first was sent "
        f"({summary['events_per_s']} events/s, {summary['rows_per_s']} rows/s end to end); "
        f"latency sent->commit p50 {summary['latency_p50_ms']} ms, "
        f"p99 {summary['latency_p99_ms']} ms",
        f"every table as expected: {'yes' if summary['rows_match'] else 'NO'}",
        "",
        "dead letters by reason (one example each):",
    ]
    for reason, letters in summary["dead_letters"].items():
        lines.append(f"  {reason:<20}{letters['count']:>4}  {letters['example'][:100]}")
    return "\n".join(lines)


def _clean_up(demo: Demo, keep: bool, say: Callable[[str], None]) -> None:
    if demo.daemon is not None:
        with contextlib.suppress(HarnessError):
            demo.daemon.terminate(60)
    if keep:
        say(
            f"kept: database {demo.scratch.database}, exchange {demo.settings.exchange}, "
            f"queues {demo.settings.queue}*, logs in {demo.workdir}"
        )
        return
    with contextlib.suppress(psycopg.Error):
        demo.scratch.drop_database()
    with contextlib.suppress(Exception):
        asyncio.run(demo.scratch.delete_broker_objects())
    for path in sorted(demo.workdir.glob("*")):
        path.unlink()
    demo.workdir.rmdir()
    say("cleaned up")


def _night(args: argparse.Namespace) -> tuple[list[dict[str, Any]], dict[str, int]]:
    options = simulate.NightOptions(
        seed=args.seed,
        visits=args.visits,
        frames=args.frames,
        spots=args.spots,
        ag_frames=args.ag_frames,
    )
    night = list(simulate.simulate_night(options=options))
    return night, simulate.expected_rows(options)


def run(args: argparse.Namespace, settings: Settings) -> int:
    out = sys.stderr

    def say(line: str) -> None:
        print(f"demo: {line}", file=out, flush=True)

    night, expected = _night(args)
    demo = _prepare(settings, args, say)
    try:
        say("starting opdb-ingestd run")
        _start_daemon(demo)
        s = demo.settings
        _wait(
            "the daemon to start",
            lambda: (
                _scalar(
                    s.libpq_url,
                    "SELECT count(*) FROM opdb_ingest.daemon_instance WHERE state = 'running'",
                )
                == 1
            ),
            demo,
            60,
        )
        say(
            f"publishing a simulated night: {len(night)} events, "
            f"{sum(expected.values())} rows, through opdb.publish"
        )
        started = time.monotonic()
        publish_s = asyncio.run(_publish(demo, night, out))
        demo.bad = _bad_events(
            good_visit=_scalar(s.libpq_url, "SELECT min(pfs_visit_id) FROM pfs_visit") or 1
        )
        say(f"publishing {len(demo.bad)} deliberately bad events")
        asyncio.run(_publish_raw(demo))
        _wait(
            "every good event to be committed",
            lambda: (
                _scalar(s.libpq_url, "SELECT count(*) FROM opdb_ingest.event_ledger") >= len(night)
            ),
            demo,
        )
        ingest_s = time.monotonic() - started
        _wait(
            "the bad events to be dead-lettered",
            lambda: sum(len(v) for v in asyncio.run(_dead_letters(s)).values()) >= len(demo.bad),
            demo,
            s.retry_give_up_s + 60,
        )
        summary = _summary(demo, expected, publish_s, ingest_s, len(night))
        print(json.dumps(summary, indent=2) if args.json else _render(summary))
        ok = summary["rows_match"] and set(summary["dead_letters"]) == set(demo.bad)
        return 0 if ok else 1
    finally:
        _clean_up(demo, args.keep, say)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser(
        "demo",
        help="run the whole system on the local services with a simulated night",
        description="In a scratch database and scratch queues: migrate, start the daemon, "
        "publish a simulated PFS night plus a few bad events, print a summary, clean up.",
    )
    demo.add_argument("--visits", type=int, default=3, help="visits to simulate (default 3)")
    demo.add_argument("--frames", type=int, default=3, help="MCS frames per convergence")
    demo.add_argument("--spots", type=int, default=2400, help="mcs_data rows per frame")
    demo.add_argument("--ag-frames", type=int, default=20, help="AG frames per visit")
    demo.add_argument("--seed", type=int, default=1, help="simulation seed")
    demo.add_argument(
        "--give-up",
        type=float,
        default=3.0,
        metavar="S",
        help="retry budget of a missing parent in the demo (default 3 s)",
    )
    demo.add_argument("--keep", action="store_true", help="keep the database and queues")
    demo.add_argument("--json", action="store_true", help="print the summary as JSON")
    demo.set_defaults(handler=run)
