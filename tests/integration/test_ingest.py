"""The ingestion service end to end on real PostgreSQL and RabbitMQ, in-process."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from functools import partial
from typing import Any

import psycopg
import pytest
from support import (
    Rabbitmqctl,
    add_visit,
    close_broker_connections,
    count,
    event,
    insert,
    publish,
    publish_paced,
    queue_depth,
    running_service,
    scalar,
    take_all,
    wait_until,
)

from daemon.settings import Settings

pytestmark = pytest.mark.integration


def visit(visit_id: int) -> dict[str, Any]:
    return insert("pfs_visit", {"pfs_visit_id": visit_id, "pfs_visit_description": "test"})


def tel_status(visit_id: int, sequence: int) -> dict[str, Any]:
    return insert(
        "tel_status",
        {
            "pfs_visit_id": visit_id,
            "status_sequence_id": sequence,
            "altitude": 60.5,
            "azimuth": 120.25,
            "created_at": "2026-11-24T01:02:03",
        },
    )


def mcs_frame(visit_id: int, frame: int, spots: int) -> list[dict[str, Any]]:
    frame_id = visit_id * 100 + frame
    return [
        insert(
            "mcs_data",
            *(
                {
                    "mcs_frame_id": frame_id,
                    "spot_id": s,
                    "mcs_center_x_pix": s * 0.5,
                    "mcs_center_y_pix": float("nan") if s == 0 else 1.0,
                }
                for s in range(-1, spots - 1)
            ),
        ),
        insert("mcs_exposure", {"mcs_frame_id": frame_id, "pfs_visit_id": visit_id}),
    ]


async def test_ten_thousand_mixed_events_each_row_exactly_once(
    settings: Settings, amqp_url: str
) -> None:
    visits = 50
    parents = [event([visit(v)]) for v in range(1, visits + 1)]
    children: list[dict[str, Any]] = []
    for n in range(10_000 - visits):
        v = n % visits + 1
        if n % 10 == 0:
            children.append(event(mcs_frame(v, n // visits, 5), source="mcs"))
        elif n % 10 == 1:
            children.append(
                event(
                    [
                        insert(
                            "env_condition",
                            {"pfs_visit_id": v, "status_sequence_id": n, "dome_temperature": 4.5},
                        )
                    ],
                    source="gen2",
                )
            )
        else:
            children.append(event([tel_status(v, n)], source="gen2"))
    async with running_service(settings):
        await publish(amqp_url, settings.exchange, parents)
        await wait_until(lambda: count(settings.libpq_url, "pfs_visit") == visits, 30, "visits")
        await publish(amqp_url, settings.exchange, children)
        await wait_until(
            lambda: (
                scalar(settings.libpq_url, "SELECT count(*) FROM opdb_ingest.event_ledger")
                == 10_000
            ),
            90,
            "all events in the ledger",
        )
    url = settings.libpq_url
    expected_frames = len([n for n in range(10_000 - visits) if n % 10 == 0])
    assert count(url, "mcs_exposure") == expected_frames
    assert count(url, "mcs_data") == expected_frames * 5
    assert count(url, "env_condition") == len([n for n in range(10_000 - visits) if n % 10 == 1])
    assert count(url, "tel_status") == 10_000 - visits - expected_frames - count(
        url, "env_condition"
    )
    assert scalar(url, "SELECT count(*) FROM mcs_data WHERE mcs_center_y_pix = 'NaN'") == (
        expected_frames
    )
    assert await queue_depth(amqp_url, settings.dead_letter_queue) == 0


async def test_child_listed_before_parent_in_one_event(settings: Settings, amqp_url: str) -> None:
    async with running_service(settings):
        await publish(amqp_url, settings.exchange, [event([tel_status(7, 1), visit(7)])])
        await wait_until(lambda: count(settings.libpq_url, "tel_status") == 1, 20, "the row")
    assert count(settings.libpq_url, "pfs_visit") == 1


async def test_child_published_before_parent_lands_after_it(
    make_settings: Callable[..., Settings], amqp_url: str
) -> None:
    settings = make_settings(retry_first_delay_ms=200, retry_max_delay_ms=800)
    async with running_service(settings):
        await publish(amqp_url, settings.exchange, [event([tel_status(9, 1)])])
        await asyncio.sleep(0.5)
        assert count(settings.libpq_url, "tel_status") == 0
        await publish(amqp_url, settings.exchange, [event([visit(9)])])
        await wait_until(lambda: count(settings.libpq_url, "tel_status") == 1, 20, "the child")
    assert await queue_depth(amqp_url, settings.dead_letter_queue) == 0


async def test_missing_parent_is_dead_lettered_after_the_retry_budget(
    make_settings: Callable[..., Settings], amqp_url: str
) -> None:
    settings = make_settings(retry_first_delay_ms=100, retry_max_delay_ms=200, retry_give_up_s=0.6)
    async with running_service(settings):
        await publish(amqp_url, settings.exchange, [event([tel_status(11, 1)])])
        dead = await take_all(amqp_url, settings.dead_letter_queue, expect=1, wait_s=10)
    assert len(dead) == 1
    headers = dead[0].headers
    assert headers["x-opdb-reason"] == "missing_parent"
    assert "pfs_visit" in str(headers["x-opdb-detail"])
    assert int(headers["x-opdb-attempts"]) >= 3  # type: ignore[call-overload]


async def test_same_event_published_twice_is_written_once(
    settings: Settings, amqp_url: str
) -> None:
    twice = event([visit(3)])
    async with running_service(settings):
        await publish(amqp_url, settings.exchange, [twice, twice])
        await wait_until(lambda: count(settings.libpq_url, "pfs_visit") == 1, 20, "the row")
        # The sentinel is consumed after the third copy, so once it is written the
        # third copy has been processed too.
        await publish(amqp_url, settings.exchange, [twice, event([visit(4)])])
        await wait_until(lambda: count(settings.libpq_url, "pfs_visit") == 2, 20, "the sentinel")
    assert scalar(settings.libpq_url, "SELECT count(*) FROM pfs_visit WHERE pfs_visit_id = 3") == 1
    assert await queue_depth(amqp_url, settings.dead_letter_queue) == 0


@pytest.mark.parametrize(
    ("bad_row", "reason", "column"),
    [
        ({"pfs_visit_id": 5, "status_sequence_id": "x"}, "validation", "status_sequence_id"),
        ({"pfs_visit_id": 1, "status_sequence_id": 1}, "conflict", "status_sequence_id"),
    ],
    ids=["validation", "conflict"],
)
async def test_one_bad_event_among_good_ones_in_a_batch(
    make_settings: Callable[..., Settings],
    amqp_url: str,
    bad_row: dict[str, Any],
    reason: str,
    column: str,
) -> None:
    settings = make_settings(batch_max_events=500, batch_max_ms=2000)
    with psycopg.connect(settings.libpq_url, autocommit=True) as conn:
        conn.execute("INSERT INTO pfs_visit (pfs_visit_id) SELECT generate_series(1, 5)")
        conn.execute("INSERT INTO tel_status (pfs_visit_id, status_sequence_id) VALUES (1, 1)")
    good = [event([tel_status(n % 5 + 1, n + 10)]) for n in range(499)]
    bad = event([insert("tel_status", bad_row)])
    async with running_service(settings):
        await publish(amqp_url, settings.exchange, [*good[:250], bad, *good[250:]])
        dead = await take_all(amqp_url, settings.dead_letter_queue, expect=1, wait_s=15)
        await wait_until(lambda: count(settings.libpq_url, "tel_status") == 500, 20, "good rows")
    assert len(dead) == 1
    assert dead[0].headers["x-opdb-reason"] == reason
    assert column in str(dead[0].headers["x-opdb-detail"])
    assert dead[0].body == json.dumps(bad).encode()
    assert "x-opdb-failed-at" in dead[0].headers


async def test_database_connections_terminated_mid_stream(
    settings: Settings, amqp_url: str
) -> None:
    await _stream_with_faults(settings, amqp_url, fault=_terminate_backends)


async def test_broker_connection_closed_mid_stream(
    settings: Settings, amqp_url: str, rabbitmqctl: Rabbitmqctl
) -> None:
    await _stream_with_faults(
        settings, amqp_url, fault=partial(_close_broker_connection, rabbitmqctl)
    )


async def _terminate_backends(settings: Settings) -> int:
    with psycopg.connect(settings.libpq_url, autocommit=True) as conn:
        return len(
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'opdb-ingestd' AND datname = current_database()"
            ).fetchall()
        )


async def _close_broker_connection(rabbitmqctl: Rabbitmqctl, settings: Settings) -> int:
    return await asyncio.to_thread(
        close_broker_connections, f"opdb-ingestd {settings.queue}", rabbitmqctl
    )


async def _stream_with_faults(settings: Settings, amqp_url: str, fault: Any) -> None:
    total = 3000
    add_visit(settings.libpq_url)
    events = [event([tel_status(1, n)]) for n in range(total)]
    hits = 0
    async with running_service(settings):
        # Paced (10 s), so that faults keep landing mid-stream however fast the daemon is:
        # a daemon that drained a burst before the second fault made this test flaky.
        publisher = asyncio.create_task(
            publish_paced(amqp_url, settings.exchange, events, per_second=300)
        )
        while not publisher.done():
            await asyncio.sleep(0.3)
            hits += await fault(settings)
        await publisher
        await wait_until(lambda: count(settings.libpq_url, "tel_status") == total, 60, "every row")
    print(f"{hits} faults hit the daemon's connections")
    assert hits >= 3, "the fault did not hit the daemon's connections"
    assert scalar(settings.libpq_url, "SELECT count(*) FROM opdb_ingest.event_ledger") == total
    assert await queue_depth(amqp_url, settings.dead_letter_queue) == 0


async def test_two_events_touching_one_key_in_a_batch(
    make_settings: Callable[..., Settings], amqp_url: str
) -> None:
    settings = make_settings(batch_max_ms=1000)
    first = event([visit(1), tel_status(1, 1)])
    clash = event([insert("tel_status", {"pfs_visit_id": 1, "status_sequence_id": 1})])
    upserts = [
        event(
            [
                {
                    "table": "tel_status",
                    "op": "upsert",
                    "rows": [{"pfs_visit_id": 1, "status_sequence_id": 2, "altitude": float(n)}],
                }
            ]
        )
        for n in range(3)
    ]
    update = event(
        [
            {
                "table": "tel_status",
                "op": "update",
                "rows": [{"pfs_visit_id": 1, "status_sequence_id": 1, "azimuth": 7.5}],
            }
        ]
    )
    async with running_service(settings):
        # One at a time: concurrent publishes may reach the queue in any order, and
        # this test is about the order of writes to one key.
        await publish(amqp_url, settings.exchange, [first, clash, *upserts, update], in_flight=1)
        dead = await take_all(amqp_url, settings.dead_letter_queue, expect=1, wait_s=15)
        await wait_until(
            lambda: (
                scalar(settings.libpq_url, "SELECT count(*) FROM opdb_ingest.event_ledger") == 5
            ),
            20,
            "the other events",
        )
    url = settings.libpq_url
    assert [m.headers["x-opdb-reason"] for m in dead] == ["conflict"]
    assert "status_sequence_id" in str(dead[0].headers["x-opdb-detail"])
    assert scalar(url, "SELECT altitude FROM tel_status WHERE status_sequence_id = 2") == 2.0
    assert scalar(url, "SELECT azimuth FROM tel_status WHERE status_sequence_id = 1") == 7.5
    assert scalar(url, "SELECT altitude FROM tel_status WHERE status_sequence_id = 1") == 60.5
