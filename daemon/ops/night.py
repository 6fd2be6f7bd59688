"""What the instrument is doing right now, read from the opDB, so that pausing ingestion
(maintenance, a breaking migration) can avoid the middle of an observation.

The opDB's timestamps are HST wall-clock time (the contract converts what actors send),
so "now" is compared in Hawaii time. Each check is bounded in time, so an old sequence
that was never closed does not block maintenance forever.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import psycopg

# A sequence opened this long ago without a status row was abandoned, not in progress.
SEQUENCE_WINDOW_H = 12
EXPOSURE_WINDOW_H = 2
FRAME_WINDOW_S = 60

_Check = tuple[str, tuple[int, ...], Callable[[tuple[Any, ...]], str]]
_CHECKS: list[_Check] = [
    (
        "SELECT s.iic_sequence_id, s.name, s.created_at FROM iic_sequence AS s "
        "WHERE s.created_at > (now() AT TIME ZONE 'Pacific/Honolulu') - make_interval(hours "
        "=> %s) AND NOT EXISTS (SELECT 1 FROM iic_sequence_status AS t "
        "WHERE t.iic_sequence_id = s.iic_sequence_id) ORDER BY s.created_at DESC LIMIT 3",
        (SEQUENCE_WINDOW_H,),
        lambda r: (
            f"iic_sequence {r[0]} ({r[1] or 'unnamed'}) open since {r[2]:%H:%M:%S} HST "
            "with no status row yet"
        ),
    ),
    (
        "SELECT pfs_visit_id, sps_camera_id, time_exp_start FROM sps_exposure "
        "WHERE time_exp_end IS NULL AND time_exp_start > (now() AT TIME ZONE "
        "'Pacific/Honolulu') - make_interval(hours => %s) ORDER BY time_exp_start DESC LIMIT 3",
        (EXPOSURE_WINDOW_H,),
        lambda r: (
            f"SPS exposure of visit {r[0]} camera {r[1]} started {r[2]:%H:%M:%S} HST "
            "and has not ended"
        ),
    ),
    (
        "SELECT mcs_frame_id, taken_at FROM mcs_exposure WHERE taken_at > (now() AT TIME ZONE "
        "'Pacific/Honolulu') - make_interval(secs => %s) ORDER BY taken_at DESC LIMIT 1",
        (FRAME_WINDOW_S,),
        lambda r: f"MCS frame {r[0]} taken at {r[1]:%H:%M:%S} HST",
    ),
    (
        "SELECT agc_exposure_id, taken_at FROM agc_exposure WHERE taken_at > (now() AT TIME "
        "ZONE 'Pacific/Honolulu') - make_interval(secs => %s) ORDER BY taken_at DESC LIMIT 1",
        (FRAME_WINDOW_S,),
        lambda r: f"AG exposure {r[0]} taken at {r[1]:%H:%M:%S} HST",
    ),
]


def in_progress(libpq_url: str) -> list[str]:
    """What is being observed now; empty when there is a gap."""
    found: list[str] = []
    with psycopg.connect(libpq_url, autocommit=True) as conn:
        for query, params, describe in _CHECKS:
            try:
                rows = conn.execute(query, params).fetchall()
            except psycopg.errors.UndefinedTable:
                continue  # a database without the opDB tables observes nothing
            found.extend(describe(tuple(row)) for row in rows)
    return found


def wait_for_gap(
    libpq_url: str, timeout_s: float, say: Callable[[str], None], every_s: float = 2.0
) -> bool:
    """Wait until nothing is in progress; False if no gap came within ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while busy := in_progress(libpq_url):
        if time.monotonic() >= deadline:
            return False
        say(f"waiting for a gap in the observations: {'; '.join(busy)}")
        time.sleep(every_s)
    return True
