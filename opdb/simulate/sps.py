"""The spectrograph: its modules and cameras (set-up), each visit's ``sps_visit`` and
the exposures of every module and arm."""

from __future__ import annotations

import random
from datetime import datetime

from opdb.reference import REFERENCE_ROWS, sps_camera_id
from opdb.simulate.common import (
    EXPOSED_ARMS,
    NightBase,
    Row,
    Write,
    hst,
    rows_write,
    seconds,
)


def sps_modules(night: NightBase) -> list[Write]:
    return rows_write("sps_module", _reference("sps_module"), "upsert")


def sps_cameras(night: NightBase) -> list[Write]:
    return rows_write("sps_camera", _reference("sps_camera"), "upsert")


def sps_visit_writes(night: NightBase, visit: int) -> list[Write]:
    return rows_write("sps_visit", [{"pfs_visit_id": visit, "exp_type": "object"}])


def sps_exposure_writes(
    night: NightBase,
    visit: int,
    module: int,
    start: datetime,
    end: datetime,
    rng: random.Random,
) -> list[Write]:
    exposures, conditions = [], []
    for arm in EXPOSED_ARMS:
        camera = sps_camera_id(module, arm)
        exposures.append(
            {
                "pfs_visit_id": visit,
                "sps_camera_id": camera,
                "exptime": round((end - start).total_seconds() + rng.uniform(-0.05, 0.05), 3),
                "time_exp_start": hst(start + seconds(rng.uniform(0, 0.05))),
                "time_exp_end": hst(end + seconds(rng.uniform(0, 0.05))),
                "beam_config_date": 61340.5,
            }
        )
        conditions.append(
            {
                "pfs_visit_id": visit,
                "sps_camera_id": camera,
                "background": round(rng.uniform(50, 400), 2),
                "throughput": round(rng.uniform(0.2, 0.35), 4),
            }
        )
    return [
        *rows_write("sps_exposure", exposures),
        *rows_write("sps_condition", conditions),
    ]


def _reference(table: str) -> list[Row]:
    # The set-up events carry the rows `opdb-ingestd db seed-reference` loads; copies,
    # since an envelope is the caller's to change.
    return [dict(row) for row in REFERENCE_ROWS[table]]
