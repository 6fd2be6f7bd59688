"""Fault injection against the real ``opdb-ingestd`` CLI, real PostgreSQL and RabbitMQ.

Every scenario streams events at the daemon while something breaks, then checks that
nothing was lost, nothing was written twice and nothing good was dead-lettered. Each
prints its figures as one line ``CHAOS {json}`` (run pytest with ``-s`` to see them;
set ``OPDB_CHAOS_RESULTS=<file>`` to also append them to a file) and exists in two
sizes: ``short`` (marker ``acceptance``, part of the default run) and ``long`` (marker
``chaos``, left out by default: ``python3 -m pytest -m chaos``).

Randomness (stream contents, kill moments, fuzz payloads) comes from one seed printed
in every CHAOS line; ``OPDB_CHAOS_SEED=<n>`` replays a run.

Time to recover is measured end to end: at each fault a probe event is published, and
the figure is the time from the fault to the probe's row in the event ledger. It
includes the outage, the reconnection (or restart) and draining whatever queued up
ahead of the probe.

The stream is a simulated PFS night (``opdb.simulate``, made lighter so that tens of
thousands of events stay affordable): reference data, designs, convergence frames,
Gen2 status, guide frames and spectrograph exposures, with the simulator's early
arrivals plus a few events moved well ahead of their parents, which must land through
the retry queues. ``OPDB_CHAOS_DAEMON_SCRIPT=<file>`` runs the daemons from another
entry point (as ``kill_before_ack.py`` does), to try a candidate fix against the
scenarios without touching the daemon's code.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from chaos_harness import (
    CONTRACT_REASONS,
    FUZZ_MAX_BODY_BYTES,
    RETRY,
    SEED,
    Fleet,
    Size,
    Stream,
    Struck,
    assert_exactly_once,
    chaos_line,
    database_of,
    fault_line,
    fuzz_bodies,
    recover,
    seconds_summary,
    settle,
    sizes,
    stream_with_faults,
    terminate_daemon_backends,
    verify,
    wait_for,
    watching,
)
from conftest import run_cli
from private_postgres import PrivatePostgres
from psycopg import sql
from support import (
    Rabbitmqctl,
    Rig,
    add_visit,
    close_broker_connections,
    count,
    declare_topology,
    free_port,
    http_get,
    publish,
    queue_depth,
    take_all,
    tel_status_events,
)

from daemon.ops import maintenance
from daemon.schema import migrations
from daemon.settings import Settings


@pytest.fixture
def rig(make_settings: Callable[..., Settings], make_rig: Callable[[Settings], Rig]) -> Rig:
    """Daemons reporting every 0.2 s with fast retries, on this test's database."""
    return make_rig(make_settings(control_interval_s=0.2, **RETRY))


# -- 1. SIGKILL -------------------------------------------------------------------------


@sizes(
    Size("short", events=3000, faults=4, rate=150, settle_s=120),
    Size("long", events=50_000, faults=20, rate=400, spots=50, settle_s=900),
)
async def test_sigkill_during_a_stream(size: Size, rig: Rig) -> None:
    async def kill(fleet: Fleet, stream: Stream) -> int:
        await asyncio.sleep(stream.rng.uniform(0, 0.3))
        await fleet.kill_and_restart(0)
        return 1

    run = await stream_with_faults(rig, "sigkill", size, kill)
    fault_line("sigkill", size, run, kills=run.hits, kills_mid_stream=run.mid_stream)
    assert run.mid_stream == size.faults, "a kill came after the publisher had finished"
    run.assert_exactly_once()


# -- 2. PostgreSQL faults ---------------------------------------------------------------


@sizes(
    Size("short", events=2500, faults=3, rate=250),
    Size("long", events=20_000, faults=10, rate=400, settle_s=600),
)
async def test_database_connections_terminated(size: Size, rig: Rig, pg_server_url: str) -> None:
    async def terminate(_fleet: Fleet, _stream: Stream) -> int:
        return terminate_daemon_backends(pg_server_url, database_of(rig.settings))

    run = await stream_with_faults(rig, "terminate", size, terminate)
    fault_line("pg_terminate_backend", size, run, faults=size.faults, backends_terminated=run.hits)
    assert run.hits >= size.faults, "the faults did not hit the daemon's connections"
    run.assert_exactly_once()


