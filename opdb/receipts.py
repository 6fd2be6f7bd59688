"""Write receipts: what became of an event, told by the daemon to the actor that sent it.

An actor that wants to know sets two AMQP properties on its event (the publisher in
:mod:`opdb.publish` does it when asked): ``reply_to``, the name of a queue of its own,
and ``correlation_id``, the event id. Once the event's fate is settled the daemon
publishes its receipt to that queue through the default exchange, one message per
batch and queue holding the receipts of that queue's events (see :func:`encode`):

* ``committed``: the rows are in the opDB (also for a redelivered duplicate, with the
  keys of the first commit), with the values PostgreSQL generated for serial columns
  the rows left out;
* ``rejected``: dead-lettered, with the reason and detail an operator sees;
* ``retrying``: a missing parent, the event waits in a retry queue; not final.

Events without ``reply_to`` cost the daemon one attribute test. ``reply_to`` comes from
the network, so the daemon only answers to names matching :data:`REPLY_QUEUE_PATTERN`:
never one of its own queues, never a name the broker would refuse.

This module is shared by both sides and imports neither.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from opdb.contract import Reason

__all__ = [
    "REPLY_QUEUE_PREFIX",
    "GeneratedKey",
    "Receipt",
    "ReceiptStatus",
    "decode",
    "document",
    "encode",
    "key_document",
    "key_from_document",
    "valid_correlation_id",
    "valid_reply_to",
]

RECEIPT_FORMAT: Final = 1
REPLY_QUEUE_PREFIX: Final = "opdb.reply."
# Queue names are at most 255 bytes; a prefix the daemon's own queues never carry keeps
# a forged reply_to from feeding its ingest, retry or dead-letter queues.
REPLY_QUEUE_PATTERN: Final = re.compile(r"opdb\.reply\.[A-Za-z0-9_.:-]{1,200}")
_CORRELATION_PATTERN: Final = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
CONTENT_TYPE: Final = "application/vnd.opdb.receipt+json"


class ReceiptStatus(StrEnum):
    COMMITTED = "committed"
    REJECTED = "rejected"
    # Not final: the event waits for a missing parent in a retry queue.
    RETRYING = "retrying"


@dataclass(frozen=True, slots=True)
class GeneratedKey:
    """Values PostgreSQL generated for one inserted row: ``write`` and ``row`` are the
    positions in the event as published, ``values`` maps the serial column to its id."""

    write: int
    row: int
    table: str
    values: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Receipt:
    """What became of one event."""

    event_id: uuid.UUID
    status: ReceiptStatus
    reason: Reason | None = None
    detail: str | None = None
    keys: tuple[GeneratedKey, ...] = ()
    # A redelivered copy of an event committed earlier (its keys are the first commit's).
    duplicate: bool = False
    attempts: int | None = None

    @property
    def committed(self) -> bool:
        return self.status is ReceiptStatus.COMMITTED

    @property
    def final(self) -> bool:
        return self.status is not ReceiptStatus.RETRYING

    def keys_of(self, table: str) -> list[dict[str, int]]:
        """Generated values of ``table``'s rows, in the order they were published."""
        return [dict(key.values) for key in self.keys if key.table == table]


def key_document(key: GeneratedKey) -> dict[str, Any]:
    """A generated key as JSON (in receipts and in the daemon's ledger)."""
    return {"write": key.write, "row": key.row, "table": key.table, "values": dict(key.values)}


def key_from_document(document: Mapping[str, Any]) -> GeneratedKey:
    return GeneratedKey(
        int(document["write"]),
        int(document["row"]),
        str(document["table"]),
        {str(c): int(v) for c, v in document["values"].items()},
    )


def valid_reply_to(value: object) -> str | None:
    """``value`` if the daemon may publish a receipt to it, else None."""
    if isinstance(value, str) and REPLY_QUEUE_PATTERN.fullmatch(value):
        return value
    return None


def valid_correlation_id(value: object) -> str | None:
    if isinstance(value, str) and _CORRELATION_PATTERN.fullmatch(value):
        return value
    return None


def document(
    event_id: str,
    status: ReceiptStatus,
    *,
    reason: str | None = None,
    detail: str | None = None,
    keys: Sequence[GeneratedKey] = (),
    duplicate: bool = False,
    attempts: int | None = None,
) -> dict[str, Any]:
    """One event's receipt as JSON; a message carries a list of them (:func:`encode`)."""
    answer: dict[str, Any] = {"event_id": event_id, "status": status.value}
    if reason is not None:
        answer["reason"] = reason
        answer["detail"] = detail
    if keys:
        answer["keys"] = [key_document(k) for k in keys]
    if duplicate:
        answer["duplicate"] = True
    if attempts is not None:
        answer["attempts"] = attempts
    return answer


def encode(documents: Sequence[Mapping[str, Any]]) -> bytes:
    """One message holding the receipts of the events of one batch sent to one reply
    queue: an actor publishing fast gets one message per batch, not one per event."""
    return json.dumps(
        {"format": RECEIPT_FORMAT, "receipts": list(documents)}, separators=(",", ":")
    ).encode()


def decode(body: bytes) -> list[Receipt]:
    """The receipts in a message body; raises ValueError for anything else."""
    try:
        message = json.loads(body)
        return [_receipt(answer) for answer in message["receipts"]]
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(f"not a receipt message: {exc!r}") from exc


def _receipt(answer: Mapping[str, Any]) -> Receipt:
    reason_text = answer.get("reason")
    attempts = answer.get("attempts")
    return Receipt(
        event_id=uuid.UUID(answer["event_id"]),
        status=ReceiptStatus(answer["status"]),
        reason=Reason(reason_text) if reason_text is not None else None,
        detail=answer.get("detail"),
        keys=tuple(key_from_document(k) for k in answer.get("keys", ())),
        duplicate=bool(answer.get("duplicate", False)),
        attempts=attempts if isinstance(attempts, int) else None,
    )
