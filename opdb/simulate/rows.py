"""How many rows a night writes, from its options or from its envelopes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from opdb.reference import ARMS, CLOUD_CONDITIONS, MCS_CAMERAS, SPS_MODULES
from opdb.simulate.common import (
    AG_CAMERAS,
    EXPOSED_ARMS,
    NightOptions,
)


def expected_rows(options: NightOptions | None = None) -> dict[str, int]:
    """Rows each table holds once the night has landed (tables without rows left out).

    Derived from the options alone, so a test or a demo can check what landed without
    generating the night; a unit test keeps it equal to what :func:`simulate_night` makes.
    """
    o = options or NightOptions()
    v, f = o.visits, o.fields
    convergence_frames = f * o.frames
    sps_cameras = SPS_MODULES * len(EXPOSED_ARMS)
    counts = {
        "sps_module": SPS_MODULES,
        "sps_camera": SPS_MODULES * len(ARMS),
        "mcs_camera": len(MCS_CAMERAS),
        "cloud_condition": len(CLOUD_CONDITIONS),
        "cobra": o.cobras,
        "fiducial_fiber": o.fiducials,
        "sequence_group": 1 if v else 0,
        "pfs_design": f,
        "pfs_design_fiber": f * o.cobras,
        "pfs_design_agc": f * o.guide_stars,
        "iic_sequence": f,
        "iic_sequence_status": f,
        "pfs_config": f,
        "pfs_config_fiber": f * o.cobras,
        "pfs_config_agc": f * o.guide_stars,
        "field_set": f,
        "pfs_visit": v,
        "visit_set": v,
        "tel_status": v * o.status_snapshots,
        "env_condition": v * o.status_snapshots,
        "obs_condition": v if o.status_snapshots else 0,
        "mcs_exposure": convergence_frames,
        "mcs_data": convergence_frames * o.spots,
        "mcs_pfi_transformation": convergence_frames,
        "camera_model_f3c_mcs": convergence_frames,
        "cobra_target": convergence_frames * o.cobras,
        "cobra_match": convergence_frames * o.cobras,
        "cobra_move": f * (o.frames - 1) * o.cobras,
        "fiducial_fiber_match": convergence_frames * o.fiducials,
        "agc_exposure": v * o.ag_frames,
        "agc_data": v * o.ag_frames * AG_CAMERAS * o.ag_spots,
        "agc_match": v * o.ag_frames * AG_CAMERAS * min(o.ag_spots, o.guide_stars_per_camera),
        "agc_guide_offset": v * o.ag_frames,
        "sps_visit": v,
        "sps_exposure": v * sps_cameras,
        "sps_condition": v * sps_cameras,
        "pfs_config_sps": v,
    }
    return {table: n for table, n in sorted(counts.items()) if n}


def count_rows(envelopes: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Rows the envelopes add per table (inserts and upserts; updates add none)."""
    counts: Counter[str] = Counter()
    for envelope in envelopes:
        for write in envelope["writes"]:
            if write.get("op", "insert") != "update":
                counts[write["table"]] += len(write["rows"])
    return dict(sorted(counts.items()))
