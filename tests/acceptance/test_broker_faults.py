"""Broker faults: the daemon keeps ingesting through each, loses nothing, and says
how long it took. Each test prints one ``BROKER {json}`` line with its figures (run
pytest with ``-s`` to see them).

Faults that stop, kill or alarm the broker run on a private node
(``private_rabbitmq.py``), never on the machine's shared one. Deleting the ingest
queue is done on the shared broker through AMQP: the queue is this test's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import aio_pika
import aiormq
import psycopg
import pytest
from aio_pika.abc import AbstractConnection, AbstractExchange
from conftest import DaemonProcess, run_cli
from private_rabbitmq import (
    PrivateRabbitMQ,
    PrivateRabbitMQUnavailable,
    private_cluster,
)
from support import (
    amqp_channel,
    amqp_connection,
    count,
    declare_topology,
    event,
    free_port,
    insert,
    queue_depth,
    running_service,
    scalar,
    wait_until,
)

from daemon.ingest import gate
from daemon.schema import migrations
from daemon.settings import Settings
from opdb.amqp import NoBrokerReachable, connect_first

pytestmark = pytest.mark.acceptance

_PUBLISH_ERRORS = (
    aiormq.exceptions.AMQPError,
    aio_pika.exceptions.AMQPException,
    OSError,
    ConnectionError,
    asyncio.TimeoutError,
    RuntimeError,
)


def figures_line(scenario: str, **figures: Any) -> None:
    print("BROKER " + json.dumps({"scenario": scenario, **figures}, sort_keys=True))


def visit_body(visit_id: int) -> bytes:
    return json.dumps(event([insert("pfs_visit", {"pfs_visit_id": visit_id})])).encode()


class ReliablePublisher:
    """Publishes visits ``first .. first+n-1`` at a steady rate as a careful actor does:
    persistent, mandatory, confirmed, and published again (after reconnecting if need
    be) until the broker confirms that a queue took it. Whatever it reports as sent is
    the broker's responsibility."""

    def __init__(self, url: str, exchange: str, first: int, n: int, per_second: float) -> None:
        self._url, self._exchange = url, exchange
        self._ids = range(first, first + n)
        self._interval = 1 / per_second
        self.sent = 0
        self.failures = 0

    async def _connect(self) -> tuple[AbstractConnection, AbstractExchange]:
        while True:
            try:
                connection = await aio_pika.connect(self._url, timeout=3)
                # A message no queue took comes back as an error, to publish again.
                channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
                return connection, await channel.get_exchange(self._exchange, ensure=False)
            except _PUBLISH_ERRORS:
                self.failures += 1
                await asyncio.sleep(0.2)

    async def run(self) -> None:
        connection, exchange = await self._connect()
        started = time.monotonic()
        try:
            for n, visit_id in enumerate(self._ids):
                message = aio_pika.Message(
                    visit_body(visit_id), delivery_mode=aio_pika.DeliveryMode.PERSISTENT
                )
                while True:
                    try:
                        await exchange.publish(message, "visit", mandatory=True, timeout=5)
                        break
                    except aiormq.exceptions.PublishError:
                        # Returned: no queue is bound yet.
                        self.failures += 1
                        await asyncio.sleep(0.1)
                    except _PUBLISH_ERRORS:
                        # The broker is away (aio-pika may still call the connection
                        # open when the broker closed it): start afresh.
                        self.failures += 1
                        with contextlib.suppress(*_PUBLISH_ERRORS):
                            await asyncio.wait_for(connection.close(), 2)
                        await asyncio.sleep(0.1)
                        connection, exchange = await self._connect()
                self.sent += 1
                ahead = started + (n + 1) * self._interval - time.monotonic()
                if ahead > 0:
                    await asyncio.sleep(ahead)
        finally:
            await connection.close()


