"""The daemon's pieces that need no service: settings, retry schedule, batching,
systemd notification, log masking."""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import socket
import types
from pathlib import Path
from typing import Any

import pytest
import structlog

from daemon.ingest import deadletter, topology
from daemon.ingest.batcher import Batcher
from daemon.ingest.messages import Delivery
from daemon.ingest.systemd import Notifier
from daemon.logs import configure_logging, mask_secrets
from daemon.settings import Settings, libpq_database_url, mask_url, sqlalchemy_database_url
from opdb.contract import EventRejected, Reason

pytestmark = pytest.mark.unit


def test_urls_are_normalised_and_masked() -> None:
    assert sqlalchemy_database_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert libpq_database_url("postgresql+psycopg://u@h/db") == "postgresql://u@h/db"
    assert (
        mask_url("postgresql://opdb:hunter2@db:5432/opdb") == "postgresql://opdb:***@db:5432/opdb"
    )
    assert mask_url("amqp://h/") == "amqp://h/"
    with pytest.raises(ValueError, match="not a PostgreSQL URL"):
        sqlalchemy_database_url("mysql://u:secret@h/db")


def test_settings_come_from_opdb_environment_and_hide_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPDB_DATABASE_URL", "postgresql://ingest:secret@db/opdb")
    monkeypatch.setenv("OPDB_QUEUE", "opdb.lab")
    settings = Settings()
    assert settings.queue == "opdb.lab"
    assert settings.dead_letter_queue == "opdb.lab.dead"
    assert "secret" not in repr(settings)
    assert settings.libpq_url == "postgresql://ingest:secret@db/opdb"


def test_retry_schedule_doubles_caps_and_gives_up() -> None:
    settings = Settings(retry_first_delay_ms=1000, retry_max_delay_ms=8000, retry_give_up_s=30)
    delays = [deadletter.retry_delay_ms(settings, n) for n in range(1, 8)]
    assert delays == [1000, 2000, 4000, 8000, 8000, None, None]
    assert topology.retry_delays_ms(settings) == [1000, 2000, 4000, 8000]
    assert topology.queue_names(settings)[-1] == "opdb.ingest.retry.quorum.8000ms"


def test_default_retry_budget_is_about_fifteen_minutes() -> None:
    settings = Settings()
    waited, attempt = 0, 1
    while (delay := deadletter.retry_delay_ms(settings, attempt)) is not None:
        waited += delay
        attempt += 1
    assert 600_000 <= waited <= 900_000
    assert deadletter.retry_delay_ms(settings, 1) == 1000


class _Message:
    """Just enough of an incoming message for the disposition logic: by default one a
    publisher sent through the topic exchange."""

    def __init__(
        self,
        headers: dict[str, Any] | None = None,
        exchange: str = "opdb",
        routing_key: str = "actor",
    ) -> None:
        self.properties = types.SimpleNamespace(headers=headers or {})
        self.exchange = exchange
        self.routing_key = routing_key

    @property
    def headers(self) -> dict[str, Any]:
        return dict(self.properties.headers)


def _back_from_retry(queue: str, delay_ms: int, headers: dict[str, Any]) -> _Message:
    """A message as the broker moves it back from a retry queue."""
    death = {"queue": f"{queue}.retry.{delay_ms}ms", "reason": "expired", "count": 1}
    return _Message({**headers, "x-death": [death]}, exchange="", routing_key=queue)


def test_missing_parent_waits_then_dead_letters_with_headers() -> None:
    settings = Settings(retry_first_delay_ms=100, retry_max_delay_ms=200, retry_give_up_s=0.5)
    rejection = EventRejected(Reason.MISSING_PARENT, "table tel_status: no pfs_visit 3")
    now = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)
    first = deadletter.dispose(settings, _Message(), rejection, now)  # type: ignore[arg-type]
    assert not first.dead
    assert first.routing_key == "opdb.ingest.retry.quorum.100ms"
    assert first.headers["x-opdb-attempts"] == 1
    last = deadletter.dispose(
        settings,
        _back_from_retry("opdb.ingest", 200, {"x-opdb-attempts": 4}),
        rejection,
        now,  # type: ignore[arg-type]
    )
    assert last.dead
    assert last.routing_key == "opdb.ingest.dead"
    assert last.headers["x-opdb-reason"] == "missing_parent"
    assert last.headers["x-opdb-attempts"] == 5
    assert last.headers["x-opdb-failed-at"].startswith("2026-11-24T10:00:00")


