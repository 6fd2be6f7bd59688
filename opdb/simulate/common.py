"""What every part of the simulated night shares: the options, the PFS constants and
layout, the plan's records, time formats and :class:`NightBase`, what a write builder
reads of the night."""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Final

from opdb.reference import SPS_MODULES

Row = dict[str, Any]
Write = dict[str, Any]
EnvelopeDict = dict[str, Any]

HST: Final = timezone(timedelta(hours=-10), "HST")
"""Hawaii standard time; Hawaii keeps no daylight saving time, so a fixed offset is exact."""
NIGHT_START: Final = datetime(2026, 11, 24, 18, 30, tzinfo=HST)

FULL_COBRAS: Final = 2394
MAX_FIDUCIALS: Final = 200
EXPOSED_ARMS: Final = ("b", "r", "n")
AG_CAMERAS: Final = 6
MAX_FRAMES: Final = 100  # mcs_frame_id = visit * 100 + frame
MAX_VISIT: Final = (2**31 - 1) // 100 - 1

# Share of events of each out-of-order kind published early, besides the one instance
# of each kind that is always early so that a small night shows every kind.
EARLY_RATE: Final = 0.2
EARLY_KINDS: Final = ("tel_status", "agc_exposure", "sps_exposure", "cobra_match")

# MCS (RMOD 71M) pixel geometry, PFI millimetres -> detector pixels.
MCS_X0: Final = 5000.0
MCS_Y0: Final = 3548.0
MCS_SCALE: Final = 16.9
PFI_RADIUS_MM: Final = 190.0
PATROL_MM: Final = 4.6
DEG_PER_MM: Final = 0.0031
GOLDEN_ANGLE: Final = math.pi * (3.0 - math.sqrt(5.0))
NAN: Final = math.nan

# Codes from the PFS datamodel (TargetType, FiberStatus).
SCIENCE, SKY, FLUXSTD, UNASSIGNED = 1, 2, 3, 4
GOOD, NOT_CONVERGED = 1, 7

VERSIONS: Final = {
    "mcs": "mcsActor 2.7.1",
    "ag": "agActor 1.9.0",
    "instdata": "20261101a",
    "pfs_utils": "w.2026.45",
    "ets": "ets_fiberalloc 0.6.3",
}