async def _consumers(url: str, queue: str) -> int:
    """Consumers on ``queue``, 0 when it does not exist."""
    try:
        connection = await aio_pika.connect(url, timeout=3)
    except _PUBLISH_ERRORS:
        return 0
    try:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, passive=True)
        return declared.declaration_result.consumer_count or 0
    except _PUBLISH_ERRORS:
        return 0
    finally:
        await connection.close()


async def _delete_queue(url: str, queue: str) -> None:
    async with amqp_channel(url) as channel:
        declared = await channel.declare_queue(queue, passive=True)
        # Quorum queues refuse a delete with the default if_unused/if_empty.
        await declared.delete(if_unused=False, if_empty=False)


async def _time_until(
    condition: Callable[[], Any], timeout_s: float, what: str, every_s: float = 0.05
) -> float:
    """Seconds until ``condition()`` (sync or async) holds."""
    started = time.monotonic()
    while True:
        value = condition()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return time.monotonic() - started
        if time.monotonic() - started > timeout_s:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
        await asyncio.sleep(every_s)


# -- the consumer cancelled by the broker ------------------------------------------------


@pytest.mark.timeout(90)
async def test_ingest_queue_deleted_under_the_consumer(
    make_settings: Callable[..., Settings], amqp_url: str
) -> None:
    # Without the journal: bound to the exchange too, it takes the events published
    # while the ingest queue is missing, so the broker does not return them to the
    # publisher and they reach only the journal (README, "Journal": replay that window).
    settings = make_settings(journal=False)
    url = settings.libpq_url
    async with running_service(settings) as service:
        before = ReliablePublisher(amqp_url, settings.exchange, 1, 300, per_second=300)
        await before.run()
        await wait_until(lambda: count(url, "pfs_visit") == 300, 30, "the first events")
        # Nothing waits in the queue, so deleting it destroys nothing of ours.
        assert await queue_depth(amqp_url, settings.queue) == 0
        await _delete_queue(amqp_url, settings.queue)
        deleted_at = time.monotonic()
        after = ReliablePublisher(amqp_url, settings.exchange, 301, 300, per_second=200)
        publishing = asyncio.create_task(after.run())
        consuming_after = await _time_until(
            lambda: _consumers(amqp_url, settings.queue), 15, "a consumer on the queue again"
        )
        first_commit_after = await _time_until(
            lambda: count(url, "pfs_visit") > 300, 15, "a commit after the deletion"
        )
        first_commit_after += consuming_after
        await publishing
        await wait_until(lambda: count(url, "pfs_visit") == 600, 30, "every event")
        took = time.monotonic() - deleted_at
        assert service.state == "running"
    assert await queue_depth(amqp_url, settings.dead_letter_queue) == 0
    figures_line(
        "ingest_queue_deleted",
        cancel_to_consuming_s=round(consuming_after, 2),
        cancel_to_next_commit_s=round(first_commit_after, 2),
        all_committed_s=round(took, 2),
        lost=600 - count(url, "pfs_visit"),
        returned_and_republished=after.failures,
    )
    assert consuming_after <= 5


# -- several brokers ---------------------------------------------------------------------


@pytest.mark.parametrize("command", [["status"], ["run"], ["dlq", "list"]])
@pytest.mark.parametrize(
    "value",
    ["amqp://guest:pw-s3cret@host1,host2:5672/", "amqp://guest:pw-s3cret@host1/ host2"],
)
def test_malformed_broker_list_is_a_configuration_error(command: list[str], value: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "daemon.cli", *command],
        env={"PATH": os.environ.get("PATH", ""), "OPDB_AMQP_URL": value, **_pythonpath()},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "s3cret" not in done.stderr + done.stdout
    lines = [line for line in done.stderr.splitlines() if "OPDB_AMQP_URL" in line]
    assert len(lines) == 1, done.stderr
    assert "entry 2 of 2 is not an amqp://" in lines[0]


def _pythonpath() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {"PYTHONPATH": path} if path else {}


