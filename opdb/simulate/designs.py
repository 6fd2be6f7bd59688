"""Designs and configurations: ``pfs_design`` (ets) with its fibers and guide stars,
the ``pfs_config`` FPS writes after a convergence, and ``pfs_config_sps``."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import datetime, timedelta

from opdb.reference import SPS_MODULES, sps_camera_id
from opdb.simulate.common import (
    DEG_PER_MM,
    EXPOSED_ARMS,
    FLUXSTD,
    GOOD,
    NAN,
    NOT_CONVERGED,
    SCIENCE,
    SKY,
    UNASSIGNED,
    VERSIONS,
    Field,
    NightBase,
    Write,
    hst,
    rows_write,
    slit_position,
    utc,
)
from opdb.simulate.mcs import iteration


def design_writes(night: NightBase, fld: Field, at: datetime, rng: random.Random) -> list[Write]:
    o = night.o
    counts = Counter(fld.target_type)
    tile = 1000 + fld.index
    design = {
        "pfs_design_id": fld.design_id,
        "design_name": f"S26B-{tile:05d}",
        "variant": 0,
        "design_id0": fld.design_id,
        "tile_id": tile,
        "ra_center_designed": round(fld.ra, 6),
        "dec_center_designed": round(fld.dec, 6),
        "pa_designed": fld.pa,
        "num_sci_designed": counts[SCIENCE],
        "num_cal_designed": counts[FLUXSTD],
        "num_sky_designed": counts[SKY],
        "num_guide_stars": o.guide_stars,
        "exptime_tot": o.exptime * len(fld.visits),
        "exptime_min": o.exptime,
        "ets_version": VERSIONS["ets"],
        "ets_assigner": "naive",
        "designed_at": hst(at - timedelta(hours=20)),
        "to_be_observed_at": utc(at + timedelta(hours=1, minutes=30 * fld.index)),
        "pfs_utils_version": VERSIONS["pfs_utils"],
        "is_obsolete": False,
    }
    cos_dec = math.cos(math.radians(fld.dec))
    fibers = []
    for c in range(o.cobras):
        x, y, kind = fld.target_x[c], fld.target_y[c], fld.target_type[c]
        assigned = kind != UNASSIGNED
        fibers.append(
            {
                "pfs_design_id": fld.design_id,
                "fiber_id": slit_position(c + 1, o.cobras)[2],
                "target_cat_id": 1 if kind == SCIENCE else 3 if kind == FLUXSTD else -1,
                "target_tract": 9000 + fld.index,
                "target_patch": f"{c % 9},{c % 7}",
                "target_obj_id": rng.getrandbits(52) if assigned else -1,
                "target_ra": round(fld.ra + x * DEG_PER_MM / cos_dec, 7),
                "target_dec": round(fld.dec + y * DEG_PER_MM, 7),
                "target_pm_ra": round(rng.uniform(-5, 5), 3) if kind == FLUXSTD else 0.0,
                "target_pm_dec": round(rng.uniform(-5, 5), 3) if kind == FLUXSTD else 0.0,
                "target_parallax": round(rng.uniform(0, 2), 3) if kind == FLUXSTD else 1e-7,
                "epoch": "J2016.0",
                "proposal_id": "S26B-OT03" if kind == SCIENCE else "N/A",
                "ob_code": f"ob_{fld.index}_{c}" if kind == SCIENCE else "N/A",
                "target_type": kind,
                "fiber_status": GOOD,
                "pfi_nominal_x_mm": x,
                "pfi_nominal_y_mm": y,
                "ets_priority": rng.randint(1, 9) if kind == SCIENCE else -1,
                "ets_cost_function": round(rng.random(), 6) if assigned else NAN,
                "ets_cobra_motor_movement": None,
                "is_on_source": assigned,
                "comments": None,
            }
        )
    agc = [
        {
            "pfs_design_id": fld.design_id,
            "guide_star_id": star_id,
            "epoch": "J2016.0",
            "guide_star_ra": star_ra,
            "guide_star_dec": star_dec,
            "guide_star_pm_ra": round(rng.uniform(-10, 10), 3),
            "guide_star_pm_dec": round(rng.uniform(-10, 10), 3),
            "guide_star_parallax": round(rng.uniform(0, 3), 3),
            "guide_star_magnitude": magnitude,
            "passband": "g_gaia",
            "guide_star_color": round(rng.uniform(0.3, 1.5), 3),
            "guide_star_flag": 0,
            "agc_camera_id": camera,
            "agc_target_x_pix": round(rng.uniform(100, 1000), 2),
            "agc_target_y_pix": round(rng.uniform(100, 1000), 2),
            "comments": None,
        }
        for camera, star_id, star_ra, star_dec, magnitude in fld.guide_stars
    ]
    return [
        *rows_write("pfs_design", [design]),
        *rows_write("pfs_design_fiber", fibers),
        *rows_write("pfs_design_agc", agc),
    ]


def config_writes(night: NightBase, fld: Field, at: datetime, rng: random.Random) -> list[Write]:
    o = night.o
    final = iteration(night, fld, o.frames - 1)
    config = {
        "pfs_design_id": fld.design_id,
        "visit0": fld.visit0,
        "ra_center_config": round(fld.ra, 6),
        "dec_center_config": round(fld.dec, 6),
        "pa_config": fld.pa,
        "converg_num_iter": o.frames,
        "converg_elapsed_time": round(12.0 * o.frames, 1),
        "converg_tolerance": 0.01,
        "alloc_rms_scatter": None,
        "allocated_at": hst(at),
        "to_be_observed_at": utc(at),
        "pfs_utils_version": VERSIONS["pfs_utils"],
        "to_be_observed_at_design": utc(at - timedelta(minutes=5)),
        "pfs_utils_version_design": VERSIONS["pfs_utils"],
        "was_observed": False,
        "converg_distance_threshold": 0.02,
        "target_fallback_invalid": "home",
        "target_fallback_unassigned": "home",
        "fiducial_check_skipped": False,
        "inst_status_flag": 0,
    }
    fibers = []
    for c in range(o.cobras):
        spot = final.cobra_spot[c]
        x = final.spot_x[spot] if spot >= 0 else NAN
        y = final.spot_y[spot] if spot >= 0 else NAN
        distance = math.hypot(x - fld.target_x[c], y - fld.target_y[c])
        converged = distance <= 0.02  # False for NaN too
        assigned = fld.target_type[c] != UNASSIGNED
        fibers.append(
            {
                "pfs_design_id": fld.design_id,
                "visit0": fld.visit0,
                "fiber_id": slit_position(c + 1, o.cobras)[2],
                "target_ra": round(
                    fld.ra + fld.target_x[c] * DEG_PER_MM / math.cos(math.radians(fld.dec)),
                    7,
                ),
                "target_dec": round(fld.dec + fld.target_y[c] * DEG_PER_MM, 7),
                "fiber_status": GOOD if converged else NOT_CONVERGED,
                "target_validation_mask": 0,
                "cobra_command": 1 if assigned else 2,
                "pfi_nominal_x_mm": fld.target_x[c],
                "pfi_nominal_y_mm": fld.target_y[c],
                "pfi_center_final_x_mm": x,
                "pfi_center_final_y_mm": y,
                "motor_map_summary": None,
                "config_elapsed_time": round(rng.uniform(60, 120), 2),
                "is_on_source": assigned and converged,
                "comments": None,
            }
        )
    agc = [
        {
            "pfs_design_id": fld.design_id,
            "visit0": fld.visit0,
            "guide_star_id": star_id,
            "agc_camera_id": camera,
            "agc_final_x_pix": round(rng.uniform(100, 1000), 2),
            "agc_final_y_pix": round(rng.uniform(100, 1000), 2),
            "comments": None,
            "guide_star_ra": star_ra,
            "guide_star_dec": star_dec,
        }
        for camera, star_id, star_ra, star_dec, _mag in fld.guide_stars
    ]
    return [
        *rows_write("pfs_config", [config]),
        *rows_write("pfs_config_fiber", fibers),
        *rows_write("pfs_config_agc", agc),
    ]


def config_sps_writes(night: NightBase, fld: Field, visit: int) -> list[Write]:
    mask = sum(
        1 << (sps_camera_id(m, arm) - 1) for m in range(1, SPS_MODULES + 1) for arm in EXPOSED_ARMS
    )
    row = {"pfs_visit_id": visit, "visit0": fld.visit0, "cam_mask": mask, "inst_status_flag": 0}
    return rows_write("pfs_config_sps", [row])
