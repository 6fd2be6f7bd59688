"""``opdb-ingestd bench``: how fast the daemon ingests, next to what RabbitMQ and
PostgreSQL do without it, measured on the services the settings point at.

Everything happens in throwaway objects that are removed at the end, whatever happens:
a scratch database ``opdb_bench_<random>`` migrated to head, a uniquely named exchange
and its queues. One JSON object goes to stdout; progress goes to stderr.

The phases run one after the other so they never compete for the CPU (the target
machine has two cores, shared with PostgreSQL and RabbitMQ), and each baseline runs
right before the daemon phase it is compared with:

1. PostgreSQL alone, in-process: the writer's COPY and multi-row INSERT paths by group
   size, and one INSERT + COMMIT per row;
2. RabbitMQ alone: aio-pika draining a prefilled quorum queue, acking without writing;
   then the real daemon (``python -m daemon.cli run``, a subprocess started once its
   queue is prefilled) draining the same small events, then taking a steady stream on
   the same process for latency;
3. raw psycopg COPY of MCS-sized rows; then a second daemon process draining prefilled
   bulk events (one MCS frame each) made of the same rows.

Daemon throughput is timed on the daemon's own clock, from its JSON log: from the
``state: running`` line (logged right after ``basic.consume`` succeeded) to the
``batch`` line that completes the expected count (logged right after the ack). That is
what the bare-consume baseline times too: start of consume to the last ack.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import math
import os
import random
import shutil
import signal
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import IO, Any

import aio_pika
import aiormq
import psycopg
from aio_pika.abc import AbstractConnection, AbstractIncomingMessage
from psycopg import sql
from pydantic import SecretStr

from daemon.dev.harness import DaemonProcess, HarnessError, Scratch, daemon_env, log_time
from daemon.errors import IngestError
from daemon.ingest import topology
from daemon.ingest.writer import Writer
from daemon.schema import migrations
from daemon.settings import Settings, mask_url
from opdb.contract import Contract, Event
from opdb.models import Base

# Each phase writes under its own visit (or frame range), so no two collide on a key.
_VISIT_SMALL = 1
_VISIT_LATENCY = 2
_VISIT_ROW_COMMIT = 3
_VISIT_CROSSOVER = 4
_VISIT_BULK = 5
_VISIT_LOW = 6
_VISIT_BURST = 7
_BULK_FRAME_BASE = 1_000_000
_CROSSOVER_FRAME_BASE = 2_000_000
_BURST_FRAME_BASE = 3_000_000

# The bare-consume baseline mirrors the daemon at full speed: prefetch of two batches,
# one multiple-ack per batch of batch_max_events (500 by default).
_BARE_PREFETCH = 1000
_BARE_ACK_EVERY = 500
_PUBLISH_WINDOW = 500
_POLL_S = 0.05
_ROUTING_KEY = "bench"
_CREATED_AT = "2026-11-24T01:02:03"
# Stands for sent_at in events encoded ahead of time, replaced when they are published.
_SENT_AT_PLACEHOLDER = b"SENT_AT_AT_PUBLISH"

# Every column of mcs_data, in table order: the rows of a bulk event and of the COPY run.
_MCS_DATA_COLUMNS = tuple(column.name for column in Base.metadata.tables["mcs_data"].columns)

_TARGETS = {
    "small_vs_bare": 0.85,
    "bulk_vs_copy": 0.9,
    "latency_low_p99_ms": 15.0,
    "latency_p99_ms": 25.0,
    "peak_rss_mb": 200.0,
}


class BenchError(IngestError):
    """The benchmark could not run to the end; the message says where it stopped."""


@dataclass(frozen=True)
class Sizes:
    """How much work each phase does."""

    small_events: int
    bulk_events: int
    row_commit_rows: int
    latency_rate: float
    latency_seconds: float
    low_seconds: float
    burst_seconds: float
    burst_frames: int
    # Rows per (table, group size, path) of the COPY-vs-VALUES runs, within rep bounds.
    crossover_rows: int
    crossover_max_reps: int
    crossover_sizes: tuple[int, ...] = (1, 10, 50, 100, 500, 3000)
    bulk_rows_per_event: int = 3000
    # Low load as the summit mostly sees it: a status row every 100 ms.
    low_rate: float = 10.0
    # Small events streaming while MCS frames arrive, as during a convergence.
    burst_rate: float = 100.0


@dataclass(frozen=True)
class _Stream:
    """A steady stream of small events of one source, under its own visit."""

    source: str
    visit: int
    rate: float
    seconds: float


FULL = Sizes(
    small_events=50_000,
    bulk_events=100,
    row_commit_rows=2000,
    latency_rate=500.0,
    latency_seconds=10.0,
    low_seconds=20.0,
    burst_seconds=10.0,
    burst_frames=13,
    crossover_rows=6000,
    crossover_max_reps=300,
)
QUICK = Sizes(
    small_events=5000,
    bulk_events=10,
    row_commit_rows=300,
    latency_rate=500.0,
    latency_seconds=3.0,
    low_seconds=3.0,
    burst_seconds=3.0,
    burst_frames=3,
    crossover_rows=600,
    crossover_max_reps=40,
)


class _Progress:
    """Human-readable progress on stderr, stamped with the time since start."""

    def __init__(self) -> None:
        self._started = time.monotonic()

    def __call__(self, message: str) -> None:
        print(f"[bench {time.monotonic() - self._started:6.1f}s] {message}", file=sys.stderr)
        sys.stderr.flush()

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self._started


# -- event bodies -------------------------------------------------------------------


def _now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


def _envelope(source: str, writes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "version": 1,
        "id": str(uuid.uuid4()),
        "source": source,
        "sent_at": _now_iso(),
        "writes": writes,
    }


def _tel_status_row(visit: int, sequence: int) -> dict[str, Any]:
    # The row of the integration tests' small events: keys, two reals, a timestamp.
    return {
        "pfs_visit_id": visit,
        "status_sequence_id": sequence,
        "altitude": 60.5,
        "azimuth": 120.25,
        "created_at": _CREATED_AT,
    }


def _small_envelope(source: str, visit: int, sequence: int) -> dict[str, Any]:
    return _envelope(
        source,
        [{"table": "tel_status", "op": "insert", "rows": [_tel_status_row(visit, sequence)]}],
    )


def _encode(envelope: dict[str, Any]) -> bytes:
    # json writes NaN as the bare token, which the contract reads back as NaN.
    return json.dumps(envelope, separators=(",", ":")).encode()


def _mcs_rows(rng: random.Random, frame_id: int, count: int) -> list[tuple[Any, ...]]:
    """One frame of centroids with plausible magnitudes and full float precision, as
    the MCS actor sends them; about 1% unmatched spots carry NaN centroids."""
    nan = float("nan")
    rows: list[tuple[Any, ...]] = []
    for spot in range(-1, count - 1):
        lost = rng.random() < 0.01
        rows.append(
            (
                frame_id,
                spot,
                nan if lost else rng.uniform(0.0, 8960.0),
                nan if lost else rng.uniform(0.0, 5778.0),
                rng.uniform(1.0, 12.0),
                rng.uniform(1.0, 12.0),
                rng.uniform(-1.0, 1.0),
                rng.uniform(900.0, 1100.0),
                rng.uniform(1000.0, 60000.0),
                rng.choice((0, 0, 0, 0, 1, 2, 4)),
                rng.uniform(1e3, 1e6),
                rng.uniform(10.0, 1000.0),
            )
        )
    return rows


def _mcs_exposure_row(frame_id: int) -> dict[str, Any]:
    return {
        "mcs_frame_id": frame_id,
        "pfs_visit_id": _VISIT_BULK,
        "mcs_exptime": 0.8,
        "altitude": 60.1,
        "azimuth": 120.3,
        "insrot": -10.5,
        "dome_temperature": 274.2,
        "taken_at": _CREATED_AT,
    }


def _bulk_envelope(source: str, frame_id: int, rows: Sequence[tuple[Any, ...]]) -> dict[str, Any]:
    return _envelope(
        source,
        [
            {"table": "mcs_exposure", "op": "insert", "rows": [_mcs_exposure_row(frame_id)]},
            {
                "table": "mcs_data",
                "op": "insert",
                "rows": [dict(zip(_MCS_DATA_COLUMNS, row, strict=True)) for row in rows],
            },
        ],
    )


# -- small helpers ------------------------------------------------------------------


def _rate(amount: float, seconds: float) -> float:
    return amount / seconds if seconds > 0 else math.inf


def _round(value: float, digits: int = 1) -> float:
    return round(value, digits) if math.isfinite(value) else value


def _ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 3) if denominator > 0 else math.inf


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class _PySpy:
    """``py-spy record`` attached to a daemon, collapsed stacks into a file."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self._process: asyncio.subprocess.Process | None = None
        self._stderr: IO[bytes] | None = None

    @staticmethod
    def executable() -> str:
        # pip puts py-spy beside the interpreter; PATH may not have that directory.
        search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
        found = shutil.which("py-spy", path=search)
        if found is None:
            raise BenchError("--profile-dir needs py-spy (pip install py-spy)")
        return found

    async def start(self, pid: int) -> None:
        self._stderr = self.output.with_suffix(".log").open("wb")
        # --nonblocking: do not pause the daemon to sample it, so it runs at full speed;
        # --idle: keep samples of the loop waiting in epoll, to see how busy it was.
        self._process = await asyncio.create_subprocess_exec(
            self.executable(),
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "--rate",
            "250",
            "--nonblocking",
            "--idle",
            "--output",
            str(self.output),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._stderr,
            stderr=self._stderr,
        )

    async def stop(self) -> dict[str, Any]:
        if self._process is not None:
            if self._process.returncode is None:
                # SIGINT makes py-spy stop sampling and write what it has.
                self._process.send_signal(signal.SIGINT)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._process.wait(), 30)
            if self._process.returncode is None:
                self._process.kill()
                await self._process.wait()
        if self._stderr is not None:
            self._stderr.close()
        return summarise_collapsed(self.output)


