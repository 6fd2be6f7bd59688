"""The broker window follows the largest recent body, large bodies wait unparsed, and
the flow stops while held bodies exceed the buffer (the bound in the README's Memory
section; tests/acceptance/test_memory.py measures it on the real process)."""

from __future__ import annotations

import json
import uuid

import pytest
from pamqp.commands import Basic

from daemon.ingest.messages import Inbound
from daemon.ingest.service import IngestService
from daemon.settings import Settings

pytestmark = pytest.mark.unit

MB = 1024 * 1024


class _OpenChannel:
    is_closed = False


def _inbound(body: bytes) -> Inbound:
    return Inbound(body, 1, _OpenChannel(), Basic.Properties(), "opdb", "test")  # type: ignore[arg-type]


def _small() -> bytes:
    return json.dumps(
        {
            "version": 1,
            "id": str(uuid.uuid4()),
            "source": "test",
            "sent_at": "2026-12-01T00:00:00+00:00",
            "writes": [{"table": "pfs_visit", "op": "insert", "rows": [{"pfs_visit_id": 1}]}],
        }
    ).encode()


def test_one_large_body_shrinks_the_window_to_one_and_it_stays_shrunk() -> None:
    settings = Settings()
    service = IngestService(settings)
    for _ in range(20):
        service._on_message(_inbound(_small()))
    assert service._prefetch() == 2 * settings.batch_max_events
    service._on_message(_inbound(b"x" * (15 * MB)))
    assert service._prefetch() == 1
    # A run of small events right after does not reopen it: the next may be large too.
    for _ in range(200):
        service._on_message(_inbound(_small()))
    assert service._prefetch() == 1


def test_large_bodies_wait_unparsed_and_the_flow_stops_above_the_buffer() -> None:
    settings = Settings()
    service = IngestService(settings)
    service._on_message(_inbound(_small()))
    small = service._batcher._buffer[-1]
    assert small.parsed
    assert small.event is not None
    service._on_message(_inbound(b"x" * (15 * MB)))
    large = service._batcher._buffer[-1]
    assert not large.parsed
    assert large.event is None
    assert large.rejection is None
    assert not service._over_budget()
    service._on_message(_inbound(b"x" * (15 * MB)))
    assert service.held_bytes() > settings.buffer_max_bytes
    assert service._over_budget()
    assert service._prefetch_changed.is_set(), "the adjuster is not told to stop the flow"


def test_the_first_window_fits_the_largest_body_allowed() -> None:
    assert IngestService(Settings())._prefetch() == 1
    roomy = Settings(buffer_max_bytes=64 * MB, max_body_bytes=16 * MB)
    assert IngestService(roomy)._prefetch() == 4
