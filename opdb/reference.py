"""The standard reference rows of the opDB's static tables.

A new database needs them before any event can land: ``sps_exposure`` points at
``sps_camera``, which points at ``sps_module``; ``mcs_exposure`` at ``mcs_camera``; the
cobra motor models at their axis and direction. Without them every child event waits
for parents that never come and is dead-lettered as ``missing_parent`` after about 15
minutes. ``opdb-ingestd db seed-reference`` loads these rows idempotently.

Only instrument facts the models themselves state are here (four spectrograph modules
with arms b, r, n and m, numbered as the models' comments say; the two metrology
cameras; theta/phi and forward/reverse), plus the cloud-cover codes the simulator and
the observing tools use. Tables whose rows come from the instrument's calibration data
(``cobra``, ``fiducial_fiber`` and their geometry) are loaded from that data, not from
here, and ``beam_switch_mode`` has no codes defined in this project: its rows come
from the summit's own list (``db seed-reference --rows FILE``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

__all__ = ["ARMS", "REFERENCE_ROWS", "SPS_MODULES", "sps_camera_id"]

SPS_MODULES: Final = 4
# Blue, red, near-infrared, medium-resolution red; arm_num is the position here plus 1.
ARMS: Final = ("b", "r", "n", "m")


def sps_camera_id(module: int, arm: str) -> int:
    """The camera number, 1 to 16, of ``arm`` on spectrograph ``module``."""
    return (module - 1) * len(ARMS) + ARMS.index(arm) + 1


MCS_CAMERAS: Final = (
    (0, "Canon_50M", "Canon EOS 50 Mpix, the commissioning camera"),
    (1, "RMOD_71M", "RMOD 71 Mpix, the science-operations camera"),
)
CLOUD_CONDITIONS: Final = (
    (0, "unknown", "Not recorded"),
    (1, "clear", "No cloud"),
    (2, "thin", "Thin or patchy cloud"),
    (3, "thick", "Thick cloud, observing degraded"),
)
# When the lookup entries were defined; fixed, so that every seeded database agrees.
_DEFINED_AT: Final = datetime(2025, 10, 20)


def _rows() -> dict[str, list[dict[str, Any]]]:
    modules = range(1, SPS_MODULES + 1)
    return {
        "sps_module": [{"sps_module_id": m, "description": f"sm{m}"} for m in modules],
        "sps_camera": [
            {
                "sps_camera_id": sps_camera_id(m, arm),
                "sps_camera_name": f"{arm}{m}",
                "sps_module_id": m,
                "sps_module_name": f"sm{m}",
                "arm": arm,
                "arm_num": ARMS.index(arm) + 1,
            }
            for m in modules
            for arm in ARMS
        ],
        "mcs_camera": [
            {"mcs_camera_id": i, "mcs_camera_name": name, "comments": note}
            for i, name, note in MCS_CAMERAS
        ],
        "cobra_motor_axis": [
            {"cobra_motor_axis_id": 1, "cobra_motor_axis_name": "Theta"},
            {"cobra_motor_axis_id": 2, "cobra_motor_axis_name": "Phi"},
        ],
        "cobra_motor_direction": [
            {"cobra_motor_direction_id": 0, "cobra_motor_direction_name": "Forward"},
            {"cobra_motor_direction_id": 1, "cobra_motor_direction_name": "Reverse"},
        ],
        "cloud_condition": [
            {
                "cloud_condition_id": i,
                "cloud_condition_name": name,
                "cloud_condition_description": text,
                "created_at": _DEFINED_AT,
                "updated_at": _DEFINED_AT,
            }
            for i, name, text in CLOUD_CONDITIONS
        ],
    }


REFERENCE_ROWS: Final[dict[str, list[dict[str, Any]]]] = _rows()
"""Table -> its standard rows, parents before children."""
