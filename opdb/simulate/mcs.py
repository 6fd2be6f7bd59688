"""The metrology camera and the fiber positioner: MCS cameras, cobras and fiducial
fibers (set-up), and each convergence iteration's target, MCS frame, match and move."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import datetime, timedelta

from opdb.reference import REFERENCE_ROWS
from opdb.simulate.common import (
    MCS_SCALE,
    MCS_X0,
    MCS_Y0,
    NAN,
    UNASSIGNED,
    VERSIONS,
    Field,
    Iteration,
    NightBase,
    Pointing,
    Row,
    Write,
    cobra_wiring,
    fiducial_layout,
    hst,
    rows_write,
)


def mcs_cameras(night: NightBase) -> list[Write]:
    # The same rows `opdb-ingestd db seed-reference` loads.
    rows = [dict(row) for row in REFERENCE_ROWS["mcs_camera"]]
    return rows_write("mcs_camera", rows, "upsert")


def cobras(night: NightBase, ids: list[int], _rng: random.Random) -> list[Write]:
    stamp = hst(night.o.start - timedelta(days=23))
    rows = [
        {**cobra_wiring(c, night.o.cobras), "created_at": stamp, "updated_at": stamp} for c in ids
    ]
    return rows_write("cobra", rows, "upsert")


def fiducials(night: NightBase, _rng: random.Random) -> list[Write]:
    rows = []
    counts: Counter[str] = Counter()
    for i, (x, y, kind) in enumerate(fiducial_layout(night.o.fiducials), start=1):
        counts[kind] += 1
        rows.append(
            {
                "fiducial_fiber_id": i,
                "field_on_pfi": int((math.atan2(y, x) % (2 * math.pi)) // (2 * math.pi / 3)) + 1,
                "ff_in_field": i,
                "ff_type": kind,
                "ff_id_in_type": counts[kind],
                "mask": 7 if kind == "outer" else 6,
                "version": "2026-11-01",
            }
        )
    return rows_write("fiducial_fiber", rows, "upsert")


def target_writes(night: NightBase, fld: Field, it: int, _rng: random.Random) -> list[Write]:
    visit = fld.visit0
    rows = [
        {
            "pfs_visit_id": visit,
            "iteration": it,
            "cobra_id": c + 1,
            "pfs_config_id": fld.design_id,
            "pfi_nominal_x_mm": fld.target_x[c],
            "pfi_nominal_y_mm": fld.target_y[c],
            "pfi_target_x_mm": fld.target_x[c],
            "pfi_target_y_mm": fld.target_y[c],
            "flags": 0 if fld.target_type[c] != UNASSIGNED else 2,
        }
        for c in range(night.o.cobras)
    ]
    return rows_write("cobra_target", rows)


def mcs_writes(
    night: NightBase, fld: Field, it: int, taken: datetime, p: Pointing, rng: random.Random
) -> list[Write]:
    state = iteration(night, fld, it)
    frame_id = fld.visit0 * 100 + it
    exposure = {
        "mcs_frame_id": frame_id,
        "pfs_visit_id": fld.visit0,
        "mcs_exptime": 4.8,
        "altitude": p.altitude,
        "azimuth": p.azimuth,
        "insrot": p.insrot,
        "adc_pa": p.adc_pa,
        "dome_temperature": p.dome_temperature,
        "dome_pressure": p.pressure,
        "dome_humidity": p.humidity,
        "outside_temperature": p.outside_temperature,
        "outside_pressure": p.pressure,
        "outside_humidity": p.humidity,
        "mcs_cover_temperature": round(p.dome_temperature - 273.15 + 0.4, 2),
        "mcs_m1_temperature": round(p.dome_temperature - 273.15 - 0.3, 2),
        "mcs_camera_id": 1,
        "measurement_algorithm": "windowed",
        "version_actor": VERSIONS["mcs"],
        "version_instdata": VERSIONS["instdata"],
        "taken_at": hst(taken),
        "taken_in_hst_at": hst(taken),
    }
    # The sentinel: unmatched cobras point at spot -1, so every frame carries one.
    spots: list[Row] = [
        {
            "mcs_frame_id": frame_id,
            "spot_id": -1,
            "mcs_center_x_pix": NAN,
            "mcs_center_y_pix": NAN,
            "mcs_second_moment_x_pix": NAN,
            "mcs_second_moment_y_pix": NAN,
            "mcs_second_moment_xy_pix": NAN,
            "bgvalue": NAN,
            "peakvalue": NAN,
            "flags": 0,
            "flux": NAN,
            "fluxerr": NAN,
        }
    ]
    uniform = rng.uniform
    for spot, (x, y) in enumerate(zip(state.spot_x, state.spot_y, strict=True)):
        failed = math.isnan(x)
        peak = uniform(2000, 30000)
        flux = peak * 21.0
        spots.append(
            {
                "mcs_frame_id": frame_id,
                "spot_id": spot,
                "mcs_center_x_pix": NAN if failed else round(MCS_X0 + x * MCS_SCALE, 3),
                "mcs_center_y_pix": NAN if failed else round(MCS_Y0 + y * MCS_SCALE, 3),
                "mcs_second_moment_x_pix": NAN if failed else round(uniform(4, 6), 3),
                "mcs_second_moment_y_pix": NAN if failed else round(uniform(4, 6), 3),
                "mcs_second_moment_xy_pix": NAN if failed else round(uniform(-0.3, 0.3), 3),
                "bgvalue": round(uniform(900, 1100), 1),
                "peakvalue": round(peak, 1),
                "flags": 4 if failed else 0,
                "flux": round(flux, 1),
                "fluxerr": round(math.sqrt(flux), 2),
            }
        )
    transformation = {
        "mcs_frame_id": frame_id,
        "x0": round(uniform(-0.05, 0.05), 5),
        "y0": round(uniform(-0.05, 0.05), 5),
        "dscale": round(1 + uniform(-1e-4, 1e-4), 7),
        "scale2": round(uniform(-1e-6, 1e-6), 9),
        "theta": round(uniform(-1e-3, 1e-3), 6),
        "alpha_rot": 0.0,
        "camera_name": "rmod_71m",
    }
    model = {
        "mcs_frame_id": frame_id,
        "matrix": [8350.0, 0.0, MCS_X0, 0.0, 8350.0, MCS_Y0, 0.0, 0.0, 1.0],
        "distor": [round(uniform(-0.01, 0.01), 6) for _ in range(5)],
        "rot_vector": [round(uniform(-0.01, 0.01), 6) for _ in range(3)],
        "tran_vector": [round(uniform(-1, 1), 4), round(uniform(-1, 1), 4), 15600.0],
    }
    return [
        *rows_write("mcs_exposure", [exposure]),
        *rows_write("mcs_data", spots),
        *rows_write("mcs_pfi_transformation", [transformation]),
        *rows_write("camera_model_f3c_mcs", [model]),
    ]


def match_writes(night: NightBase, fld: Field, it: int, _rng: random.Random) -> list[Write]:
    state = iteration(night, fld, it)
    visit, frame_id = fld.visit0, fld.visit0 * 100 + it
    matches = []
    for c, spot in enumerate(state.cobra_spot):
        x = state.spot_x[spot] if spot >= 0 else NAN
        y = state.spot_y[spot] if spot >= 0 else NAN
        matches.append(
            {
                "pfs_visit_id": visit,
                "iteration": it,
                "cobra_id": c + 1,
                "mcs_frame_id": frame_id,
                "spot_id": spot,
                "pfi_center_x_mm": x,
                "pfi_center_y_mm": y,
                "flags": 0 if spot >= 0 else 1,
            }
        )
    fiducials = []
    for i, ((fx, fy, kind), spot) in enumerate(
        zip(fiducial_layout(night.o.fiducials), state.fiducial_spot, strict=True)
    ):
        fiducials.append(
            {
                "pfs_visit_id": visit,
                "iteration": it,
                "fiducial_fiber_id": i + 1,
                "mcs_frame_id": frame_id,
                "spot_id": spot,
                "pfi_center_x_mm": state.spot_x[spot] if spot >= 0 else NAN,
                "pfi_center_y_mm": state.spot_y[spot] if spot >= 0 else NAN,
                "fiducial_tweaked_x_mm": round(fx, 4),
                "fiducial_tweaked_y_mm": round(fy, 4),
                "flags": 0 if spot >= 0 else 1,
                "match_mask": 7 if kind == "outer" else 6,
            }
        )
    return [
        *rows_write("cobra_match", matches),
        *rows_write("fiducial_fiber_match", fiducials),
    ]


def move_writes(night: NightBase, fld: Field, it: int, rng: random.Random) -> list[Write]:
    visit = fld.visit0
    steps = 400 * 0.35**it
    uniform = rng.uniform
    rows = [
        {
            "pfs_visit_id": visit,
            "iteration": it,
            "cobra_id": c + 1,
            "cobra_motor_model_id_theta": 1,
            "motor_target_theta": round(uniform(0, 2 * math.pi), 5),
            "motor_num_step_theta": round(uniform(-steps, steps)),
            "motor_on_time_theta": round(uniform(0.04, 0.08), 4),
            "cobra_motor_model_id_phi": 2,
            "motor_target_phi": round(uniform(-math.pi, 0), 5),
            "motor_num_step_phi": round(uniform(-steps, steps)),
            "motor_on_time_phi": round(uniform(0.04, 0.08), 4),
            "flags": 0,
        }
        for c in range(night.o.cobras)
    ]
    return rows_write("cobra_move", rows)


def iteration(night: NightBase, fld: Field, it: int) -> Iteration:
    """The MCS view at one iteration, computed once from its own seeded generator."""
    cached = fld.iterations.get(it)
    if cached is not None:
        return cached
    o = night.o
    rng = night.rng(f"iteration/{fld.visit0}/{it}")
    real = o.spots - 1
    order = list(range(real))
    rng.shuffle(order)
    spot_x = [NAN] * real
    spot_y = [NAN] * real
    used = 0
    fiducial_spot = [-1] * o.fiducials
    for i, (x, y, _kind) in enumerate(fiducial_layout(o.fiducials)):
        if used < real:
            spot = order[used]
            used += 1
            fiducial_spot[i] = spot
            spot_x[spot] = round(x + rng.gauss(0, 0.003), 4)
            spot_y[spot] = round(y + rng.gauss(0, 0.003), 4)
    sigma = max(0.002, 1.5 * 0.35**it)  # each iteration takes the fibers ~3x closer
    cobra_spot = [-1] * o.cobras
    gauss, draw = rng.gauss, rng.random
    for c in range(o.cobras):
        dx, dy, lost = gauss(0, sigma), gauss(0, sigma), draw() < 0.01
        if used < real and not lost:  # ~1% hidden (black dots, broken fibers)
            spot = order[used]
            used += 1
            cobra_spot[c] = spot
            spot_x[spot] = round(fld.target_x[c] + dx, 4)
            spot_y[spot] = round(fld.target_y[c] + dy, 4)
    for spot in order[used:]:  # stray light and cosmic rays
        spot_x[spot] = round(rng.uniform(-200, 200), 4)
        spot_y[spot] = round(rng.uniform(-200, 200), 4)
    for spot in range(real):  # a few centroid fits fail: NaN, as the MCS reports
        if draw() < 0.002:
            spot_x[spot] = spot_y[spot] = NAN
    state = Iteration(spot_x, spot_y, cobra_spot, fiducial_spot)
    fld.iterations[it] = state
    return state
