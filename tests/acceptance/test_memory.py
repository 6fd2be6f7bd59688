"""Peak memory of the real ``opdb-ingestd run`` with 15 MB events among small ones.

The README states the bound (section "Memory"); these tests hold the daemon to it at
default settings, both while the stream flows and when the daemon starts on a backlog,
which is when the broker has the most to push at once.
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from support import (
    MCS_MEASUREMENTS,
    Rig,
    add_visit,
    declare_topology,
    event,
    insert,
    publish,
    queue_depth,
    scalar,
    wait_until,
)

from daemon.settings import Settings

pytestmark = pytest.mark.acceptance

PEAK_RSS_LIMIT_MB = 300
BIG_BODY_BYTES = 15 * 1024 * 1024
_VISIT = 1
_MCS_COLUMNS = (*MCS_MEASUREMENTS, "flux", "fluxerr")


def _big_frames(count: int) -> tuple[list[bytes], int]:
    """MCS frames, one event each, whose bodies are just under BIG_BODY_BYTES:
    full-precision centroids, as the MCS actor sends them, tens of thousands of spots.
    One frame is encoded and copied with other frame and event ids (encoding is slow).
    Returns the bodies and the mcs_data rows of each."""
    rng = random.Random(12)
    template_id = 99
    head = event(
        [
            insert("mcs_exposure", {"mcs_frame_id": template_id, "pfs_visit_id": _VISIT}),
            insert("mcs_data"),
        ],
        source="mcs",
    )
    compact = (",", ":")
    rows: list[str] = []
    # Room for longer frame ids in the copies.
    size = len(json.dumps(head, separators=compact)) + 1024
    spot = 0
    # Formatted by hand: json.dumps per row takes seconds for a frame this size.
    row_format = (
        '{"mcs_frame_id":%d,"spot_id":%d,"flags":%d,'
        + ",".join(f'"{c}":%r' for c in _MCS_COLUMNS)
        + "}"
    )
    while True:
        values = [rng.uniform(1.0, 60000.0) for _ in _MCS_COLUMNS]
        text = row_format % (template_id, spot, spot % 3, *values)
        if size + len(text) + 1 > BIG_BODY_BYTES - 8 * (spot + 1):
            break
        rows.append(text)
        size += len(text) + 1
        spot += 1
    empty = json.dumps(head, separators=compact).encode()
    template = empty.replace(b'"rows":[]}]', b'"rows":[' + ",".join(rows).encode() + b"]}]")
    assert template != empty
    frames = []
    for n in range(count):
        frame = template.replace(
            b'"mcs_frame_id":%d,' % template_id, b'"mcs_frame_id":%d,' % (100 * (n + 1))
        ).replace(head["id"].encode(), str(uuid.uuid4()).encode())
        assert len(frame) <= BIG_BODY_BYTES
        frames.append(frame)
    return frames, len(rows)


def _mix(big: int, small_per_burst: int, burst: int = 1) -> tuple[list[bytes], int]:
    """Small tel_status events with ``burst`` 15 MB frames in a row after every
    ``small_per_burst`` of them; returns the bodies and how many mcs_data rows they hold."""
    bodies: list[bytes] = []
    sequence = 0
    frames, rows_per_frame = _big_frames(big)
    for n, frame in enumerate(frames):
        for _ in range(small_per_burst if n % burst == 0 else 0):
            row = {"pfs_visit_id": _VISIT, "status_sequence_id": sequence}
            bodies.append(json.dumps(event([insert("tel_status", row)], source="tel")).encode())
            sequence += 1
        bodies.append(frame)
    return bodies, rows_per_frame * big


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key == "VmHWM":
            return int(value.split()[0]) / 1024
    raise AssertionError("no VmHWM in /proc status")


def _ledger(settings: Settings) -> int:
    return int(scalar(settings.libpq_url, "SELECT count(*) FROM opdb_ingest.event_ledger"))


@pytest.fixture
def rig(make_settings: Callable[..., Settings], make_rig: Callable[[Settings], Rig]) -> Rig:
    """Default memory settings (buffer, batch caps, body limit), a fresh visit."""
    settings = make_settings(batch_max_ms=0)
    defaults = Settings()
    assert (settings.buffer_max_bytes, settings.batch_max_bytes, settings.max_body_bytes) == (
        defaults.buffer_max_bytes,
        defaults.batch_max_bytes,
        defaults.max_body_bytes,
    )
    add_visit(settings.libpq_url, _VISIT)
    return make_rig(settings)


async def _assert_peak_within_limit(rig: Rig, backlog: bool, mix: tuple[list[bytes], int]) -> None:
    """Ingest the mix with the daemon started before (streaming) or after (backlog) it
    is published; the daemon's peak RSS stays within PEAK_RSS_LIMIT_MB."""
    settings, amqp_url, start_daemon = rig.settings, rig.amqp_url, rig.start_daemon
    bodies, big_rows = mix
    await declare_topology(settings)
    at_rest = None
    if backlog:
        await publish(amqp_url, settings.exchange, bodies, in_flight=20)
        daemon = start_daemon(settings)
    else:
        daemon = start_daemon(settings)
        await asyncio.to_thread(daemon.wait_running)
        at_rest = round(_peak_rss_mb(daemon.process.pid), 1)
        await publish(amqp_url, settings.exchange, bodies, in_flight=20)
    await wait_until(lambda: _ledger(settings) == len(bodies), 600, "every event committed")
    peak = _peak_rss_mb(daemon.process.pid)
    assert await asyncio.to_thread(daemon.stop) == 0
    mcs_rows = scalar(settings.libpq_url, "SELECT count(*) FROM mcs_data")
    assert mcs_rows == big_rows
    assert await queue_depth(amqp_url, settings.dead_letter_queue) == 0
    kind = "backlog" if backlog else "streaming"
    figures = {"mix": kind, "events": len(bodies), "at_rest_mb": at_rest, "peak_mb": round(peak, 1)}
    print(f"MEMORY {json.dumps(figures)}")
    assert peak <= PEAK_RSS_LIMIT_MB, f"peak RSS {peak:.0f} MB > {PEAK_RSS_LIMIT_MB} MB"


@pytest.mark.parametrize("backlog", [False, True], ids=["streaming", "backlog"])
async def test_peak_rss_with_15_mb_events_among_small_ones(rig: Rig, backlog: bool) -> None:
    await _assert_peak_within_limit(rig, backlog, _mix(big=4, small_per_burst=120))


@pytest.mark.chaos
@pytest.mark.timeout(900)
@pytest.mark.parametrize("backlog", [False, True], ids=["streaming", "backlog"])
async def test_peak_rss_with_bursts_of_15_mb_events_after_long_runs_of_small_ones(
    rig: Rig, backlog: bool
) -> None:
    """The hard case for a window sized by message count: three 15 MB frames in a row
    after enough small events for the window to have opened wide."""
    await _assert_peak_within_limit(rig, backlog, _mix(big=12, small_per_burst=1500, burst=3))
