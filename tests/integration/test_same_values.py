"""The same actor data stores the same cells through the publisher and the daemon as
through today's direct write (``pfs.utils.database.opdb.OpDB``).

pfs_utils is not a dependency, so its two write paths are emulated here as the field
notes describe them: ``insert_kw`` hands a row's values to SQLAlchemy unchanged (a NaN
stays NaN), ``insert_dataframe`` scrubs the frame (float columns whose non-null values
are all integral become ``Int64``, NaN and empty strings in object columns become null)
and then COPYs it through pandas' ``to_sql``, which writes NaN as null. Each actor's
calls are made once that way into one database and once through the publisher into the
database the daemon writes, and every cell of every table is compared.
"""

from __future__ import annotations

import asyncio
import csv
import io
import math
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pytest
import sqlalchemy as sa
from psycopg import sql
from support import MCS_MEASUREMENTS, publisher_options, running_service, wait_until

from daemon.ops.reference import seed
from daemon.settings import Settings
from opdb.contract import EventRejected
from opdb.models import Base
from opdb.publish import Publisher, insert

pandas = pytest.importorskip("pandas")

pytestmark = pytest.mark.integration

VISIT = 123456
START = datetime(2026, 11, 24, 21, 5, 3, 250000)


# -- today's path, emulated ------------------------------------------------------------


def _scrub(frame: Any) -> Any:
    """pfs_utils' ``scrub_dataframe_for_copy`` as the field notes describe it."""
    frame = frame.copy()
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind == "f":
            present = column.dropna()
            if len(present) and bool(np.all(np.isfinite(present) & (present % 1 == 0))):
                frame[name] = column.astype("Int64")
        elif column.dtype.kind == "O" or str(column.dtype) in {"str", "string"}:
            frame[name] = column.astype(object).where(~(column.isna() | (column == "")), None)
    return frame


def _copy(table: Any, connection: Any, keys: list[str], data_iter: Iterable[Any]) -> None:
    """The CSV COPY method pfs_utils hands to ``DataFrame.to_sql``."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(data_iter)
    columns = sql.SQL(", ").join(sql.Identifier(key) for key in keys)
    statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
        sql.Identifier(table.name), columns
    )
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
        copy.write(buffer.getvalue())


class DirectOpDB:
    """Today's write methods, straight into a database."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))

    def insert_kw(self, table: str, **values: Any) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.insert(Base.metadata.tables[table]), [values])

    def insert_dataframe(self, table: str, frame: Any) -> None:
        _scrub(frame).to_sql(
            table, self.engine, if_exists="append", index=False, method=_copy, chunksize=None
        )

    def close(self) -> None:
        self.engine.dispose()


class PublishedOpDB:
    """The same calls through the publisher: rows as events, one per actor call."""

    def __init__(self, publisher: Publisher) -> None:
        self.publisher = publisher
        self.refused: list[str] = []

    def publish(self, writes: list[dict[str, Any]]) -> None:
        try:
            self.publisher.publish(writes)
        except EventRejected as exc:
            self.refused.append(str(exc))

    def insert_kw(self, table: str, **values: Any) -> None:
        self.publish([insert(table, [values])])

    def insert_dataframe(self, table: str, frame: Any) -> None:
        self.publish([insert(table, frame)])


# -- the actors' calls -------------------------------------------------------------------


def gen2(opdb: Any) -> None:
    """gen2 writes a status snapshot per visit with insert_kw; Gen2 reports a missing
    value as NaN, which today's path keeps."""
    for sequence in (1, 2):
        opdb.insert_kw(
            "tel_status",
            pfs_visit_id=VISIT,
            status_sequence_id=sequence,
            altitude=62.1 + sequence / 3,
            azimuth=181.4,
            insrot=-12.000001,
            inst_pa=math.nan,
            adc_pa=None,
            m2_pos3=0.3,
            tel_ra=150.12345678,
            tel_dec=2.2,
            dome_shutter_status=1,
            dome_light_status=0,
            caller="iic",
            created_at=START + timedelta(seconds=sequence),
        )
        opdb.insert_kw(
            "env_condition",
            pfs_visit_id=VISIT,
            status_sequence_id=sequence,
            dome_temperature=4.5,
            dome_pressure=620.1,
            dome_humidity=math.nan,
            outside_temperature=-0.1,
            outside_pressure=None,
            outside_humidity=12.0,
            created_at=START + timedelta(seconds=sequence),
        )