def _profile_area(leaf: str) -> str:
    """Where a sample's leaf frame lives: idle, a library, or one of our modules."""
    if leaf.endswith("Selector.select (selectors.py)"):
        return "idle: epoll wait (broker or PostgreSQL)"
    if leaf.endswith("Runner.run (asyncio/runners.py)"):
        # Under uvloop the loop is C: its epoll wait and callbacks end the stack here.
        return "idle or uvloop's own C code (epoll wait, transports)"
    where = leaf.rpartition("(")[2].rstrip(")")
    if where.startswith(("daemon/", "opdb/")):
        return where.rsplit(".", 1)[0]
    return where.split("/", 1)[0].removesuffix(".py") if "/" in where else where


def summarise_collapsed(path: Path, top: int = 15) -> dict[str, Any]:
    """Top functions of a collapsed-stack profile (``a;b;c count`` lines).

    Only samples taken inside the event loop count, so the daemon's start-up imports
    do not dilute the picture. Self time (the leaf) is given per function and per
    library or module; inclusive time (anywhere on the stack) for our own functions,
    since the library frames every stack passes through would fill that list.
    """
    if not path.exists():
        return {"file": str(path), "error": "no profile written"}
    self_samples: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = skipped = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        samples = int(count_text)
        # run_forever: asyncio's loop; under uvloop (the daemon's default) its run().
        if "run_forever" not in stack and "(uvloop/" not in stack:
            skipped += samples
            continue
        total += samples
        # "function (file.py:line)": the line number is dropped so a function's
        # samples add up across its lines.
        frames = [frame.rsplit(":", 1)[0] + ")" for frame in stack.split(";")]
        self_samples[frames[-1]] += samples
        areas[_profile_area(frames[-1])] += samples
        for frame in set(frames):
            # The CLI's frames are on every stack and say nothing.
            if ("(daemon/" in frame or "(opdb/" in frame) and "(daemon/cli.py)" not in frame:
                inclusive[frame] += samples

    def share(counter: Counter[str], key: str) -> list[dict[str, Any]]:
        return [
            {key: name, "percent": round(100 * n / total, 1)}
            for name, n in counter.most_common(top)
        ]

    return {
        "file": str(path),
        "samples_in_loop": total,
        "samples_outside_loop": skipped,
        "self_by_area": share(areas, "area") if total else [],
        "top_self": share(self_samples, "function") if total else [],
        "top_inclusive_ours": share(inclusive, "function") if total else [],
    }


# -- the benchmark ------------------------------------------------------------------


@dataclass
class _Scratch(Scratch):
    """The harness's scratch database and names, and the queue the bare consumer reads."""

    bare_queue: str = ""

    @property
    def amqp_url(self) -> str:
        return self.settings.amqp_url.get_secret_value()

    @property
    def queues(self) -> list[str]:
        return [*topology.queue_names(self.settings), self.bare_queue]

    def daemon_env(self) -> dict[str, str]:
        # The bench reads the per-batch lines, logged at INFO.
        return daemon_env(self.settings, OPDB_LOG_LEVEL="INFO")


