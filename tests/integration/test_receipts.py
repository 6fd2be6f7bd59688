"""Write receipts against real RabbitMQ, PostgreSQL and the in-process daemon: committed
with generated keys, rejected with reason and detail, interim notices for a missing
parent, a redelivered duplicate answered again, and a forged reply_to ignored."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import aio_pika
import pytest
from support import declare_topology, running_service, scalar, service_in_thread, wait_until

from daemon.settings import Settings
from opdb import db, ids
from opdb.contract import Reason
from opdb.publish import (
    AsyncPublisher,
    Publisher,
    ReceiptStatus,
    ReceiptTimeout,
    insert,
)
from opdb.receipts import decode

pytestmark = pytest.mark.integration


def options(settings: Settings, tmp_path: Path, **more: Any) -> dict[str, Any]:
    return {
        "amqp_url": settings.amqp_url,
        "exchange": settings.exchange,
        "spool_path": tmp_path / f"spool-{uuid.uuid4().hex[:8]}.sqlite",
        **more,
    }


def visit(visit_id: int) -> list[dict[str, Any]]:
    return [insert("pfs_visit", [{"pfs_visit_id": visit_id, "pfs_visit_description": "t"}])]


async def test_committed_with_keys_and_rejected_with_reason(
    settings: Settings, tmp_path: Path
) -> None:
    async with (
        running_service(settings),
        AsyncPublisher("receipts", **options(settings, tmp_path)) as publisher,
    ):
        good = await publisher.publish(visit(1), wait=True, timeout=5)
        assert good.status is ReceiptStatus.COMMITTED
        assert good.committed
        assert good.keys == ()
        assert not good.duplicate
        # The same key again passes the publisher's checks and fails in PostgreSQL.
        bad = await publisher.publish(visit(1), wait=True, timeout=5)
        assert bad.status is ReceiptStatus.REJECTED
        assert bad.reason is Reason.CONFLICT
        assert bad.detail is not None
        assert "pfs_visit" in bad.detail
        # Serial keys left out are drawn by the daemon and reported, in row order.
        notes = await publisher.publish(
            [
                insert("obslog_user", [{"account_name": "a"}, {"account_name": "b"}]),
                insert("obslog_user", [{"account_name": "c"}]),
            ],
            wait=True,
            timeout=5,
        )
        assert notes.committed
        users = notes.keys_of("obslog_user")
        assert [k.write for k in notes.keys] == [0, 0, 1]
        stored = {
            name: scalar(
                settings.libpq_url, "SELECT id FROM obslog_user WHERE account_name = %s", (name,)
            )
            for name in "abc"
        }
        assert [u["id"] for u in users] == [stored["a"], stored["b"], stored["c"]]
        # Only what was asked for is answered: a plain publish returns an id, and no
        # receipt is waiting for it.
        plain = await publisher.publish(visit(2))
        with pytest.raises(Exception, match="no receipt is expected"):
            await publisher.receipt(plain, 0.1)


async def test_missing_parent_sends_notices_then_the_final_receipt(
    make_settings: Any, tmp_path: Path
) -> None:
    settings = make_settings(retry_first_delay_ms=200, retry_max_delay_ms=400)
    async with (
        running_service(settings),
        AsyncPublisher("receipts", **options(settings, tmp_path)) as publisher,
    ):
        child = await publisher.publish(
            [insert("tel_status", [{"pfs_visit_id": 7, "status_sequence_id": 1}])], receipt=True
        )
        with pytest.raises(ReceiptTimeout) as early:
            await publisher.receipt(child, 0.6)
        assert early.value.notice is not None
        assert early.value.notice.status is ReceiptStatus.RETRYING
        assert early.value.notice.reason is Reason.MISSING_PARENT
        await publisher.publish(visit(7))
        final = await publisher.receipt(child, 5)
        assert final.committed


def test_sync_publisher_iic_pattern_needs_no_query(settings: Settings, tmp_path: Path) -> None:
    """IIC: allocate the sequence id, write the sequence and its visits, wait for the
    receipt, then write the visit_set that refers to them: no query in between."""
    with service_in_thread(settings):
        reader = db.engine(db.ReadSettings(database_url=settings.libpq_url))
        (sequence_id,) = ids.allocate("iic_sequence_id", engine=reader)
        reader.dispose()
        with Publisher("iic", **options(settings, tmp_path)) as publisher:
            receipt = publisher.publish(
                [
                    insert("iic_sequence", [{"iic_sequence_id": sequence_id, "name": "bias"}]),
                    *visit(100),
                    *visit(101),
                ],
                wait=True,
                timeout=5,
            )
            assert receipt.committed
            receipt = publisher.publish(
                [
                    insert(
                        "visit_set",
                        [
                            {"pfs_visit_id": 100, "iic_sequence_id": sequence_id},
                            {"pfs_visit_id": 101, "iic_sequence_id": sequence_id},
                        ],
                    )
                ],
                wait=True,
                timeout=5,
            )
            # Committed at the first attempt: the parents were there, no retry was needed.
            assert receipt.committed
            assert receipt.attempts is None
    assert scalar(settings.libpq_url, "SELECT count(*) FROM visit_set") == 2


async def test_a_redelivered_duplicate_gets_its_receipt_again(settings: Settings) -> None:
    reply_queue = f"opdb.reply.test.{uuid.uuid4().hex}"
    event_id = uuid.uuid4()
    envelope = {
        "version": 1,
        "id": str(event_id),
        "source": "test",
        "sent_at": "2026-12-01T12:00:00+00:00",
        "writes": [insert("obslog_user", [{"account_name": "dup"}])],
    }
    async with running_service(settings):
        connection = await aio_pika.connect(settings.amqp_url.get_secret_value())
        try:
            channel = await connection.channel()
            replies = await channel.declare_queue(reply_queue, exclusive=True)
            exchange = await channel.get_exchange(settings.exchange)
            got: list[aio_pika.abc.AbstractIncomingMessage] = []

            async def take(message: aio_pika.abc.AbstractIncomingMessage) -> None:
                got.append(message)

            await replies.consume(take, no_ack=True)
            for expected in (1, 2):
                # The same message twice, as the broker redelivers after a crash before
                # the ack: the second is a duplicate for the ledger.
                await exchange.publish(
                    aio_pika.Message(
                        json.dumps(envelope).encode(),
                        reply_to=reply_queue,
                        correlation_id=str(event_id),
                    ),
                    "test",
                )
                await wait_until(lambda n=expected: len(got) >= n, 10, "a receipt")
        finally:
            await connection.close()
    ((first,), (second,)) = (decode(m.body) for m in got)
    assert got[0].correlation_id == str(event_id)
    assert first.committed
    assert not first.duplicate
    assert second.committed
    assert second.duplicate
    assert first.keys == second.keys
    assert len(first.keys) == 1
    assert scalar(settings.libpq_url, "SELECT count(*) FROM obslog_user") == 1


async def test_a_forged_reply_to_is_ignored(settings: Settings) -> None:
    """reply_to naming the daemon's own queues (or anything outside opdb.reply.*) gets no
    receipt, and the event is committed as usual."""
    await declare_topology(settings)
    envelopes = []
    for n, reply_to in enumerate(
        [
            settings.queue,
            settings.dead_letter_queue,
            "opdb.reply." + "x" * 220,
            "opdb.reply.a b",
            "amq.gen-x",
        ]
    ):
        envelopes.append(
            (
                reply_to,
                {
                    "version": 1,
                    "id": str(uuid.uuid4()),
                    "source": "test",
                    "sent_at": "2026-12-01T12:00:00+00:00",
                    "writes": visit(10 + n),
                },
            )
        )
    async with running_service(settings) as service:
        connection = await aio_pika.connect(settings.amqp_url.get_secret_value())
        try:
            channel = await connection.channel()
            exchange = await channel.get_exchange(settings.exchange)
            for reply_to, envelope in envelopes:
                await exchange.publish(
                    aio_pika.Message(
                        json.dumps(envelope).encode(),
                        reply_to=reply_to,
                        correlation_id=envelope["id"],
                    ),
                    "test",
                )
        finally:
            await connection.close()
        await wait_until(
            lambda: scalar(settings.libpq_url, "SELECT count(*) FROM pfs_visit") == 5,
            10,
            "the events",
        )
        await asyncio.sleep(0.3)
        assert service.metrics.events_consumed._value.get() == 5
        assert service.metrics.receipts_sent._value.get() == 0
    assert scalar(settings.libpq_url, "SELECT count(*) FROM opdb_ingest.event_ledger") == 5