def test_other_reasons_are_dead_lettered_at_once() -> None:
    rejection = EventRejected(Reason.VALIDATION, "writes[0] tel_status insert: ...")
    disposition = deadletter.dispose(Settings(), _Message(), rejection)  # type: ignore[arg-type]
    assert disposition.dead
    assert disposition.headers["x-opdb-detail"].startswith("writes[0]")


def _delivery(size: int) -> Delivery:
    return Delivery(message=None, size=size)  # type: ignore[arg-type]


async def test_batches_close_at_n_events_b_bytes_or_t_ms() -> None:
    stop = asyncio.Event()
    by_count = Batcher(max_events=3, max_bytes=10_000, max_wait_s=60)
    for _ in range(7):
        by_count.add(_delivery(10))
    assert [len(await by_count.next_batch(stop)) for _ in range(2)] == [3, 3]

    by_bytes = Batcher(max_events=100, max_bytes=250, max_wait_s=60)
    for _ in range(5):
        by_bytes.add(_delivery(100))
    assert len(await by_bytes.next_batch(stop)) == 2

    by_time = Batcher(max_events=100, max_bytes=10_000, max_wait_s=0.05)
    by_time.add(_delivery(10))
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert len(await by_time.next_batch(stop)) == 1
    assert 0.04 <= loop.time() - started < 1


async def test_without_linger_a_free_writer_takes_what_has_arrived_at_once() -> None:
    stop = asyncio.Event()
    batcher = Batcher(max_events=100, max_bytes=10_000, max_wait_s=0)
    loop = asyncio.get_running_loop()
    for _ in range(3):
        batcher.add(_delivery(10))
    assert len(await batcher.next_batch(stop)) == 3
    # An event arriving while the writer waits idle is handed over on arrival.
    loop.call_later(0.02, batcher.add, _delivery(10))
    started = loop.time()
    assert len(await batcher.next_batch(stop)) == 1
    assert loop.time() - started < 0.2


async def test_an_idle_batcher_returns_empty_and_stop_ends_the_wait() -> None:
    batcher = Batcher(max_events=10, max_bytes=10_000, max_wait_s=60)
    assert await batcher.next_batch(asyncio.Event(), idle_s=0.01) == []
    stop = asyncio.Event()
    batcher.add(_delivery(1))
    asyncio.get_running_loop().call_later(0.05, stop.set)
    assert await batcher.next_batch(stop) == []
    assert [len(b) for b in batcher.drain()] == [1]


def test_a_big_delivery_still_forms_a_batch_of_one() -> None:
    batcher = Batcher(max_events=10, max_bytes=100, max_wait_s=60)
    batcher.add(_delivery(1000))
    batcher.add(_delivery(1))
    assert [len(b) for b in batcher.drain()] == [1, 1]
    assert batcher.buffered_bytes == 0


def test_systemd_notifications_and_watchdog(tmp_path: Path) -> None:
    path = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(path)
        listener.settimeout(1)
        notifier = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"})
        notifier.ready("running")
        assert listener.recv(1000) == b"READY=1\nSTATUS=running"
        notifier.progressed()
        assert notifier.feed_watchdog_if_progressing()
        assert listener.recv(1000) == b"WATCHDOG=1"
        notifier._last_progress -= 10
        assert not notifier.feed_watchdog_if_progressing()


def test_outside_systemd_notifications_are_no_ops() -> None:
    notifier = Notifier({})
    assert not notifier.enabled
    notifier.ready("running")
    assert not notifier.feed_watchdog_if_progressing()


def test_logs_are_one_json_stream_without_passwords(capsys: pytest.CaptureFixture[str]) -> None:
    assert mask_secrets("at postgresql://u:pw@h/db and amqp://g:g@h/") == (
        "at postgresql://u:***@h/db and amqp://g:***@h/"
    )
    configure_logging("INFO")
    try:
        structlog.get_logger("t").info("batch", url="postgresql://u:pw@h/db", events=3)
        logging.getLogger("aio_pika.x").warning("lost amqp://g:secret@h/")
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    finally:
        structlog.reset_defaults()
        logging.getLogger().handlers.clear()
    assert lines[0]["event"] == "batch"
    assert lines[0]["url"] == "postgresql://u:***@h/db"
    assert lines[1]["event"] == "lost amqp://g:***@h/"
    assert "secret" not in json.dumps(lines)