async def test_daemon_moves_on_to_the_next_broker_that_answers(
    make_settings: Callable[..., Settings], amqp_url: str
) -> None:
    """The first listed broker refuses; the daemon uses the second, and on every
    reconnection starts from the broker after the one it used last."""
    closed_port = free_port()
    dead = f"amqp://guest:guest@127.0.0.1:{closed_port}/"
    settings = make_settings(amqp_url=f"{dead}, {amqp_url}")
    async with running_service(settings):
        await publish_visits(amqp_url, settings.exchange, range(1, 51))
        await wait_until(lambda: count(settings.libpq_url, "pfs_visit") == 50, 30, "the events")
    connection, index = await connect_first([amqp_url, dead], start=1, timeout=3)
    await connection.close()
    assert index == 0
    with pytest.raises(NoBrokerReachable, match=f"127.0.0.1:{closed_port}"):
        await connect_first([dead, dead], timeout=3)


async def publish_visits(url: str, exchange: str, ids: range) -> None:
    publisher = ReliablePublisher(url, exchange, ids.start, len(ids), per_second=10_000)
    await publisher.run()


# -- the broker away and back ----------------------------------------------------------


def private_settings(opdb_url: str, broker: PrivateRabbitMQ, **overrides: Any) -> Settings:
    """Settings on this test's database and its private broker (which disappears with
    everything declared on it, so nothing needs deleting)."""
    values: dict[str, Any] = {
        "database_url": opdb_url,
        "amqp_url": broker.url,
        "exchange": "opdb.fault",
        "queue": "opdb.fault.ingest",
        "batch_max_ms": 50,
        "shutdown_timeout_s": 10.0,
        "control_interval_s": 0.5,
    }
    values.update(overrides)
    return Settings(**values)


def _log_time(record: dict[str, Any]) -> float:
    stamp = datetime.datetime.fromisoformat(record["timestamp"])
    return stamp.timestamp()


def _records(daemon: DaemonProcess, event_name: str) -> list[dict[str, Any]]:
    return [r for r in daemon.log_records() if r.get("event", "").startswith(event_name)]


PROBE = 10_000_000


@pytest.mark.parametrize(
    "outage_s",
    [
        pytest.param(5, marks=[pytest.mark.timeout(180)], id="short"),
        pytest.param(60, marks=[pytest.mark.chaos, pytest.mark.timeout(400)], id="long"),
    ],
)
async def test_broker_stopped_and_started_mid_stream(
    private_broker: PrivateRabbitMQ,
    opdb_url: str,
    start_daemon: Callable[..., DaemonProcess],
    outage_s: float,
) -> None:
    broker = private_broker
    settings = private_settings(opdb_url, broker)
    url = settings.libpq_url
    daemon = start_daemon(settings)
    daemon.wait_running()
    events = int(100 * (outage_s + 10))
    stream = ReliablePublisher(broker.url, settings.exchange, 1, events, per_second=100)
    streaming = asyncio.create_task(stream.run())
    await wait_until(lambda: count(url, "pfs_visit") >= 300, 30, "a stream going in")

    down_at = time.time()
    await asyncio.to_thread(broker.stop_app)
    await asyncio.sleep(outage_s)
    await asyncio.to_thread(broker.start_app)
    back_at = time.time()
    # The broker answers again: how long until an event published now is committed?
    back_to_commit = await _probe_committed(
        url, broker.url, settings.exchange, back_at, 30, "the probe's commit"
    )

    await streaming
    await wait_until(lambda: count(url, "pfs_visit") == events + 1, 60, "every event")
    assert daemon.process.poll() is None, "the daemon exited"
    assert await queue_depth(broker.url, settings.dead_letter_queue) == 0
    not_ready = [
        r
        for r in _records(daemon, "state")
        if r.get("state") == "not_ready" and _log_time(r) >= down_at
    ]
    assert not_ready, "the daemon never said it was not ready"
    outage_lines = _records(daemon, "broker unreachable") + _records(daemon, "broker still")
    warnings = [
        r
        for r in daemon.log_records()
        if r.get("level") in {"warning", "error"} and down_at <= _log_time(r) <= back_at
    ]
    assert daemon.stop() == 0
    figures_line(
        "broker_stopped",
        outage_s=outage_s,
        broker_back_to_probe_commit_s=round(back_to_commit, 2),
        down_to_not_ready_s=round(_log_time(not_ready[0]) - down_at, 2),
        outage_log_lines=len(outage_lines),
        warnings_during_outage=len(warnings),
        events=events + 1,
        lost=events + 1 - count(url, "pfs_visit"),
    )
    assert back_to_commit <= 3
    assert len(outage_lines) <= 1 + outage_s // 60
    assert len(warnings) <= 10