def mcs_frame(frame_id: int, spots: int, rng: np.random.Generator) -> Any:
    """The MCS actor's centroid frame: one float64 array, ids included, NaN centroids
    for lost spots and the spot_id -1 sentinel."""
    names = ["mcs_frame_id", "spot_id", *MCS_MEASUREMENTS, "flags"]
    data = np.empty((spots, len(names)), dtype="f8")
    data[:, 0] = frame_id
    data[:, 1] = np.arange(-1, spots - 1)
    data[:, 2:9] = rng.uniform(-1e3, 9e3, size=(spots, 7))
    data[:, 9] = rng.integers(0, 4, size=spots)
    data[0, 2:9] = np.nan
    lost = rng.choice(np.arange(1, spots), size=spots // 20, replace=False)
    data[lost, 2:4] = np.nan
    return pandas.DataFrame(data, columns=names)


def mcs(opdb: Any) -> None:
    rng = np.random.default_rng(14)
    for frame in (1, 2):
        frame_id = VISIT * 100 + frame
        opdb.insert_kw(
            "mcs_exposure",
            mcs_frame_id=frame_id,
            pfs_visit_id=VISIT,
            mcs_exptime=0.8,
            altitude=62.123456789,
            azimuth=181.4,
            insrot=math.nan,
            measurement_algorithm="fast",
            version_actor="mcsActor 2.1",
            taken_at=START + timedelta(seconds=frame),
            taken_in_hst_at=START + timedelta(seconds=frame),
        )
        opdb.insert_dataframe("mcs_data", mcs_frame(frame_id, 600, rng))


def agc(opdb: Any) -> None:
    """The AG actor: an exposure, then the centroids of each of its 6 cameras as a
    frame of mixed types (pixel peaks as floats), NaN where a spot was not measured."""
    rng = np.random.default_rng(6)
    exposure_id = 88001
    opdb.insert_kw(
        "agc_exposure",
        agc_exposure_id=exposure_id,
        pfs_visit_id=VISIT,
        agc_exptime=3.0,
        altitude=62.1,
        azimuth=181.4,
        insrot=-12.0,
        outside_humidity=math.nan,
        measurement_algorithm="sep",
        taken_at=START,
    )
    for camera in range(1, 7):
        spots = 40
        frame = pandas.DataFrame(
            {
                "agc_exposure_id": np.full(spots, exposure_id),
                "agc_camera_id": np.full(spots, camera),
                "spot_id": np.arange(spots),
                "image_moment_00_pix": rng.uniform(0, 1e5, spots),
                "centroid_x_pix": rng.uniform(0, 1024, spots).astype("f4"),
                "centroid_y_pix": rng.uniform(0, 1024, spots),
                "central_image_moment_11_pix": rng.normal(0, 2, spots),
                "central_image_moment_20_pix": rng.normal(4, 1, spots),
                "central_image_moment_02_pix": rng.normal(4, 1, spots),
                "peak_pixel_x_pix": rng.integers(0, 1024, spots).astype("f8"),
                "peak_pixel_y_pix": rng.integers(0, 1024, spots).astype("f8"),
                "peak_intensity": rng.uniform(0, 6e4, spots),
                "background": rng.uniform(0, 1e3, spots),
                "estimated_magnitude": np.where(
                    rng.random(spots) < 0.2, np.nan, rng.uniform(8, 20, spots)
                ),
                "flags": rng.integers(0, 2, spots),
            }
        )
        frame.loc[3, ["centroid_x_pix", "centroid_y_pix"]] = np.nan
        opdb.insert_dataframe("agc_data", frame)
    opdb.insert_kw(
        "agc_guide_offset",
        agc_exposure_id=exposure_id,
        guide_ra=150.123456789012,
        guide_dec=2.2,
        guide_pa=math.nan,
        guide_delta_ra=0.01,
        mask=7,
        taken_at=START,
    )


def iic(opdb: Any) -> None:
    """IIC: a sequence group, a sequence, its visit, and its status when it ends."""
    opdb.insert_kw("sequence_group", group_id=77, group_name="M31 night", created_at=START)
    opdb.insert_kw(
        "iic_sequence",
        iic_sequence_id=4321,
        sequence_type="scienceObject",
        name="M31 field 3",
        comments="",
        cmd_str='iic scienceObject exptime=900.0 name="M31 field 3"',
        group_id=77,
        created_at=START,
    )
    opdb.insert_kw("visit_set", pfs_visit_id=VISIT, iic_sequence_id=4321)
    opdb.insert_kw(
        "iic_sequence_status",
        iic_sequence_id=4321,
        status_flag=0,
        cmd_output="",
        finished_at=START + timedelta(hours=2),
    )


def sps(opdb: Any) -> None:
    """SPS: the visit's exposure type, then one row per camera (no beam configuration
    date known: NaN, as the actor reports it)."""
    opdb.insert_kw("sps_visit", pfs_visit_id=VISIT, exp_type="object")
    for camera in (1, 2, 3, 5):
        opdb.insert_kw(
            "sps_exposure",
            pfs_visit_id=VISIT,
            sps_camera_id=camera,
            exptime=900.0 + camera / 7,
            time_exp_start=START,
            time_exp_end=START + timedelta(seconds=900.123),
            beam_config_date=60638.25 if camera < 5 else math.nan,
        )


def design_fibers(design_id: int, fibers: int, rng: np.random.Generator) -> Any:
    """A design's fibers as pfs_utils builds them from a pfsDesign file: unassigned
    fibers have NaN coordinates, and a column with gaps (ets_priority) is float."""
    assigned = rng.random(fibers) < 0.9
    ra = np.where(assigned, rng.uniform(10.0, 11.0, fibers), np.nan)
    priority = np.where(assigned, rng.integers(1, 10, fibers).astype("f8"), np.nan)
    return pandas.DataFrame(
        {
            "pfs_design_id": np.full(fibers, design_id, dtype="i8"),
            "fiber_id": np.arange(1, fibers + 1, dtype="i4"),
            "target_cat_id": np.where(assigned, 1, -1).astype("i4"),
            "target_tract": np.full(fibers, 9813, dtype="i4"),
            "target_patch": np.where(assigned, "3,4", ""),
            "target_obj_id": rng.integers(0, 2**62, fibers, dtype="i8"),
            "target_ra": ra,
            "target_dec": np.where(assigned, rng.uniform(40.0, 41.0, fibers), np.nan),
            "target_pm_ra": np.where(assigned, rng.normal(0, 3, fibers), np.nan).astype("f4"),
            "epoch": "J2016.0",
            "proposal_id": "S24B-QN001",
            "ob_code": [f"ob_{n}" for n in range(fibers)],
            "target_type": np.where(assigned, 1, 4).astype("i4"),
            "fiber_status": np.ones(fibers, dtype="i4"),
            "pfi_nominal_x_mm": rng.uniform(-190, 190, fibers).astype("f4"),
            "pfi_nominal_y_mm": rng.uniform(-190, 190, fibers).astype("f4"),
            "ets_priority": priority,
            "ets_cost_function": np.where(assigned, rng.random(fibers), np.nan),
            "is_on_source": assigned,
        }
    )


def design_and_config(opdb: Any) -> None:
    """Design ingestion (pfs_utils) and the configuration after convergence."""
    rng = np.random.default_rng(1)
    design_id = 0x5E3F_1A2B_3C4D_5E6F
    opdb.insert_kw(
        "pfs_design",
        pfs_design_id=design_id,
        design_name="M31 field 3",
        variant=0,
        design_id0=0,
        tile_id=3,
        ra_center_designed=10.684708333333333,
        dec_center_designed=41.26875,
        pa_designed=-30.0,
        num_sci_designed=2100,
        num_guide_stars=24,
        exptime_tot=900.0,
        ets_version="0.6.3",
        designed_at=START - timedelta(days=2),
        to_be_observed_at=datetime.fromisoformat("2026-11-25T07:00:00+00:00"),
        is_obsolete=False,
    )
    opdb.insert_dataframe("pfs_design_fiber", design_fibers(design_id, 300, rng))
    stars = 24
    guide = pandas.DataFrame(
        {
            "pfs_design_id": np.full(stars, design_id, dtype="i8"),
            "guide_star_id": rng.integers(0, 2**60, stars, dtype="i8"),
            "epoch": "J2016.0",
            "guide_star_ra": rng.uniform(10.0, 11.0, stars),
            "guide_star_dec": rng.uniform(40.0, 41.0, stars),
            "guide_star_magnitude": rng.uniform(12, 20, stars).astype("f4"),
            "passband": "g_gaia",
            "guide_star_color": np.where(rng.random(stars) < 0.3, np.nan, 0.5),
            "guide_star_flag": np.zeros(stars, dtype="i4"),
            "agc_camera_id": np.arange(stars) % 6,
            "agc_target_x_pix": rng.uniform(0, 1024, stars),
            "agc_target_y_pix": rng.uniform(0, 1024, stars),
        }
    )
    opdb.insert_dataframe("pfs_design_agc", guide)
    opdb.insert_kw(
        "pfs_config",
        pfs_design_id=design_id,
        visit0=VISIT,
        ra_center_config=10.684708333333333,
        dec_center_config=41.26875,
        pa_config=-30.0,
        converg_num_iter=8,
        converg_elapsed_time=92.5,
        converg_tolerance=0.01,
        alloc_rms_scatter=math.nan,
        allocated_at=START,
        to_be_observed_at=datetime.fromisoformat("2026-11-25T07:00:00+00:00"),
        was_observed=True,
        inst_status_flag=0,
    )
    fibers = design_fibers(design_id, 300, np.random.default_rng(1))
    config = pandas.DataFrame(
        {
            "pfs_design_id": fibers["pfs_design_id"],
            "visit0": VISIT,
            "fiber_id": fibers["fiber_id"],
            "target_ra": fibers["target_ra"],
            "target_dec": fibers["target_dec"],
            "fiber_status": fibers["fiber_status"],
            # Float in today's frames, since the MCS match leaves gaps.
            "cobra_command": np.where(fibers["is_on_source"], 1.0, np.nan),
            "pfi_nominal_x_mm": fibers["pfi_nominal_x_mm"],
            "pfi_nominal_y_mm": fibers["pfi_nominal_y_mm"],
            "pfi_center_final_x_mm": fibers["pfi_nominal_x_mm"] + 0.001,
            "pfi_center_final_y_mm": np.where(
                fibers["is_on_source"], fibers["pfi_nominal_y_mm"] - 0.002, np.nan
            ),
            "motor_map_summary": "",
            "is_on_source": fibers["is_on_source"],
        }
    )
    opdb.insert_dataframe("pfs_config_fiber", config)
    opdb.insert_kw("pfs_config_sps", pfs_visit_id=VISIT, visit0=VISIT, cam_mask=0xFFFF)


ACTORS: tuple[Callable[[Any], None], ...] = (gen2, mcs, agc, iic, sps, design_and_config)


# -- the comparison --------------------------------------------------------------------


def _table_rows(url: str) -> dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]:
    """Every row of every non-empty opDB table, by primary key."""
    found: dict[str, dict[tuple[Any, ...], tuple[Any, ...]]] = {}
    with psycopg.connect(url) as connection:
        for table in Base.metadata.sorted_tables:
            key = [column.name for column in table.primary_key.columns]
            names = [column.name for column in table.columns]
            query = sql.SQL("SELECT {} FROM {}").format(
                sql.SQL(", ").join(map(sql.Identifier, names)), sql.Identifier(table.name)
            )
            rows = connection.execute(query).fetchall()
            if rows:
                at = [names.index(name) for name in key]
                found[table.name] = {tuple(row[i] for i in at): tuple(row) for row in rows}
    return found


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def differing_cells(direct_url: str, published_url: str) -> tuple[int, int, list[str]]:
    """(cells compared, cells that differ, the first few differences); a row on one
    side only counts all its cells as differing."""
    direct, published = _table_rows(direct_url), _table_rows(published_url)
    compared = differing = 0
    examples: list[str] = []
    for table in sorted(direct.keys() | published.keys()):
        names = [column.name for column in Base.metadata.tables[table].columns]
        ours, theirs = direct.get(table, {}), published.get(table, {})
        for key in ours.keys() | theirs.keys():
            left, right = ours.get(key), theirs.get(key)
            for index, name in enumerate(names):
                compared += 1
                a = None if left is None else left[index]
                b = None if right is None else right[index]
                if left is None or right is None or not _same(a, b):
                    differing += 1
                    if len(examples) < 5:
                        examples.append(f"{table}{key}.{name}: direct {a!r}, published {b!r}")
    return compared, differing, examples


