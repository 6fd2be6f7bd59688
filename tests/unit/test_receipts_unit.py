"""Receipts without services: what the daemon owes a batch, which reply_to it answers,
and the message format both sides share."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from pamqp.commands import Basic

from daemon.ingest import deadletter, receipts
from daemon.ingest.messages import Delivery, Inbound
from daemon.ingest.writer import BatchResult
from opdb.contract import Event, EventRejected, Reason
from opdb.receipts import (
    GeneratedKey,
    ReceiptStatus,
    decode,
    document,
    encode,
    valid_correlation_id,
    valid_reply_to,
)

pytestmark = pytest.mark.unit


def delivery(reply_to: str | None, correlation_id: str | None = None) -> Delivery:
    event = Event(uuid.uuid4(), "test", datetime.datetime.now(datetime.UTC), ())
    properties = Basic.Properties(reply_to=reply_to, correlation_id=correlation_id)
    message = Inbound(b"{}", 1, None, properties, "opdb", "test")  # type: ignore[arg-type]
    return Delivery(message=message, size=2, event=event)


def test_only_reply_queues_of_actors_are_answered() -> None:
    assert valid_reply_to("opdb.reply.mcs.0123abcd") == "opdb.reply.mcs.0123abcd"
    for forged in (
        "opdb.ingest",
        "opdb.ingest.dead",
        "amq.gen-1",
        "opdb.reply.",
        "",
        None,
        5,
        "opdb.reply.a b",
        "opdb.reply.x\n",
        "opdb.reply." + "x" * 201,
    ):
        assert valid_reply_to(forged) is None, forged
    assert valid_correlation_id(str(uuid.uuid4())) is not None
    assert valid_correlation_id("x" * 65) is None


def test_a_batch_owes_one_receipt_per_asking_delivery() -> None:
    asking = [delivery("opdb.reply.a.1") for _ in range(4)]
    silent = delivery(None)
    forged = delivery("opdb.ingest")
    with_event = [*asking, silent, forged]
    key = GeneratedKey(0, 0, "obslog_user", {"id": 7})
    result = BatchResult(committed=[0, 4, 5], duplicates=[1, 2], copies={2}, keys={0: [key]})
    rejection = EventRejected(Reason.CONFLICT, "table pfs_visit: duplicate key")
    dead = deadletter.Disposition("q.dead", {deadletter.ATTEMPTS_HEADER: 1}, dead=True)
    waiting = deadletter.Disposition("q.retry.1000ms", {deadletter.ATTEMPTS_HEADER: 2}, dead=False)
    missing = EventRejected(Reason.MISSING_PARENT, "no visit")
    out = receipts.build(
        with_event, result, [(asking[3], rejection, dead), (asking[3], missing, waiting)]
    )
    # One message per reply queue and batch, whatever the number of events.
    (message,) = out
    assert message.reply_to == "opdb.reply.a.1"
    assert message.correlation_id is None
    answers = decode(message.body)
    # Without a correlation_id the daemon answers with the event id.
    assert answers[0].event_id == asking[0].event.id  # type: ignore[union-attr]
    assert [a.status for a in answers] == [
        ReceiptStatus.COMMITTED,
        ReceiptStatus.COMMITTED,
        ReceiptStatus.REJECTED,
        ReceiptStatus.RETRYING,
    ]
    assert answers[0].keys_of("obslog_user") == [{"id": 7}]
    assert answers[1].duplicate
    assert (answers[2].reason, answers[2].detail) == (Reason.CONFLICT, rejection.detail)
    assert answers[3].attempts == 2
    assert not answers[3].final


def test_receipt_format_round_trips_and_refuses_other_messages() -> None:
    event_id = uuid.uuid4()
    keys = [GeneratedKey(1, 2, "calib", {"calib_id": 3})]
    body = encode([document(str(event_id), ReceiptStatus.COMMITTED, keys=keys, duplicate=True)])
    (receipt,) = decode(body)
    assert receipt.event_id == event_id
    assert receipt.keys == tuple(keys)
    assert receipt.duplicate
    assert receipt.committed
    bad: list[Any] = [
        b"{}",
        b"not json",
        b'{"receipts": [{"status": "committed", "event_id": "x"}]}',
        b"[]",
    ]
    for body in bad:
        with pytest.raises(ValueError, match="not a receipt"):
            decode(body)


def test_each_reply_queue_gets_its_own_message() -> None:
    one, other = delivery("opdb.reply.a.1", "c1"), delivery("opdb.reply.b.2", "c2")
    out = receipts.build([one, other], BatchResult(committed=[0, 1]), [])
    assert sorted((o.reply_to, o.correlation_id) for o in out) == [
        ("opdb.reply.a.1", "c1"),
        ("opdb.reply.b.2", "c2"),
    ]