def _has_visit(url: str, visit_id: int) -> bool:
    return bool(scalar(url, "SELECT count(*) FROM pfs_visit WHERE pfs_visit_id = %s", [visit_id]))


async def _probe_committed(
    url: str, amqp_url: str, exchange: str, since: float, timeout_s: float, what: str
) -> float:
    """Publish the probe now; seconds from ``since`` (time.time()) until it is committed."""
    probe = ReliablePublisher(amqp_url, exchange, PROBE, 1, per_second=1)
    await probe.run()
    await _time_until(lambda: _has_visit(url, PROBE), timeout_s, what)
    return time.time() - since


# -- a silent partition ------------------------------------------------------------------


class FreezableProxy:
    """A TCP relay to a broker that can be cut silently: bytes stop flowing both ways
    and nothing is closed, as when a network path dies. While cut, new connections are
    accepted and frozen too; once healed, new connections are relayed again (the frozen
    ones stay frozen, as their peers have long given up on them)."""

    def __init__(self, target_port: int) -> None:
        self._target_port = target_port
        self._server: asyncio.Server | None = None
        self._frozen = asyncio.Event()
        self._generation = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []
        self.healed = True
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def cut(self) -> None:
        self._generation += 1
        self.healed = False

    def heal(self) -> None:
        self._generation += 1
        self.healed = True

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # A connection made while cut belongs to no live generation: frozen at once.
        generation = self._generation if self.healed else -1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._target_port)
        except OSError:
            writer.close()
            return
        self._writers += [writer, up_writer]
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(source, sink, generation))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, generation: int
    ) -> None:
        with contextlib.suppress(OSError, ConnectionError):
            while True:
                data = await source.read(65536)
                if generation != self._generation:
                    await asyncio.Event().wait()  # frozen: hold the sockets, forward nothing
                if not data:
                    sink.close()
                    return
                sink.write(data)
                await sink.drain()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for writer in self._writers:
            writer.close()


