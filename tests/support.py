"""Helpers shared by the tests: build and publish events, read queues, run the service
in-process or a command to its end, count rows, and the data and checks that more than
one test module uses."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import os
import shlex
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aio_pika
import numpy as np
import psycopg
import pytest

from daemon.dev.harness import DaemonProcess
from daemon.ingest import topology
from daemon.ingest.ports import ConsumerFactory
from daemon.ingest.service import IngestService
from daemon.schema import migrations
from daemon.settings import Settings
from opdb.models import Base


def event(
    writes: Sequence[Mapping[str, Any]],
    *,
    event_id: uuid.UUID | None = None,
    source: str = "test",
) -> dict[str, Any]:
    """An envelope of contract version 1."""
    return {
        "version": 1,
        "id": str(event_id or uuid.uuid4()),
        "source": source,
        "sent_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "writes": [dict(w) for w in writes],
    }


def insert(table: str, *rows: Mapping[str, Any]) -> dict[str, Any]:
    return {"table": table, "op": "insert", "rows": [dict(r) for r in rows]}


# Integers a forged header (an attempt count, say) may carry: past int32, the int64
# bounds, negative and zero.
FORGED_HEADER_INTEGERS = (2**62, 2**63 - 1, -(2**63), -1, 0)

# mcs_data's measured columns (all float), in the table's order.
MCS_MEASUREMENTS = tuple(
    column.name
    for column in Base.metadata.tables["mcs_data"].columns
    if column.name not in {"mcs_frame_id", "spot_id", "flags", "flux", "fluxerr"}
)


def mcs_centroids(
    dtype: np.dtype[np.void], count: int, x_pix: tuple[float, float], **constant: float
) -> np.ndarray[Any, np.dtype[np.void]]:
    """An MCS frame as the actor's structured array: spot ids from the -1 sentinel up,
    x centroids spread evenly over ``x_pix``, the ``constant`` columns set throughout.
    The caller marks its lost spots (NaN centroids)."""
    spots = np.zeros(count, dtype=dtype)
    spots["spot_id"] = np.arange(-1, count - 1)
    spots["mcs_center_x_pix"] = np.linspace(*x_pix, count)
    for name, value in constant.items():
        spots[name] = value
    return spots


def tel_status_events(sequence_ids: Iterable[int], **columns: Any) -> list[dict[str, Any]]:
    """An event a tel_status row of visit 1 (see ``add_visit``), one a sequence id."""
    return [
        event([insert("tel_status", {"pfs_visit_id": 1, "status_sequence_id": n, **columns})])
        for n in sequence_ids
    ]


def body(envelope: Mapping[str, Any] | bytes) -> bytes:
    return envelope if isinstance(envelope, bytes) else json.dumps(envelope).encode()


@contextlib.asynccontextmanager
async def amqp_connection(
    amqp_url: str, **options: Any
) -> AsyncIterator[aio_pika.abc.AbstractConnection]:
    """A connection of its own (``options`` go to ``aio_pika.connect``), closed on exit."""
    connection = await aio_pika.connect(amqp_url, **options)
    try:
        yield connection
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def amqp_channel(
    amqp_url: str, **options: Any
) -> AsyncIterator[aio_pika.abc.AbstractChannel]:
    """A channel (with publisher confirms, aio_pika's default) on a connection of its
    own, closed on exit."""
    async with amqp_connection(amqp_url, **options) as connection:
        yield await connection.channel()


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on (at the time of asking)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(url: str) -> tuple[int, str]:
    """The status and body of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode()


async def publish(
    amqp_url: str,
    exchange: str,
    envelopes: Iterable[Mapping[str, Any] | bytes],
    routing_key: str = "test",
    in_flight: int = 200,
) -> int:
    """Publish persistent messages with confirms; returns how many were confirmed."""
    sent = 0
    async with amqp_channel(amqp_url) as channel:
        target = await channel.declare_exchange(exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        pending: list[Any] = []
        for envelope in envelopes:
            message = aio_pika.Message(
                body(envelope),
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
            pending.append(target.publish(message, routing_key))
            if len(pending) >= in_flight:
                await asyncio.gather(*pending)
                sent += len(pending)
                pending = []
        await asyncio.gather(*pending)
        sent += len(pending)
    return sent


async def publish_paced(
    amqp_url: str,
    exchange: str,
    envelopes: Sequence[Mapping[str, Any] | bytes],
    per_second: float,
    routing_key: str = "paced",
) -> int:
    """Publish at a steady rate, in small confirmed bursts, as live actors would."""
    burst = max(1, int(per_second / 20))
    started = time.monotonic()
    async with amqp_channel(amqp_url) as channel:
        target = await channel.get_exchange(exchange)
        for sent in range(0, len(envelopes), burst):
            await asyncio.gather(
                *(
                    target.publish(
                        aio_pika.Message(body(e), delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                        routing_key,
                    )
                    for e in envelopes[sent : sent + burst]
                )
            )
            ahead = started + (sent + burst) / per_second - time.monotonic()
            if ahead > 0:
                await asyncio.sleep(ahead)
    return len(envelopes)


async def declare_topology(settings: Settings) -> None:
    """Create the daemon's exchange and queues, as a deployment's definitions would,
    so that events published before any daemon started are kept."""
    async with amqp_connection(settings.amqp_url.get_secret_value()) as connection:
        await topology.declare(connection, await connection.channel(), settings)


async def queue_depth(amqp_url: str, queue: str) -> int:
    async with amqp_channel(amqp_url) as channel:
        declared = await channel.declare_queue(queue, passive=True)
        return declared.declaration_result.message_count or 0


async def take_all(
    amqp_url: str, queue: str, expect: int | None = None, wait_s: float = 0.0
) -> list[aio_pika.abc.AbstractIncomingMessage]:
    """Remove and return the messages waiting in ``queue``: once ``expect`` of them
    arrived, or whatever came within ``wait_s``."""
    deadline = time.monotonic() + wait_s
    taken: list[aio_pika.abc.AbstractIncomingMessage] = []
    async with amqp_channel(amqp_url) as channel:
        declared = await channel.declare_queue(queue, passive=True)
        while True:
            message = await declared.get(fail=False, no_ack=True)
            if message is not None:
                taken.append(message)
                if expect is not None and len(taken) >= expect:
                    return taken
            elif time.monotonic() >= deadline:
                return taken
            else:
                await asyncio.sleep(0.1)


def scalar(url: str, query: str, params: Sequence[Any] = ()) -> Any:
    with psycopg.connect(url) as conn:
        row = conn.execute(query, params).fetchone()  # type: ignore[arg-type]
    return None if row is None else row[0]


def opdb_without_history(url: str) -> str:
    """Make the empty database at ``url`` an opDB from before this project: the baseline
    schema and no migration history. Returns ``url``."""
    migrations.upgrade(url, migrations.BASELINE)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE alembic_version")
    return url


def add_visit(url: str, pfs_visit_id: int = 1) -> None:
    """The visit that the tests' rows hang from (tel_status and most tables refer to one)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO pfs_visit (pfs_visit_id) VALUES (%s)", (pfs_visit_id,))


def count(url: str, table: str) -> int:
    return int(scalar(url, f'SELECT count(*) FROM "{table}"'))


async def wait_until(
    condition: Callable[[], bool], timeout_s: float, what: str, every_s: float = 0.1
) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
        await asyncio.sleep(every_s)


@contextlib.asynccontextmanager
async def running_service(
    settings: Settings, consumer: ConsumerFactory | None = None
) -> AsyncIterator[IngestService]:
    """The daemon's service in this event loop, stopped (and flushed) on exit; with
    ``consumer``, on that consumer instead of the real one."""
    service = IngestService(settings, consumer=consumer)
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    try:
        await wait_until(
            lambda: service.state == "running" or task.done(), 30, "the service to start"
        )
        if task.done():
            task.result()
        yield service
    finally:
        stop.set()
        await asyncio.wait_for(task, settings.shutdown_timeout_s + 10)


def publisher_options(settings: Settings, tmp_path: Path, **more: Any) -> dict[str, Any]:
    """``opdb.publish`` publisher options for this test's broker objects and a spool of
    its own in ``tmp_path``."""
    return {
        "amqp_url": settings.amqp_url,
        "exchange": settings.exchange,
        "spool_path": tmp_path / "spool.sqlite",
        **more,
    }


def assert_check_names_stale_files(
    main: Callable[[list[str]], int],
    names: Iterable[str],
    regenerate: str,
    out: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A generator's ``--check`` on an empty folder (``out``) fails, naming every file it
    would write there (``names``) and the command that writes them."""
    assert main(["--check", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    for name in names:
        assert str(out / name) in err
    assert f"{regenerate} --out {out}" in err


def run_to_end(
    command: Sequence[str],
    env: Mapping[str, str],
    timeout_s: float,
    stdin: Any = subprocess.DEVNULL,
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` to completion, its output captured as text; the caller judges the
    exit code."""
    return subprocess.run(
        list(command),
        env=dict(env),
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )


@dataclass(frozen=True)
class Rig:
    """What a test streams through: the daemons' settings, the broker's URL and the way
    to start a daemon (the acceptance tests' ``start_daemon`` fixture)."""

    settings: Settings
    amqp_url: str
    start_daemon: Callable[..., DaemonProcess]


@dataclass(frozen=True)
class Rabbitmqctl:
    """``rabbitmqctl`` for one broker: the machine's own, or the one inside the broker's
    container (``docker exec``), so a test manages the broker it is testing."""

    command: tuple[str, ...]

    def run(
        self, *args: str, stdin: str | None = None, timeout_s: float = 60, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [*self.command, "-q", *args],
            # Always a definite standard input: `docker exec -i` would otherwise hold
            # the terminal's.
            **({"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}),
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        if check:
            assert done.returncode == 0, f"rabbitmqctl {args[0]}: {done.stdout}{done.stderr}"
        return done

    def script(self, directory: Path) -> Path:
        """An executable running this rabbitmqctl, for scripts that take one command
        (deploy/rabbitmq/users.sh's RABBITMQCTL)."""
        path = directory / "rabbitmqctl"
        path.write_text(f'#!/bin/sh\nexec {shlex.join(self.command)} "$@"\n', encoding="utf-8")
        path.chmod(0o755)
        return path


LOCAL_RABBITMQCTL = Rabbitmqctl(("rabbitmqctl",))


def close_broker_connections(name: str, rabbitmqctl: Rabbitmqctl = LOCAL_RABBITMQCTL) -> int:
    """Close, from the broker's side, every connection whose client calls itself
    ``name``; ``rabbitmqctl`` must reach the broker under test. Returns how many."""
    listing = rabbitmqctl.run(
        "list_connections", "pid", "client_properties", "--formatter", "json", timeout_s=30
    )
    closed = 0
    for connection in json.loads(listing.stdout or "[]"):
        properties = connection.get("client_properties") or []
        names = [p[2] for p in properties if p[0] == "connection_name"]
        if name in names:
            rabbitmqctl.run(
                "close_connection", connection["pid"], "fault injection", timeout_s=30, check=False
            )
            closed += 1
    return closed


def rabbitmqctl_available() -> bool:
    return shutil.which("rabbitmqctl") is not None and os.geteuid() == 0


@contextlib.contextmanager
def service_in_thread(settings: Settings) -> Iterator[IngestService]:
    """The daemon's service on an event loop of its own in a thread, for tests of
    synchronous clients (the sync publisher, the pfs_utils facade)."""
    import threading

    started = threading.Event()
    running: list[tuple[asyncio.AbstractEventLoop, IngestService]] = []
    stop = asyncio.Event()

    async def serve() -> None:
        async with running_service(settings) as service:
            running.append((asyncio.get_running_loop(), service))
            started.set()
            await stop.wait()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    try:
        if not started.wait(60):
            raise AssertionError("the service did not start within 60 s")
        yield running[0][1]
    finally:
        if running:
            running[0][0].call_soon_threadsafe(stop.set)
        thread.join(30)
