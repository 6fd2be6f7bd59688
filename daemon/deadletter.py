"""Where rejected events go: back to wait (missing parent) or to the dead-letter queue.

Either way the original body and properties travel unchanged, with the reason in
``x-opdb-*`` headers, and the original message is acknowledged only after the broker
has confirmed the copy.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aio_pika
from aio_pika.abc import AbstractExchange, AbstractIncomingMessage

from daemon.settings import Settings
from daemon.topology import retry_queue_name
from opdb.contract import EventRejected, Reason

if TYPE_CHECKING:
    from daemon.consumer import Inbound

ATTEMPTS_HEADER = "x-opdb-attempts"
FIRST_FAILED_HEADER = "x-opdb-first-failed-at"
REASON_HEADER = "x-opdb-reason"
DETAIL_HEADER = "x-opdb-detail"
FAILED_AT_HEADER = "x-opdb-failed-at"
_MAX_DETAIL_CHARS = 4000


@dataclass(frozen=True)
class Disposition:
    """Where one rejected event goes and with which headers."""

    routing_key: str
    headers: dict[str, Any]
    dead: bool


def _attempts_so_far(message: Inbound) -> int:
    value = message.headers.get(ATTEMPTS_HEADER, 0)
    return value if isinstance(value, int) and value >= 0 else 0


def retry_delay_ms(settings: Settings, attempts: int) -> int | None:
    """Delay before retry number ``attempts`` (1-based), or None once the schedule's
    total would pass ``retry_give_up_s``."""
    delay = settings.retry_first_delay_ms
    waited = 0
    for _ in range(attempts - 1):
        waited += delay
        delay = min(delay * 2, settings.retry_max_delay_ms)
    if (waited + delay) / 1000 > settings.retry_give_up_s:
        return None
    return delay


def dispose(
    settings: Settings,
    message: Inbound,
    rejection: EventRejected,
    now: datetime.datetime | None = None,
) -> Disposition:
    """Decide between another wait in a retry queue and the dead-letter queue."""
    now = now or datetime.datetime.now(datetime.UTC)
    stamp = now.isoformat(timespec="milliseconds")
    attempts = _attempts_so_far(message) + 1
    headers = message.headers
    headers[ATTEMPTS_HEADER] = attempts
    headers.setdefault(FIRST_FAILED_HEADER, stamp)
    if rejection.reason is Reason.MISSING_PARENT:
        delay = retry_delay_ms(settings, attempts)
        if delay is not None:
            headers[REASON_HEADER] = rejection.reason.value
            headers[DETAIL_HEADER] = rejection.detail[:_MAX_DETAIL_CHARS]
            return Disposition(retry_queue_name(settings, delay), headers, dead=False)
    headers[REASON_HEADER] = rejection.reason.value
    headers[DETAIL_HEADER] = rejection.detail[:_MAX_DETAIL_CHARS]
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
        headers = {**headers, "x-opdb-original-user-id": properties.user_id}
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
    await exchange.publish(copy_of(message, disposition.headers), disposition.routing_key)