@pytest.mark.timeout(180)
async def test_silent_partition_is_noticed_within_fifteen_seconds(
    private_broker: PrivateRabbitMQ,
    opdb_url: str,
    start_daemon: Callable[..., DaemonProcess],
) -> None:
    broker = private_broker
    proxy = FreezableProxy(broker.port)
    await proxy.start()
    try:
        settings = private_settings(opdb_url, broker)
        via_proxy = f"amqp://guest:guest@127.0.0.1:{proxy.port}/"
        url = settings.libpq_url
        daemon = start_daemon(settings, OPDB_AMQP_URL=via_proxy)
        await asyncio.to_thread(daemon.wait_running)
        stream = ReliablePublisher(broker.url, settings.exchange, 1, 3000, per_second=100)
        streaming = asyncio.create_task(stream.run())
        await wait_until(lambda: count(url, "pfs_visit") >= 300, 30, "a stream going in")
        cut_at = time.time()
        proxy.cut()
        await _time_until(
            lambda: [
                r
                for r in _records(daemon, "state")
                if r.get("state") == "not_ready" and _log_time(r) >= cut_at
            ],
            30,
            "the daemon to notice",
            every_s=0.2,
        )
        noticed = min(
            _log_time(r)
            for r in _records(daemon, "state")
            if r.get("state") == "not_ready" and _log_time(r) >= cut_at
        )
        # The broker itself answers (status asks it directly): only the daemon's word
        # tells that nothing is ingested.
        status_at = time.time()
        status = await asyncio.to_thread(run_cli, settings, "status")
        assert status.returncode == 1, status.stdout
        assert "not_ready" in status.stdout
        await asyncio.sleep(5)  # partitions last
        healed_at = time.time()
        proxy.heal()
        heal_to_commit = await _probe_committed(
            url, broker.url, settings.exchange, healed_at, 60, "a commit after the partition"
        )
        await streaming
        await wait_until(lambda: count(url, "pfs_visit") == 3001, 60, "every event")
        assert daemon.process.poll() is None
        assert await daemon_stop(daemon) == 0
    finally:
        await proxy.close()
    figures_line(
        "silent_partition",
        heartbeat_s=settings.heartbeat_s,
        cut_to_not_ready_s=round(noticed - cut_at, 2),
        # A status run started this long after the cut said NOT HEALTHY.
        cut_to_status_unhealthy_s=round(status_at - cut_at, 2),
        heal_to_next_commit_s=round(heal_to_commit, 2),
        lost=3001 - count(url, "pfs_visit"),
    )
    assert noticed - cut_at <= 15
    assert status_at - cut_at <= 15


async def daemon_stop(daemon: DaemonProcess) -> int:
    return await asyncio.to_thread(daemon.stop)


# -- broker alarms -----------------------------------------------------------------------


def _bad_body(n: int) -> bytes:
    """An event the contract refuses (validation): dead-lettered at once."""
    row = {"pfs_visit_id": "not a number", "pfs_visit_description": f"bad {n}"}
    return json.dumps(event([insert("pfs_visit", row)])).encode()


