"""The fault harness of the chaos scenarios (test_chaos.py): the event stream (a lighter
simulated night, with probes published at faults), the ledger observer, the fleet of
``opdb-ingestd run`` processes (daemon/dev/harness.py), the counting of what landed against
what was sent, and the fuzz bodies the contract must refuse.

``OPDB_CHAOS_SEED=<n>`` replays a run; ``OPDB_CHAOS_RESULTS=<file>`` appends the CHAOS
lines to a file; ``OPDB_CHAOS_DAEMON_SCRIPT=<file>`` runs the daemons from another entry
point (see test_chaos.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import statistics
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from support import (
    Rig,
    count,
    declare_topology,
    event,
    insert,
    publish,
    publish_paced,
    queue_depth,
    take_all,
)

from daemon.dev.harness import DaemonProcess
from daemon.ingest import topology
from daemon.settings import Settings
from opdb.contract import Contract, EventRejected, Reason
from opdb.models import Base
from opdb.simulate import NightOptions, count_rows, simulate_night
from opdb.simulate import expected_rows as night_rows

SEED = int(os.environ.get("OPDB_CHAOS_SEED") or random.SystemRandom().randrange(2**32))
RESULTS_FILE = os.environ.get("OPDB_CHAOS_RESULTS")
# Another entry point for the daemon (like tests/acceptance/kill_before_ack.py), to run
# the scenarios against a candidate fix without touching the installed daemon.
DAEMON_SCRIPT = os.environ.get("OPDB_CHAOS_DAEMON_SCRIPT")

# Retries come back fast, so children published before their parents land quickly.
RETRY = {"retry_first_delay_ms": 200, "retry_max_delay_ms": 2000}
PROBE_VISIT = 999_999
CREATED_AT = "2026-11-24T01:02:03"
FUZZ_MAX_BODY_BYTES = 65536
# The reasons a contract-invalid event may be dead-lettered with; conflict and
# missing_parent come from the database and would mean a good event went wrong.
CONTRACT_REASONS = frozenset(
    {
        Reason.MALFORMED,
        Reason.VALIDATION,
        Reason.UNKNOWN_TABLE,
        Reason.TOO_LARGE,
        Reason.UNSUPPORTED_VERSION,
    }
)
PRIMARY_KEYS = {
    table.name: tuple(column.name for column in table.primary_key.columns)
    for table in Base.metadata.sorted_tables
}


# -- sizes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    """How hard one scenario pushes."""

    name: str
    events: int
    faults: int
    rate: float = 300.0  # events per second the publisher keeps up
    spots: int = 20  # mcs_data rows per MCS frame
    settle_s: float = 120.0  # bound on waiting for the stream to be fully written


def sizes(short: Size, long: Size, short_timeout_s: int = 240) -> pytest.MarkDecorator:
    """Run the scenario in both sizes, as its ``size`` argument: short in the default
    run, long only with ``-m chaos``."""
    return pytest.mark.parametrize(
        "size",
        [
            pytest.param(
                short,
                marks=[pytest.mark.acceptance, pytest.mark.timeout(short_timeout_s)],
                id="short",
            ),
            pytest.param(long, marks=[pytest.mark.chaos, pytest.mark.timeout(1800)], id="long"),
        ],
    )


# -- the event stream ------------------------------------------------------------------


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def simulated_night(rng: random.Random, size: Size) -> tuple[list[bytes], Counter[str]]:
    """About ``size.events`` envelopes of a simulated night (``opdb.simulate``), encoded,
    and the rows each table gets from them.

    A lighter night than the real one (50 cobras, one spot per guide camera) so that
    tens of thousands of events stay affordable; about 255 events per visit, most of
    them guide frames. On top of the simulator's own early arrivals, a few events
    overtake by more than a batch (an actor whose messages took a faster path), so the
    retry queues are exercised under every fault.
    """
    options = NightOptions(
        seed=rng.randrange(2**31),
        visits=max(1, round(size.events / 255)),
        frames=2,
        spots=size.spots,
        cobras=50,
        fiducials=10,
        ag_frames=240,
        ag_spots=1,
        guide_stars_per_camera=1,
    )
    envelopes = simulate_night(options=options)
    generated: Counter[str] = Counter()
    bodies: list[bytes] = []
    for envelope in envelopes:
        generated.update(count_rows([envelope]))
        bodies.append(json.dumps(envelope).encode())
    rows = Counter(night_rows(options))
    assert generated == rows, "opdb.simulate's expected_rows disagrees with its night"
    for index in range(len(bodies) // 20, len(bodies)):
        if rng.random() < 0.005:
            bodies.insert(max(1, index - rng.randint(40, 150)), bodies.pop(index))
    return bodies, rows


def expected_rows(envelopes: Sequence[Mapping[str, Any]]) -> Counter[str]:
    """Rows each table must hold once every event is written exactly once."""
    keys: defaultdict[str, set[tuple[Any, ...]]] = defaultdict(set)
    for envelope in envelopes:
        for write in envelope["writes"]:
            if write.get("op", "insert") in {"insert", "upsert"}:
                key = PRIMARY_KEYS[write["table"]]
                keys[write["table"]].update(tuple(row.get(c) for c in key) for row in write["rows"])
    return Counter({table: len(rows) for table, rows in keys.items()})


@dataclass
class Stream:
    """What one scenario sends: the stream proper and the probes published at faults."""

    rng: random.Random
    bodies: list[bytes]
    rows: Counter[str]
    probes: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def night(cls, size: Size, salt: str) -> Stream:
        rng = random.Random(f"{SEED}:{salt}")
        parent = event(
            [insert("pfs_visit", {"pfs_visit_id": PROBE_VISIT, "pfs_visit_description": "probes"})],
            source="chaos",
        )
        bodies, rows = simulated_night(rng, size)
        return cls(rng, [json.dumps(parent).encode(), *bodies], rows + expected_rows([parent]))

    @property
    def total(self) -> int:
        return len(self.bodies) + len(self.probes)

    def expected(self) -> Counter[str]:
        return self.rows + expected_rows(self.probes)

    async def publish(self, amqp_url: str, exchange: str, per_second: float) -> int:
        """Publish the stream at a steady rate, in small confirmed bursts."""
        return await publish_paced(amqp_url, exchange, self.bodies, per_second, "chaos")

    def probe(self) -> dict[str, Any]:
        number = len(self.probes) + 1
        probe = event(
            [insert("tel_status", {"pfs_visit_id": PROBE_VISIT, "status_sequence_id": number})],
            source="chaos",
        )
        self.probes.append(probe)
        return probe

    def thresholds(self, faults: int, low: float = 0.08, high: float = 0.7) -> list[int]:
        """Ledger counts at which to strike: one random point early in each of ``faults``
        equal slices of [low, high] of the stream, so that the faults are spread out
        and each has time to recover before the next."""
        width = (high - low) / faults
        return [
            int(self.total * (low + width * (n + self.rng.uniform(0, 0.5)))) for n in range(faults)
        ]


# -- watching the database -----------------------------------------------------------


class Ledger:
    """Reads the event ledger over one connection, reopened after any failure, so that
    polling survives a database restart."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._connection: psycopg.Connection[Any] | None = None

    def _value(self, query: str, params: Sequence[Any] = ()) -> Any:
        try:
            if self._connection is None or self._connection.closed:
                self._connection = psycopg.connect(
                    self._url, autocommit=True, connect_timeout=5, application_name="chaos-observer"
                )
            row = self._connection.execute(query, params).fetchone()
        except psycopg.Error:
            self.close()
            return None
        return None if row is None else row[0]

    def count(self) -> int:
        value = self._value("SELECT count(*) FROM opdb_ingest.event_ledger")
        return -1 if value is None else int(value)

    def has(self, event_id: str) -> bool:
        query = "SELECT count(*) FROM opdb_ingest.event_ledger WHERE event_id = %s"
        return bool(self._value(query, (event_id,)) == 1)

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(psycopg.Error):
                connection.close()