@sizes(
    Size("short", events=2000, faults=1, rate=300),
    Size("long", events=20_000, faults=1, rate=400, settle_s=600),
)
async def test_postgresql_restarted_mid_stream(
    size: Size,
    pg_cluster: PrivatePostgres,
    make_settings: Callable[..., Settings],
    make_rig: Callable[[Settings], Rig],
) -> None:
    url = await asyncio.to_thread(pg_cluster.create_database, "opdb")
    await asyncio.to_thread(migrations.upgrade, url)
    settings = make_settings(database_url=url, control_interval_s=0.2, **RETRY)
    restart_s: list[float] = []

    async def restart(_fleet: Fleet, _stream: Stream) -> int:
        restart_s.append(await asyncio.to_thread(pg_cluster.restart, "fast"))
        return 1

    rig = make_rig(settings)
    run = await stream_with_faults(rig, "restart", size, restart, low=0.3, high=0.5)
    fault_line("postgresql_restart", size, run, faults=1, restart_s=round(restart_s[0], 2))
    run.assert_exactly_once()


# -- 3. broker connections ------------------------------------------------------------


@sizes(
    Size("short", events=2500, faults=3, rate=150),
    Size("long", events=20_000, faults=10, rate=300, settle_s=600),
)
async def test_broker_connections_closed(size: Size, rig: Rig, rabbitmqctl: Rabbitmqctl) -> None:
    name = f"opdb-ingestd {rig.settings.queue}"

    async def close(_fleet: Fleet, _stream: Stream) -> int:
        return await asyncio.to_thread(close_broker_connections, name, rabbitmqctl)

    run = await stream_with_faults(rig, "broker", size, close)
    fault_line(
        "broker_connection_closed", size, run, faults=size.faults, connections_closed=run.hits
    )
    assert run.hits >= size.faults, "the faults did not hit the daemon's connection"
    run.assert_exactly_once()


# -- 4. fuzz -------------------------------------------------------------------------------


@sizes(
    Size("short", events=150, faults=150),
    Size("long", events=1000, faults=1000, settle_s=300),
)
async def test_fuzzed_events_are_dead_lettered_and_good_ones_written(size: Size, rig: Rig) -> None:
    settings, amqp_url = rig.settings, rig.amqp_url
    url = settings.libpq_url
    rng = random.Random(f"{SEED}:fuzz")
    bad = fuzz_bodies(rng, size.faults)
    add_visit(url)
    good = tel_status_events(range(10, size.events + 10))
    mixed: list[dict[str, Any] | bytes] = [*good, *(body for body, _ in bad)]
    rng.shuffle(mixed)
    started = time.monotonic()
    await declare_topology(settings)
    daemon = rig.start_daemon(settings, OPDB_MAX_BODY_BYTES=str(FUZZ_MAX_BODY_BYTES))
    await asyncio.to_thread(daemon.wait_running)
    await publish(amqp_url, settings.exchange, mixed, in_flight=50)
    with watching(url) as ledger:
        await wait_for(
            lambda: ledger.count() >= len(good),
            size.settle_s,
            "every good event",
            lambda: f"ledger {ledger.count()}/{len(good)}",
        )
    dead = await take_all(
        amqp_url, settings.dead_letter_queue, expect=len(bad), wait_s=size.settle_s
    )
    alive = daemon.process.poll() is None
    code = await asyncio.to_thread(daemon.stop)
    late = await take_all(amqp_url, settings.dead_letter_queue, wait_s=0.5)
    got = Counter(
        (bytes(m.body), str((m.headers or {}).get("x-opdb-reason"))) for m in [*dead, *late]
    )
    wanted = Counter((body, reason.value) for body, reason in bad)
    reasons = Counter(reason for _, reason in got)
    chaos_line(
        "fuzz",
        size,
        events=len(mixed),
        good=len(good),
        bad=len(bad),
        written=count(url, "tel_status"),
        dead_letters=dict(reasons),
        mismatched=sum((got - wanted).values()) + sum((wanted - got).values()),
        alive=alive,
        exit_code=code,
        elapsed_s=round(time.monotonic() - started, 1),
    )
    assert alive, "the daemon died on bad input"
    assert code == 0
    assert count(url, "tel_status") == len(good)
    assert set(reasons) <= {r.value for r in CONTRACT_REASONS}, reasons
    assert got == wanted, "dead letters differ from the contract's verdicts"
    with watching(url) as ledger:
        assert ledger.count() == len(good)


