"""A simulated PFS night, as the event envelopes the instrument actors would publish.

Why: the daemon, the demo and other teams' tools need a night of *realistic* traffic to
test against (sizes, key chains, NaN centroids, sentinels, naive HST and UTC-aware
timestamps, events that arrive before their parents) without a summit connection. Every
envelope follows contract v1 (:mod:`opdb.contract`) and is built in the order the real
actors produce them:

1. one-off set-up: spectrograph modules and cameras, MCS cameras, cloud categories,
   the cobras (one event per PFI sector) and the fiducial fibers, all as ``upsert`` so
   a database that already holds this reference data takes them again;
2. the night's designs (``ets``): ``pfs_design`` with its ~2400 ``pfs_design_fiber``
   rows and a few ``pfs_design_agc`` guide stars each;
3. per field (one design, one IIC sequence, ``visits_per_field`` visits): the first
   visit converges the cobras (``frames`` iterations of cobra_target -> MCS frame ->
   cobra_match -> cobra_move), after which FPS writes the ``pfs_config`` (+ fibers and
   guide stars) and IIC links it to the sequence (``field_set``); every visit has its
   Gen2 status snapshots (``tel_status`` + ``env_condition``, ``obs_condition`` on the
   first), ``ag_frames`` guide frames on 6 cameras and one spectrograph exposure on
   4 modules x 3 arms; IIC closes the sequence and marks the configuration observed
   (an ``update``).

With ``out_of_order`` (the default) some events are published a little before their
parents, as happens when an actor's publisher retries: a Gen2 status snapshot or the
first guide frame before the visit, one module's ``sps_exposure`` before the
``sps_visit``, the FPS match before the MCS frame it refers to. Every parent does
arrive later, and no two events write the same primary key, so the whole night lands
once the daemon's missing-parent retries have run.

Everything is deterministic for a seed: the timeline and the out-of-order choices come
from one seeded :class:`random.Random`; each event's id and rows come from a generator
seeded by the night's seed and the event's own key, so an event's content does not
depend on how the events around it were ordered (``out_of_order`` changes only the
order and ``sent_at``). :func:`expected_rows` says how many rows each table gets.

``python -m opdb.simulate --visits 2 --frames 3 --out night.jsonl`` writes a night as
JSON lines (NaN written as the bare ``NaN`` token the contract reads).
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Final

from opdb.reference import ARMS, CLOUD_CONDITIONS, MCS_CAMERAS, SPS_MODULES, sps_camera_id

__all__ = [
    "HST",
    "NIGHT_START",
    "NightOptions",
    "count_rows",
    "expected_rows",
    "main",
    "simulate_night",
]

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
_MCS_X0: Final = 5000.0
_MCS_Y0: Final = 3548.0
_MCS_SCALE: Final = 16.9
_PFI_RADIUS_MM: Final = 190.0
_PATROL_MM: Final = 4.6
_DEG_PER_MM: Final = 0.0031
_GOLDEN_ANGLE: Final = math.pi * (3.0 - math.sqrt(5.0))
_NAN: Final = math.nan

# Codes from the PFS datamodel (TargetType, FiberStatus).
_SCIENCE, _SKY, _FLUXSTD, _UNASSIGNED = 1, 2, 3, 4
_GOOD, _NOT_CONVERGED = 1, 7

# The set-up events carry the same facts `opdb-ingestd db seed-reference` loads.
_MCS_CAMERAS: Final = MCS_CAMERAS
_CLOUD_CONDITIONS: Final = CLOUD_CONDITIONS
_VERSIONS: Final = {
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
        "mcs_camera": len(_MCS_CAMERAS),
        "cloud_condition": len(_CLOUD_CONDITIONS),
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


def simulate_night(
    seed: int = 0, options: NightOptions | None = None, **overrides: Any
) -> Iterator[EnvelopeDict]:
    """The night's envelopes, in publication order, generated lazily.

    Pass a :class:`NightOptions`, or its fields as keywords (``visits=2, frames=3``); a
    full night is ~1 GB as Python objects, so it is streamed rather than returned as a
    list (generating it takes ~2 s). The envelopes are JSON-ready (strings for ids and
    timestamps; NaN floats). An event's id depends only on the seed and what the event
    is, so publishing a night twice writes it once (the daemon's ledger skips the
    repeats).
    """
    if options is None:
        options = NightOptions(seed=seed, **overrides)
    elif overrides or seed:
        raise TypeError("pass either options or seed/keyword options, not both")
    return _Night(options).envelopes()


# --------------------------------------------------------------------------- time helpers


def _hst(moment: datetime) -> str:
    """Naive HST wall-clock time, as the opDB's ``timestamp`` columns hold it."""
    return moment.astimezone(HST).replace(tzinfo=None).isoformat(timespec="milliseconds")


