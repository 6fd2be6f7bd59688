"""``opdb-ingestd status``: is ingestion healthy, at a glance and for monitoring.

Healthy means: the database and the broker answer, at least one daemon reported in the
last few seconds, and every live daemon is running. Anything else is a problem, named
in the output; the exit code (0 healthy, 1 not) lets it serve as a monitoring check.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import aio_pika
import psycopg
from pydantic_core import from_json

from daemon.ingest import gate, topology
from daemon.ingest.consumer import BROKER_ERRORS
from daemon.ingest.gate import State
from daemon.logs import mask_secrets
from daemon.ops import maintenance
from daemon.settings import Settings
from opdb.amqp import NoBrokerReachable, connect_first

# A running daemon holding events that has committed nothing for this long is unhealthy.
NO_COMMIT_S = 60.0


@dataclass
class QueueStatus:
    name: str
    depth: int
    oldest_age_s: float | None = None
    consumers: int | None = None


@dataclass
class Status:
    healthy: bool = True
    problems: list[str] = field(default_factory=list)
    maintenance: dict[str, Any] | None = None
    daemons: list[dict[str, Any]] = field(default_factory=list)
    queues: dict[str, QueueStatus] = field(default_factory=dict)

    def problem(self, text: str) -> None:
        self.healthy = False
        self.problems.append(text)


def _age_of(message: aio_pika.abc.AbstractIncomingMessage) -> float | None:
    """Seconds since the event at the head of a queue was sent, from its ``sent_at``."""
    sent_at: datetime.datetime | None = message.timestamp
    try:
        document = from_json(message.body)
        sent_at = datetime.datetime.fromisoformat(document["sent_at"])
    except (ValueError, KeyError, TypeError):
        pass  # not a readable event: fall back to the AMQP timestamp, if any
    if sent_at is None or sent_at.tzinfo is None:
        return None
    return (datetime.datetime.now(datetime.UTC) - sent_at).total_seconds()


async def _queues(settings: Settings) -> dict[str, QueueStatus]:
    connection, _ = await connect_first(settings.amqp_urls, timeout=10)
    try:
        result: dict[str, QueueStatus] = {}
        retry_depth = 0
        for name in [*topology.queue_names(settings), *topology.legacy_queue_names(settings)]:
            channel = await connection.channel()
            try:
                queue = await channel.declare_queue(name, passive=True)
            except aio_pika.exceptions.ChannelClosed:
                continue  # not declared yet: no daemon ever started on this broker
            if name == settings.journal_queue:
                await channel.close()
                continue  # a stream keeps everything: no depth, nothing waits in it
            depth = queue.declaration_result.message_count or 0
            if name.startswith(f"{settings.queue}.retry."):
                retry_depth += depth
                continue
            status = QueueStatus(name, depth)
            if name == settings.queue:
                status.consumers = queue.declaration_result.consumer_count or 0
            if depth and name == settings.queue:
                # Peek at the head: take it without acknowledging and give it back.
                head = await queue.get(no_ack=False, fail=False)
                if head is not None:
                    status.oldest_age_s = _age_of(head)
                    await head.nack(requeue=True)
            result["ingest" if name == settings.queue else "dead_letter"] = status
            await channel.close()
        result["retry"] = QueueStatus(f"{settings.queue}.retry.*", retry_depth)
        return result
    finally:
        await connection.close()


def collect(settings: Settings) -> Status:
    status = Status()
    try:
        switch = maintenance.read_switch(settings.libpq_url)
        status.maintenance = {
            "enabled": switch.enabled,
            "reason": switch.reason,
            "changed_at": switch.changed_at.isoformat(),
            "changed_by": switch.changed_by,
        }
        if switch.enabled:
            status.problem(f"maintenance is on: {switch.reason}")
        status.daemons = maintenance.live_instances(settings.libpq_url)
    except (psycopg.Error, maintenance.MaintenanceError) as exc:
        status.problem(f"database: {mask_secrets(str(exc)).strip()}")
    try:
        status.queues = asyncio.run(_queues(settings))
    except NoBrokerReachable as exc:
        status.problem(f"broker unreachable: {mask_secrets(str(exc))}")
    except BROKER_ERRORS as exc:
        status.problem(f"broker unreachable: {mask_secrets(repr(exc))}")
    if status.maintenance is not None and not status.daemons:
        status.problem(f"no daemon reported in the last {gate.LIVE_WITHIN_S:g} s")
    _check_consumers(settings, status)
    now = datetime.datetime.now(datetime.UTC)
    for d in status.daemons:
        if d["state"] != State.RUNNING:
            reason = f" ({d['state_reason']})" if d["state_reason"] else ""
            status.problem(f"daemon {d['host']} pid {d['pid']} is {d['state']}{reason}")
            continue
        # Running, yet nothing committed for a while although events wait: stuck in a
        # way the daemon did not notice itself.
        since = d.get("last_commit_at") or d.get("started_at")
        if since is not None and d.get("in_flight", 0) > 0:
            idle = (now - since).total_seconds()
            if idle > NO_COMMIT_S:
                status.problem(
                    f"daemon {d['host']} pid {d['pid']} holds {d['in_flight']} events and "
                    f"has committed nothing for {idle:.0f} s"
                )
    _check_starved(status, now)
    return status


def _check_starved(status: Status, now: datetime.datetime) -> None:
    """Events waiting in the ingest queue longer than ``NO_COMMIT_S`` while no running
    daemon has committed for as long: consumers that hold nothing and are delivered
    nothing (starved) say ``running`` and hold no events, so only the queue tells."""
    ingest = status.queues.get("ingest")
    running = [d for d in status.daemons if d["state"] == State.RUNNING]
    if ingest is None or not ingest.depth or not running or ingest.oldest_age_s is None:
        return
    if ingest.oldest_age_s <= NO_COMMIT_S:
        return
    latest = max(d.get("last_commit_at") or d["started_at"] for d in running)
    idle = (now - latest).total_seconds()
    if idle > NO_COMMIT_S:
        status.problem(
            f"{ingest.depth} event{'s' if ingest.depth != 1 else ''} waiting in the ingest "
            f"queue (the oldest sent "
            f"{ingest.oldest_age_s:.0f} s ago) and no running daemon has committed for "
            f"{idle:.0f} s"
        )


async def _ingest_consumers(settings: Settings) -> int:
    connection, _ = await connect_first(settings.amqp_urls, timeout=10)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(settings.queue, passive=True)
        return queue.declaration_result.consumer_count or 0
    finally:
        await connection.close()


_RECHECK_AFTER_S = 1.0


def _check_consumers(settings: Settings, status: Status) -> None:
    """A daemon's word against the broker's: a daemon that says ``running`` while the
    ingest queue is missing or nobody consumes it is not ingesting."""
    running = [d for d in status.daemons if d["state"] == State.RUNNING]
    if not running or not status.queues:
        return  # no claim to check, or the broker did not answer (already a problem)
    ingest = status.queues.get("ingest")
    if ingest is None:
        status.problem(
            f"ingest queue {settings.queue} does not exist while {len(running)} daemon(s) "
            "say running"
        )
        return
    if ingest.consumers:
        return
    # A daemon re-subscribing (new prefetch) has no consumer for a moment: ask again.
    time.sleep(_RECHECK_AFTER_S)
    try:
        ingest.consumers = asyncio.run(_ingest_consumers(settings))
    except (NoBrokerReachable, *BROKER_ERRORS):
        ingest.consumers = 0
    if not ingest.consumers:
        status.problem(
            f"ingest queue {settings.queue} has no consumer while {len(running)} daemon(s) "
            "say running"
        )


def _jsonable(status: Status) -> dict[str, Any]:
    document = asdict(status)
    for daemon in document["daemons"]:
        for key, value in list(daemon.items()):
            if isinstance(value, datetime.datetime):
                daemon[key] = value.isoformat()
            elif isinstance(value, datetime.timedelta):
                daemon[key] = value.total_seconds()
            elif not isinstance(value, str | int | float | bool | type(None)):
                daemon[key] = str(value)
    return document


def render(status: Status, as_json: bool) -> str:
    if as_json:
        return json.dumps(_jsonable(status), indent=2, sort_keys=True)
    lines = [f"ingestion: {'HEALTHY' if status.healthy else 'NOT HEALTHY'}"]
    lines += [f"  problem: {p}" for p in status.problems]
    if status.maintenance is not None:
        state = "ON" if status.maintenance["enabled"] else "off"
        lines.append(f"maintenance: {state}")
    lines.append("daemons:")
    if not status.daemons:
        lines.append("  none live")
    for d in status.daemons:
        commit = d["last_commit_at"].strftime("%H:%M:%S") if d["last_commit_at"] else "never"
        reason = f" ({d['state_reason']})" if d["state_reason"] else ""
        lines.append(
            f"  {d['host']} pid {d['pid']}: {d['state']}{reason}; last commit {commit}; "
            f"{d['events_last_minute']} events / {d['rows_last_minute']} rows in the last "
            f"minute; {d['in_flight']} in flight"
        )
    lines.append("queues:")
    for role, q in status.queues.items():
        age = f", oldest waiting {q.oldest_age_s:.1f} s" if q.oldest_age_s is not None else ""
        consumers = f", {q.consumers} consumer(s)" if q.consumers is not None else ""
        lines.append(f"  {role:<12} {q.name}: {q.depth} waiting{age}{consumers}")
    return "\n".join(lines)