# -- 5. maintenance ----------------------------------------------------------------------


@sizes(
    Size("short", events=2000, faults=3, rate=120),
    Size("long", events=20_000, faults=10, rate=250, settle_s=600),
)
async def test_maintenance_toggled_during_a_stream(size: Size, rig: Rig) -> None:
    settings = rig.settings
    paused_s: list[float] = []
    written_while_paused = 0

    async def pause(_fleet: Fleet, _stream: Stream) -> Struck:
        nonlocal written_while_paused
        asked = time.monotonic()
        on = await asyncio.to_thread(
            run_cli, settings, "maintenance", "on", "--reason", "chaos", "--wait", "--timeout", "30"
        )
        assert on.returncode == 0, on.stderr
        paused_s.append(round(time.monotonic() - asked, 2))
        held = ledger.count()
        await asyncio.sleep(1.0)
        before_off = ledger.count()
        written_while_paused += before_off - held
        resumed_at = time.monotonic()
        off = await asyncio.to_thread(run_cli, settings, "maintenance", "off")
        assert off.returncode == 0, off.stderr
        return Struck(0, resumed_at)

    with watching(settings.libpq_url) as ledger:
        run = await stream_with_faults(rig, "maintenance", size, pause)
    fault_line(
        "maintenance",
        size,
        run,
        toggles=size.faults,
        written_while_paused=written_while_paused,
        pause_s=seconds_summary(paused_s),
    )
    assert written_while_paused == 0, "rows were written while every daemon was paused"
    run.assert_exactly_once()


# -- 6. read-only database ----------------------------------------------------------------


def _set_read_only(server_url: str, database: str, read_only: bool) -> None:
    statement = (
        "ALTER DATABASE {} SET default_transaction_read_only = on"
        if read_only
        else "ALTER DATABASE {} RESET default_transaction_read_only"
    )
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(database)))


# Writes are retried with back-off capped at reconnect_max_delay_s (15 s).
READ_ONLY_RECOVERY_BOUND_S = 25.0


@sizes(
    Size("short", events=2000, faults=1, rate=300, settle_s=60),
    Size("long", events=20_000, faults=1, rate=400, settle_s=300),
)
async def test_read_only_database_holds_then_recovers(
    size: Size, rig: Rig, pg_server_url: str
) -> None:
    settings, amqp_url = rig.settings, rig.amqp_url
    database = database_of(settings)
    stream = Stream.night(size, "read-only")
    health = f"127.0.0.1:{free_port()}"
    fleet = Fleet(rig.start_daemon, settings, OPDB_METRICS_ADDRESS=health)
    started = time.monotonic()
    await declare_topology(settings)
    await fleet.start()
    daemon = fleet.slots[0]
    try:
        with watching(settings.libpq_url) as ledger:
            publisher = asyncio.create_task(stream.publish(amqp_url, settings.exchange, size.rate))
            (threshold,) = stream.thresholds(1, low=0.25, high=0.4)
            await wait_for(
                lambda: ledger.count() >= threshold,
                size.settle_s,
                f"the ledger to reach {threshold}",
                lambda: f"ledger {ledger.count()}",
            )
            _set_read_only(pg_server_url, database, True)
            terminated = terminate_daemon_backends(pg_server_url, database)
            await asyncio.to_thread(
                daemon.wait_for_log,
                lambda r: r.get("event") == "state" and r.get("state") == "not_ready",
                30,
            )
            frozen = ledger.count()
            await asyncio.sleep(5)
            written_read_only = ledger.count() - frozen
            readiness = await asyncio.to_thread(http_get, f"http://{health}/readyz")
            dead_while_read_only = await queue_depth(amqp_url, settings.dead_letter_queue)
            fleet.check_alive()
            reset_at = time.monotonic()
            _set_read_only(pg_server_url, database, False)
            recovered: float | None = None
            stuck = ""
            try:
                recovered = await recover(
                    settings, amqp_url, stream, ledger, reset_at, READ_ONLY_RECOVERY_BOUND_S
                )
            except AssertionError as exc:
                stuck = str(exc)
            await publisher
            if recovered is not None:
                await settle(settings, amqp_url, stream, ledger, fleet, size.settle_s)
    finally:
        _set_read_only(pg_server_url, database, False)
    codes = await fleet.stop()
    figures = await verify(settings, amqp_url, stream, fleet)
    chaos_line(
        "read_only_database",
        size,
        faults=1,
        backends_terminated=terminated,
        read_only_s=5,
        written_while_read_only=written_read_only,
        readyz_while_read_only=list(readiness),
        dead_lettered_while_read_only=dead_while_read_only,
        recovered=recovered is not None,
        recover_s=seconds_summary([recovered] if recovered is not None else []),
        elapsed_s=round(time.monotonic() - started, 1),
        **figures,
    )
    assert codes == [0]
    assert written_read_only == 0
    assert dead_while_read_only == 0
    assert readiness[0] == 503, readiness
    assert "not_ready" in readiness[1], readiness
    assert recovered is not None, f"no recovery after the database became writable: {stuck}"
    assert_exactly_once(figures)


