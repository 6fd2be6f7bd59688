"""The night's planner: the timeline of every event, field by field, and the out-of-order
choices; what each event writes comes from the instrument modules."""

from __future__ import annotations

import functools
import math
import random
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from opdb.reference import SPS_MODULES
from opdb.simulate import ag, designs, mcs, sps, telescope, visits
from opdb.simulate.common import (
    AG_CAMERAS,
    EARLY_RATE,
    FLUXSTD,
    PATROL_MM,
    SCIENCE,
    SKY,
    UNASSIGNED,
    EnvelopeDict,
    Field,
    NightBase,
    NightOptions,
    Planned,
    Pointing,
    Write,
    cobra_centres,
    seconds,
)


class Night(NightBase):
    """Plans the night field by field and turns the plan into envelopes."""

    def __init__(self, options: NightOptions) -> None:
        super().__init__(options)
        # The plan (timeline, out-of-order choices, allocated ids) draws from this one
        # generator in a fixed order, so it never depends on out_of_order itself.
        self.plan = self.rng("plan")
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

    def _early(self, kind: str, instance: int) -> bool:
        # Always draw, so that the plan does not depend on out_of_order.
        draw = self.plan.random()
        return self.o.out_of_order and (instance == self.forced[kind] or draw < EARLY_RATE)

    def _uniform(self, low: float, high: float) -> timedelta:
        return seconds(self.plan.uniform(low, high))

    def _envelope(self, planned: Planned) -> EnvelopeDict:
        rng = self.rng(planned.key)
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

    def _make_field(self, index: int) -> Field:
        o = self.o
        rng = self.rng(f"field/{index}")
        design_id = rng.getrandbits(63) or 1
        while design_id in self.design_ids:  # astronomically unlikely; keys must not collide
            design_id = rng.getrandbits(63) or 1
        self.design_ids.add(design_id)
        first = index * o.visits_per_field
        visits = [
            self.first_visit + v for v in range(first, min(o.visits, first + o.visits_per_field))
        ]
        centres = cobra_centres()
        target_x, target_y, target_type = [], [], []
        for c in range(o.cobras):
            radius = PATROL_MM * math.sqrt(rng.random())
            angle = rng.uniform(0, 2 * math.pi)
            target_x.append(round(centres[c][0] + radius * math.cos(angle), 4))
            target_y.append(round(centres[c][1] + radius * math.sin(angle), 4))
            draw = rng.random()
            target_type.append(
                SCIENCE
                if draw < 0.80
                else SKY
                if draw < 0.92
                else FLUXSTD
                if draw < 0.96
                else UNASSIGNED
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
        return Field(
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

    def _setup(self) -> list[Planned]:
        o = self.o
        t = o.start
        items: list[tuple[str, str, Callable[[random.Random], list[Write]]]] = [
            ("setup/sps_module", "sps", lambda _r: sps.sps_modules(self)),
            ("setup/sps_camera", "sps", lambda _r: sps.sps_cameras(self)),
            ("setup/mcs_camera", "mcs", lambda _r: mcs.mcs_cameras(self)),
            ("setup/cloud_condition", "gen2", lambda _r: telescope.cloud_conditions(self)),
        ]
        for sector in range(1, 4):
            ids = [c for c in range(1, o.cobras + 1) if (c - 1) // 57 // 14 + 1 == sector]
            if ids:
                items.append(
                    (f"setup/cobra/{sector}", "fps", functools.partial(mcs.cobras, self, ids))
                )
        if o.fiducials:
            items.append(("setup/fiducial_fiber", "fps", functools.partial(mcs.fiducials, self)))
        plan = [
            Planned(key, t + seconds(0.2 * n), source, build)
            for n, (key, source, build) in enumerate(items)
        ]
        if o.visits:
            at = t + timedelta(minutes=5)
            plan.append(
                Planned("sequence_group", at, "iic", visits.sequence_group_writes(self, at))
            )
        for n, fld in enumerate(self.fields):
            at = t + timedelta(minutes=10, seconds=20 * n)
            plan.append(
                Planned(
                    f"pfs_design/{fld.design_id}",
                    at,
                    "ets",
                    functools.partial(designs.design_writes, self, fld, at),
                )
            )
        return plan

    def _plan_field(self, fld: Field, start: datetime) -> tuple[list[Planned], datetime]:
        plan: list[Planned] = []
        early: list[tuple[str, str]] = []  # (child key, parent key)
        plan.append(
            Planned(
                f"iic_sequence/{fld.sequence_id}",
                start,
                "iic",
                functools.partial(visits.sequence_writes, self, fld, start),
            )
        )
        t = start + self._uniform(2, 5)
        for j, visit in enumerate(fld.visits):
            t = self._plan_visit(plan, early, fld, j, visit, t)
            if j + 1 < len(fld.visits):
                t += self._uniform(20, 60)  # dither, overheads
        end = t + self._uniform(1, 3)
        plan.append(
            Planned(
                f"iic_sequence_status/{fld.sequence_id}",
                end,
                "iic",
                functools.partial(visits.sequence_end_writes, self, fld, end),
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
        plan: list[Planned],
        early: list[tuple[str, str]],
        fld: Field,
        j: int,
        visit: int,
        t0: datetime,
    ) -> datetime:
        o = self.o
        number = visit - self.first_visit  # 0-based in the night
        pointing = self._pointing(visit)
        visit_key = f"pfs_visit/{visit}"
        plan.append(
            Planned(
                visit_key, t0, "gen2", functools.partial(visits.visit_writes, self, fld, visit, t0)
            )
        )
        at = t0 + self._uniform(0.2, 0.5)
        plan.append(
            Planned(
                f"visit_set/{visit}",
                at,
                "iic",
                lambda _r: visits.visit_set_writes(self, fld, visit),
            )
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
                Planned(
                    key,
                    published,
                    "ag",
                    functools.partial(
                        ag.agc_writes, self, fld, visit, exposure_id, ag_time, pointing
                    ),
                )
            )
            if k == 0 and self._early("agc_exposure", number):
                early.append((key, visit_key))
            last = max(last, published)
            ag_time += self._uniform(3, 5)

        exposure_end = exposure_start + seconds(o.exptime)
        readout = exposure_end + self._uniform(40, 50)
        sps_visit_key = f"sps_visit/{visit}"
        plan.append(
            Planned(sps_visit_key, readout, "sps", lambda _r: sps.sps_visit_writes(self, visit))
        )
        late_module = self.plan.randrange(1, SPS_MODULES + 1)
        module_early = self._early("sps_exposure", number)
        module_last = readout
        for module in range(1, SPS_MODULES + 1):
            at = readout + self._uniform(0.5, 8)
            key = f"sps_exposure/{visit}/sm{module}"
            plan.append(
                Planned(
                    key,
                    at,
                    "sps",
                    functools.partial(
                        functools.partial(sps.sps_exposure_writes, self),
                        visit,
                        module,
                        exposure_start,
                        exposure_end,
                    ),
                )
            )
            if module_early and module == late_module:
                early.append((key, sps_visit_key))
            module_last = max(module_last, at)
        at = module_last + self._uniform(0.5, 1.5)
        plan.append(
            Planned(
                f"pfs_config_sps/{visit}",
                at,
                "iic",
                lambda _r: designs.config_sps_writes(self, fld, visit),
            )
        )
        end = max(last, at) + self._uniform(1, 3)

        snapshots = o.status_snapshots
        for s in range(1, snapshots + 1):
            at = t0 + seconds(1.0 + (end - t0 - seconds(1.0)).total_seconds() * (s - 1) / snapshots)
            at += self._uniform(0, 0.5)
            key = f"tel_status/{visit}/{s}"
            plan.append(
                Planned(
                    key,
                    at,
                    "gen2",
                    functools.partial(telescope.status_writes, self, fld, visit, s, at, pointing),
                )
            )
            if s == 1 and self._early("tel_status", number):
                early.append((key, visit_key))
        return end

    def _plan_convergence(
        self,
        plan: list[Planned],
        early: list[tuple[str, str]],
        fld: Field,
        t: datetime,
        pointing: Pointing,
    ) -> datetime:
        o = self.o
        visit = fld.visit0
        for it in range(o.frames):
            frame_id = visit * 100 + it
            plan.append(
                Planned(
                    f"cobra_target/{visit}/{it}",
                    t,
                    "fps",
                    functools.partial(mcs.target_writes, self, fld, it),
                )
            )
            taken = t + self._uniform(0.8, 1.2)
            frame_key = f"mcs_exposure/{frame_id}"
            frame_at = taken + self._uniform(5.5, 7.0)  # 4.8 s exposure, then centroiding
            plan.append(
                Planned(
                    frame_key,
                    frame_at,
                    "mcs",
                    functools.partial(mcs.mcs_writes, self, fld, it, taken, pointing),
                )
            )
            match_key = f"cobra_match/{visit}/{it}"
            match_at = frame_at + self._uniform(1, 2)
            plan.append(
                Planned(
                    match_key, match_at, "fps", functools.partial(mcs.match_writes, self, fld, it)
                )
            )
            if self._early("cobra_match", fld.index * o.frames + it):
                early.append((match_key, frame_key))
            t = match_at
            if it + 1 < o.frames:
                t += self._uniform(0.3, 0.8)
                plan.append(
                    Planned(
                        f"cobra_move/{visit}/{it}",
                        t,
                        "fps",
                        functools.partial(mcs.move_writes, self, fld, it),
                    )
                )
                t += self._uniform(4, 7)  # the cobras move
        t += self._uniform(1, 3)
        plan.append(
            Planned(
                f"pfs_config/{fld.design_id}/{visit}",
                t,
                "fps",
                functools.partial(designs.config_writes, self, fld, t),
            )
        )
        t += self._uniform(0.3, 0.8)
        plan.append(
            Planned(
                f"field_set/{fld.sequence_id}",
                t,
                "iic",
                lambda _r: visits.field_set_writes(self, fld),
            )
        )
        return t

    def _pointing(self, visit: int) -> Pointing:
        rng = self.rng(f"pointing/{visit}")
        return Pointing(
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
    return Night(options).envelopes()