@contextlib.contextmanager
def watching(url: str) -> Iterator[Ledger]:
    ledger = Ledger(url)
    try:
        yield ledger
    finally:
        ledger.close()


async def wait_for(
    condition: Callable[[], bool], timeout_s: float, what: str, state: Callable[[], str]
) -> None:
    """Like support.wait_until, but says where things stood when it gives up."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:g}s waiting for {what}: {state()}")
        await asyncio.sleep(0.1)


# -- the daemons ------------------------------------------------------------------------


class Fleet:
    """``opdb-ingestd run`` processes on one queue; a killed one is replaced in place."""

    def __init__(
        self, start: Callable[..., DaemonProcess], settings: Settings, **extra: str
    ) -> None:
        self._start = start
        self._settings = settings
        self._extra = extra
        self.slots: list[DaemonProcess] = []
        self.every: list[DaemonProcess] = []
        self.kills = 0

    def _spawn(self) -> DaemonProcess:
        script = Path(DAEMON_SCRIPT) if DAEMON_SCRIPT else None
        daemon = self._start(self._settings, script=script, **self._extra)
        self.every.append(daemon)
        return daemon

    def spawn(self, instances: int = 1) -> list[DaemonProcess]:
        new = [self._spawn() for _ in range(instances)]
        self.slots += new
        return new

    async def start(self, instances: int = 1) -> None:
        """Spawn and wait until each is consuming."""
        new = self.spawn(instances)
        await asyncio.gather(*(asyncio.to_thread(d.wait_running, 60) for d in new))

    async def kill_and_restart(self, slot: int) -> None:
        doomed = self.slots[slot]
        doomed.process.send_signal(signal.SIGKILL)
        assert await asyncio.to_thread(doomed.process.wait, 30) == -signal.SIGKILL
        self.kills += 1
        self.slots[slot] = self._spawn()

    def check_alive(self) -> None:
        for daemon in self.slots:
            daemon.check_alive()

    async def stop(self) -> list[int]:
        """SIGTERM every live instance once it runs (a replacement may still be starting,
        when SIGTERM would end it before it can handle it); their exit codes."""
        await asyncio.gather(*(asyncio.to_thread(d.wait_running, 60) for d in self.slots))
        return list(
            await asyncio.gather(
                *(asyncio.to_thread(d.stop, signal.SIGTERM, 60) for d in self.slots)
            )
        )

    def batches(self) -> list[dict[str, Any]]:
        return [batch for daemon in self.every for batch in daemon.batches()]


# -- figures -----------------------------------------------------------------------------


def chaos_line(scenario: str, size: Size, **figures: Any) -> None:
    line = "CHAOS " + json.dumps({"scenario": scenario, "size": size.name, "seed": SEED, **figures})
    print(line, flush=True)
    if RESULTS_FILE:
        with Path(RESULTS_FILE).open("a") as results:
            results.write(line + "\n")


def seconds_summary(seconds: Sequence[float]) -> dict[str, float | None]:
    if not seconds:
        return {"max": None, "mean": None}
    return {"max": round(max(seconds), 2), "mean": round(statistics.fmean(seconds), 2)}


async def recover(
    settings: Settings, amqp_url: str, stream: Stream, ledger: Ledger, since: float, bound_s: float
) -> float:
    """Publish a probe now; seconds from ``since`` until it is in the ledger."""
    probe = stream.probe()
    await publish(amqp_url, settings.exchange, [probe])
    await wait_for(
        lambda: ledger.has(probe["id"]),
        bound_s,
        "a probe published after the fault to be written",
        lambda: f"ledger {ledger.count()}",
    )
    return round(time.monotonic() - since, 2)


async def settle(
    settings: Settings,
    amqp_url: str,
    stream: Stream,
    ledger: Ledger,
    fleet: Fleet | None,
    bound_s: float = 600,
) -> None:
    """Wait for every event in the ledger, then for the ingest and retry queues to be
    empty (late copies of retried events come back and must be absorbed)."""

    def state() -> str:
        return f"ledger {ledger.count()}/{stream.total}"

    await wait_for(lambda: ledger.count() >= stream.total, bound_s, "every event", state)
    # The ingest and retry queues; not the journal, a stream that keeps what it holds.
    retries = (topology.retry_queue_name(settings, d) for d in topology.retry_delays_ms(settings))
    queues = [settings.queue, *retries]
    deadline = time.monotonic() + 60
    while True:
        depths = {q: await queue_depth(amqp_url, q) for q in queues}
        if not any(depths.values()):
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"queues did not drain: {depths}")
        await asyncio.sleep(0.2)
    if fleet is not None:
        fleet.check_alive()


async def verify(settings: Settings, amqp_url: str, stream: Stream, fleet: Fleet) -> dict[str, Any]:
    """Count everything against what was sent; the figures every scenario reports."""
    url = settings.libpq_url
    expected = stream.expected()
    found = {table: count(url, table) for table in expected}
    with watching(url) as ledger:
        in_ledger = ledger.count()
    dead = await take_all(amqp_url, settings.dead_letter_queue, wait_s=0.5)
    reasons = Counter(str((m.headers or {}).get("x-opdb-reason")) for m in dead)
    batches = fleet.batches()
    return {
        "events": stream.total,
        "ledger": in_ledger,
        "rows_expected": sum(expected.values()),
        "rows_found": sum(found.values()),
        "lost": sum(max(0, expected[t] - found[t]) for t in expected),
        "duplicated": sum(max(0, found[t] - expected[t]) for t in expected) + reasons["conflict"],
        "dead_letters": dict(reasons),
        "redeliveries_absorbed": sum(b.get("duplicates", 0) for b in batches),
        "retried_missing_parent": sum(b.get("retried", 0) for b in batches),
        "by_table": {
            t: [expected[t], found[t]] for t in sorted(expected) if expected[t] != found[t]
        },
    }


@dataclass(frozen=True)
class Struck:
    """What a strike hit, when its recovery is timed from something other than the
    strike's start (a pause is timed from its end)."""

    hits: int
    recover_from: float  # time.monotonic()


