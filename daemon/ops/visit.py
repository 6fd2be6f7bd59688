"""``opdb-ingestd visit VISIT_ID``: what the opDB holds for one visit, and what it lacks.

Events of one visit arrive from several actors (Gen2, SPS, MCS, AG, IIC) and any of
them can be dead-lettered or never sent, so an operator needs a quick answer to "is
this visit complete?". The command counts, per table, the rows that belong to the
visit, then checks what a visit of its kind is expected to have:

* every visit: at least one ``tel_status`` snapshot;
* a spectrograph visit (it has ``sps_visit``): an ``sps_exposure`` for every camera of
  ``sps_camera``;
* an MCS visit (it has ``mcs_exposure``): spots in ``mcs_data`` for every frame;
* an AG visit (it has ``agc_exposure``): ``agc_data`` for every guide exposure.

Which tables belong to a visit is derived from the models, not listed by hand, so a new
table with a ``pfs_visit_id`` column shows up without touching this file: a table
belongs through its ``pfs_visit_id`` column, else through a foreign-key chain to the
visit's MCS frames or AG exposures, else through ``visit0`` (the visit that names a
fiber configuration).

The reading happens in one read-only REPEATABLE READ transaction, so the counts and the
checks describe the same moment even while the daemon writes. The checks themselves are
pure functions of :class:`VisitFacts`, testable without a database.

Exit codes: 0 nothing flagged, 1 something flagged, 2 no such visit.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from daemon.settings import Settings
from opdb.models import Base

EXIT_COMPLETE = 0
EXIT_FLAGGED = 1
EXIT_UNKNOWN_VISIT = 2

# mcs_data keeps a row with this spot id in every frame so that cobra_match can point
# unmatched cobras at it: a frame holding only that row has no spots.
SENTINEL_SPOT_ID = -1

BY_VISIT_ID = "pfs_visit_id"
BY_MCS_FRAME = "mcs_frame"
BY_AGC_EXPOSURE = "agc_exposure"
BY_VISIT0 = "visit0"
_LINK_WORDS = {
    BY_VISIT_ID: "pfs_visit_id",
    BY_MCS_FRAME: "the visit's MCS frames",
    BY_AGC_EXPOSURE: "the visit's AG exposures",
    BY_VISIT0: "visit0 (fiber configuration)",
}
# The report reads by instrument, in the order a visit happens, then parents first.
_FAMILY_ORDER = ("visits", "telescope", "sps", "mcs", "ag", "designs", "obslog")
# Beyond this many hops a foreign-key chain is not followed: the schema's longest chain
# to a frame or guide exposure is two (agc_match -> agc_data -> agc_exposure).
_MAX_FK_HOPS = 4


# --- Which tables belong to a visit, from the models ------------------------------------


@dataclass(frozen=True)
class Link:
    """How rows of ``table`` belong to a visit: ``column`` holds the visit id (or the id
    of one of its MCS frames or AG exposures, or the visit as ``visit0``)."""

    table: str
    column: str
    by: str


def _reaches(column: sa.Column[Any], target: sa.Column[Any]) -> bool:
    """Whether ``column`` references ``target``, directly or through a chain of keys."""
    current = column
    for _ in range(_MAX_FK_HOPS):
        keys = list(current.foreign_keys)
        if len(keys) != 1:
            return False
        current = keys[0].column
        if current is target:
            return True
    return False


def _family_rank() -> dict[str, int]:
    """Rank of each model table by the module that defines it (opdb.models.<family>)."""
    ranks = {family: rank for rank, family in enumerate(_FAMILY_ORDER)}
    return {
        mapper.local_table.name: ranks.get(mapper.class_.__module__.rpartition(".")[2], len(ranks))
        for mapper in Base.registry.mappers
        if isinstance(mapper.local_table, sa.Table)
    }


def visit_links(metadata: sa.MetaData | None = None) -> list[Link]:
    """Every table that can hold rows of a visit, grouped by instrument, parents before
    children within a group."""
    metadata = Base.metadata if metadata is None else metadata
    family = _family_rank()
    frame = metadata.tables["mcs_exposure"].c.mcs_frame_id
    guide = metadata.tables["agc_exposure"].c.agc_exposure_id
    links: list[Link] = []
    for table in metadata.sorted_tables:
        if BY_VISIT_ID in table.c:
            links.append(Link(table.name, BY_VISIT_ID, BY_VISIT_ID))
            continue
        found = next(
            (
                Link(table.name, column.name, by)
                for by, target in ((BY_MCS_FRAME, frame), (BY_AGC_EXPOSURE, guide))
                for column in table.columns
                if _reaches(column, target)
            ),
            None,
        )
        if found is None and BY_VISIT0 in table.c:
            found = Link(table.name, BY_VISIT0, BY_VISIT0)
        if found is not None:
            links.append(found)
    # sorted() is stable: within a family the tables stay parents first.
    return sorted(links, key=lambda link: family.get(link.table, len(_FAMILY_ORDER)))


# --- The facts and the checks (pure) ------------------------------------------------------


@dataclass(frozen=True)
class Camera:
    """One row of ``sps_camera``, named the way observers say it (``b1``, ``r2``)."""

    camera_id: int
    name: str
    module: int | None
    arm: str | None

    @property
    def slot(self) -> tuple[object, ...]:
        """The physical camera: the red arm reads out as ``r`` (low resolution) or ``m``
        (medium resolution), so r and m of one module are one detector and a visit
        exposes one of the two, never both."""
        if self.module is None or not self.arm:
            return ("camera", self.camera_id)
        return (self.module, "r" if self.arm in {"r", "m"} else self.arm)


def camera_name(camera_id: int, name: str | None, module: int | None, arm: str | None) -> str:
    """Arm letter plus module number (``b1``); the stored name, or the id, failing that."""
    if arm and module is not None:
        return f"{arm}{module}"
    return name or f"#{camera_id}"


@dataclass(frozen=True)
class McsFrame:
    """One MCS frame of the visit and what ``mcs_data`` holds for it."""

    frame_id: int
    rows: int
    spots: int  # rows other than the sentinel


@dataclass(frozen=True)
class VisitFacts:
    """Everything the checks look at, read in one snapshot."""

    visit_id: int
    description: str | None
    rows: Mapping[str, int]
    cameras: Sequence[Camera]
    exposures_by_camera: Mapping[int, int]
    mcs_frames: Sequence[McsFrame]
    agc_data_by_exposure: Mapping[int, int]

    @property
    def kinds(self) -> list[str]:
        """What the visit was, as far as its rows tell."""
        kinds = []
        if self.rows.get("sps_visit"):
            kinds.append("spectrograph")
        if self.rows.get("mcs_exposure"):
            kinds.append("MCS")
        if self.rows.get("agc_exposure"):
            kinds.append("AG")
        return kinds

    def camera_rows(self) -> dict[str, int]:
        """sps_exposure rows per camera name, in camera order."""
        names = {camera.camera_id: camera.name for camera in self.cameras}
        return {
            names.get(camera_id, f"#{camera_id}"): rows
            for camera_id, rows in sorted(self.exposures_by_camera.items())
        }


@dataclass(frozen=True)
class Flag:
    """Something a visit of its kind should have and lacks."""

    code: str
    subject: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "subject": self.subject, "message": self.message}


def missing_cameras(cameras: Sequence[Camera], exposed: Mapping[int, int]) -> list[str]:
    """Names of the physical cameras with no sps_exposure; an r/m pair is named
    ``r1/m1`` when neither side exposed."""
    slots: dict[tuple[object, ...], list[Camera]] = {}
    for camera in sorted(cameras, key=lambda c: c.camera_id):
        slots.setdefault(camera.slot, []).append(camera)
    return [
        "/".join(camera.name for camera in members)
        for members in slots.values()
        if not any(exposed.get(camera.camera_id) for camera in members)
    ]


def check(facts: VisitFacts) -> list[Flag]:
    """What the visit lacks, given what it is. Empty when nothing is missing."""
    flags: list[Flag] = []
    if not facts.rows.get("tel_status"):
        flags.append(
            Flag(
                "no_tel_status",
                "tel_status",
                "no tel_status row: every visit should have a telescope status snapshot",
            )
        )
    if facts.rows.get("sps_visit"):
        if not facts.cameras and not facts.exposures_by_camera:
            flags.append(
                Flag(
                    "no_sps_exposure",
                    "sps_exposure",
                    "spectrograph visit without any sps_exposure (and sps_camera is empty, "
                    "so no camera can be named)",
                )
            )
        for name in missing_cameras(facts.cameras, facts.exposures_by_camera):
            flags.append(
                Flag(
                    "sps_camera_missing",
                    name,
                    f"spectrograph visit without an sps_exposure for camera {name}",
                )
            )
    for frame in facts.mcs_frames:
        if frame.spots:
            continue
        what = (
            "no mcs_data rows"
            if not frame.rows
            else f"only the spot_id {SENTINEL_SPOT_ID} sentinel in mcs_data"
        )
        flags.append(
            Flag(
                "mcs_frame_without_spots",
                str(frame.frame_id),
                f"MCS frame {frame.frame_id}: {what}",
            )
        )
    for exposure_id, rows in sorted(facts.agc_data_by_exposure.items()):
        if not rows:
            flags.append(
                Flag(
                    "agc_exposure_without_data",
                    str(exposure_id),
                    f"AG exposure {exposure_id}: no agc_data rows",
                )
            )
    return flags


def exit_code(flags: Sequence[Flag]) -> int:
    return EXIT_FLAGGED if flags else EXIT_COMPLETE


# --- Reading the database -----------------------------------------------------------------


def _belongs(link: Link, visit_id: int, metadata: sa.MetaData) -> sa.ColumnElement[bool]:
    """The WHERE clause selecting the rows of ``link.table`` that belong to the visit."""
    column = metadata.tables[link.table].c[link.column]
    if link.by == BY_MCS_FRAME:
        parent = metadata.tables["mcs_exposure"]
        return column.in_(sa.select(parent.c.mcs_frame_id).where(parent.c.pfs_visit_id == visit_id))
    if link.by == BY_AGC_EXPOSURE:
        parent = metadata.tables["agc_exposure"]
        return column.in_(
            sa.select(parent.c.agc_exposure_id).where(parent.c.pfs_visit_id == visit_id)
        )
    return column == visit_id


def _count_rows(
    connection: sa.Connection, visit_id: int, links: Sequence[Link], metadata: sa.MetaData
) -> dict[str, int]:
    # One UNION ALL statement: one round trip for the whole schema.
    counts = sa.union_all(
        *(
            sa.select(sa.literal(link.table).label("name"), sa.func.count().label("n"))
            .select_from(metadata.tables[link.table])
            .where(_belongs(link, visit_id, metadata))
            for link in links
        )
    )
    return {name: int(n) for name, n in connection.execute(counts)}


def read_facts(
    connection: sa.Connection, visit_id: int, metadata: sa.MetaData | None = None
) -> VisitFacts | None:
    """What the database holds for the visit, or None when it has no pfs_visit row."""
    metadata = Base.metadata if metadata is None else metadata
    t = metadata.tables
    visit = connection.execute(
        sa.select(t["pfs_visit"].c.pfs_visit_description).where(
            t["pfs_visit"].c.pfs_visit_id == visit_id
        )
    ).first()
    if visit is None:
        return None
    links = visit_links(metadata)
    rows = _count_rows(connection, visit_id, links, metadata)

    sps_camera = t["sps_camera"]
    cameras = [
        Camera(row.sps_camera_id, camera_name(*row), row.sps_module_id, row.arm)
        for row in connection.execute(
            sa.select(
                sps_camera.c.sps_camera_id,
                sps_camera.c.sps_camera_name,
                sps_camera.c.sps_module_id,
                sps_camera.c.arm,
            ).order_by(sps_camera.c.sps_camera_id)
        )
    ]
    sps_exposure = t["sps_exposure"]
    exposed = {
        int(camera_id): int(n)
        for camera_id, n in connection.execute(
            sa.select(sps_exposure.c.sps_camera_id, sa.func.count())
            .where(sps_exposure.c.pfs_visit_id == visit_id)
            .group_by(sps_exposure.c.sps_camera_id)
        )
    }

    mcs_exposure, mcs_data = t["mcs_exposure"], t["mcs_data"]
    frames = [
        McsFrame(int(frame_id), int(n), int(spots))
        for frame_id, n, spots in connection.execute(
            sa.select(
                mcs_exposure.c.mcs_frame_id,
                sa.func.count(mcs_data.c.spot_id),
                sa.func.count(mcs_data.c.spot_id).filter(mcs_data.c.spot_id != SENTINEL_SPOT_ID),
            )
            .select_from(mcs_exposure.outerjoin(mcs_data))
            .where(mcs_exposure.c.pfs_visit_id == visit_id)
            .group_by(mcs_exposure.c.mcs_frame_id)
            .order_by(mcs_exposure.c.mcs_frame_id)
        )
    ]

    agc_exposure, agc_data = t["agc_exposure"], t["agc_data"]
    guided = {
        int(exposure_id): int(n)
        for exposure_id, n in connection.execute(
            sa.select(agc_exposure.c.agc_exposure_id, sa.func.count(agc_data.c.spot_id))
            .select_from(agc_exposure.outerjoin(agc_data))
            .where(agc_exposure.c.pfs_visit_id == visit_id)
            .group_by(agc_exposure.c.agc_exposure_id)
        )
    }
    return VisitFacts(
        visit_id=visit_id,
        description=visit.pfs_visit_description,
        rows=rows,
        cameras=cameras,
        exposures_by_camera=exposed,
        mcs_frames=frames,
        agc_data_by_exposure=guided,
    )


# --- Output and the sub-command -------------------------------------------------------------


def render_text(facts: VisitFacts, flags: Sequence[Flag], links: Sequence[Link]) -> list[str]:
    """The report as lines: tables with rows for the visit, then what is missing."""
    kinds = ", ".join(facts.kinds) or "no instrument rows"
    title = f"visit {facts.visit_id}"
    if facts.description:
        title += f" ({facts.description})"
    lines = [f"{title}: {kinds}"]
    held = [link for link in links if facts.rows.get(link.table)]
    width = max([len("TABLE"), *(len(link.table) for link in held)])
    lines.append(f"{'TABLE'.ljust(width)}  {'ROWS':>8}  LINKED BY")
    for link in held:
        line = f"{link.table.ljust(width)}  {facts.rows[link.table]:>8}  {_LINK_WORDS[link.by]}"
        if link.table == "sps_exposure":
            per_camera = ", ".join(f"{name} {n}" for name, n in facts.camera_rows().items())
            line += f"; cameras: {per_camera}"
        lines.append(line)
    if flags:
        lines.append(f"{len(flags)} missing:")
        lines.extend(f"  - {flag.message}" for flag in flags)
    else:
        lines.append("nothing missing")
    return lines


def render_json(facts: VisitFacts, flags: Sequence[Flag], links: Sequence[Link]) -> dict[str, Any]:
    return {
        "visit": facts.visit_id,
        "description": facts.description,
        "kinds": facts.kinds,
        "tables": {
            link.table: {"rows": facts.rows[link.table], "linked_by": link.by}
            for link in links
            if facts.rows.get(link.table)
        },
        "sps_exposure_by_camera": facts.camera_rows(),
        "mcs_frames": [
            {"mcs_frame_id": f.frame_id, "rows": f.rows, "spots": f.spots} for f in facts.mcs_frames
        ],
        "agc_data_by_exposure": {
            str(exposure): n for exposure, n in sorted(facts.agc_data_by_exposure.items())
        },
        "flags": [flag.as_json() for flag in flags],
    }


def report(
    settings: Settings, visit_id: int, as_json: bool = False, out: TextIO | None = None
) -> int:
    """Print the report of one visit to ``out`` (stdout) and return the exit code."""
    out = sys.stdout if out is None else out
    engine = sa.create_engine(settings.sqlalchemy_url, poolclass=NullPool)
    try:
        with engine.connect().execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        ) as connection:
            facts = read_facts(connection, visit_id)
    finally:
        engine.dispose()
    if facts is None:
        print(f"opdb-ingestd: visit {visit_id} is not in pfs_visit", file=sys.stderr)
        return EXIT_UNKNOWN_VISIT
    flags = check(facts)
    links = visit_links()
    if as_json:
        print(json.dumps(render_json(facts, flags, links), indent=2), file=out)
    else:
        print("\n".join(render_text(facts, flags, links)), file=out)
    return exit_code(flags)


def _visit(args: argparse.Namespace, settings: Settings) -> int:
    return report(settings, args.visit_id, as_json=args.json)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``visit`` to the CLI's sub-commands."""
    parser = commands.add_parser(
        "visit",
        help="which tables hold rows of a visit, and what it lacks",
        description="Count the rows of one visit in every table linked to it and flag "
        "what a visit of its kind should have but lacks. Exit 0 when nothing is "
        "flagged, 1 when something is, 2 when the visit is not in pfs_visit.",
    )
    parser.add_argument("visit_id", type=int, metavar="VISIT_ID", help="pfs_visit_id")
    parser.add_argument("--json", action="store_true", help="a JSON object instead of text")
    parser.set_defaults(handler=_visit)
