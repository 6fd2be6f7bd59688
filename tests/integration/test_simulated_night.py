"""A simulated night, early children included, lands completely through the daemon."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from support import count, publish, queue_depth, running_service, scalar, take_all, wait_until

from daemon.settings import Settings
from opdb.models import Base
from opdb.simulate import NightOptions, expected_rows, simulate_night

pytestmark = pytest.mark.integration

NIGHTS = {
    # Every table the simulator writes, over several fields, with one event per batch:
    # an early child cannot share a transaction with its parent, so it must be retried.
    "small-one-event-batches": (
        NightOptions(
            seed=11,
            visits=5,
            visits_per_field=2,
            frames=3,
            spots=60,
            cobras=120,
            fiducials=12,
            ag_frames=3,
        ),
        {"batch_max_events": 1},
    ),
    # Live-size MCS frames and cobra tables (~2.4k rows per event, written by COPY),
    # with the default batching.
    "full-size-frames": (NightOptions(seed=12, visits=2, frames=2, ag_frames=2), {}),
}


async def land(settings: Settings, amqp_url: str, envelopes: list[dict[str, Any]]) -> None:
    """Publish the night and wait until every event is in the ledger; fail early, with
    the reasons, if any event is dead-lettered."""
    ledger = "SELECT count(*) FROM opdb_ingest.event_ledger"
    await publish(amqp_url, settings.exchange, envelopes)
    deadline = time.monotonic() + 90
    while scalar(settings.libpq_url, ledger) < len(envelopes):
        if await queue_depth(amqp_url, settings.dead_letter_queue):
            dead = await take_all(amqp_url, settings.dead_letter_queue)
            reasons = [(m.headers or {}).get("x-opdb-detail") for m in dead]
            pytest.fail(f"{len(dead)} events dead-lettered: {reasons[:3]}")
        if time.monotonic() > deadline:
            pytest.fail(f"{scalar(settings.libpq_url, ledger)} of {len(envelopes)} events landed")
        await asyncio.sleep(0.2)


@pytest.mark.parametrize(("options", "batching"), NIGHTS.values(), ids=NIGHTS.keys())
async def test_simulated_night_lands_completely(
    make_settings: Callable[..., Settings],
    amqp_url: str,
    options: NightOptions,
    batching: dict[str, Any],
) -> None:
    # Short retry delays: the early children come back within a second.
    settings = make_settings(retry_first_delay_ms=200, retry_max_delay_ms=1000, **batching)
    envelopes = list(simulate_night(options=options))
    async with running_service(settings) as service:
        await land(settings, amqp_url, envelopes)
        metrics = service.metrics.registry
        retried = metrics.get_sample_value("opdb_retries_total", {"reason": "missing_parent"})
        # Event ids are deterministic: the same night published again is written once.
        await publish(amqp_url, settings.exchange, envelopes)
        await wait_until(
            lambda: metrics.get_sample_value("opdb_events_duplicate_total") == len(envelopes),
            60,
            "the second copy of the night to be recognised",
        )
    if batching:
        assert retried, "the early children should have waited for their parents"
    url = settings.libpq_url
    expected = expected_rows(options)
    landed = {table: count(url, table) for table in sorted(Base.metadata.tables)}
    assert {table: n for table, n in landed.items() if n} == expected
    assert await queue_depth(amqp_url, settings.dead_letter_queue) == 0

    # The rows kept what makes the live data awkward.
    frames = expected["mcs_exposure"]
    assert scalar(url, "SELECT count(*) FROM mcs_data WHERE spot_id = -1") == frames
    assert scalar(url, "SELECT count(*) FROM mcs_data WHERE mcs_center_x_pix = 'NaN'") >= frames
    assert scalar(url, "SELECT bool_and(was_observed) FROM pfs_config") is True
    # The AG actor sent UTC; the opDB holds HST wall-clock time of the same evening.
    first_ag = scalar(url, "SELECT min(taken_at) FROM agc_exposure")
    first_visit = scalar(url, "SELECT min(issued_at) FROM pfs_visit")
    assert first_visit < first_ag < first_visit.replace(hour=23, minute=59)
