"""Prometheus metrics and the health endpoints of one daemon.

Served by a tiny asyncio HTTP server on the daemon's own event loop (no thread): it
answers ``/metrics`` (Prometheus text format), ``/healthz`` (the process and its loop
are alive) and ``/readyz`` (connected and ingesting, not paused). Off unless
``OPDB_METRICS_ADDRESS`` is set, and meant for loopback or a trusted network.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Callable, Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from daemon.errors import ConfigurationError
from daemon.ingest.gate import State
from daemon.logs import get_logger
from opdb.contract import Reason

log = get_logger(__name__)

STATES = tuple(State)
TRANSIENT_SERVICES = ("database", "broker")
_AGE_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)
_COMMIT_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
_BATCH_BUCKETS = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500)


def _host_port(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


def _cannot_listen(address: str, exc: OSError) -> ConfigurationError:
    return ConfigurationError(
        f"OPDB_METRICS_ADDRESS: cannot listen on {address} "
        f"({os.strerror(exc.errno) if exc.errno else exc}): "
        "choose a free port and a local address, or leave it empty"
    )


def check_listen_address(address: str) -> None:
    """Raise :class:`ConfigurationError` if the metrics endpoint could not listen there."""
    try:
        with socket.create_server(_host_port(address)):
            pass
    except OSError as exc:
        raise _cannot_listen(address, exc) from None


class Metrics:
    """Every metric the daemon exports, in a registry of its own (one per service, so
    several services in one test process do not collide)."""

    def __init__(self, tables: Iterable[str] = ()) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.events_consumed = Counter(
            "opdb_events_consumed", "Messages taken from the ingest queue", registry=r
        )
        self.events_committed = Counter(
            "opdb_events_committed", "Events whose rows were committed", registry=r
        )
        self.duplicates = Counter(
            "opdb_events_duplicate",
            "Events already in the ledger, acknowledged again",
            registry=r,
        )
        self.rows_written = Counter(
            "opdb_rows_written", "Rows committed, by table", ["table"], registry=r
        )
        self.dead_letters = Counter(
            "opdb_dead_letters",
            "Events sent to the dead-letter queue, by reason",
            ["reason"],
            registry=r,
        )
        self.retries = Counter(
            "opdb_retries",
            "Events sent to wait for a retry, by reason",
            ["reason"],
            registry=r,
        )
        self.receipts_sent = Counter(
            "opdb_receipts_sent",
            "Receipt messages published (one per reply queue and batch)",
            registry=r,
        )
        self.receipts_failed = Counter(
            "opdb_receipts_failed",
            "Receipt messages that could not be published (the events are not affected)",
            registry=r,
        )
        self.transient_errors = Counter(
            "opdb_transient_errors",
            "Batches held back by a database or broker failure",
            ["service"],
            registry=r,
        )
        self.batch_events = Histogram(
            "opdb_batch_events", "Events per batch", buckets=_BATCH_BUCKETS, registry=r
        )
        self.commit_seconds = Histogram(
            "opdb_commit_seconds",
            "Time to write and commit one batch",
            buckets=_COMMIT_BUCKETS,
            registry=r,
        )
        self.event_age_seconds = Histogram(
            "opdb_event_age_at_commit_seconds",
            "From an event's sent_at to its commit",
            buckets=_AGE_BUCKETS,
            registry=r,
        )
        self.in_flight = Gauge("opdb_in_flight", "Messages held unacknowledged", registry=r)
        self.rejects_unconfirmed = Gauge(
            "opdb_rejects_unconfirmed",
            "Rejected events whose copy to a retry or dead-letter queue the broker has not "
            "confirmed yet (it blocks publishing under an alarm)",
            registry=r,
        )
        self.state = Gauge("opdb_state", "1 for the daemon's current state", ["state"], registry=r)
        # Every labelled series exists at 0 from the first scrape: `increase()` cannot
        # see a series' first increment, so an alert on the first dead letter of a
        # reason after a start would otherwise never fire.
        for reason in Reason:
            self.dead_letters.labels(reason.value)
            self.retries.labels(reason.value)
        for service in TRANSIENT_SERVICES:
            self.transient_errors.labels(service)
        for table in tables:
            self.rows_written.labels(table)

    def set_state(self, state: str) -> None:
        for name in STATES:
            self.state.labels(name).set(1 if name == state else 0)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class HealthServer:
    """``/metrics``, ``/healthz`` and ``/readyz`` over HTTP/1.0, one request per
    connection: all a Prometheus scraper or a load balancer's probe needs."""

    def __init__(self, metrics: Metrics, readiness: Callable[[], tuple[bool, str]]) -> None:
        self._metrics = metrics
        self._readiness = readiness
        self._server: asyncio.Server | None = None

    async def start(self, address: str) -> None:
        host, port = _host_port(address)
        try:
            self._server = await asyncio.start_server(self._answer, host, port)
        except OSError as exc:
            raise _cannot_listen(address, exc) from None
        log.info("metrics endpoint", address=address)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), 5)
            parts = request.decode("latin-1").split()
            path = parts[1] if len(parts) >= 2 else ""
            status, content_type, body = self._route(path.split("?", 1)[0])
            writer.write(
                f"HTTP/1.0 {status}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass  # a client that hangs up or dawdles gets nothing
        finally:
            writer.close()

    def _route(self, path: str) -> tuple[str, str, bytes]:
        if path == "/metrics":
            return "200 OK", CONTENT_TYPE_LATEST, self._metrics.render()
        if path == "/healthz":
            return "200 OK", "text/plain", b"alive\n"
        if path == "/readyz":
            ready, why = self._readiness()
            status = "200 OK" if ready else "503 Service Unavailable"
            return status, "text/plain", f"{why}\n".encode()
        return "404 Not Found", "text/plain", b"not found\n"
