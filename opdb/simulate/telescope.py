"""Gen2, the telescope: cloud categories (set-up) and the status snapshots of a visit."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from opdb.reference import CLOUD_CONDITIONS
from opdb.simulate.common import (
    Field,
    NightBase,
    Pointing,
    Write,
    hst,
    rows_write,
)


def cloud_conditions(night: NightBase) -> list[Write]:
    # The same facts `opdb-ingestd db seed-reference` loads.
    created = hst(night.o.start - timedelta(days=400))
    rows = [
        {
            "cloud_condition_id": i,
            "cloud_condition_name": name,
            "cloud_condition_description": text,
            "created_at": created,
            "updated_at": created,
        }
        for i, name, text in CLOUD_CONDITIONS
    ]
    return rows_write("cloud_condition", rows, "upsert")


def status_writes(
    night: NightBase,
    fld: Field,
    visit: int,
    sequence: int,
    at: datetime,
    p: Pointing,
    rng: random.Random,
) -> list[Write]:
    drift = sequence * 0.05
    tel = {
        "pfs_visit_id": visit,
        "status_sequence_id": sequence,
        "altitude": round(p.altitude + drift, 4),
        "azimuth": round(p.azimuth + drift, 4),
        "insrot": round(p.insrot + drift, 4),
        "inst_pa": fld.pa,
        "adc_pa": p.adc_pa,
        "m2_pos3": p.m2_pos3,
        "m2_off3": round(rng.uniform(-0.05, 0.05), 4),
        "tel_ra": round(fld.ra, 5),
        "tel_dec": round(fld.dec, 5),
        "dither_ra": 0.0,
        "dither_dec": 0.0,
        "dither_pa": 0.0,
        # -9998 is the sentinel Gen2 sends when the dome status is unavailable.
        "dome_shutter_status": -9998 if rng.random() < 0.05 else 1,
        "dome_light_status": 0,
        "caller": ("iic", "mcs", "agcc", "sps")[(sequence - 1) % 4],
        "created_at": hst(at),
    }
    env = {
        "pfs_visit_id": visit,
        "status_sequence_id": sequence,
        "dome_temperature": round(p.dome_temperature + rng.uniform(-0.1, 0.1), 2),
        "dome_pressure": round(p.pressure + rng.uniform(-0.2, 0.2), 2),
        "dome_humidity": round(p.humidity + rng.uniform(-1, 1), 1),
        "outside_temperature": round(p.outside_temperature + rng.uniform(-0.1, 0.1), 2),
        "outside_pressure": round(p.pressure + rng.uniform(-0.2, 0.2), 2),
        "outside_humidity": round(p.humidity + rng.uniform(-1, 1), 1),
        "created_at": hst(at),
    }
    writes = [*rows_write("tel_status", [tel]), *rows_write("env_condition", [env])]
    if sequence == 1:
        obs = {
            "pfs_visit_id": visit,
            "status_sequence_id": sequence,
            "airmass": round(1 / math.sin(math.radians(p.altitude)), 4),
            "moon_phase": 0.21,
            "moon_alt": round(rng.uniform(-40, 10), 2),
            "moon_sep": round(rng.uniform(60, 140), 2),
            "seeing": round(rng.uniform(0.5, 1.1), 3),
            "transparency": round(rng.uniform(0.8, 1.0), 3),
            "cloud_condition_id": rng.choice((1, 1, 1, 2)),
            "created_at": hst(at),
        }
        writes += rows_write("obs_condition", [obs])
    return writes