def _utc(moment: datetime) -> str:
    """UTC with an offset, as some writers send (the contract converts it to HST)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=value)


def _rows_write(table: str, rows: list[Row], op: str = "insert") -> list[Write]:
    """A write, or none: the contract refuses a write without rows."""
    return [{"table": table, "op": op, "rows": rows}] if rows else []


# --------------------------------------------------------------------------- static layout


@functools.cache
def _cobra_centres() -> tuple[tuple[float, float], ...]:
    """Cobra centres on the PFI, mm: a sunflower spiral fills the disc evenly, which
    is all a simulation needs of the real hexagonal modules."""
    return tuple(
        (
            _PFI_RADIUS_MM * math.sqrt((c + 0.5) / FULL_COBRAS) * math.cos(c * _GOLDEN_ANGLE),
            _PFI_RADIUS_MM * math.sqrt((c + 0.5) / FULL_COBRAS) * math.sin(c * _GOLDEN_ANGLE),
        )
        for c in range(FULL_COBRAS)
    )


@functools.cache
def _fiducial_layout(count: int) -> tuple[tuple[float, float, str], ...]:
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


def _slit_position(cobra_id: int, cobras: int) -> tuple[int, int, int]:
    """Spectrograph module, slit hole and fiber id of a cobra's science fiber."""
    index = cobra_id - 1
    per_sps = -(-cobras // SPS_MODULES)
    sps_module = index // per_sps + 1
    in_sps = index % per_sps
    # Every 13th slit hole carries an engineering fiber, as on the real slit heads.
    slit_hole = in_sps + in_sps // 12 + 1
    return sps_module, slit_hole, (sps_module - 1) * 651 + slit_hole


def _cobra_wiring(cobra_id: int, cobras: int) -> Row:
    """Module, board and slit routing of a cobra, with the real numbering ranges."""
    index = cobra_id - 1
    module = index // 57 + 1
    in_module = index % 57 + 1
    board = (module - 1) * 2 + (1 if in_module % 2 else 2)
    sps_module, slit_hole, fiber_id = _slit_position(cobra_id, cobras)
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


_sps_camera_id = sps_camera_id


# --------------------------------------------------------------------------- night state


@dataclass(slots=True)
class _Planned:
    """One event on the timeline: when it is due, who sends it, how to build its writes.

    ``key`` names the event uniquely in the night and seeds its id and content.
    """

    key: str
    at: datetime
    source: str
    build: Callable[[random.Random], list[Write]]


@dataclass(frozen=True, slots=True)
class _Pointing:
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
class _Iteration:
    """What the MCS saw at one convergence iteration, shared by the MCS frame and the
    FPS match so that the two events agree whichever is built first."""

    spot_x: list[float]  # PFI mm of every real spot (index = spot_id); NaN: failed centroid
    spot_y: list[float]
    cobra_spot: list[int]  # spot matched to each cobra, -1 (the sentinel) when unmatched
    fiducial_spot: list[int]


@dataclass(slots=True)
class _Field:
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
    iterations: dict[int, _Iteration] = field(default_factory=dict)

    @property
    def visit0(self) -> int:
        return self.visits[0]


class _Night:
    """Plans the night field by field and turns the plan into envelopes."""

    def __init__(self, options: NightOptions) -> None:
        self.o = options
        self.seed = options.seed
        # The plan (timeline, out-of-order choices, allocated ids) draws from this one
        # generator in a fixed order, so it never depends on out_of_order itself.
        self.plan = self._rng("plan")
        self.first_visit = (
            options.first_visit
            if options.first_visit is not None
            else 120_000 + self.plan.randrange(0, 60_000)
        )
        self.group_id = 300 + self.plan.randrange(0, 700)
        self.first_sequence = 20_000 + self.plan.randrange(0, 10_000)
        self.next_agc_exposure = 500_000 + self.plan.randrange(0, 500_000)
        o = options
        # One instance of each kind is always early, so even a two-visit night has all.
        self.forced = {
            "tel_status": self.plan.randrange(max(1, o.visits)),
            "agc_exposure": self.plan.randrange(max(1, o.visits)),
            "sps_exposure": self.plan.randrange(max(1, o.visits)),
            "cobra_match": self.plan.randrange(max(1, o.fields * o.frames)),
        }
        self.design_ids: set[int] = set()
        self.fields = [self._make_field(f) for f in range(o.fields)]
        self.last_sent = o.start - timedelta(milliseconds=1)

    # ----------------------------------------------------------------- plumbing

    def _rng(self, key: str) -> random.Random:
        # A simulation needs reproducible, not secret, numbers.
        return random.Random(f"opdb.simulate:{self.seed}:{key}")  # noqa: S311

    def _early(self, kind: str, instance: int) -> bool:
        # Always draw, so that the plan does not depend on out_of_order.
        draw = self.plan.random()
        return self.o.out_of_order and (instance == self.forced[kind] or draw < EARLY_RATE)

    def _uniform(self, low: float, high: float) -> timedelta:
        return _seconds(self.plan.uniform(low, high))

    def _envelope(self, planned: _Planned) -> EnvelopeDict:
        rng = self._rng(planned.key)
        event_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        # A publisher stamps sent_at when it sends: monotonic in publication order, so an
        # event that went out late (its child overtook it) carries the later time.
        sent = max(planned.at, self.last_sent + timedelta(milliseconds=1))
        self.last_sent = sent
        return {
            "version": 1,
            "id": str(event_id),
            "source": planned.source,
            "sent_at": sent.isoformat(timespec="milliseconds"),
            "writes": planned.build(rng),
        }

    def envelopes(self) -> Iterator[EnvelopeDict]:
        for planned in self._setup():
            yield self._envelope(planned)
        t = self.o.start + timedelta(minutes=45)  # end of twilight
        for fld in self.fields:
            plan, t = self._plan_field(fld, t)
            for planned in plan:
                yield self._envelope(planned)
            fld.iterations.clear()
            t += self._uniform(120, 300)  # slew and acquisition

    # ----------------------------------------------------------------- the plan

    def _make_field(self, index: int) -> _Field:
        o = self.o
        rng = self._rng(f"field/{index}")
        design_id = rng.getrandbits(63) or 1
        while design_id in self.design_ids:  # astronomically unlikely; keys must not collide
            design_id = rng.getrandbits(63) or 1
        self.design_ids.add(design_id)
        first = index * o.visits_per_field
        visits = [
            self.first_visit + v for v in range(first, min(o.visits, first + o.visits_per_field))
        ]
        centres = _cobra_centres()
        target_x, target_y, target_type = [], [], []
        for c in range(o.cobras):
            radius = _PATROL_MM * math.sqrt(rng.random())
            angle = rng.uniform(0, 2 * math.pi)
            target_x.append(round(centres[c][0] + radius * math.cos(angle), 4))
            target_y.append(round(centres[c][1] + radius * math.sin(angle), 4))
            draw = rng.random()
            target_type.append(
                _SCIENCE
                if draw < 0.80
                else _SKY
                if draw < 0.92
                else _FLUXSTD
                if draw < 0.96
                else _UNASSIGNED
            )
        ra, dec = rng.uniform(0, 90), rng.uniform(-5, 45)
        guide_stars = [
            (
                camera,
                rng.getrandbits(62),
                round(ra + rng.uniform(-0.7, 0.7), 6),
                round(dec + rng.uniform(-0.7, 0.7), 6),
                round(rng.uniform(13, 19), 3),
            )
            for camera in range(1, AG_CAMERAS + 1)
            for _ in range(o.guide_stars_per_camera)
        ]
        return _Field(
            index=index,
            visits=visits,
            design_id=design_id,
            sequence_id=self.first_sequence + index,
            ra=ra,
            dec=dec,
            pa=rng.choice((0.0, 30.0, 60.0, 90.0, -90.0)),
            target_x=target_x,
            target_y=target_y,
            target_type=target_type,
            guide_stars=guide_stars,
        )

    def _setup(self) -> list[_Planned]:
        o = self.o
        t = o.start
        items: list[tuple[str, str, Callable[[random.Random], list[Write]]]] = [
            ("setup/sps_module", "sps", lambda _r: self._sps_modules()),
            ("setup/sps_camera", "sps", lambda _r: self._sps_cameras()),
            ("setup/mcs_camera", "mcs", lambda _r: self._mcs_cameras()),
            ("setup/cloud_condition", "gen2", lambda _r: self._cloud_conditions()),
        ]
        for sector in range(1, 4):
            ids = [c for c in range(1, o.cobras + 1) if (c - 1) // 57 // 14 + 1 == sector]
            if ids:
                items.append((f"setup/cobra/{sector}", "fps", functools.partial(self._cobras, ids)))
        if o.fiducials:
            items.append(("setup/fiducial_fiber", "fps", self._fiducials))
        plan = [
            _Planned(key, t + _seconds(0.2 * n), source, build)
            for n, (key, source, build) in enumerate(items)
        ]
        if o.visits:
            at = t + timedelta(minutes=5)
            plan.append(_Planned("sequence_group", at, "iic", self._sequence_group_writes(at)))
        for n, fld in enumerate(self.fields):
            at = t + timedelta(minutes=10, seconds=20 * n)
            plan.append(
                _Planned(
                    f"pfs_design/{fld.design_id}",
                    at,
                    "ets",
                    functools.partial(self._design_writes, fld, at),
                )
            )
        return plan

    def _plan_field(self, fld: _Field, start: datetime) -> tuple[list[_Planned], datetime]:
        plan: list[_Planned] = []
        early: list[tuple[str, str]] = []  # (child key, parent key)
        plan.append(
            _Planned(
                f"iic_sequence/{fld.sequence_id}",
                start,
                "iic",
                functools.partial(self._sequence_writes, fld, start),
            )
        )
        t = start + self._uniform(2, 5)
        for j, visit in enumerate(fld.visits):
            t = self._plan_visit(plan, early, fld, j, visit, t)
            if j + 1 < len(fld.visits):
                t += self._uniform(20, 60)  # dither, overheads
        end = t + self._uniform(1, 3)
        plan.append(
            _Planned(
                f"iic_sequence_status/{fld.sequence_id}",
                end,
                "iic",
                functools.partial(self._sequence_end_writes, fld, end),
            )
        )
        plan.sort(key=lambda p: p.at)  # stable: ties keep planning order
        for child, parent in early:
            keys = [p.key for p in plan]
            moved = plan.pop(keys.index(child))
            keys.remove(child)
            plan.insert(keys.index(parent), moved)
        return plan, end

    def _plan_visit(
        self,
        plan: list[_Planned],
        early: list[tuple[str, str]],
        fld: _Field,
        j: int,
        visit: int,
        t0: datetime,
    ) -> datetime:
        o = self.o
        number = visit - self.first_visit  # 0-based in the night
        pointing = self._pointing(visit)
        visit_key = f"pfs_visit/{visit}"
        plan.append(
            _Planned(visit_key, t0, "gen2", functools.partial(self._visit_writes, fld, visit, t0))
        )
        at = t0 + self._uniform(0.2, 0.5)
        plan.append(
            _Planned(f"visit_set/{visit}", at, "iic", lambda _r: self._visit_set_writes(fld, visit))
        )
        last = at
        if j == 0:
            last = self._plan_convergence(plan, early, fld, t0 + self._uniform(4, 6), pointing)
            exposure_start = last + self._uniform(10, 20)
        else:
            exposure_start = t0 + self._uniform(8, 15)

        ag_time = t0 + self._uniform(2, 3)
        for k in range(o.ag_frames):
            exposure_id = self.next_agc_exposure
            self.next_agc_exposure += 1
            key = f"agc_exposure/{exposure_id}"
            published = ag_time + self._uniform(0.3, 0.8)
            plan.append(
                _Planned(
                    key,
                    published,
                    "ag",
                    functools.partial(self._agc_writes, fld, visit, exposure_id, ag_time, pointing),
                )
            )
            if k == 0 and self._early("agc_exposure", number):
                early.append((key, visit_key))
            last = max(last, published)
            ag_time += self._uniform(3, 5)

        exposure_end = exposure_start + _seconds(o.exptime)
        readout = exposure_end + self._uniform(40, 50)
        sps_visit_key = f"sps_visit/{visit}"
        plan.append(
            _Planned(sps_visit_key, readout, "sps", lambda _r: self._sps_visit_writes(visit))
        )
        late_module = self.plan.randrange(1, SPS_MODULES + 1)
        module_early = self._early("sps_exposure", number)
        module_last = readout
        for module in range(1, SPS_MODULES + 1):
            at = readout + self._uniform(0.5, 8)
            key = f"sps_exposure/{visit}/sm{module}"
            plan.append(
                _Planned(
                    key,
                    at,
                    "sps",
                    functools.partial(
                        self._sps_exposure_writes, visit, module, exposure_start, exposure_end
                    ),
                )
            )
            if module_early and module == late_module:
                early.append((key, sps_visit_key))
            module_last = max(module_last, at)
        at = module_last + self._uniform(0.5, 1.5)
        plan.append(
            _Planned(
                f"pfs_config_sps/{visit}",
                at,
                "iic",
                lambda _r: self._config_sps_writes(fld, visit),
            )
        )
        end = max(last, at) + self._uniform(1, 3)

        snapshots = o.status_snapshots
        for s in range(1, snapshots + 1):
            at = t0 + _seconds(
                1.0 + (end - t0 - _seconds(1.0)).total_seconds() * (s - 1) / snapshots
            )
            at += self._uniform(0, 0.5)
            key = f"tel_status/{visit}/{s}"
            plan.append(
                _Planned(
                    key,
                    at,
                    "gen2",
                    functools.partial(self._status_writes, fld, visit, s, at, pointing),
                )
            )
            if s == 1 and self._early("tel_status", number):
                early.append((key, visit_key))
        return end

    def _plan_convergence(
        self,
        plan: list[_Planned],
        early: list[tuple[str, str]],
        fld: _Field,
        t: datetime,
        pointing: _Pointing,
    ) -> datetime:
        o = self.o
        visit = fld.visit0
        for it in range(o.frames):
            frame_id = visit * 100 + it
            plan.append(
                _Planned(
                    f"cobra_target/{visit}/{it}",
                    t,
                    "fps",
                    functools.partial(self._target_writes, fld, it),
                )
            )
            taken = t + self._uniform(0.8, 1.2)
            frame_key = f"mcs_exposure/{frame_id}"
            frame_at = taken + self._uniform(5.5, 7.0)  # 4.8 s exposure, then centroiding
            plan.append(
                _Planned(
                    frame_key,
                    frame_at,
                    "mcs",
                    functools.partial(self._mcs_writes, fld, it, taken, pointing),
                )
            )
            match_key = f"cobra_match/{visit}/{it}"
            match_at = frame_at + self._uniform(1, 2)
            plan.append(
                _Planned(match_key, match_at, "fps", functools.partial(self._match_writes, fld, it))
            )
            if self._early("cobra_match", fld.index * o.frames + it):
                early.append((match_key, frame_key))
            t = match_at
            if it + 1 < o.frames:
                t += self._uniform(0.3, 0.8)
                plan.append(
                    _Planned(
                        f"cobra_move/{visit}/{it}",
                        t,
                        "fps",
                        functools.partial(self._move_writes, fld, it),
                    )
                )
                t += self._uniform(4, 7)  # the cobras move
        t += self._uniform(1, 3)
        plan.append(
            _Planned(
                f"pfs_config/{fld.design_id}/{visit}",
                t,
                "fps",
                functools.partial(self._config_writes, fld, t),
            )
        )
        t += self._uniform(0.3, 0.8)
        plan.append(
            _Planned(
                f"field_set/{fld.sequence_id}", t, "iic", lambda _r: self._field_set_writes(fld)
            )
        )
        return t

    def _pointing(self, visit: int) -> _Pointing:
        rng = self._rng(f"pointing/{visit}")
        return _Pointing(
            altitude=round(rng.uniform(35, 85), 4),
            azimuth=round(rng.uniform(0, 360), 4),
            insrot=round(rng.uniform(-170, 170), 4),
            adc_pa=round(rng.uniform(-90, 90), 4),
            m2_pos3=round(rng.uniform(-0.9, -0.3), 4),
            dome_temperature=round(rng.uniform(273.5, 277.5), 2),
            outside_temperature=round(rng.uniform(272.0, 277.0), 2),
            pressure=round(rng.uniform(617, 623), 2),
            humidity=round(rng.uniform(5, 40), 1),
        )

    def _iteration(self, fld: _Field, it: int) -> _Iteration:
        """The MCS view at one iteration, computed once from its own seeded generator."""
        cached = fld.iterations.get(it)
        if cached is not None:
            return cached
        o = self.o
        rng = self._rng(f"iteration/{fld.visit0}/{it}")
        real = o.spots - 1
        order = list(range(real))
        rng.shuffle(order)
        spot_x = [_NAN] * real
        spot_y = [_NAN] * real
        used = 0
        fiducial_spot = [-1] * o.fiducials
        for i, (x, y, _kind) in enumerate(_fiducial_layout(o.fiducials)):
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
                spot_x[spot] = spot_y[spot] = _NAN
        state = _Iteration(spot_x, spot_y, cobra_spot, fiducial_spot)
        fld.iterations[it] = state
        return state

    # ----------------------------------------------------------------- set-up rows

    def _sps_modules(self) -> list[Write]:
        rows = [{"sps_module_id": m, "description": f"sm{m}"} for m in range(1, SPS_MODULES + 1)]
        return _rows_write("sps_module", rows, "upsert")

    def _sps_cameras(self) -> list[Write]:
        rows = [
            {
                "sps_camera_id": _sps_camera_id(m, arm),
                "sps_camera_name": f"{arm}{m}",
                "sps_module_id": m,
                "sps_module_name": f"sm{m}",
                "arm": arm,
                "arm_num": ARMS.index(arm) + 1,
            }
            for m in range(1, SPS_MODULES + 1)
            for arm in ARMS
        ]
        return _rows_write("sps_camera", rows, "upsert")

    def _mcs_cameras(self) -> list[Write]:
        rows = [
            {"mcs_camera_id": i, "mcs_camera_name": name, "comments": note}
            for i, name, note in _MCS_CAMERAS
        ]
        return _rows_write("mcs_camera", rows, "upsert")

    def _cloud_conditions(self) -> list[Write]:
        created = _hst(self.o.start - timedelta(days=400))
        rows = [
            {
                "cloud_condition_id": i,
                "cloud_condition_name": name,
                "cloud_condition_description": text,
                "created_at": created,
                "updated_at": created,
            }
            for i, name, text in _CLOUD_CONDITIONS
        ]
        return _rows_write("cloud_condition", rows, "upsert")

    def _cobras(self, ids: list[int], _rng: random.Random) -> list[Write]:
        stamp = _hst(self.o.start - timedelta(days=23))
        rows = [
            {**_cobra_wiring(c, self.o.cobras), "created_at": stamp, "updated_at": stamp}
            for c in ids
        ]
        return _rows_write("cobra", rows, "upsert")

    def _fiducials(self, _rng: random.Random) -> list[Write]:
        rows = []
        counts: Counter[str] = Counter()
        for i, (x, y, kind) in enumerate(_fiducial_layout(self.o.fiducials), start=1):
            counts[kind] += 1
            rows.append(
                {
                    "fiducial_fiber_id": i,
                    "field_on_pfi": int((math.atan2(y, x) % (2 * math.pi)) // (2 * math.pi / 3))
                    + 1,
                    "ff_in_field": i,
                    "ff_type": kind,
                    "ff_id_in_type": counts[kind],
                    "mask": 7 if kind == "outer" else 6,
                    "version": "2026-11-01",
                }
            )
        return _rows_write("fiducial_fiber", rows, "upsert")

    # ----------------------------------------------------------------- designs, IIC

    def _sequence_group_writes(self, at: datetime) -> Callable[[random.Random], list[Write]]:
        row = {
            "group_id": self.group_id,
            "group_name": f"science {self.o.start.date().isoformat()}",
            "created_at": _hst(at),
        }
        return lambda _r: _rows_write("sequence_group", [row])

    def _design_writes(self, fld: _Field, at: datetime, rng: random.Random) -> list[Write]:
        o = self.o
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
            "num_sci_designed": counts[_SCIENCE],
            "num_cal_designed": counts[_FLUXSTD],
            "num_sky_designed": counts[_SKY],
            "num_guide_stars": o.guide_stars,
            "exptime_tot": o.exptime * len(fld.visits),
            "exptime_min": o.exptime,
            "ets_version": _VERSIONS["ets"],
            "ets_assigner": "naive",
            "designed_at": _hst(at - timedelta(hours=20)),
            "to_be_observed_at": _utc(at + timedelta(hours=1, minutes=30 * fld.index)),
            "pfs_utils_version": _VERSIONS["pfs_utils"],
            "is_obsolete": False,
        }
        cos_dec = math.cos(math.radians(fld.dec))
        fibers = []
        for c in range(o.cobras):
            x, y, kind = fld.target_x[c], fld.target_y[c], fld.target_type[c]
            assigned = kind != _UNASSIGNED
            fibers.append(
                {
                    "pfs_design_id": fld.design_id,
                    "fiber_id": _slit_position(c + 1, o.cobras)[2],
                    "target_cat_id": 1 if kind == _SCIENCE else 3 if kind == _FLUXSTD else -1,
                    "target_tract": 9000 + fld.index,
                    "target_patch": f"{c % 9},{c % 7}",
                    "target_obj_id": rng.getrandbits(52) if assigned else -1,
                    "target_ra": round(fld.ra + x * _DEG_PER_MM / cos_dec, 7),
                    "target_dec": round(fld.dec + y * _DEG_PER_MM, 7),
                    "target_pm_ra": round(rng.uniform(-5, 5), 3) if kind == _FLUXSTD else 0.0,
                    "target_pm_dec": round(rng.uniform(-5, 5), 3) if kind == _FLUXSTD else 0.0,
                    "target_parallax": round(rng.uniform(0, 2), 3) if kind == _FLUXSTD else 1e-7,
                    "epoch": "J2016.0",
                    "proposal_id": "S26B-OT03" if kind == _SCIENCE else "N/A",
                    "ob_code": f"ob_{fld.index}_{c}" if kind == _SCIENCE else "N/A",
                    "target_type": kind,
                    "fiber_status": _GOOD,
                    "pfi_nominal_x_mm": x,
                    "pfi_nominal_y_mm": y,
                    "ets_priority": rng.randint(1, 9) if kind == _SCIENCE else -1,
                    "ets_cost_function": round(rng.random(), 6) if assigned else _NAN,
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
            *_rows_write("pfs_design", [design]),
            *_rows_write("pfs_design_fiber", fibers),
            *_rows_write("pfs_design_agc", agc),
        ]

    def _sequence_writes(self, fld: _Field, at: datetime, _rng: random.Random) -> list[Write]:
        name = f"S26B-{1000 + fld.index:05d}"
        row = {
            "iic_sequence_id": fld.sequence_id,
            "sequence_type": "scienceObject",
            "name": name,
            "comments": "",
            "cmd_str": (
                f"iic scienceObject exptime={self.o.exptime:.1f} duplicate={len(fld.visits)} "
                f'designId=0x{fld.design_id:016x} name="{name}" groupId={self.group_id}'
            ),
            "group_id": self.group_id,
            "created_at": _hst(at),
        }
        return _rows_write("iic_sequence", [row])

    def _sequence_end_writes(self, fld: _Field, at: datetime, _rng: random.Random) -> list[Write]:
        status = {
            "iic_sequence_id": fld.sequence_id,
            "status_flag": 0,
            "cmd_output": "scienceObject complete",
            "finished_at": _hst(at),
        }
        observed = {"pfs_design_id": fld.design_id, "visit0": fld.visit0, "was_observed": True}
        return [
            *_rows_write("pfs_config", [observed], "update"),
            *_rows_write("iic_sequence_status", [status]),
        ]

    def _visit_writes(
        self, fld: _Field, visit: int, at: datetime, _r: random.Random
    ) -> list[Write]:
        row = {
            "pfs_visit_id": visit,
            "pfs_visit_description": "scienceObject",
            "pfs_design_id": fld.design_id,
            "issued_at": _hst(at),
        }
        return _rows_write("pfs_visit", [row])

    def _visit_set_writes(self, fld: _Field, visit: int) -> list[Write]:
        row = {"pfs_visit_id": visit, "iic_sequence_id": fld.sequence_id}
        return _rows_write("visit_set", [row])

    def _field_set_writes(self, fld: _Field) -> list[Write]:
        row = {"iic_sequence_id": fld.sequence_id, "visit0": fld.visit0}
        return _rows_write("field_set", [row])

    def _config_sps_writes(self, fld: _Field, visit: int) -> list[Write]:
        mask = sum(
            1 << (_sps_camera_id(m, arm) - 1)
            for m in range(1, SPS_MODULES + 1)
            for arm in EXPOSED_ARMS
        )
        row = {"pfs_visit_id": visit, "visit0": fld.visit0, "cam_mask": mask, "inst_status_flag": 0}
        return _rows_write("pfs_config_sps", [row])

    # ----------------------------------------------------------------- Gen2

    def _status_writes(
        self,
        fld: _Field,
        visit: int,
        sequence: int,
        at: datetime,
        p: _Pointing,
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
            "created_at": _hst(at),
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
            "created_at": _hst(at),
        }
        writes = [*_rows_write("tel_status", [tel]), *_rows_write("env_condition", [env])]
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
                "created_at": _hst(at),
            }
            writes += _rows_write("obs_condition", [obs])
        return writes

    # ----------------------------------------------------------------- FPS and MCS

    def _target_writes(self, fld: _Field, it: int, _rng: random.Random) -> list[Write]:
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
                "flags": 0 if fld.target_type[c] != _UNASSIGNED else 2,
            }
            for c in range(self.o.cobras)
        ]
        return _rows_write("cobra_target", rows)

    def _mcs_writes(
        self, fld: _Field, it: int, taken: datetime, p: _Pointing, rng: random.Random
    ) -> list[Write]:
        state = self._iteration(fld, it)
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
            "version_actor": _VERSIONS["mcs"],
            "version_instdata": _VERSIONS["instdata"],
            "taken_at": _hst(taken),
            "taken_in_hst_at": _hst(taken),
        }
        # The sentinel: unmatched cobras point at spot -1, so every frame carries one.
        spots: list[Row] = [
            {
                "mcs_frame_id": frame_id,
                "spot_id": -1,
                "mcs_center_x_pix": _NAN,
                "mcs_center_y_pix": _NAN,
                "mcs_second_moment_x_pix": _NAN,
                "mcs_second_moment_y_pix": _NAN,
                "mcs_second_moment_xy_pix": _NAN,
                "bgvalue": _NAN,
                "peakvalue": _NAN,
                "flags": 0,
                "flux": _NAN,
                "fluxerr": _NAN,
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
                    "mcs_center_x_pix": _NAN if failed else round(_MCS_X0 + x * _MCS_SCALE, 3),
                    "mcs_center_y_pix": _NAN if failed else round(_MCS_Y0 + y * _MCS_SCALE, 3),
                    "mcs_second_moment_x_pix": _NAN if failed else round(uniform(4, 6), 3),
                    "mcs_second_moment_y_pix": _NAN if failed else round(uniform(4, 6), 3),
                    "mcs_second_moment_xy_pix": _NAN if failed else round(uniform(-0.3, 0.3), 3),
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
            "matrix": [8350.0, 0.0, _MCS_X0, 0.0, 8350.0, _MCS_Y0, 0.0, 0.0, 1.0],
            "distor": [round(uniform(-0.01, 0.01), 6) for _ in range(5)],
            "rot_vector": [round(uniform(-0.01, 0.01), 6) for _ in range(3)],
            "tran_vector": [round(uniform(-1, 1), 4), round(uniform(-1, 1), 4), 15600.0],
        }
        return [
            *_rows_write("mcs_exposure", [exposure]),
            *_rows_write("mcs_data", spots),
            *_rows_write("mcs_pfi_transformation", [transformation]),
            *_rows_write("camera_model_f3c_mcs", [model]),
        ]

    def _match_writes(self, fld: _Field, it: int, _rng: random.Random) -> list[Write]:
        state = self._iteration(fld, it)
        visit, frame_id = fld.visit0, fld.visit0 * 100 + it
        matches = []
        for c, spot in enumerate(state.cobra_spot):
            x = state.spot_x[spot] if spot >= 0 else _NAN
            y = state.spot_y[spot] if spot >= 0 else _NAN
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
            zip(_fiducial_layout(self.o.fiducials), state.fiducial_spot, strict=True)
        ):
            fiducials.append(
                {
                    "pfs_visit_id": visit,
                    "iteration": it,
                    "fiducial_fiber_id": i + 1,
                    "mcs_frame_id": frame_id,
                    "spot_id": spot,
                    "pfi_center_x_mm": state.spot_x[spot] if spot >= 0 else _NAN,
                    "pfi_center_y_mm": state.spot_y[spot] if spot >= 0 else _NAN,
                    "fiducial_tweaked_x_mm": round(fx, 4),
                    "fiducial_tweaked_y_mm": round(fy, 4),
                    "flags": 0 if spot >= 0 else 1,
                    "match_mask": 7 if kind == "outer" else 6,
                }
            )
        return [
            *_rows_write("cobra_match", matches),
            *_rows_write("fiducial_fiber_match", fiducials),
        ]

    def _move_writes(self, fld: _Field, it: int, rng: random.Random) -> list[Write]:
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
            for c in range(self.o.cobras)
        ]
        return _rows_write("cobra_move", rows)

    def _config_writes(self, fld: _Field, at: datetime, rng: random.Random) -> list[Write]:
        o = self.o
        final = self._iteration(fld, o.frames - 1)
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
            "allocated_at": _hst(at),
            "to_be_observed_at": _utc(at),
            "pfs_utils_version": _VERSIONS["pfs_utils"],
            "to_be_observed_at_design": _utc(at - timedelta(minutes=5)),
            "pfs_utils_version_design": _VERSIONS["pfs_utils"],
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
            x = final.spot_x[spot] if spot >= 0 else _NAN
            y = final.spot_y[spot] if spot >= 0 else _NAN
            distance = math.hypot(x - fld.target_x[c], y - fld.target_y[c])
            converged = distance <= 0.02  # False for NaN too
            assigned = fld.target_type[c] != _UNASSIGNED
            fibers.append(
                {
                    "pfs_design_id": fld.design_id,
                    "visit0": fld.visit0,
                    "fiber_id": _slit_position(c + 1, o.cobras)[2],
                    "target_ra": round(
                        fld.ra + fld.target_x[c] * _DEG_PER_MM / math.cos(math.radians(fld.dec)),
                        7,
                    ),
                    "target_dec": round(fld.dec + fld.target_y[c] * _DEG_PER_MM, 7),
                    "fiber_status": _GOOD if converged else _NOT_CONVERGED,
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
            *_rows_write("pfs_config", [config]),
            *_rows_write("pfs_config_fiber", fibers),
            *_rows_write("pfs_config_agc", agc),
        ]

    # ----------------------------------------------------------------- AG

    def _agc_writes(
        self,
        fld: _Field,
        visit: int,
        exposure_id: int,
        taken: datetime,
        p: _Pointing,
        rng: random.Random,
    ) -> list[Write]:
        o = self.o
        # The AG actor sends UTC-aware times; the contract stores them as HST wall-clock.
        taken_at = _utc(taken)
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
            "version_actor": _VERSIONS["ag"],
            "version_instdata": _VERSIONS["instdata"],
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
            *_rows_write("agc_exposure", [exposure]),
            *_rows_write("agc_data", data),
            *_rows_write("agc_match", matches),
            *_rows_write("agc_guide_offset", [offset]),
        ]

    # ----------------------------------------------------------------- SPS

    def _sps_visit_writes(self, visit: int) -> list[Write]:
        return _rows_write("sps_visit", [{"pfs_visit_id": visit, "exp_type": "object"}])

    def _sps_exposure_writes(
        self,
        visit: int,
        module: int,
        start: datetime,
        end: datetime,
        rng: random.Random,
    ) -> list[Write]:
        exposures, conditions = [], []
        for arm in EXPOSED_ARMS:
            camera = _sps_camera_id(module, arm)
            exposures.append(
                {
                    "pfs_visit_id": visit,
                    "sps_camera_id": camera,
                    "exptime": round((end - start).total_seconds() + rng.uniform(-0.05, 0.05), 3),
                    "time_exp_start": _hst(start + _seconds(rng.uniform(0, 0.05))),
                    "time_exp_end": _hst(end + _seconds(rng.uniform(0, 0.05))),
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
            *_rows_write("sps_exposure", exposures),
            *_rows_write("sps_condition", conditions),
        ]


# --------------------------------------------------------------------------- command line


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    defaults = NightOptions()
    parser = argparse.ArgumentParser(
        prog="python -m opdb.simulate",
        description="Write a simulated PFS night as contract-v1 event envelopes (JSON lines).",
    )
    parser.add_argument("--out", default="-", help="output file, - for stdout (default: -)")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    for name in (
        "visits",
        "visits_per_field",
        "frames",
        "spots",
        "cobras",
        "fiducials",
        "ag_frames",
        "ag_spots",
        "guide_stars_per_camera",
        "status_snapshots",
    ):
        parser.add_argument(
            "--" + name.replace("_", "-"),
            type=int,
            default=getattr(defaults, name),
            help=f"(default: {getattr(defaults, name)})",
        )
    parser.add_argument("--exptime", type=float, default=defaults.exptime)
    parser.add_argument("--first-visit", type=int, default=None)
    parser.add_argument(
        "--in-order", action="store_true", help="publish every event after its parents"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m opdb.simulate [options] [--out FILE]``; a summary goes to stderr."""
    args = _parse(argv)
    values = {k: v for k, v in vars(args).items() if k not in {"out", "in_order"}}
    try:
        options = NightOptions(out_of_order=not args.in_order, **values)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    events = 0
    stream = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for envelope in simulate_night(options=options):
            # allow_nan: the contract reads the bare NaN token Python writes.
            stream.write(json.dumps(envelope, separators=(",", ":")) + "\n")
            events += 1
    finally:
        if stream is not sys.stdout:
            stream.close()
    elapsed = time.perf_counter() - started
    rows = expected_rows(options)
    print(
        f"{events} events, {sum(rows.values())} rows in {elapsed:.1f} s "
        f"({', '.join(f'{k}={v}' for k, v in asdict(options).items() if k != 'start')})",
        file=sys.stderr,
    )
    for table, n in rows.items():
        print(f"  {table:24} {n:>9}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