# -- 7. scale-out ----------------------------------------------------------------------------


@sizes(
    Size("short", events=3000, faults=3, rate=300),
    Size("long", events=50_000, faults=10, rate=500, spots=50, settle_s=900),
)
async def test_three_instances_with_kills_write_every_event_once(size: Size, rig: Rig) -> None:
    victims: list[int] = []

    async def kill(fleet: Fleet, stream: Stream) -> Struck:
        await asyncio.sleep(stream.rng.uniform(0, 0.3))
        victim = stream.rng.randrange(3)
        victims.append(victim)
        killed_at = time.monotonic()
        await fleet.kill_and_restart(victim)
        return Struck(1, killed_at)

    run = await stream_with_faults(rig, "scale-out", size, kill, instances=3)
    fault_line("scale_out_kills", size, run, instances=3, kills=run.hits, victims=victims)
    run.assert_exactly_once(instances=3)


@sizes(
    Size("short", events=3000, faults=0),
    Size("long", events=20_000, faults=0, settle_s=600),
)
async def test_throughput_with_one_two_and_three_instances(size: Size, rig: Rig) -> None:
    """The same prefilled backlog of small events, drained by 1, 2 and 3 instances. The
    instances start paused (maintenance on) so all of them are up before the clock runs;
    the clock runs from switching maintenance off to the last event in the ledger."""
    settings, amqp_url = rig.settings, rig.amqp_url
    url = settings.libpq_url
    add_visit(url)
    await declare_topology(settings)
    rates: dict[str, float] = {}
    seconds: dict[str, float] = {}
    sequence = 0
    with watching(url) as ledger:
        for instances in (1, 2, 3):
            base = max(ledger.count(), 0)
            backlog = tel_status_events(range(sequence, sequence + size.events))
            sequence += size.events
            maintenance.set_switch(url, True, "throughput run")
            await publish(amqp_url, settings.exchange, backlog)
            fleet = Fleet(rig.start_daemon, settings)
            fleet.spawn(instances)
            await wait_for(
                lambda n=instances: _paused(url) == n,  # type: ignore[misc]
                60,
                f"{instances} paused instances",
                lambda: str([d["state"] for d in maintenance.live_instances(url)]),
            )
            began = time.monotonic()
            maintenance.set_switch(url, False, None)
            await wait_for(
                lambda b=base: ledger.count() >= b + size.events,  # type: ignore[misc]
                size.settle_s,
                "the backlog to drain",
                lambda: f"ledger {ledger.count()}",
            )
            took = time.monotonic() - began
            seconds[str(instances)] = round(took, 2)
            rates[str(instances)] = round(size.events / took, 1)
            assert await fleet.stop() == [0] * instances
    total = 3 * size.events
    written = count(url, "tel_status")
    dead = await queue_depth(amqp_url, settings.dead_letter_queue)
    chaos_line(
        "throughput",
        size,
        backlog=size.events,
        events_per_s=rates,
        seconds=seconds,
        events=total,
        rows_found=written,
        dead_letters=dead,
    )
    assert written == total
    assert dead == 0


def _paused(url: str) -> int:
    return sum(1 for d in maintenance.live_instances(url) if d["state"] == "maintenance")