def _rows_per_table(url: str) -> dict[str, int]:
    return {table: len(rows) for table, rows in _table_rows(url).items()}


async def test_actor_calls_store_the_same_cells_as_todays_direct_write(
    settings: Settings,
    scratch_databases: Callable[..., str],
    migrated_template: str,
    tmp_path: Path,
) -> None:
    direct_url = scratch_databases("opdb_direct", template=migrated_template)
    published_url = settings.libpq_url
    visit = {"pfs_visit_id": VISIT, "pfs_visit_description": "same values", "issued_at": START}

    for url in (direct_url, published_url):
        seed(url)  # sps_exposure needs its cameras
    direct = DirectOpDB(direct_url)
    try:
        direct.insert_kw("pfs_visit", **visit)
        for actor in ACTORS:
            actor(direct)
    finally:
        direct.close()
    expected = _rows_per_table(direct_url)
    assert expected["mcs_data"] == 1200
    assert expected["agc_data"] == 240

    def publish_all() -> list[str]:
        with Publisher("gen2", **publisher_options(settings, tmp_path)) as publisher:
            published = PublishedOpDB(publisher)
            published.insert_kw("pfs_visit", **visit)
            for actor in ACTORS:
                actor(published)
            return published.refused

    async with running_service(settings):
        refused = await asyncio.to_thread(publish_all)
        accepted = {t: n for t, n in expected.items() if not any(t in r for r in refused)}
        await wait_until(
            lambda: all(_rows_per_table(published_url).get(t) == n for t, n in accepted.items()),
            30,
            f"rows {accepted}",
        )

    compared, differing, examples = differing_cells(direct_url, published_url)
    print(f"\ncells compared: {compared}, differing: {differing}, refused events: {len(refused)}")
    assert (refused, differing, examples) == ([], 0, [])
    assert compared > 15_000
