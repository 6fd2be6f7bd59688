"""The auto-guider: one guide frame of the six AG cameras."""

from __future__ import annotations

import random
from datetime import datetime

from opdb.simulate.common import (
    AG_CAMERAS,
    VERSIONS,
    Field,
    NightBase,
    Pointing,
    Row,
    Write,
    rows_write,
    utc,
)


def agc_writes(
    night: NightBase,
    fld: Field,
    visit: int,
    exposure_id: int,
    taken: datetime,
    p: Pointing,
    rng: random.Random,
) -> list[Write]:
    o = night.o
    # The AG actor sends UTC-aware times; the contract stores them as HST wall-clock.
    taken_at = utc(taken)
    exposure = {
        "agc_exposure_id": exposure_id,
        "pfs_visit_id": visit,
        "agc_exptime": 2.0,
        "altitude": p.altitude,
        "azimuth": p.azimuth,
        "insrot": p.insrot,
        "adc_pa": p.adc_pa,
        "m2_pos3": p.m2_pos3,
        "outside_temperature": p.outside_temperature,
        "outside_pressure": p.pressure,
        "outside_humidity": p.humidity,
        "measurement_algorithm": "sep",
        "version_actor": VERSIONS["ag"],
        "version_instdata": VERSIONS["instdata"],
        "taken_at": taken_at,
    }
    uniform = rng.uniform
    data, matches = [], []
    per_camera = o.guide_stars_per_camera
    for camera in range(1, AG_CAMERAS + 1):
        for spot in range(o.ag_spots):
            x, y = uniform(20, 1050), uniform(20, 1010)
            peak = uniform(500, 20000)
            data.append(
                {
                    "agc_exposure_id": exposure_id,
                    "agc_camera_id": camera,
                    "spot_id": spot,
                    "image_moment_00_pix": round(peak * 12, 1),
                    "centroid_x_pix": round(x, 3),
                    "centroid_y_pix": round(y, 3),
                    "central_image_moment_11_pix": round(uniform(-0.5, 0.5), 3),
                    "central_image_moment_20_pix": round(uniform(2, 5), 3),
                    "central_image_moment_02_pix": round(uniform(2, 5), 3),
                    "peak_pixel_x_pix": int(x),
                    "peak_pixel_y_pix": int(y),
                    "peak_intensity": round(peak, 1),
                    "background": round(uniform(80, 120), 1),
                    "estimated_magnitude": round(uniform(13, 19), 2),
                    "flags": 0,
                }
            )
            if spot < per_camera:
                star = fld.guide_stars[(camera - 1) * per_camera + spot]
                nominal_x, nominal_y = uniform(-220, 220), uniform(-220, 220)
                matches.append(
                    {
                        "agc_exposure_id": exposure_id,
                        "agc_camera_id": camera,
                        "spot_id": spot,
                        "pfs_design_id": fld.design_id,
                        "guide_star_id": star[1],
                        "agc_nominal_x_mm": round(nominal_x, 4),
                        "agc_nominal_y_mm": round(nominal_y, 4),
                        "agc_center_x_mm": round(nominal_x + uniform(-0.01, 0.01), 4),
                        "agc_center_y_mm": round(nominal_y + uniform(-0.01, 0.01), 4),
                        "flags": 0,
                    }
                )
    offset: Row = {
        "agc_exposure_id": exposure_id,
        "guide_ra": round(fld.ra, 7),
        "guide_dec": round(fld.dec, 7),
        "guide_pa": fld.pa,
        "guide_delta_ra": round(uniform(-0.3, 0.3), 4),
        "guide_delta_dec": round(uniform(-0.3, 0.3), 4),
        "guide_delta_insrot": round(uniform(-5, 5), 3),
        "guide_delta_scale": round(uniform(-1e-5, 1e-5), 8),
        "guide_delta_az": None,
        "guide_delta_el": None,
        "guide_delta_z": round(uniform(-0.02, 0.02), 4),
        "mask": 7,
        "taken_at": taken_at,
    }
    for camera in range(1, AG_CAMERAS + 1):
        offset[f"guide_delta_z{camera}"] = round(uniform(-0.03, 0.03), 4)
    return [
        *rows_write("agc_exposure", [exposure]),
        *rows_write("agc_data", data),
        *rows_write("agc_match", matches),
        *rows_write("agc_guide_offset", [offset]),
    ]
