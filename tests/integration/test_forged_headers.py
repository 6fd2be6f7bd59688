"""Forged ``x-opdb-*`` and ``x-death`` headers on the real broker: each costs its own
event nothing but its normal handling, and nothing else at all."""

from __future__ import annotations

import asyncio
import datetime
import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from typing import Any

import aio_pika
import pytest
from support import (
    FORGED_HEADER_INTEGERS,
    amqp_channel,
    count,
    event,
    insert,
    queue_depth,
    running_service,
    take_all,
    wait_until,
)

from daemon.ingest import deadletter, topology
from daemon.settings import Settings

pytestmark = pytest.mark.integration

# Every kind of value an AMQP header table carries (NaN cannot be published at all:
# RabbitMQ closes the publisher's connection with INTERNAL_ERROR).
FORGED: list[Any] = [
    *FORGED_HEADER_INTEGERS,
    1,
    True,
    "7",
    "x" * 5000,
    1e38,  # pamqp sends floats as 32 bits
    -0.5,
    bytearray(b"\x00\xff" * 50),  # pamqp sends bytearray, not bytes, as a byte array
    {"nested": {"deeper": [2**62, {"x-opdb-attempts": 2**62}]}},
    [2**62, -1, "z"],
    None,
    datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC),
]
# Deeper than Python's default recursion limit: pamqp decodes tables recursively.
DEEP_NESTING = 3000


def _body(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope).encode()


def visit(visit_id: int) -> dict[str, Any]:
    return insert("pfs_visit", {"pfs_visit_id": visit_id})


def tel_status(visit_id: int, sequence: int) -> dict[str, Any]:
    return insert("tel_status", {"pfs_visit_id": visit_id, "status_sequence_id": sequence})


def forgeries() -> list[dict[str, Any]]:
    """Header sets a publisher might send: each value under each daemon header, as a
    death record, and everything at once with a death record naming our retry queue."""
    sets: list[dict[str, Any]] = []
    for value in FORGED:
        sets.append({deadletter.ATTEMPTS_HEADER: value})
        sets.append({deadletter.FIRST_FAILED_HEADER: value, deadletter.REASON_HEADER: value})
        sets.append({"x-death": value})
    return sets


async def publish_with_headers(
    amqp_url: str, exchange: str, items: list[tuple[dict[str, Any], bytes]]
) -> None:
    async with amqp_channel(amqp_url) as channel:
        target = await channel.get_exchange(exchange)
        for headers, body in items:
            message = aio_pika.Message(
                body, headers=headers, delivery_mode=aio_pika.DeliveryMode.PERSISTENT
            )
            await target.publish(message, "forger")


def publish_deeply_nested(amqp_url: str, exchange: str, body: bytes) -> None:
    """From another process: encoding it needs a recursion limit this test process must
    not raise, or it would hide a daemon that cannot decode it."""
    script = textwrap.dedent(
        f"""
        import asyncio, sys, aio_pika
        sys.setrecursionlimit(100_000)
        async def main():
            value = 2**62
            for _ in range({DEEP_NESTING}):
                value = {{"x-opdb-attempts": value}}
            connection = await aio_pika.connect({amqp_url!r})
            channel = await connection.channel(publisher_confirms=True)
            target = await channel.get_exchange({exchange!r})
            headers = {{"x-opdb-attempts": value, "x-death": [value]}}
            await target.publish(aio_pika.Message({body!r}, headers=headers), "forger")
            await connection.close()
        asyncio.run(main())
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


async def test_forged_headers_cost_only_their_own_event(
    make_settings: Callable[..., Settings], amqp_url: str
) -> None:
    # A first retry far away: the forged missing-parent events must all be found
    # waiting in the first retry queue, with attempt 1, whatever they claimed.
    settings = make_settings(retry_first_delay_ms=60_000, retry_max_delay_ms=120_000)
    sets = forgeries()
    good = [(h, _body(event([visit(1000 + i)]))) for i, h in enumerate(sets)]
    orphans = [(h, _body(event([tel_status(99, i)]))) for i, h in enumerate(sets)]
    async with running_service(settings) as service:
        started = time.monotonic()
        await asyncio.to_thread(
            publish_deeply_nested, amqp_url, settings.exchange, _body(event([visit(1)]))
        )
        await asyncio.to_thread(
            publish_deeply_nested, amqp_url, settings.exchange, _body(event([tel_status(99, -1)]))
        )
        await publish_with_headers(amqp_url, settings.exchange, [*good, *orphans])
        # A plain event published after all the forged ones.
        await publish_with_headers(amqp_url, settings.exchange, [({}, _body(event([visit(2)])))])
        await wait_until(
            lambda: count(settings.libpq_url, "pfs_visit") == len(good) + 2, 30, "good events"
        )
        retry_queue = topology.retry_queue_name(settings, 60_000)

        async def all_waiting() -> bool:
            return await queue_depth(amqp_url, retry_queue) == len(orphans) + 1

        deadline = time.monotonic() + 30
        while not await all_waiting():
            assert time.monotonic() < deadline, "forged orphans never reached the first retry"
            await asyncio.sleep(0.2)
        took = time.monotonic() - started
        assert service.state == "running"
    waiting = await take_all(amqp_url, retry_queue, expect=len(orphans) + 1, wait_s=5)
    assert len(waiting) == len(orphans) + 1
    for message in waiting:
        headers = message.headers or {}
        assert headers[deadletter.ATTEMPTS_HEADER] == 1
        assert headers[deadletter.REASON_HEADER] == "missing_parent"
        assert isinstance(headers[deadletter.FIRST_FAILED_HEADER], str)
        assert "x-death" not in headers
    assert await queue_depth(amqp_url, settings.dead_letter_queue) == 0
    assert await queue_depth(amqp_url, settings.queue) == 0
    print(f"FORGED {len(sets) * 2 + 3} events, all handled in {took:.2f} s")


async def test_forged_attempts_neither_skip_nor_stretch_the_schedule(
    make_settings: Callable[..., Settings], amqp_url: str
) -> None:
    """Delays 100, 200, 200 ms fit the 0.6 s budget, a fourth does not: the event is
    dead-lettered after exactly four attempts whatever it claimed at first."""
    settings = make_settings(retry_first_delay_ms=100, retry_max_delay_ms=200, retry_give_up_s=0.6)
    claims = [2**62, 3, -1, "4"]
    async with running_service(settings):
        await publish_with_headers(
            amqp_url,
            settings.exchange,
            [
                (
                    {
                        deadletter.ATTEMPTS_HEADER: claim,
                        "x-death": [
                            {"queue": f"{settings.queue}.retry.200ms", "reason": "expired"}
                        ],
                    },
                    _body(event([tel_status(77, i)])),
                )
                for i, claim in enumerate(claims)
            ],
        )
        dead = await take_all(amqp_url, settings.dead_letter_queue, expect=len(claims), wait_s=15)
    assert len(dead) == len(claims)
    assert [(m.headers or {})[deadletter.ATTEMPTS_HEADER] for m in dead] == [4] * len(claims)
    assert {(m.headers or {})[deadletter.REASON_HEADER] for m in dead} == {"missing_parent"}
