"""The spectrograph: its modules and cameras (set-up), each visit's ``sps_visit`` and
the exposures of every module and arm."""

from __future__ import annotations

import random
from datetime import datetime

from opdb.reference import ARMS, SPS_MODULES, sps_camera_id
from opdb.simulate.common import (
    EXPOSED_ARMS,
    NightBase,
    Write,
    hst,
    rows_write,
    seconds,
)


def sps_modules(night: NightBase) -> list[Write]:
    rows = [{"sps_module_id": m, "description": f"sm{m}"} for m in range(1, SPS_MODULES + 1)]
    return rows_write("sps_module", rows, "upsert")


def sps_cameras(night: NightBase) -> list[Write]:
    rows = [
        {
            "sps_camera_id": sps_camera_id(m, arm),
            "sps_camera_name": f"{arm}{m}",
            "sps_module_id": m,
            "sps_module_name": f"sm{m}",
            "arm": arm,
            "arm_num": ARMS.index(arm) + 1,
        }
        for m in range(1, SPS_MODULES + 1)
        for arm in ARMS
    ]
    return rows_write("sps_camera", rows, "upsert")


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