@dataclass(frozen=True, slots=True)
class NightOptions:
    """What to simulate; the defaults are a full clear night: 24 visits of 900 s in 8
    fields, ~880k rows in ~6k events, the scale of the live opDB.

    ``frames`` is the number of MCS iterations of each convergence (the first visit of
    each field), ``spots`` the ``mcs_data`` rows per frame including the sentinel
    ``spot_id = -1``, ``ag_frames`` the guide frames per visit (every 3-5 s) and
    ``ag_spots`` the spots per AG camera and frame.
    """

    seed: int = 0
    visits: int = 24
    visits_per_field: int = 3
    frames: int = 8
    spots: int = 2400
    cobras: int = FULL_COBRAS
    fiducials: int = 96
    ag_frames: int = 225
    ag_spots: int = 5
    guide_stars_per_camera: int = 2
    status_snapshots: int = 4
    exptime: float = 900.0
    out_of_order: bool = True
    first_visit: int | None = None
    start: datetime = NIGHT_START

    def __post_init__(self) -> None:
        checks = (
            (self.visits >= 0, "visits must be >= 0"),
            (self.visits_per_field >= 1, "visits_per_field must be >= 1"),
            (1 <= self.frames <= MAX_FRAMES, f"frames must be within 1..{MAX_FRAMES}"),
            (self.spots >= 1, "spots must be >= 1 (the sentinel spot -1 is one of them)"),
            (1 <= self.cobras <= FULL_COBRAS, f"cobras must be within 1..{FULL_COBRAS}"),
            (0 <= self.fiducials <= MAX_FIDUCIALS, f"fiducials must be within 0..{MAX_FIDUCIALS}"),
            (self.ag_frames >= 0, "ag_frames must be >= 0"),
            (self.ag_spots >= 0, "ag_spots must be >= 0"),
            (self.guide_stars_per_camera >= 0, "guide_stars_per_camera must be >= 0"),
            (self.status_snapshots >= 0, "status_snapshots must be >= 0"),
            (self.exptime > 0, "exptime must be > 0"),
            (self.start.utcoffset() is not None, "start must carry a time zone"),
        )
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        if self.first_visit is not None and not (
            self.first_visit >= 1 and self.first_visit + self.visits - 1 <= MAX_VISIT
        ):
            raise ValueError(f"visits must be numbered within 1..{MAX_VISIT}")

    @property
    def fields(self) -> int:
        """Fields (designs, configurations, IIC sequences) the visits are grouped in."""
        return -(-self.visits // self.visits_per_field)

    @property
    def guide_stars(self) -> int:
        """Guide stars per design, over all AG cameras."""
        return AG_CAMERAS * self.guide_stars_per_camera


def hst(moment: datetime) -> str:
    """Naive HST wall-clock time, as the opDB's ``timestamp`` columns hold it."""
    return moment.astimezone(HST).replace(tzinfo=None).isoformat(timespec="milliseconds")


def utc(moment: datetime) -> str:
    """UTC with an offset, as some writers send (the contract converts it to HST)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def seconds(value: float) -> timedelta:
    return timedelta(seconds=value)


def rows_write(table: str, rows: list[Row], op: str = "insert") -> list[Write]:
    """A write, or none: the contract refuses a write without rows."""
    return [{"table": table, "op": op, "rows": rows}] if rows else []


@functools.cache
def cobra_centres() -> tuple[tuple[float, float], ...]:
    """Cobra centres on the PFI, mm: a sunflower spiral fills the disc evenly, which
    is all a simulation needs of the real hexagonal modules."""
    return tuple(
        (
            PFI_RADIUS_MM * math.sqrt((c + 0.5) / FULL_COBRAS) * math.cos(c * GOLDEN_ANGLE),
            PFI_RADIUS_MM * math.sqrt((c + 0.5) / FULL_COBRAS) * math.sin(c * GOLDEN_ANGLE),
        )
        for c in range(FULL_COBRAS)
    )


@functools.cache
def fiducial_layout(count: int) -> tuple[tuple[float, float, str], ...]:
    """Fiducial positions (mm) and type: three quarters on the outer ring, the rest inside."""
    outer = round(count * 0.75)
    layout = []
    for i in range(count):
        if i < outer:
            angle, radius, kind = 2 * math.pi * i / outer, 203.0, "outer"
        else:
            angle, radius, kind = 2 * math.pi * (i - outer) / max(1, count - outer), 95.0, "inner"
        layout.append((radius * math.cos(angle), radius * math.sin(angle), kind))
    return tuple(layout)


def slit_position(cobra_id: int, cobras: int) -> tuple[int, int, int]:
    """Spectrograph module, slit hole and fiber id of a cobra's science fiber."""
    index = cobra_id - 1
    per_sps = -(-cobras // SPS_MODULES)
    sps_module = index // per_sps + 1
    in_sps = index % per_sps
    # Every 13th slit hole carries an engineering fiber, as on the real slit heads.
    slit_hole = in_sps + in_sps // 12 + 1
    return sps_module, slit_hole, (sps_module - 1) * 651 + slit_hole


def cobra_wiring(cobra_id: int, cobras: int) -> Row:
    """Module, board and slit routing of a cobra, with the real numbering ranges."""
    index = cobra_id - 1
    module = index // 57 + 1
    in_module = index % 57 + 1
    board = (module - 1) * 2 + (1 if in_module % 2 else 2)
    sps_module, slit_hole, fiber_id = slit_position(cobra_id, cobras)
    return {
        "cobra_id": cobra_id,
        "field_on_pfi": (module - 1) // 14 + 1,
        "cobra_in_field": ((module - 1) % 14) * 57 + in_module,
        "cobra_module_id": module,
        "module_in_field": (module - 1) % 14 + 1,
        "cobra_in_module": in_module,
        "cobra_in_board": (in_module + 1) // 2,
        "cobra_board_id": board,
        "mtp": f"{module}{'A' if board % 2 else 'B'}",
        "sps_module_id": sps_module,
        "sps_slit_hole": slit_hole,
        "science_fiber_id": cobra_id,
        "fiber_id": fiber_id,
        "sunss_id": None,
        "mtp_a_id": f"{module}-{in_module}",
        "mtp_c_id": None,
        "mtp_ba_id": None,
        "mtp_bc_id": None,
        "version": "2026-11-01",
    }


@dataclass(slots=True)
class Planned:
    """One event on the timeline: when it is due, who sends it, how to build its writes.

    ``key`` names the event uniquely in the night and seeds its id and content.
    """

    key: str
    at: datetime
    source: str
    build: Callable[[random.Random], list[Write]]


@dataclass(frozen=True, slots=True)
class Pointing:
    """Telescope and weather state of one visit, shared by all its status-like rows."""

    altitude: float
    azimuth: float
    insrot: float
    adc_pa: float
    m2_pos3: float
    dome_temperature: float
    outside_temperature: float
    pressure: float
    humidity: float


@dataclass(slots=True)
class Iteration:
    """What the MCS saw at one convergence iteration, shared by the MCS frame and the
    FPS match so that the two events agree whichever is built first."""

    spot_x: list[float]  # PFI mm of every real spot (index = spot_id); NaN: failed centroid
    spot_y: list[float]
    cobra_spot: list[int]  # spot matched to each cobra, -1 (the sentinel) when unmatched
    fiducial_spot: list[int]


@dataclass(slots=True)
class Field:
    """One field: a design observed with one configuration in one IIC sequence."""

    index: int
    visits: list[int]
    design_id: int
    sequence_id: int
    ra: float
    dec: float
    pa: float
    target_x: list[float]
    target_y: list[float]
    target_type: list[int]
    guide_stars: list[tuple[int, int, float, float, float]]  # camera, id, ra, dec, mag
    iterations: dict[int, Iteration] = field(default_factory=dict)

    @property
    def visit0(self) -> int:
        return self.visits[0]


class NightBase:
    """What the write builders read of the night: its options, the ids its plan drew
    and the seeded generators an event's content comes from."""

    group_id: int

    def __init__(self, options: NightOptions) -> None:
        self.o = options
        self.seed = options.seed

    def rng(self, key: str) -> random.Random:
        # A simulation needs reproducible, not secret, numbers.
        return random.Random(f"opdb.simulate:{self.seed}:{key}")  # noqa: S311
