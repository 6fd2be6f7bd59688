"""Where rejected events go: back to wait (missing parent) or to the dead-letter queue.

Either way the original body and properties travel unchanged, with the reason in
``x-opdb-*`` headers, and the original message is acknowledged only after the broker
has confirmed the copy.

Headers are data from the outside. Any publisher can set ``x-opdb-*`` (or ``x-death``)
on what it sends, so the daemon believes its own headers only on a message that the
broker itself moved back from one of the daemon's retry queues (:func:`came_back`),
reads every value with a bound, and computes the schedule in closed form: no header
can make the daemon loop, skip an event's retries or stop another daemon.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import aio_pika
from aio_pika.abc import AbstractExchange, AbstractIncomingMessage

from daemon.ingest.messages import Inbound
from daemon.ingest.topology import retry_queue_name, uncapped_steps
from daemon.settings import Settings
from opdb.contract import EventRejected, Reason
from opdb.wire import (
    ATTEMPTS_HEADER,
    DETAIL_HEADER,
    FAILED_AT_HEADER,
    FIRST_FAILED_HEADER,
    ORIGINAL_USER_HEADER,
    REASON_HEADER,
)

_MAX_DETAIL_CHARS = 4000
# Headers only the daemon writes; on any message that did not come back from its retry
# queues they are someone else's claims and are dropped.
DAEMON_HEADERS = frozenset(
    {
        ATTEMPTS_HEADER,
        FIRST_FAILED_HEADER,
        REASON_HEADER,
        DETAIL_HEADER,
        FAILED_AT_HEADER,
        ORIGINAL_USER_HEADER,
    }
)
# What the broker writes when it dead-letters; forged copies must never reach a
# dead-lettering queue (the broker rewrites them there).
BROKER_JOURNEY_HEADERS = frozenset(
    {
        "x-death",
        "x-first-death-exchange",
        "x-first-death-queue",
        "x-first-death-reason",
        "x-delivery-count",
    }
)
# Far above any real schedule (the default one has 14 steps), small enough that
# nothing computed from it is costly.
MAX_ATTEMPTS = 10_000
_MAX_STAMP_CHARS = 64
_MAX_QUEUE_NAME_CHARS = 255


@dataclass(frozen=True)
class Disposition:
    """Where one rejected event goes and with which headers."""

    routing_key: str
    headers: dict[str, Any]
    dead: bool


def _is_retry_queue(settings: Settings, name: object) -> bool:
    """One of this daemon's retry queues, under any schedule (a changed schedule still
    recognises the waiting rooms of the previous one)."""
    if not isinstance(name, str) or len(name) > _MAX_QUEUE_NAME_CHARS:
        return False
    prefix = f"{settings.queue}.retry."
    # Quorum waiting rooms, or the classic ones of earlier releases still draining.
    delay = name.removeprefix(prefix).removeprefix("quorum.").removesuffix("ms")
    return name.startswith(prefix) and name.endswith("ms") and delay.isdigit()


def came_back(settings: Settings, message: Inbound) -> bool:
    """True when the broker moved this message back from one of our retry queues.

    Two facts the broker writes, together: the delivery came through the default
    exchange with the ingest queue as routing key (the retry queues' dead-letter
    target; publishers go through the topic exchange), and the newest ``x-death``
    entry says the message expired in a retry queue. Forging both takes write access
    to the default exchange, which publishers need not have (README: permissions);
    even then the values read are bounded, so only that one event's schedule changes.
    """
    if message.exchange != "" or message.routing_key != settings.queue:
        return False
    deaths = (message.properties.headers or {}).get("x-death")
    if not isinstance(deaths, list) or not deaths or not isinstance(deaths[0], dict):
        return False
    newest = deaths[0]
    return newest.get("reason") == "expired" and _is_retry_queue(settings, newest.get("queue"))


def journey_headers(settings: Settings, message: Inbound) -> dict[str, Any]:
    """The message's headers with the daemon's own ones kept only when they are ours."""
    headers = message.headers
    if came_back(settings, message):
        return headers
    return {
        name: value
        for name, value in headers.items()
        if name not in DAEMON_HEADERS and name not in BROKER_JOURNEY_HEADERS
    }


def _attempts_so_far(headers: dict[str, Any]) -> int:
    """Attempts recorded by an earlier pass; anything unreadable counts as none, which
    gives the event the full schedule (never a shorter one)."""
    value = headers.get(ATTEMPTS_HEADER, 0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ATTEMPTS:
        return 0
    return value


def retry_delay_ms(settings: Settings, attempts: int) -> int | None:
    """Delay before retry number ``attempts`` (1-based), or None once the schedule's
    total would pass ``retry_give_up_s``.

    Delay ``n`` is ``min(first * 2**(n-1), cap)``. In closed form, so any ``attempts``
    costs the same: the uncapped steps sum to ``first * (2**u - 1)``, the rest are
    ``cap`` each.
    """
    if attempts < 1:
        attempts = 1
    first, cap = settings.retry_first_delay_ms, settings.retry_max_delay_ms
    steps = uncapped_steps(settings)
    delay = first << (attempts - 1) if attempts <= steps else cap
    before = attempts - 1
    uncapped = min(before, steps)
    waited = first * ((1 << uncapped) - 1) + (before - uncapped) * cap
    if (waited + delay) / 1000 > settings.retry_give_up_s:
        return None
    return delay


def _stamp_or(headers: dict[str, Any], name: str, default: str) -> str:
    value = headers.get(name)
    if isinstance(value, str) and 0 < len(value) <= _MAX_STAMP_CHARS:
        return value
    return default


def dispose(
    settings: Settings,
    message: Inbound,
    rejection: EventRejected,
    now: datetime.datetime | None = None,
) -> Disposition:
    """Decide between another wait in a retry queue and the dead-letter queue."""
    now = now or datetime.datetime.now(datetime.UTC)
    stamp = now.isoformat(timespec="milliseconds")
    headers = journey_headers(settings, message)
    attempts = _attempts_so_far(headers) + 1
    headers[ATTEMPTS_HEADER] = attempts
    headers[FIRST_FAILED_HEADER] = _stamp_or(headers, FIRST_FAILED_HEADER, stamp)
    headers[REASON_HEADER] = rejection.reason.value
    headers[DETAIL_HEADER] = rejection.detail[:_MAX_DETAIL_CHARS]
    if rejection.reason is Reason.MISSING_PARENT:
        delay = retry_delay_ms(settings, attempts)
        if delay is not None:
            return Disposition(retry_queue_name(settings, delay), headers, dead=False)
    headers[FAILED_AT_HEADER] = stamp
    return Disposition(settings.dead_letter_queue, headers, dead=True)


def copy_of(
    message: Inbound | AbstractIncomingMessage, headers: dict[str, Any]
) -> aio_pika.Message:
    """The message as it arrived, with new headers.

    Two properties are left out on purpose: ``expiration`` (a dead letter must not
    vanish) and ``user_id`` (the broker refuses a message whose user_id is not the
    publishing connection's user; the original is kept in a header). Takes both the
    daemon's deliveries and aio-pika's messages (the dead-letter tools read with those).
    """
    properties = message.properties
    if properties.user_id:
        headers = {**headers, ORIGINAL_USER_HEADER: properties.user_id}
    return aio_pika.Message(
        body=message.body,
        headers=headers,
        content_type=properties.content_type,
        content_encoding=properties.content_encoding,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        priority=properties.priority,
        correlation_id=properties.correlation_id,
        reply_to=properties.reply_to,
        message_id=properties.message_id,
        timestamp=properties.timestamp,
        type=properties.message_type,
        app_id=properties.app_id,
    )


async def send(exchange: AbstractExchange, message: Inbound, disposition: Disposition) -> None:
    """Publish the copy and wait for the broker's confirm (raises if it does not come)."""
    # Mandatory: a copy no queue takes (its queue is missing) must fail, not vanish.
    await exchange.publish(
        copy_of(message, disposition.headers), disposition.routing_key, mandatory=True
    )