@dataclass
class FaultRun:
    """What a stream with faults struck into it produced."""

    figures: dict[str, Any]
    exit_codes: list[int]
    recovered_s: list[float]
    hits: int
    mid_stream: int
    elapsed_s: float

    def assert_exactly_once(self, instances: int = 1) -> None:
        """Every daemon stopped cleanly and every event was written once."""
        assert self.exit_codes == [0] * instances
        assert_exactly_once(self.figures)


async def stream_with_faults(
    rig: Rig,
    name: str,
    size: Size,
    strike: Callable[[Fleet, Stream], Awaitable[int | Struck]],
    low: float = 0.08,
    high: float = 0.7,
    instances: int = 1,
) -> FaultRun:
    """Publish a simulated night, strike ``size.faults`` times at points spread over it
    (``strike`` returns how many things it hit), time each recovery with a probe, let
    everything settle, stop the daemon and count what landed. The faults fall within
    [low, high] of the stream; ``instances`` daemons consume it."""
    settings, amqp_url, start_daemon = rig.settings, rig.amqp_url, rig.start_daemon
    stream = Stream.night(size, name)
    fleet = Fleet(start_daemon, settings)
    started = time.monotonic()
    await declare_topology(settings)
    await fleet.start(instances)
    recovered: list[float] = []
    hits = mid_stream = 0
    with watching(settings.libpq_url) as ledger:
        publisher = asyncio.create_task(stream.publish(amqp_url, settings.exchange, size.rate))
        for threshold in stream.thresholds(size.faults, low, high):
            await wait_for(
                lambda t=threshold: ledger.count() >= t,  # type: ignore[misc]
                size.settle_s,
                f"the ledger to reach {threshold}",
                lambda: f"ledger {ledger.count()}",
            )
            struck_at = time.monotonic()
            struck = await strike(fleet, stream)
            if isinstance(struck, Struck):
                struck_at = struck.recover_from
                struck = struck.hits
            hits += struck
            mid_stream += not publisher.done()
            recovered.append(
                await recover(settings, amqp_url, stream, ledger, struck_at, size.settle_s)
            )
        await publisher
        await settle(settings, amqp_url, stream, ledger, fleet, size.settle_s)
    codes = await fleet.stop()
    figures = await verify(settings, amqp_url, stream, fleet)
    return FaultRun(
        figures, codes, recovered, hits, mid_stream, round(time.monotonic() - started, 1)
    )