@dataclass
class _Drained:
    """A daemon run over a prefilled queue, from its log and the ledger."""

    events: int
    rows: int
    seconds: float
    startup_s: float
    batches: list[dict[str, Any]]
    ledger_per_s: float
    # CPU the daemon used while draining, over the wall time it was sampled across.
    cpu_seconds: float
    cpu_window_s: float

    def details(self) -> dict[str, Any]:
        durations = [float(b["duration_ms"]) for b in self.batches]
        return {
            "events": self.events,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
            "daemon_startup_s": round(self.startup_s, 2),
            "batches": len(self.batches),
            "mean_events_per_batch": round(self.events / max(1, len(self.batches)), 1),
            "batch_ms_p50": _percentile(durations, 0.5),
            "batch_ms_max": max(durations, default=math.nan),
            # Share of the span the main loop spent in _process (write, ack): near 1
            # means batches are written back to back and the writer path is the limit.
            "busy_fraction": round(sum(durations) / 1000 / self.seconds, 3)
            if self.seconds
            else None,
            "ledger_events_per_s": _round(self.ledger_per_s),
            # CPU per unit of work hardly moves with other load on the machine, unlike
            # the rates; a cpu_share near 1 means the daemon's one thread is the limit.
            "daemon_cpu_us_per_event": _round(1e6 * self.cpu_seconds / self.events),
            "daemon_cpu_us_per_row": _round(1e6 * self.cpu_seconds / self.rows, 2),
            "daemon_cpu_share": round(self.cpu_seconds / self.cpu_window_s, 2)
            if self.cpu_window_s
            else None,
        }


@dataclass
class _Result:
    values: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    exit_codes: dict[str, int] = field(default_factory=dict)
    # Per daemon, its warning and error lines by event: a run in which a daemon lost a
    # connection or reconnected is not a clean measurement, and says so.
    daemon_warnings: dict[str, dict[str, int]] = field(default_factory=dict)
    profiles: dict[str, Any] = field(default_factory=dict)


