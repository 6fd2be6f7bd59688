"""Receipts from the daemon's side: which deliveries asked for one, what to tell them,
and the one call that publishes them.

A receipt is best-effort and must never hold up ingestion: it is published without
confirms and without ``mandatory`` (a reply queue that is gone drops it quietly), and a
failure is counted, not raised. It is published after COMMIT and before the ack, so a
crash in between redelivers the event and the ledger's duplicate path answers again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import aiormq
from aiormq.abc import AbstractChannel as UnderlayChannel
from pamqp.commands import Basic

from daemon.ingest.deadletter import Disposition
from daemon.ingest.messages import Delivery
from opdb.contract import EventRejected
from opdb.receipts import (
    CONTENT_TYPE,
    GeneratedKey,
    ReceiptStatus,
    document,
    encode,
    valid_correlation_id,
    valid_reply_to,
)
from opdb.wire import ATTEMPTS_HEADER

if TYPE_CHECKING:
    from daemon.ingest.writer import BatchResult

# aiormq's own limit on queueing the frames; with wait=False nothing waits on the socket.
_PUBLISH_TIMEOUT_S = 1.0


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to one reply queue: the receipts of a batch's events sent from there.
    ``correlation_id`` is the event id when there is only one."""

    reply_to: str
    correlation_id: str | None
    body: bytes


def asked(delivery: Delivery) -> bool:
    """Whether the delivery asked for a receipt (the test every event pays)."""
    return delivery.message.properties.reply_to is not None


def _address(delivery: Delivery) -> tuple[str, str] | None:
    properties = delivery.message.properties
    reply_to = valid_reply_to(properties.reply_to)
    if reply_to is None:
        return None
    correlation_id = valid_correlation_id(properties.correlation_id)
    if correlation_id is None and delivery.event is not None:
        correlation_id = str(delivery.event.id)
    if correlation_id is None:
        return None
    return reply_to, correlation_id


def _event_id(delivery: Delivery, correlation_id: str) -> str:
    return str(delivery.event.id) if delivery.event is not None else correlation_id


def build(
    with_event: Sequence[Delivery],
    result: BatchResult,
    disposed: Sequence[tuple[Delivery, EventRejected, Disposition]],
) -> list[Outgoing]:
    """The receipts a processed batch owes, one message per reply queue: one receipt
    per delivery that asked with a valid ``reply_to``; a second copy of an event in the
    same batch is answered by its first."""
    by_queue: dict[str, list[tuple[str, dict[str, object]]]] = {}

    def add(
        delivery: Delivery,
        status: ReceiptStatus,
        *,
        keys: Sequence[GeneratedKey] = (),
        duplicate: bool = False,
        rejection: EventRejected | None = None,
        attempts: int | None = None,
    ) -> None:
        address = _address(delivery)
        if address is not None:
            reply_to, correlation_id = address
            answer = document(
                _event_id(delivery, correlation_id),
                status,
                reason=rejection.reason.value if rejection is not None else None,
                detail=rejection.detail if rejection is not None else None,
                keys=keys,
                duplicate=duplicate,
                attempts=attempts,
            )
            by_queue.setdefault(reply_to, []).append((correlation_id, answer))

    for index in result.committed:
        delivery = with_event[index]
        if asked(delivery):
            add(delivery, ReceiptStatus.COMMITTED, keys=result.keys.get(index, ()))
    for index in result.duplicates:
        delivery = with_event[index]
        if index not in result.copies and asked(delivery):
            add(delivery, ReceiptStatus.COMMITTED, keys=result.keys.get(index, ()), duplicate=True)
    for delivery, rejection, disposition in disposed:
        if asked(delivery):
            attempts = disposition.headers.get(ATTEMPTS_HEADER)
            add(
                delivery,
                ReceiptStatus.REJECTED if disposition.dead else ReceiptStatus.RETRYING,
                rejection=rejection,
                attempts=attempts if isinstance(attempts, int) else None,
            )
    return [
        Outgoing(
            reply_to,
            answers[0][0] if len(answers) == 1 else None,
            encode([answer for _, answer in answers]),
        )
        for reply_to, answers in by_queue.items()
    ]


async def send(channel: UnderlayChannel, receipt: Outgoing) -> None:
    """Publish one receipt to its reply queue through the default exchange: no confirm,
    not mandatory, not persistent, and without waiting for the socket."""
    # aiormq's abstract channel leaves out ``wait``, which its Channel has.
    await cast(aiormq.Channel, channel).basic_publish(
        receipt.body,
        exchange="",
        routing_key=receipt.reply_to,
        properties=Basic.Properties(
            content_type=CONTENT_TYPE,
            correlation_id=receipt.correlation_id,
            delivery_mode=1,
        ),
        mandatory=False,
        timeout=_PUBLISH_TIMEOUT_S,
        wait=False,
    )