async def _publish_bodies(url: str, exchange: str, bodies: list[bytes]) -> None:
    async with amqp_connection(url) as connection:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        target = await channel.get_exchange(exchange)
        for start in range(0, len(bodies), 200):
            await asyncio.gather(
                *(
                    target.publish(
                        aio_pika.Message(b, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                        "alarm",
                        mandatory=True,
                    )
                    for b in bodies[start : start + 200]
                )
            )


ALARMS = {
    "memory": (
        ("set_vm_memory_high_watermark", "0.0000001"),
        ("set_vm_memory_high_watermark", "0.4"),
    ),
    "disk": (("set_disk_free_limit", "10000GB"), ("set_disk_free_limit", "1MB")),
}


@pytest.mark.timeout(240)
@pytest.mark.parametrize("alarm", ["memory", "disk"])
async def test_alarm_never_stalls_committable_events(
    private_broker: PrivateRabbitMQ,
    opdb_url: str,
    start_daemon: Callable[..., DaemonProcess],
    alarm: str,
) -> None:
    """Events wait in the queue with a rejected one in every twentieth place; the
    broker raises an alarm (it then blocks every connection that publishes) and the
    daemon starts: every good event commits while the copies of the rejected ones wait,
    the daemon says ``broker_blocked`` (state, ``status``), and once the alarm clears
    the rejected ones reach the dead-letter queue, each once."""
    broker = private_broker
    settings = private_settings(opdb_url, broker)
    url = settings.libpq_url
    good, bad = 1900, 100
    bodies = [visit_body(n) for n in range(1, good + 1)]
    for n in range(bad):
        bodies.insert(n * 20 + 10, _bad_body(n))
    await declare_topology(settings)
    await _publish_bodies(broker.url, settings.exchange, bodies)
    raise_alarm, clear_alarm = ALARMS[alarm]
    await asyncio.to_thread(broker.ctl, *raise_alarm)
    try:
        daemon = start_daemon(settings)
        started = time.monotonic()
        await _time_until(lambda: count(url, "pfs_visit") == good, 60, "every good event")
        all_good_s = time.monotonic() - started
        await _time_until(
            lambda: any(r.get("state") == "broker_blocked" for r in _records(daemon, "state")),
            15,
            "the daemon to report broker_blocked",
        )
        status = await asyncio.to_thread(run_cli, settings, "status")
        assert status.returncode == 1, status.stdout
        assert "broker_blocked" in status.stdout
        assert await queue_depth(broker.url, settings.dead_letter_queue) == 0
    finally:
        await asyncio.to_thread(broker.ctl, *clear_alarm)
    cleared = time.monotonic()
    await _time_until(
        lambda: _depth_is(broker.url, settings.dead_letter_queue, bad), 60, "the dead letters"
    )
    dead_after_clear_s = time.monotonic() - cleared
    await _time_until(
        lambda: [r for r in _records(daemon, "state")][-1].get("state") == "running",
        15,
        "the daemon to say running again",
    )
    assert daemon.process.poll() is None
    assert await asyncio.to_thread(daemon.stop) == 0
    assert count(url, "pfs_visit") == good
    assert await queue_depth(broker.url, settings.queue) == 0
    figures_line(
        f"{alarm}_alarm",
        good_events_committed_under_alarm=good,
        all_good_committed_s=round(all_good_s, 2),
        clear_to_dead_letters_s=round(dead_after_clear_s, 2),
        dead_lettered=bad,
    )


async def _depth_is(url: str, queue: str, depth: int) -> bool:
    return await queue_depth(url, queue) == depth


# -- status against the broker's word ------------------------------------------------------


async def _claim_running(settings: Settings) -> None:
    """A daemon's report saying ``running`` (as a stuck daemon would keep sending)."""
    now = datetime.datetime.now(datetime.UTC)
    report = gate.InstanceReport(
        instance_id=uuid.uuid4(),
        queue=settings.queue,
        state="running",
        state_reason="",
        expected_revision=migrations.head_revision(),
        database_revision=migrations.head_revision(),
        in_flight=0,
        started_at=now,
        last_commit_at=None,
        events_last_minute=0,
        rows_last_minute=0,
    )
    async with await psycopg.AsyncConnection.connect(settings.libpq_url, autocommit=True) as conn:
        await gate.report(conn, report)


async def test_status_is_unhealthy_when_the_broker_contradicts_a_running_daemon(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings()
    await _claim_running(settings)
    missing = await asyncio.to_thread(run_cli, settings, "status")
    assert missing.returncode == 1, missing.stdout
    assert f"ingest queue {settings.queue} does not exist" in missing.stdout
    await declare_topology(settings)
    await _claim_running(settings)
    idle = await asyncio.to_thread(run_cli, settings, "status")
    assert idle.returncode == 1, idle.stdout
    assert f"ingest queue {settings.queue} has no consumer" in idle.stdout
    async with running_service(settings):
        await wait_until(
            lambda: (
                scalar(
                    settings.libpq_url,
                    "SELECT count(*) FROM opdb_ingest.daemon_instance WHERE state = 'running'",
                )
                >= 2
            ),
            15,
            "the daemon's report",
        )
        consumed = await asyncio.to_thread(run_cli, settings, "status")
    assert "has no consumer" not in consumed.stdout
    assert "1 consumer(s)" in consumed.stdout


# -- a three-node cluster ------------------------------------------------------------------


def _connected_node(nodes: list[PrivateRabbitMQ], connection_name: str) -> PrivateRabbitMQ:
    """The node holding the client connection called ``connection_name``."""
    for node in nodes:
        listing = node.ctl("-q", "list_connections", "client_properties", "--formatter", "json")
        for connection in json.loads(listing.stdout or "[]"):
            names = [
                p[2] for p in connection.get("client_properties") or [] if p[0] == "connection_name"
            ]
            if connection_name in names:
                return node
    raise AssertionError(f"no node holds the connection {connection_name!r}")


def _move_leader(node: PrivateRabbitMQ, queue: str) -> str:
    """Make another member lead ``queue``: remove the leader's replica (a new leader is
    elected at once). Returns the old leader's node, to add back."""
    status = json.loads(node.queues("quorum_status", queue, "--formatter", "json").stdout)
    leader = next(m["Node Name"] for m in status if m.get("Raft State") == "leader")
    node.queues("delete_member", queue, leader)
    return str(leader)


# Three nodes take minutes to boot on a shared machine: in the long suite (-m chaos).
@pytest.mark.chaos
@pytest.mark.timeout(400)
async def test_cluster_node_of_the_daemon_killed(
    opdb_url: str, start_daemon: Callable[..., DaemonProcess]
) -> None:
    """Three nodes, the daemon given all three URLs. Mid-stream, first the ingest
    queue's quorum leader is moved (its replica removed, then added back), then the
    node the daemon consumes from is killed (``kill -9``). Every queue is a quorum
    queue with a member on each node, so the daemon moves on to the next node and
    commits resume there."""
    try:
        cluster = private_cluster(3)
        nodes = cluster.__enter__()
    except PrivateRabbitMQUnavailable as exc:
        pytest.skip(f"no private RabbitMQ cluster on this machine: {exc}")
    try:
        settings = private_settings(
            opdb_url,
            nodes[0],
            amqp_url=", ".join(node.url for node in nodes),
            retry_first_delay_ms=200,
            retry_max_delay_ms=800,
        )
        url = settings.libpq_url
        daemon = start_daemon(settings)
        await asyncio.to_thread(daemon.wait_running, 60)
        victim = await asyncio.to_thread(_connected_node, nodes, f"opdb-ingestd {settings.queue}")
        survivor = next(node for node in nodes if node is not victim)
        # A child published ahead of its parent waits in a retry queue across the kill.
        orphan = json.dumps(
            event([insert("tel_status", {"pfs_visit_id": 1, "status_sequence_id": 1})])
        ).encode()
        await _publish_bodies(survivor.url, settings.exchange, [orphan])
        stream = ReliablePublisher(survivor.url, settings.exchange, 1, 3000, per_second=150)
        streaming = asyncio.create_task(stream.run())
        await wait_until(lambda: count(url, "pfs_visit") >= 300, 60, "a stream going in")

        moved_at = time.time()
        leader = await asyncio.to_thread(_move_leader, survivor, settings.queue)
        probe = ReliablePublisher(survivor.url, settings.exchange, PROBE + 1, 1, per_second=1)
        await probe.run()
        await _time_until(lambda: _has_visit(url, PROBE + 1), 60, "a commit after the move")
        move_to_commit = time.time() - moved_at
        await asyncio.to_thread(survivor.queues, "add_member", settings.queue, leader)

        killed_at = time.time()
        await asyncio.to_thread(victim.kill)
        kill_to_commit = await _probe_committed(
            url, survivor.url, settings.exchange, killed_at, 60, "a commit on the other nodes"
        )
        await streaming
        await wait_until(lambda: count(url, "pfs_visit") == 3002, 90, "every event")
        await wait_until(lambda: count(url, "tel_status") == 1, 30, "the orphan")
        assert daemon.process.poll() is None, "the daemon exited"
        assert await queue_depth(survivor.url, settings.dead_letter_queue) == 0
        assert await asyncio.to_thread(daemon.stop) == 0
    finally:
        cluster.__exit__(None, None, None)
    figures_line(
        "cluster_leader_moved_then_node_killed",
        leader_moved_to_next_commit_s=round(move_to_commit, 2),
        kill_to_next_commit_s=round(kill_to_commit, 2),
        events=3003,
        lost=3002 - count(url, "pfs_visit"),
    )
    assert kill_to_commit <= 15