class Bench:
    """One run of every phase over one set of scratch objects."""

    def __init__(
        self,
        settings: Settings,
        sizes: Sizes,
        profile_dir: Path | None,
        progress: Callable[[str], None],
        receipts: bool = False,
    ) -> None:
        token = uuid.uuid4().hex[:12]
        # --receipts: every event to the daemon asks for a receipt, as a waiting actor's
        # would, and this process takes them from a reply queue of its own.
        self._reply_to = f"opdb.reply.bench.{token}" if receipts else None
        self._receipts_received = 0
        # The bench measures one broker: the first listed.
        self._scratch = _Scratch.named(
            settings, "bench", token, amqp_url=SecretStr(settings.amqp_urls[0])
        )
        self._scratch.bare_queue = f"opdb.bench.{token}.bare"
        self._sizes = sizes
        self._profile_dir = profile_dir
        self._progress = progress
        self._contract = Contract(
            site_timezone=settings.site_timezone, max_body_bytes=settings.max_body_bytes
        )
        self._result = _Result()
        self._daemons: list[DaemonProcess] = []

    # -- set-up and clean-up --------------------------------------------------------

    def _create_database(self) -> None:
        self._scratch.create_database()
        with psycopg.connect(self._scratch.url, autocommit=True) as conn:
            # Parents of every phase's rows, straight in SQL: the daemon only sees children.
            conn.execute(
                "INSERT INTO pfs_visit (pfs_visit_id, pfs_visit_description) "
                "SELECT v, 'bench' FROM generate_series(1, 7) AS v"
            )

    async def _declare_broker_objects(self) -> None:
        connection = await aio_pika.connect(self._scratch.amqp_url)
        try:
            channel = await connection.channel()
            # The daemon's own declaration, so its queue exists (and fills) before it runs.
            channel, _ = await topology.declare(connection, channel, self._scratch.settings)
            await channel.declare_queue(
                self._scratch.bare_queue, durable=True, arguments={"x-queue-type": "quorum"}
            )
        finally:
            await connection.close()

    async def run(self) -> dict[str, Any]:
        scratch = self._scratch
        # Other work on the machine moves every figure; the load averages say how much.
        self._result.values["loadavg_at_start"] = [round(v, 2) for v in os.getloadavg()]
        self._progress(
            f"scratch database {scratch.database} on {mask_url(scratch.admin_url)}, "
            f"exchange {scratch.settings.exchange}"
        )
        failures: list[str] = []
        try:
            with TemporaryDirectory(prefix="opdb-bench-") as workdir:
                self._create_database()
                await self._declare_broker_objects()
                async with self._taking_receipts():
                    await self._phases(Path(workdir))
        finally:
            for daemon in self._daemons:
                # Only reached with a daemon still running when a phase failed.
                with contextlib.suppress(HarnessError, ProcessLookupError):
                    await asyncio.to_thread(
                        daemon.terminate, scratch.settings.shutdown_timeout_s + 10
                    )
            try:
                await scratch.delete_broker_objects([scratch.bare_queue])
            except Exception as exc:  # noqa: BLE001 - clean-up goes on, the failure is reported
                failures.append(f"broker objects: {exc!r}")
            try:
                if scratch.created_database:
                    scratch.drop_database()
            except psycopg.Error as exc:
                failures.append(f"database {scratch.database}: {exc}")
            for failure in failures:
                self._progress(f"CLEAN-UP FAILED: {failure}")
        if failures:
            raise BenchError("clean-up failed: " + "; ".join(failures))
        return self._report()

    @contextlib.asynccontextmanager
    async def _taking_receipts(self) -> AsyncIterator[None]:
        if self._reply_to is None:
            yield
            return
        connection = await aio_pika.connect(self._scratch.amqp_url)
        try:
            channel = await connection.channel()
            queue = await channel.declare_queue(self._reply_to, exclusive=True, auto_delete=True)

            async def take(_message: AbstractIncomingMessage) -> None:
                self._receipts_received += 1

            await queue.consume(take, no_ack=True)
            yield
        finally:
            self._result.values["receipts_received"] = self._receipts_received
            await connection.close()

    # -- phases ---------------------------------------------------------------------

    async def _phases(self, workdir: Path) -> None:
        sizes = self._sizes
        values = self._result.values
        small_bodies = [
            _encode(_small_envelope("bench-small", _VISIT_SMALL, n))
            for n in range(sizes.small_events)
        ]
        self._progress("COPY vs multi-row INSERT through the writer, by group size")
        values["copy_vs_values"] = await self._copy_vs_values()
        self._progress(f"one INSERT + COMMIT per row, {sizes.row_commit_rows} rows")
        values["row_commit_rows_per_s"] = _round(self._row_commit())

        connection = await aio_pika.connect(self._scratch.amqp_url)
        try:
            # Each baseline runs right before the daemon phase it is compared with, so
            # both see the same machine: other load on 2 cores moves figures by +-30%.
            await self._small_and_latency(connection, workdir, small_bodies)
            await self._bulk(connection, workdir, small_bodies[0])
        finally:
            await connection.close()

    async def _small_and_latency(
        self, connection: AbstractConnection, workdir: Path, bodies: Sequence[bytes]
    ) -> None:
        values = self._result.values
        self._progress(f"bare consume: prefilling {len(bodies)} messages")
        await self._prefill(connection, bodies, to_bare=True)
        seconds, cpu = await self._bare_consume(connection, len(bodies))
        values["bare_consume_per_s"] = _round(_rate(len(bodies), seconds))
        values["bare_consume_cpu_us_per_msg"] = _round(1e6 * cpu / len(bodies))

        self._progress(f"small events: prefilling {len(bodies)} events")
        prefill_s = await self._prefill(connection, bodies, to_bare=False)
        values["prefill_publish_per_s"] = _round(_rate(len(bodies), prefill_s))
        daemon = await self._start_daemon(workdir, "small+latency")
        profiler = await self._start_profiler(daemon, "small")
        small = await self._drain(daemon, "bench-small", len(bodies), rows=len(bodies))
        if profiler is not None:
            self._result.profiles["small"] = await profiler.stop()
        values["small_events_per_s"] = _round(_rate(small.events, small.seconds))
        values["phases"] = {"small": small.details()}

        sizes = self._sizes
        for key, stream in (
            ("latency_low", _Stream("bench-low", _VISIT_LOW, sizes.low_rate, sizes.low_seconds)),
            (
                "latency",
                _Stream("bench-latency", _VISIT_LATENCY, sizes.latency_rate, sizes.latency_seconds),
            ),
        ):
            self._progress(f"latency: {stream.rate:g} events/s for {stream.seconds:g}s")
            phase = await self._stream(connection, daemon, stream)
            values["phases"][key] = phase
            values[f"{key}_p50_ms"] = phase["p50_ms"]
            values[f"{key}_p99_ms"] = phase["p99_ms"]
        await self._stop_daemon(daemon)

    async def _bulk(self, connection: AbstractConnection, workdir: Path, small_body: bytes) -> None:
        sizes = self._sizes
        values = self._result.values
        rng = random.Random(20261124)  # noqa: S311 - reproducible test data, not secrets
        frames = [
            _mcs_rows(rng, _BULK_FRAME_BASE + i, sizes.bulk_rows_per_event)
            for i in range(sizes.bulk_events)
        ]
        self._progress(f"raw COPY of {sum(map(len, frames))} mcs_data rows")
        # The ceiling is COPY into a table shaped like mcs_data *with* its foreign key:
        # the daemon writes into the real table and pays that check on every row.
        rate, cpu_per_row = self._raw_copy(frames, foreign_key=True)
        values["copy_rows_per_s"] = _round(rate)
        values["copy_client_cpu_us_per_row"] = _round(cpu_per_row, 2)
        values["copy_async_rows_per_s"] = _round(await self._raw_copy_async(frames))
        values["copy_no_fk_rows_per_s"] = _round(self._raw_copy(frames)[0])

        bulk_bodies = [
            _encode(_bulk_envelope("bench-bulk", _BULK_FRAME_BASE + i, rows))
            for i, rows in enumerate(frames)
        ]
        del frames
        self._progress("contract.parse cost in-process")
        values["contract_parse"] = self._parse_cost(small_body, bulk_bodies[0])

        self._progress(f"bulk: prefilling {len(bulk_bodies)} events of one MCS frame")
        await self._prefill(connection, bulk_bodies, to_bare=False)
        rows = len(bulk_bodies) * (sizes.bulk_rows_per_event + 1)
        del bulk_bodies
        daemon = await self._start_daemon(workdir, "bulk")
        profiler = await self._start_profiler(daemon, "bulk")
        bulk = await self._drain(daemon, "bench-bulk", sizes.bulk_events, rows=rows)
        if profiler is not None:
            self._result.profiles["bulk"] = await profiler.stop()
        values["bulk_rows_per_s"] = _round(_rate(bulk.rows, bulk.seconds))
        values["phases"]["bulk"] = bulk.details()

        burst_bodies = [
            _encode(
                {
                    **_bulk_envelope(
                        "bench-burst-frames",
                        _BURST_FRAME_BASE + i,
                        _mcs_rows(rng, _BURST_FRAME_BASE + i, sizes.bulk_rows_per_event),
                    ),
                    "sent_at": _SENT_AT_PLACEHOLDER.decode(),
                }
            )
            for i in range(sizes.burst_frames)
        ]
        stream = _Stream("bench-burst", _VISIT_BURST, sizes.burst_rate, sizes.burst_seconds)
        self._progress(
            f"burst: {stream.rate:g} small events/s for {stream.seconds:g}s "
            f"with {len(burst_bodies)} MCS frames among them"
        )
        phase = await self._stream(connection, daemon, stream, burst_bodies)
        values["phases"]["burst"] = phase
        values["burst_p50_ms"] = phase["p50_ms"]
        values["burst_p99_ms"] = phase["p99_ms"]
        await self._stop_daemon(daemon)

    # -- PostgreSQL alone -------------------------------------------------------------

    async def _copy_vs_values(self) -> dict[str, Any]:
        """Rows/s of the writer's two insert paths on groups of each size: one event
        holding one group, so each figure includes the ledger row and the COMMIT of its
        transaction, exactly as a batch of that shape costs the daemon."""
        sizes = self._sizes
        revision = migrations.head_revision()
        writers = {
            name: Writer(
                self._scratch.url,
                Base.metadata,
                expected_revision=revision,
                copy_min_rows=copy_min_rows,
            )
            for name, copy_min_rows in (("values", sys.maxsize), ("copy", 1))
        }
        for writer in writers.values():
            await writer.connect()
        reps = {
            size: max(3, min(sizes.crossover_max_reps, math.ceil(sizes.crossover_rows / size)))
            for size in sizes.crossover_sizes
        }
        # One frame (parent row inserted here, in SQL) per mcs_data group, warm-ups included.
        frames_needed = 2 * (sum(reps.values()) + 1)
        with psycopg.connect(self._scratch.url, autocommit=True) as conn:
            conn.execute(
                "INSERT INTO mcs_exposure (mcs_frame_id, pfs_visit_id) "
                "SELECT f, %s FROM generate_series(%s::int, %s::int) AS f",
                (_VISIT_CROSSOVER, _CROSSOVER_FRAME_BASE, _CROSSOVER_FRAME_BASE + frames_needed),
            )
        rng = random.Random(7)  # noqa: S311 - reproducible test data, not secrets
        next_frame = _CROSSOVER_FRAME_BASE
        next_sequence = 0

        def group(table: str, size: int) -> Event:
            nonlocal next_frame, next_sequence
            if table == "tel_status":
                rows = [_tel_status_row(_VISIT_CROSSOVER, next_sequence + i) for i in range(size)]
                next_sequence += size
            else:
                rows = [
                    dict(zip(_MCS_DATA_COLUMNS, row, strict=True))
                    for row in _mcs_rows(rng, next_frame, size)
                ]
                next_frame += 1
            envelope = _envelope(
                "bench-crossover", [{"table": table, "op": "insert", "rows": rows}]
            )
            return self._contract.validate(envelope)

        async def write(writer: Writer, event: Event) -> float:
            started = time.perf_counter()
            result = await writer.write([event])
            elapsed = time.perf_counter() - started
            if result.committed != [0]:
                raise BenchError(f"writer did not commit a crossover group: {result.rejected}")
            return elapsed

        report: dict[str, Any] = {}
        try:
            for table in ("tel_status", "mcs_data"):
                # Warm-up: connection caches and the first statements' planning.
                for writer in writers.values():
                    await write(writer, group(table, 10))
                by_size: dict[str, dict[str, float]] = {}
                for size in sizes.crossover_sizes:
                    spent = dict.fromkeys(writers, 0.0)
                    for _ in range(reps[size]):
                        # Alternating paths spreads any drift (autovacuum, checkpoints).
                        for name, writer in writers.items():
                            spent[name] += await write(writer, group(table, size))
                    by_size[str(size)] = {
                        f"{name}_rows_per_s": _round(_rate(size * reps[size], spent[name]))
                        for name in writers
                    }
                report[table] = by_size
        finally:
            for writer in writers.values():
                await writer.close()
        report["copy_wins_from_rows"] = {
            table: _crossover(report[table]) for table in ("tel_status", "mcs_data")
        }
        report["repetitions"] = {str(size): n for size, n in reps.items()}
        return report

    def _raw_copy(
        self, frames: Sequence[Sequence[tuple[Any, ...]]], *, foreign_key: bool = False
    ) -> tuple[float, float]:
        """psycopg 3 (sync) COPY of the bulk rows, one COPY and COMMIT per 3000-row frame,
        into a fresh copy of mcs_data (same columns and indexes, no foreign key). With
        ``foreign_key`` the copy also references a fresh copy of mcs_exposure holding
        the frames, as mcs_data does: the difference is the per-row foreign-key check
        the daemon's COPY pays too. Fresh tables, so mcs_data stays as the daemon finds
        it, and dropped afterwards. Returns rows/s and this process's CPU us per row."""
        table = sql.Identifier("bench_copy_mcs_data")
        parent = sql.Identifier("bench_copy_mcs_exposure")
        with psycopg.connect(self._scratch.url) as conn:
            if foreign_key:
                conn.execute(
                    sql.SQL("CREATE TABLE {} (LIKE mcs_exposure INCLUDING ALL)").format(parent)
                )
                conn.execute(
                    sql.SQL(
                        "INSERT INTO {} (mcs_frame_id) "
                        "SELECT DISTINCT f FROM unnest(%s::int[]) AS f"
                    ).format(parent),
                    ([rows[0][0] for rows in frames if rows],),
                )
                conn.execute(
                    sql.SQL(
                        "CREATE TABLE {} (LIKE mcs_data INCLUDING ALL, "
                        "FOREIGN KEY (mcs_frame_id) REFERENCES {} (mcs_frame_id))"
                    ).format(table, parent)
                )
            else:
                conn.execute(sql.SQL("CREATE TABLE {} (LIKE mcs_data INCLUDING ALL)").format(table))
            conn.commit()
            statement = _copy_statement(table)
            started, cpu_at_start = time.perf_counter(), time.process_time()
            with conn.cursor() as cursor:
                for rows in frames:
                    with cursor.copy(statement) as copy:
                        for row in rows:
                            copy.write_row(row)
                    conn.commit()
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_at_start
            conn.execute(sql.SQL("DROP TABLE {}").format(table))
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(parent))
            conn.commit()
        total = sum(map(len, frames))
        return _rate(total, elapsed), 1e6 * cpu / total

    async def _raw_copy_async(self, frames: Sequence[Sequence[tuple[Any, ...]]]) -> float:
        """The same through psycopg's async API, as the writer uses it, to separate the
        cost of awaiting per row from the cost of COPY itself."""
        async with await psycopg.AsyncConnection.connect(self._scratch.url) as conn:
            table = sql.Identifier("bench_copy_mcs_data_async")
            await conn.execute(
                sql.SQL("CREATE TABLE {} (LIKE mcs_data INCLUDING ALL)").format(table)
            )
            await conn.commit()
            statement = _copy_statement(table)
            started = time.perf_counter()
            async with conn.cursor() as cursor:
                for rows in frames:
                    async with cursor.copy(statement) as copy:
                        for row in rows:
                            await copy.write_row(row)
                    await conn.commit()
            elapsed = time.perf_counter() - started
            await conn.execute(sql.SQL("DROP TABLE {}").format(table))
            await conn.commit()
        return _rate(sum(map(len, frames)), elapsed)

    def _row_commit(self) -> float:
        """What actors do today: one INSERT and one COMMIT per row."""
        created_at = datetime.datetime.fromisoformat(_CREATED_AT)
        rows = self._sizes.row_commit_rows
        with psycopg.connect(self._scratch.url) as conn:
            started = time.perf_counter()
            for sequence in range(rows):
                conn.execute(
                    "INSERT INTO tel_status "
                    "(pfs_visit_id, status_sequence_id, altitude, azimuth, created_at) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    (_VISIT_ROW_COMMIT, sequence, 60.5, 120.25, created_at),
                )
                conn.commit()
            elapsed = time.perf_counter() - started
        return _rate(rows, elapsed)

    def _parse_cost(self, small_body: bytes, bulk_body: bytes) -> dict[str, Any]:
        """Contract.parse alone, as the daemon's consumer callback runs it."""
        runs = 2000
        started = time.perf_counter()
        for _ in range(runs):
            self._contract.parse(small_body)
        small_s = time.perf_counter() - started
        bulk_runs = 3
        started = time.perf_counter()
        for _ in range(bulk_runs):
            event = self._contract.parse(bulk_body)
        bulk_s = time.perf_counter() - started
        return {
            "small_us_per_event": _round(1e6 * small_s / runs),
            "bulk_ms_per_event": _round(1000 * bulk_s / bulk_runs, 2),
            "bulk_rows_per_s": _round(_rate(bulk_runs * event.row_count, bulk_s)),
            "bulk_body_bytes": len(bulk_body),
        }

    # -- RabbitMQ ---------------------------------------------------------------------

    async def _prefill(
        self, connection: AbstractConnection, bodies: Sequence[bytes], *, to_bare: bool
    ) -> float:
        """Publish persistent messages with confirms; returns the seconds it took."""
        channel = await connection.channel(publisher_confirms=True)
        try:
            if to_bare:
                exchange = channel.default_exchange
                routing_key = self._scratch.bare_queue
            else:
                exchange = await channel.get_exchange(self._scratch.settings.exchange)
                routing_key = _ROUTING_KEY
            started = time.perf_counter()
            for start in range(0, len(bodies), _PUBLISH_WINDOW):
                await asyncio.gather(
                    *(
                        exchange.publish(
                            _message(body, None if to_bare else self._reply_to), routing_key
                        )
                        for body in bodies[start : start + _PUBLISH_WINDOW]
                    )
                )
            return time.perf_counter() - started
        finally:
            await channel.close()

    async def _bare_consume(
        self, connection: AbstractConnection, expected: int
    ) -> tuple[float, float]:
        """Seconds from basic.consume to the last ack, with nothing written: the ceiling
        of what the daemon's consuming side allows; and the CPU seconds it took here."""
        channel = await connection.channel()
        try:
            await channel.set_qos(prefetch_count=_BARE_PREFETCH)
            queue = await channel.declare_queue(self._scratch.bare_queue, passive=True)
            buffer: list[AbstractIncomingMessage] = []
            received = 0
            ready = asyncio.Event()

            async def on_message(message: AbstractIncomingMessage) -> None:
                nonlocal received
                buffer.append(message)
                received += 1
                if len(buffer) >= _BARE_ACK_EVERY or received == expected:
                    ready.set()

            deadline = time.monotonic() + max(60.0, expected / 500)
            acked = 0
            started, cpu_at_start = time.perf_counter(), time.process_time()
            tag = await queue.consume(on_message)
            while acked < expected:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(ready.wait(), 1.0)
                ready.clear()
                while len(buffer) >= _BARE_ACK_EVERY or (received == expected and buffer):
                    batch = buffer[:_BARE_ACK_EVERY]
                    del buffer[:_BARE_ACK_EVERY]
                    await batch[-1].ack(multiple=True)
                    acked += len(batch)
                if time.monotonic() > deadline:
                    raise BenchError(f"bare consume: {acked}/{expected} acked before timeout")
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_at_start
            await queue.cancel(tag)
            return elapsed, cpu
        finally:
            await channel.close()

    # -- the daemon -------------------------------------------------------------------

    async def _start_daemon(self, workdir: Path, label: str) -> DaemonProcess:
        daemon = DaemonProcess(
            self._scratch.daemon_env(), workdir / f"daemon-{label}.log", label=label
        )
        self._daemons.append(daemon)
        return daemon

    async def _start_profiler(self, daemon: DaemonProcess, phase: str) -> _PySpy | None:
        if self._profile_dir is None:
            return None
        self._profile_dir.mkdir(parents=True, exist_ok=True)
        profiler = _PySpy(self._profile_dir / f"{phase}.collapsed")
        await profiler.start(daemon.pid)
        return profiler

    async def _stop_daemon(self, daemon: DaemonProcess) -> None:
        memory = daemon.memory_mb()
        self._result.peak_rss_mb[daemon.label] = round(memory["VmHWM"], 1)
        code = await asyncio.to_thread(
            daemon.terminate, self._scratch.settings.shutdown_timeout_s + 10
        )
        self._daemons.remove(daemon)
        self._result.exit_codes[daemon.label] = code
        self._result.daemon_warnings[daemon.label] = dict(
            Counter(
                str(r.get("event"))
                for r in daemon.log_records()
                if r.get("level") in ("warning", "error", "critical")
            )
        )
        if code != 0:
            raise BenchError(f"daemon {daemon.label} exited with {code}:\n{daemon.log.tail()}")

    async def _queue_state(self, connection: AbstractConnection) -> str:
        """What the broker says of the ingest queue, for a failure message: whether the
        events wait there, are held by the daemon, or never arrived."""
        try:
            channel = await connection.channel()
            try:
                queue = await channel.declare_queue(self._scratch.settings.queue, passive=True)
                declared = queue.declaration_result
                return (
                    f"ingest queue: {declared.message_count} ready, "
                    f"{declared.consumer_count} consumer(s)"
                )
            finally:
                await channel.close()
        except (aio_pika.exceptions.AMQPException, aiormq.exceptions.AMQPError, OSError) as exc:
            return f"ingest queue: not readable ({exc!r})"

    async def _ledger_count(self, conn: psycopg.AsyncConnection[Any], source: str) -> int:
        cursor = await conn.execute(
            "SELECT count(*) FROM opdb_ingest.event_ledger WHERE source = %s", (source,)
        )
        row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _drain(
        self, daemon: DaemonProcess, source: str, expected: int, rows: int
    ) -> _Drained:
        """Wait for the daemon to write the prefilled ``expected`` events of ``source``,
        polling the ledger every 50 ms; the span itself comes from the daemon's log."""
        spawned = time.time()
        deadline = time.monotonic() + max(60.0, rows / 2000)
        first_seen: tuple[float, int] | None = None
        async with await psycopg.AsyncConnection.connect(
            self._scratch.url, autocommit=True
        ) as conn:
            running_since = await daemon.until_running(poll_s=_POLL_S)
            cpu_at_start, wall_at_start = daemon.cpu_seconds(), time.monotonic()
            self._progress(f"daemon {daemon.label} (pid {daemon.pid}) consuming; draining")
            while True:
                count = await self._ledger_count(conn, source)
                now = time.monotonic()
                if count and first_seen is None:
                    first_seen = (now, count)
                batches = daemon.batches()
                committed = sum(int(b["committed"]) for b in batches)
                if count >= expected and committed >= expected:
                    cpu = daemon.cpu_seconds() - cpu_at_start
                    cpu_window_s = time.monotonic() - wall_at_start
                    break
                daemon.check_alive()
                if now > deadline:
                    raise BenchError(
                        f"daemon {daemon.label}: {count}/{expected} {source} events in the "
                        f"ledger before timeout:\n{daemon.log.tail()}"
                    )
                await asyncio.sleep(_POLL_S)
        rejected = sum(int(b["dead_lettered"]) + int(b["retried"]) for b in batches)
        if rejected:
            raise BenchError(f"daemon {daemon.label} rejected {rejected} {source} events")
        seen_at, seen_count = first_seen or (now, 0)
        total = 0
        used: list[dict[str, Any]] = []
        for batch in batches:
            used.append(batch)
            total += int(batch["committed"])
            if total >= expected:
                break
        finished = log_time(used[-1])
        return _Drained(
            events=expected,
            rows=sum(sum(int(n) for n in b["rows"].values()) for b in used),
            seconds=finished - running_since,
            startup_s=running_since - spawned,
            batches=used,
            ledger_per_s=_rate(expected - seen_count, now - seen_at),
            cpu_seconds=cpu,
            cpu_window_s=cpu_window_s,
        )

    async def _stream(
        self,
        connection: AbstractConnection,
        daemon: DaemonProcess,
        stream: _Stream,
        frames: Sequence[bytes] = (),
    ) -> dict[str, Any]:
        """Small events at a steady rate into the running daemon, with ``frames`` (MCS
        frame events) spread evenly over the same span for the burst case; returns the
        small events' latency from sent_at (stamped at publish) to their commit."""
        total = max(1, int(stream.rate * stream.seconds))
        logged_before = len(daemon.log.update())
        channel = await connection.channel(publisher_confirms=False)
        loop = asyncio.get_running_loop()
        started = loop.time()

        async def publish_frames(exchange: aio_pika.abc.AbstractExchange) -> None:
            for index, body in enumerate(frames):
                delay = started + index * stream.seconds / len(frames) - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                # Encoded ahead of time; sent_at is stamped now, at publish time.
                stamped = body.replace(_SENT_AT_PLACEHOLDER, _now_iso().encode(), 1)
                await exchange.publish(_message(stamped, self._reply_to), _ROUTING_KEY)

        try:
            exchange = await channel.get_exchange(self._scratch.settings.exchange)
            bursts = asyncio.create_task(publish_frames(exchange))
            for sequence in range(total):
                delay = started + sequence / stream.rate - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                # sent_at is stamped here, at publish time.
                body = _encode(_small_envelope(stream.source, stream.visit, sequence))
                await exchange.publish(_message(body, self._reply_to), _ROUTING_KEY)
            await bursts
            publish_s = loop.time() - started
        finally:
            await channel.close()
        deadline = time.monotonic() + 60
        async with await psycopg.AsyncConnection.connect(
            self._scratch.url, autocommit=True
        ) as conn:
            while (count := await self._ledger_count(conn, stream.source)) < total:
                daemon.check_alive()
                if time.monotonic() > deadline:
                    raise BenchError(
                        f"{stream.source}: {count}/{total} events in the ledger 60 s after "
                        f"the last was published; {await self._queue_state(connection)}; "
                        f"the daemon's log ends:\n{daemon.log.tail()}"
                    )
                await asyncio.sleep(_POLL_S)
            cursor = await conn.execute(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), "
                "percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) "
                "FROM (SELECT 1000 * extract(epoch FROM committed_at - sent_at) AS ms "
                "FROM opdb_ingest.event_ledger WHERE source = %s) AS latency",
                (stream.source,),
            )
            row = await cursor.fetchone()
        assert row is not None, "an aggregate returns one row"
        # Each batch line gives the age of its oldest committed event after COMMIT and
        # ack; every small event of the batch is counted at that age, an upper bound.
        # The ledger's committed_at is its transaction's start: a lower bound.
        batches = [
            b for b in daemon.batches(since=logged_before) if stream.source in b.get("sources", {})
        ]
        ages = [
            float(b["age_ms_max"])
            for b in batches
            for _ in range(int(b["sources"][stream.source]))
            if b.get("age_ms_max") is not None
        ]
        return {
            "rate_per_s": stream.rate,
            "events": total,
            "frames": len(frames),
            "published_per_s": _round(_rate(total, publish_s)),
            "p50_ms": _round(_percentile(ages, 0.5)),
            "p99_ms": _round(_percentile(ages, 0.99)),
            "max_ms": _round(max(ages, default=math.nan)),
            "ledger_p50_ms": _round(float(row[0])),
            "ledger_p99_ms": _round(float(row[1])),
            "batches": len(batches),
            "mean_events_per_batch": round(
                sum(int(b["events"]) for b in batches) / max(1, len(batches)), 1
            ),
            "batch_ms_p50": _percentile([float(b["duration_ms"]) for b in batches], 0.5),
        }

    # -- the report -------------------------------------------------------------------

    def _report(self) -> dict[str, Any]:
        values = self._result.values
        settings = self._scratch.settings
        values["loadavg_at_end"] = [round(v, 2) for v in os.getloadavg()]
        values["peak_rss_mb"] = max(self._result.peak_rss_mb.values())
        values["peak_rss_mb_by_daemon"] = self._result.peak_rss_mb
        values["daemon_exit_codes"] = self._result.exit_codes
        values["daemon_warnings"] = self._result.daemon_warnings
        values["small_vs_bare"] = _ratio(values["small_events_per_s"], values["bare_consume_per_s"])
        values["bulk_vs_copy"] = _ratio(values["bulk_rows_per_s"], values["copy_rows_per_s"])
        # Against a COPY spared mcs_data's foreign-key check, which no real write is.
        values["bulk_vs_copy_no_fk"] = _ratio(
            values["bulk_rows_per_s"], values["copy_no_fk_rows_per_s"]
        )
        values["small_vs_row_commit"] = _ratio(
            values["small_events_per_s"], values["row_commit_rows_per_s"]
        )
        values["targets"] = {
            "small_vs_bare": f">= {_TARGETS['small_vs_bare']}",
            "bulk_vs_copy": f">= {_TARGETS['bulk_vs_copy']}",
            "latency_low_p99_ms": f"<= {_TARGETS['latency_low_p99_ms']:g}",
            "latency_p99_ms": f"<= {_TARGETS['latency_p99_ms']:g}",
            "peak_rss_mb": f"<= {_TARGETS['peak_rss_mb']:g}",
        }
        values["targets_met"] = {
            "small_vs_bare": values["small_vs_bare"] >= _TARGETS["small_vs_bare"],
            "bulk_vs_copy": values["bulk_vs_copy"] >= _TARGETS["bulk_vs_copy"],
            "latency_low_p99_ms": values["latency_low_p99_ms"] <= _TARGETS["latency_low_p99_ms"],
            "latency_p99_ms": values["latency_p99_ms"] <= _TARGETS["latency_p99_ms"],
            "peak_rss_mb": values["peak_rss_mb"] <= _TARGETS["peak_rss_mb"],
        }
        values["sizes"] = {
            "small_events": self._sizes.small_events,
            "bulk_events": self._sizes.bulk_events,
            "bulk_rows_per_event": self._sizes.bulk_rows_per_event,
            "row_commit_rows": self._sizes.row_commit_rows,
            "latency_rate": self._sizes.latency_rate,
            "latency_seconds": self._sizes.latency_seconds,
            "low_rate": self._sizes.low_rate,
            "low_seconds": self._sizes.low_seconds,
            "burst_rate": self._sizes.burst_rate,
            "burst_seconds": self._sizes.burst_seconds,
            "burst_frames": self._sizes.burst_frames,
        }
        values["daemon_settings"] = {
            "batch_max_events": settings.batch_max_events,
            "batch_max_ms": settings.batch_max_ms,
            "batch_max_bytes": settings.batch_max_bytes,
            "buffer_max_bytes": settings.buffer_max_bytes,
            "copy_min_rows": settings.copy_min_rows,
        }
        values["scratch"] = {
            "database": self._scratch.database,
            "exchange": settings.exchange,
            "queues": self._scratch.queues,
        }
        if self._result.profiles:
            values["profile"] = self._result.profiles
        values["notes"] = [*_NOTES, *self._result.notes] + (
            ["py-spy was attached during small and bulk: their rates are perturbed"]
            if self._result.profiles
            else []
        )
        return values


