"""The publisher client against real RabbitMQ and the in-process daemon: rows arrive,
refusals match the daemon's word for word, and an unreachable broker loses nothing and
reorders nothing."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aio_pika
import numpy as np
import pytest
from support import (
    body,
    count,
    declare_topology,
    event,
    free_port,
    mcs_centroids,
    publisher_options,
    queue_depth,
    running_service,
    scalar,
    take_all,
    wait_until,
)

from daemon.settings import Settings
from opdb.contract import Contract, EventRejected
from opdb.publish import AsyncPublisher, Publisher, insert
from opdb.wire import SOURCE_HEADER

pytestmark = pytest.mark.integration

SPOTS = np.dtype([("spot_id", "i4"), ("mcs_center_x_pix", "f4"), ("mcs_center_y_pix", "f8")])
# publish() promises to return within publish_timeout_s; this is the scheduling slack.
MARGIN_S = 0.25


def at(amqp_url: str, port: int) -> str:
    """``amqp_url`` with its credentials and vhost, but on a local ``port``."""
    parts = urlsplit(amqp_url)
    userinfo = parts.netloc.rpartition("@")[0]
    return urlunsplit(parts._replace(netloc=f"{userinfo}@127.0.0.1:{port}"))


def centroids(count: int) -> np.ndarray[Any, np.dtype[np.void]]:
    spots = mcs_centroids(SPOTS, count, (0.5, 100.5), mcs_center_y_pix=1.0)
    spots["mcs_center_y_pix"][0] = np.nan
    return spots


def visit(visit_id: int) -> list[dict[str, Any]]:
    return [insert("pfs_visit", [{"pfs_visit_id": visit_id, "pfs_visit_description": "test"}])]


def tel_status(visit_id: int, sequence: int) -> dict[str, Any]:
    return {
        "pfs_visit_id": visit_id,
        "status_sequence_id": sequence,
        "altitude": np.float32(60.5),
        "azimuth": 120.25,
        "created_at": "2026-11-24T01:02:03",
    }


async def rows_landed(url: str, expected: dict[str, int]) -> None:
    await wait_until(
        lambda: all(count(url, table) == n for table, n in expected.items()),
        30,
        f"rows {expected}",
    )


async def test_sync_publisher_rows_arrive(settings: Settings, tmp_path: Path) -> None:
    def actor() -> None:
        # Actors publish from their own threads; each event goes straight to the broker.
        with Publisher("mcs", **publisher_options(settings, tmp_path)) as publisher:
            publisher.publish(visit(1))
            publisher.publish_tel_status(tel_status(1, 1))
            publisher.publish_mcs_frame({"mcs_frame_id": 100, "pfs_visit_id": 1}, centroids(50))
            publisher.publish(
                [
                    insert("sps_module", [{"sps_module_id": 1, "description": "sm1"}]),
                    insert(
                        "sps_camera",
                        [{"sps_camera_id": c, "sps_module_id": 1} for c in (1, 2)],
                    ),
                ]
            )
            publisher.publish_sps_exposure(
                [{"pfs_visit_id": 1, "sps_camera_id": c, "exptime": 1.5} for c in (1, 2)],
                sps_visit={"pfs_visit_id": 1, "exp_type": "arc"},
            )
            sequence = {"iic_sequence_id": 5, "name": "biases"}
            publisher.publish_iic_sequence(sequence)
            publisher.publish_iic_sequence(sequence, {"iic_sequence_id": 5, "status_flag": 0})
            assert publisher.pending() == 0

    url = settings.libpq_url
    async with running_service(settings):
        await asyncio.to_thread(actor)
        await rows_landed(
            url,
            {
                "pfs_visit": 1,
                "tel_status": 1,
                "mcs_exposure": 1,
                "mcs_data": 50,
                "sps_visit": 1,
                "sps_exposure": 2,
                "iic_sequence": 1,
                "iic_sequence_status": 1,
            },
        )
    assert scalar(url, "SELECT count(*) FROM mcs_data WHERE mcs_frame_id = 100") == 50
    assert scalar(url, "SELECT count(*) FROM mcs_data WHERE mcs_center_y_pix IS NULL") == 1
    assert scalar(url, "SELECT altitude FROM tel_status") == 60.5
    assert await queue_depth(settings.amqp_url.get_secret_value(), settings.dead_letter_queue) == 0


async def test_async_publisher_rows_arrive(settings: Settings, tmp_path: Path) -> None:
    url = settings.libpq_url
    async with (
        running_service(settings),
        AsyncPublisher("gen2", **publisher_options(settings, tmp_path)) as publisher,
    ):
        await publisher.publish(visit(2))
        for sequence in range(1, 4):
            await publisher.publish_tel_status(tel_status(2, sequence))
        await publisher.publish_mcs_frame({"mcs_frame_id": 200, "pfs_visit_id": 2}, centroids(30))
        assert publisher.pending() == 0
        await rows_landed(url, {"pfs_visit": 1, "tel_status": 3, "mcs_data": 30})
    assert scalar(url, "SELECT count(*) FROM mcs_data WHERE mcs_center_y_pix IS NULL") == 1


async def test_mcs_frame_from_a_dataframe(settings: Settings, tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(centroids(40))
    url = settings.libpq_url
    async with (
        running_service(settings),
        AsyncPublisher("mcs", **publisher_options(settings, tmp_path)) as publisher,
    ):
        await publisher.publish(visit(3))
        await publisher.publish_mcs_frame({"mcs_frame_id": 300, "pfs_visit_id": 3}, frame)
        await rows_landed(url, {"mcs_exposure": 1, "mcs_data": 40})
    assert scalar(url, "SELECT count(*) FROM mcs_data WHERE mcs_center_y_pix IS NULL") == 1
    assert scalar(url, "SELECT max(mcs_center_x_pix) FROM mcs_data") == 100.5


@pytest.mark.parametrize(
    "writes",
    [
        [insert("tel_status", [{"pfs_visit_id": 1, "status_sequence_id": "x"}])],
        [insert("tel_status", [{"pfs_visit_id": 1}])],
        [insert("pfs_visit", [{"pfs_visit_id": 1, "colour": "red"}])],
        [insert("mcs_exposure", [{"mcs_frame_id": 1, "altitude": 1e39}])],
        [insert("no_such_table", [{"a": 1}])],
        [insert("pfs_visit", [])],
        [{"table": "pfs_visit", "op": "update", "rows": [{"pfs_visit_id": 1}]}],
    ],
    ids=["type", "missing", "unknown-column", "real-range", "unknown-table", "empty", "update"],
)
async def test_invalid_event_is_refused_as_the_daemon_would_and_not_sent(
    settings: Settings, amqp_url: str, tmp_path: Path, writes: list[dict[str, Any]]
) -> None:
    await declare_topology(settings)
    with Publisher("gen2", **publisher_options(settings, tmp_path)) as publisher:
        with pytest.raises(EventRejected) as at_actor:
            publisher.publish(writes)
        with pytest.raises(EventRejected) as at_daemon:
            Contract().parse(body(event(writes, source="gen2")))
        assert at_actor.value.reason == at_daemon.value.reason
        assert at_actor.value.detail == at_daemon.value.detail
        assert publisher.pending() == 0
        assert await queue_depth(amqp_url, settings.queue) == 0
        # A good event behind it is all the queue ever gets.
        sentinel = publisher.publish(visit(1))
    taken = await take_all(amqp_url, settings.queue, expect=2, wait_s=1.0)
    assert [message.message_id for message in taken] == [str(sentinel)]


async def test_events_spooled_while_unreachable_are_sent_in_order_by_the_next_publisher(
    settings: Settings, amqp_url: str, tmp_path: Path
) -> None:
    await declare_topology(settings)
    ids: list[uuid.UUID] = []
    down = publisher_options(settings, tmp_path, amqp_url=at(amqp_url, free_port()))
    with Publisher("gen2", **down) as publisher:
        for n in range(30):
            started = time.monotonic()
            ids.append(publisher.publish(visit(n)))
            assert time.monotonic() - started < publisher.settings.publish_timeout_s + MARGIN_S
        assert publisher.pending() == 30

    with Publisher("gen2", **publisher_options(settings, tmp_path)) as publisher:
        # Published while the old spool is still there: it must come after it.
        ids.append(publisher.publish(visit(30)))
        assert publisher.flush(30)
        assert publisher.pending() == 0

    messages = await take_all(amqp_url, settings.queue, expect=len(ids) + 1, wait_s=2.0)
    assert [message.message_id for message in messages] == [str(i) for i in ids]
    first = messages[0]
    assert first.content_type == "application/json"
    assert first.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert first.app_id == "gen2"
    assert first.headers[SOURCE_HEADER] == "gen2"
    assert first.routing_key == "gen2.pfs_visit"
    assert Contract().parse(first.body).id == ids[0]


class FlakyBroker:
    """A TCP proxy in front of the broker that refuses connections, forwards them, or
    cuts the live ones, as a network or a broker restart would."""

    def __init__(self, amqp_url: str) -> None:
        parts = urlsplit(amqp_url)
        self._target = (parts.hostname or "127.0.0.1", parts.port or 5672)
        self._amqp_url = amqp_url
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._pipes: set[asyncio.Task[None]] = set()
        self.forwarding = False

    @property
    def url(self) -> str:
        assert self._server is not None
        return at(self._amqp_url, self._server.sockets[0].getsockname()[1])

    async def __aenter__(self) -> FlakyBroker:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        await self.cut()
        await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.forwarding:
            writer.close()
            return
        upstream_reader, upstream_writer = await asyncio.open_connection(*self._target)
        self._writers |= {writer, upstream_writer}
        for source, sink in ((reader, upstream_writer), (upstream_reader, writer)):
            task = asyncio.create_task(self._pipe(source, sink))
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except OSError:
            pass
        finally:
            sink.close()

    async def cut(self) -> None:
        """Refuse from now on and drop every forwarded connection."""
        self.forwarding = False
        for writer in self._writers:
            writer.close()
        self._writers.clear()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*self._pipes, return_exceptions=True)


async def test_one_publisher_rides_out_a_broker_outage_in_order(
    settings: Settings, amqp_url: str, tmp_path: Path
) -> None:
    await declare_topology(settings)
    ids: list[uuid.UUID] = []

    async def publish_quickly(publisher: AsyncPublisher, visit_id: int) -> None:
        started = time.monotonic()
        ids.append(await publisher.publish(visit(visit_id)))
        assert time.monotonic() - started < publisher.settings.publish_timeout_s + MARGIN_S

    async with (
        FlakyBroker(amqp_url) as broker,
        AsyncPublisher("mcs", **publisher_options(settings, tmp_path, amqp_url=broker.url)) as pub,
    ):
        for n in range(5):  # refused from the start
            await publish_quickly(pub, n)
        assert pub.pending() == 5

        broker.forwarding = True
        assert await pub.flush(30)
        for n in range(5, 10):  # straight through
            await publish_quickly(pub, n)
            assert pub.pending() == 0

        await broker.cut()  # the connection dies under the publisher
        for n in range(10, 15):
            await publish_quickly(pub, n)
        assert pub.pending() == 5

        broker.forwarding = True
        assert await pub.flush(30)

    messages = await take_all(amqp_url, settings.queue, expect=len(ids) + 1, wait_s=2.0)
    assert [message.message_id for message in messages] == [str(i) for i in ids]
    event_ids = [Contract().parse(message.body).id for message in messages]
    assert event_ids == ids