def fault_line(scenario: str, size: Size, run: FaultRun, **figures: Any) -> None:
    """The CHAOS line of a stream with faults: the scenario's own figures first."""
    chaos_line(
        scenario,
        size,
        **figures,
        recover_s=seconds_summary(run.recovered_s),
        elapsed_s=run.elapsed_s,
        **run.figures,
    )


def assert_exactly_once(figures: Mapping[str, Any]) -> None:
    assert figures["by_table"] == {}, f"row counts differ (expected, found): {figures['by_table']}"
    assert figures["lost"] == 0
    assert figures["duplicated"] == 0
    assert figures["ledger"] == figures["events"], "the ledger does not hold every event once"
    assert figures["dead_letters"] == {}, "good events were dead-lettered"


def terminate_daemon_backends(server_url: str, database: str) -> int:
    """pg_terminate_backend on every connection of the daemon (writer and control) to
    this test's database only: other engineers' tests share the server."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name LIKE 'opdb-ingestd%%' AND datname = %s",
            (database,),
        ).fetchall()
    return sum(1 for (done,) in rows if done)


def database_of(settings: Settings) -> str:
    return settings.libpq_url.rsplit("/", 1)[-1].split("?", 1)[0]


# -- fuzz bodies ------------------------------------------------------------------------

_JSON_SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
)


def _json_containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)


# A named extend function: hypothesis checks, from its source, that it recurses.
_JSON = st.recursive(_JSON_SCALARS, _json_containers, max_leaves=12)
_TEL_STATUS_COLUMNS = [c.name for c in Base.metadata.tables["tel_status"].columns]


def _good_envelope(event_id: uuid.UUID, row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "version": 1,
        "id": str(event_id),
        "source": "fuzz",
        "sent_at": "2026-11-24T10:15:00+00:00",
        "writes": [{"table": "tel_status", "op": "insert", "rows": [dict(row)]}],
    }


@st.composite
def _mutated_envelope(draw: st.DrawFn) -> bytes:
    envelope = _good_envelope(draw(st.uuids()), {"pfs_visit_id": 1, "status_sequence_id": 1})
    where = draw(st.sampled_from(["version", "id", "source", "sent_at", "writes", "write", "row"]))
    value = draw(_JSON)
    if where == "write":
        envelope["writes"][0][draw(st.sampled_from(["table", "op", "rows", "extra"]))] = value
    elif where == "row":
        column = draw(st.sampled_from(_TEL_STATUS_COLUMNS) | st.text(min_size=1, max_size=12))
        envelope["writes"][0]["rows"][0][column] = value
    else:
        envelope[where] = value
    return json.dumps(envelope).encode()


_BAD_BODIES = st.one_of(
    st.binary(max_size=300),
    _JSON.map(lambda value: json.dumps(value).encode()),
    _mutated_envelope(),
)


def hypothesis_bodies(count: int, seed_value: int) -> list[bytes]:
    """``count`` bodies drawn by hypothesis, reproducibly from ``seed_value``. The
    strategy runs under a plain ``@given`` that collects what it is handed (no
    ``.example()``, which warns), with shrinking and the example database off."""
    drawn: list[bytes] = []

    @hypothesis_settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @seed(seed_value)
    @given(_BAD_BODIES)
    def collect(body: bytes) -> None:
        drawn.append(body)

    collect()
    return drawn


def crafted_bodies(rng: random.Random, count: int) -> list[bytes]:
    """The classic ways to break a consumer, each with random details."""
    ok_row = {"pfs_visit_id": 1, "status_sequence_id": 1}

    def good(row: Mapping[str, Any] = ok_row) -> dict[str, Any]:
        return _good_envelope(uuid.UUID(_uid(rng)), row)

    def encoded(document: Any) -> bytes:
        return json.dumps(document).encode()

    def huge(n: int) -> str:
        return "".join(rng.choice("abcdefghij") for _ in range(n))

    def deep() -> bytes:
        depth = rng.choice([300, 1000, 5000])
        nested = "[" * depth + "]" * depth
        where = rng.choice(["body", "writes", "rows", "value"])
        if where == "body":
            return nested.encode()
        text = encoded(good({**ok_row, "altitude": "NEST"}))
        if where == "writes":
            text = encoded(good() | {"writes": "NEST"})
        elif where == "rows":
            text = encoded(good() | {"writes": [{"table": "tel_status", "rows": "NEST"}]})
        return text.replace(b'"NEST"', nested.encode())

    def bad_utf8() -> bytes:
        junk = rng.choice(
            [b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80", b"\x80"]
        )
        text = encoded(good({**ok_row, "caller": "JUNK"}))
        return text.replace(b"JUNK", b"ab" + junk + b"cd")

    def oversized() -> bytes:
        padding = huge(FUZZ_MAX_BODY_BYTES + rng.randint(1, 200_000))
        return encoded(good({**ok_row, "caller": padding}))

    def wrong_type() -> bytes:
        column, value = rng.choice(
            [
                ("altitude", "high"),
                ("altitude", True),
                ("altitude", [1.0]),
                ("status_sequence_id", "7"),
                ("status_sequence_id", 7.5),
                ("pfs_visit_id", None),
                ("created_at", 1234567890),
                ("caller", 42),
                ("dome_shutter_status", {"open": True}),
            ]
        )
        return encoded(good({**ok_row, column: value}))

    def wrong_envelope() -> bytes:
        key, value = rng.choice(
            [
                ("id", "not-a-uuid"),
                ("id", 12),
                ("source", "UPPER CASE"),
                ("source", huge(rng.randint(65, 60_000))),
                ("sent_at", "2026-11-24T10:15:00"),
                ("sent_at", 1764000000),
                ("writes", []),
                ("writes", {"table": "tel_status"}),
                ("extra", 1),
            ]
        )
        return encoded(good() | {key: value})

    def out_of_range() -> bytes:
        column = rng.choice(["status_sequence_id", "pfs_visit_id", "dome_shutter_status"])
        value: float = rng.choice([2**31, -(2**31) - 1, 2**63, -(2**64), 10**40])
        if rng.random() < 0.3:
            column, value = "altitude", rng.choice([3.5e38, -1e39, 1e300])
        return encoded(good({**ok_row, column: value}))

    def unknown_table() -> bytes:
        table = rng.choice(["tel_statuses", "pg_class", "", huge(rng.randint(1, 50_000))])
        return encoded(good() | {"writes": [{"table": table, "rows": [ok_row]}]})

    def unknown_column() -> bytes:
        return encoded(good({**ok_row, rng.choice(["alt", "ALTITUDE", huge(40)]): 1.0}))

    def unsupported_version() -> bytes:
        document = good()
        choice = rng.choice([0, 2, "1", 1.0, None, "missing"])
        if choice == "missing":
            del document["version"]
        else:
            document["version"] = choice
        return encoded(document)

    def other() -> bytes:
        return rng.choice(
            [
                b"",
                b"{",
                b"null",
                b'"just a string"',
                b"[1, 2, 3]",
                encoded(good({**ok_row, "caller": "nul\x00byte"})),
                encoded(
                    good() | {"writes": [{"table": "tel_status", "op": "delete", "rows": [ok_row]}]}
                ),
                encoded(good() | {"writes": [{"table": "tel_status", "rows": []}]}),
                encoded(
                    good() | {"writes": [{"table": "tel_status", "op": "update", "rows": [ok_row]}]}
                ),
                encoded(good({"status_sequence_id": 3})),
            ]
        )

    makers = [
        deep,
        bad_utf8,
        oversized,
        wrong_type,
        wrong_envelope,
        out_of_range,
        unknown_table,
        unknown_column,
        unsupported_version,
        other,
    ]
    return [makers[n % len(makers)]() for n in range(count)]


def fuzz_bodies(rng: random.Random, count: int) -> list[tuple[bytes, Reason]]:
    """``count`` invalid bodies and the reason the contract gives each: two thirds
    crafted, one third from hypothesis (only those the contract refuses are kept)."""
    contract = Contract(max_body_bytes=FUZZ_MAX_BODY_BYTES)

    def verdict(body: bytes) -> Reason | None:
        try:
            contract.parse(body)
        except EventRejected as rejection:
            return rejection.reason
        return None

    crafted = crafted_bodies(rng, count - count // 3)
    bad: list[tuple[bytes, Reason]] = []
    for body in crafted:
        reason = verdict(body)
        assert reason is not None, f"a crafted bad body is valid: {body[:200]!r}"
        bad.append((body, reason))
    for body in hypothesis_bodies(count, rng.randrange(2**32)):
        reason = verdict(body)
        if reason is not None and len(bad) < count:
            bad.append((body, reason))
    assert len(bad) == count, f"only {len(bad)} invalid bodies were generated"
    return bad