_NOTES = (
    "bare_consume_per_s: aio-pika, prefetch 1000, callback appends to a buffer, one "
    "multiple-ack per 500; timed from basic.consume to the last ack.",
    "small_events_per_s, bulk_rows_per_s: daemon subprocess started after its queue was "
    "prefilled; timed on the daemon's log clock from its 'state: running' line (just after "
    "basic.consume) to the 'batch' line that completed the count (just after the ack). "
    "Daemon start-up (imports, connects) is excluded and given as daemon_startup_s. "
    "phases.*.ledger_events_per_s is the other view: from the first poll (every 50 ms) "
    "that saw a committed event to the poll that saw all of them.",
    "bulk_rows_per_s counts mcs_exposure + mcs_data rows; copy_rows_per_s is psycopg 3 "
    "sync COPY ... FROM STDIN with write_row of the same Python tuples into a fresh "
    "LIKE-mcs_data table with mcs_data's indexes and its foreign key to a fresh copy of "
    "mcs_exposure holding the frames (the checks every real write pays), one COPY + "
    "COMMIT per 3000-row frame; copy_async_rows_per_s is the same through the async API; "
    "copy_no_fk_rows_per_s the same without the foreign key, for reference.",
    "row_commit_rows_per_s: psycopg 3, one INSERT of a tel_status row + COMMIT per row.",
    "latency_low (10 events/s), latency (500 events/s), burst (100 small events/s with "
    "MCS frames of 3000 rows spread among them): steady publish (no confirms), sent_at "
    "stamped at publish; p50/p99 count each small event at its batch's age_ms_max (the "
    "oldest committed event of the batch, measured after COMMIT and ack): an upper bound. "
    "ledger_p50_ms/ledger_p99_ms use event_ledger.committed_at, now() at the start of "
    "the batch's transaction: a lower bound.",
    "copy_vs_values: the writer with copy_min_rows=maxsize (multi-row INSERT) vs 1 (COPY), "
    "one event of one group per transaction, ledger row and COMMIT included.",
    "peak_rss_mb: VmHWM of each daemon process read just before SIGTERM; max over them.",
    "daemon_warnings: each daemon's warning and error log lines, counted by event (a "
    "reconnect or a starved consumer during a phase makes its figures suspect); empty "
    "when the run was clean.",
    "CPU views, steadier than rates when the machine is shared: bare_consume_cpu_us_per_msg "
    "(this process during bare consume), phases.*.daemon_cpu_us_per_event / _per_row and "
    "daemon_cpu_share (daemon utime+stime over the drain), copy_client_cpu_us_per_row "
    "(this process during the sync raw COPY). None include RabbitMQ's or PostgreSQL's CPU.",
)


def _message(body: bytes, reply_to: str | None = None) -> aio_pika.Message:
    return aio_pika.Message(
        body,
        content_type="application/json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        reply_to=reply_to,
    )


def _copy_statement(table: sql.Identifier) -> sql.Composed:
    return sql.SQL("COPY {} ({}) FROM STDIN").format(
        table, sql.SQL(", ").join(map(sql.Identifier, _MCS_DATA_COLUMNS))
    )


def _crossover(by_size: dict[str, dict[str, float]]) -> int | None:
    """Smallest group size from which COPY is at least as fast at every larger size."""
    answer: int | None = None
    for size in sorted(by_size, key=int, reverse=True):
        rates = by_size[size]
        if rates["copy_rows_per_s"] < rates["values_rows_per_s"]:
            break
        answer = int(size)
    return answer


# -- command line -------------------------------------------------------------------


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _sizes_from(args: argparse.Namespace) -> Sizes:
    base = QUICK if args.quick else FULL
    chosen: dict[str, Any] = {}
    for name in ("small_events", "bulk_events", "row_commit_rows"):
        if getattr(args, name) is not None:
            chosen[name] = getattr(args, name)
    if args.latency_seconds is not None:
        chosen["latency_seconds"] = args.latency_seconds
    return Sizes(**{**base.__dict__, **chosen})


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Handler of ``opdb-ingestd bench``."""
    progress = _Progress()
    sizes = _sizes_from(args)
    bench = Bench(settings, sizes, args.profile_dir, progress, receipts=args.receipts)
    result = asyncio.run(bench.run())
    result["elapsed_s"] = round(progress.elapsed_s, 1)
    progress("done")
    # Strict JSON: a rate that could not be measured is null, never NaN or Infinity.
    print(json.dumps(_finite(result), indent=2, allow_nan=False))
    return 0


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``bench`` to the CLI's sub-commands."""
    parser = commands.add_parser(
        "bench",
        help="measure ingestion against the local services, in scratch objects; JSON on stdout",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes (under ~40 s), for the test suite"
    )
    parser.add_argument(
        "--receipts",
        action="store_true",
        help="every event asks for a write receipt (to compare with a run without)",
    )
    parser.add_argument(
        "--events", dest="small_events", type=_positive, metavar="N", help="small events"
    )
    parser.add_argument(
        "--bulk-events", type=_positive, metavar="N", help="bulk events of one 3000-row frame"
    )
    parser.add_argument(
        "--row-commit-rows", type=_positive, metavar="N", help="rows of the INSERT+COMMIT run"
    )
    parser.add_argument(
        "--latency-seconds", type=float, metavar="S", help="length of the 500 events/s stream"
    )
    parser.add_argument(
        "--profile-dir",
        type=Path,
        metavar="DIR",
        help="attach py-spy to the daemon during the small and bulk phases; "
        "collapsed stacks go to DIR and a summary into the JSON",
    )
    parser.set_defaults(handler=run)
