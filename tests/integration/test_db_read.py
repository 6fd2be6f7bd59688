"""Reading the opDB with ``opdb.db`` on real PostgreSQL: data frames, rows, typed ORM
queries, the read-only guard and the one audited way to write.

Each test's database holds a small simulated night (:mod:`opdb.simulate`) written the
way production writes it: contract v1 envelopes validated by :class:`Contract` and
written by the daemon's :class:`Writer` a few at a time in publication order, events
refused for a missing parent going round again until every one has landed. What the
reads should return is taken from those validated rows, never restated by hand.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, func, insert, select, text, update
from support import scalar

from daemon.ingest.writer import Writer
from daemon.schema import migrations
from opdb import db
from opdb.contract import Contract, Event, Op, Reason
from opdb.locks import WRITE_LOCK_KEY
from opdb.models import Base, McsData, McsExposure, PfsVisit, TelStatus
from opdb.simulate import NightOptions, expected_rows, simulate_night

pytestmark = pytest.mark.integration

# One field of three visits; the first converges the cobras in two MCS frames.
NIGHT = NightOptions(
    seed=2026,
    visits=3,
    visits_per_field=3,
    frames=2,
    spots=40,
    cobras=30,
    fiducials=4,
    ag_frames=2,
    ag_spots=2,
    status_snapshots=2,
)
NEW_VISIT = 1  # a visit id the simulated night does not use


@dataclass(frozen=True)
class Published:
    """The simulated night as the contract validated it, which is what was written."""

    events: list[Event]
    rows: dict[str, list[dict[str, Any]]]  # inserted/upserted rows, by table

    @property
    def visits(self) -> list[int]:
        return sorted(row["pfs_visit_id"] for row in self.rows["pfs_visit"])

    def frames(self, visit: int) -> list[int]:
        return sorted(
            row["mcs_frame_id"] for row in self.rows["mcs_exposure"] if row["pfs_visit_id"] == visit
        )

    def row(self, table: str, **keys: Any) -> dict[str, Any]:
        (found,) = (
            row
            for row in self.rows[table]
            if all(row.get(name) == value for name, value in keys.items())
        )
        return found


@pytest.fixture(scope="session")
def night() -> Published:
    contract = Contract()
    events = [contract.validate(envelope) for envelope in simulate_night(options=NIGHT)]
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for published in events:
        for write in published.writes:
            if write.op is not Op.UPDATE:
                rows[write.table].extend(write.rows)
    assert NEW_VISIT not in {row["pfs_visit_id"] for row in rows["pfs_visit"]}
    return Published(events, dict(rows))


def assert_same_row(read: Mapping[str, Any], written: Mapping[str, Any]) -> None:
    """Every column read back equals the value written; reals within float4 precision."""
    for column, value in read.items():
        expected = written.get(column)
        if isinstance(expected, float):
            assert value == pytest.approx(expected, rel=1e-6, nan_ok=True), column
        else:
            assert value == expected, column


async def write_all(url: str, events: Sequence[Event], batch: int = 4) -> None:
    """Write the events as the daemon would, ``batch`` at a time in publication order;
    events refused for a missing parent go round again until none is left, failing if
    a round makes no progress or an event is refused for any other reason."""
    pending = list(events)
    writer = Writer(url, Base.metadata, expected_revision=migrations.head_revision())
    try:
        while pending:
            retry = []
            for start in range(0, len(pending), batch):
                chunk = pending[start : start + batch]
                result = await writer.write(chunk)
                assert not result.duplicates
                for index, rejection in result.rejected.items():
                    assert rejection.reason is Reason.MISSING_PARENT, rejection
                    retry.append(chunk[index])
            assert len(retry) < len(pending), f"no progress: {retry}"
            pending = retry
    finally:
        await writer.close()


@pytest.fixture
def filled_url(opdb_url: str, night: Published) -> str:
    """This test's database holding the simulated night."""
    asyncio.run(write_all(opdb_url, night.events))
    return opdb_url


@pytest.fixture
def settings(filled_url: str) -> db.ReadSettings:
    return db.ReadSettings(database_url=filled_url)


@pytest.fixture
def reader(settings: db.ReadSettings) -> Iterator[Engine]:
    built = db.engine(settings)
    yield built
    built.dispose()


def test_the_whole_simulated_night_landed(reader: Engine) -> None:
    with db.session(reader) as opened:
        landed = {
            table: opened.scalar(select(func.count()).select_from(Base.metadata.tables[table]))
            for table in Base.metadata.tables
        }
    assert {table: n for table, n in landed.items() if n} == expected_rows(NIGHT)


# --- settings and engine --------------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [
        "postgresql://reader:pw@db.example:5432/opdb",
        "postgres://reader:pw@db.example:5432/opdb",
        "postgresql+psycopg://reader:pw@db.example:5432/opdb",
    ],
)
def test_settings_normalise_the_url_to_psycopg3(given: str) -> None:
    settings = db.ReadSettings(database_url=given)
    assert settings.sqlalchemy_url == "postgresql+psycopg://reader:pw@db.example:5432/opdb"
    assert "pw" not in repr(settings)


def test_settings_reject_other_databases_without_showing_the_password() -> None:
    with pytest.raises(ValueError, match="not a PostgreSQL URL") as caught:
        db.ReadSettings(database_url="mysql://reader:secret@db.example/opdb")
    assert "secret" not in str(caught.value)


def test_settings_come_from_the_environment_when_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPDB_DATABASE_URL", raising=False)
    with pytest.raises(ValueError, match="database_url"):
        db.ReadSettings()
    monkeypatch.setenv("OPDB_DATABASE_URL", "postgresql://reader@db.example/opdb")
    monkeypatch.setenv("OPDB_APPLICATION_NAME", "night-report")
    settings = db.ReadSettings()
    assert settings.sqlalchemy_url == "postgresql+psycopg://reader@db.example/opdb"
    assert settings.application_name == "night-report"


def test_engine_is_pooled_read_only_and_named(reader: Engine) -> None:
    assert reader.pool._pre_ping
    with reader.connect() as connection:
        read_only, name = connection.execute(
            text(
                "SELECT current_setting('transaction_read_only'), "
                "current_setting('application_name')"
            )
        ).one()
    assert (read_only, name) == ("on", "opdb-reader")


def test_read_only_option_wins_over_given_options(settings: db.ReadSettings) -> None:
    built = db.engine(
        settings,
        connect_args={"options": "-c default_transaction_read_only=off -c work_mem=8MB"},
    )
    try:
        with built.connect() as connection:
            read_only, work_mem = connection.execute(
                text("SELECT current_setting('transaction_read_only'), current_setting('work_mem')")
            ).one()
    finally:
        built.dispose()
    assert (read_only, work_mem) == ("on", "8MB")


def test_default_engine_is_built_from_the_environment_on_first_use(
    filled_url: str, night: Published, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPDB_DATABASE_URL", filled_url)
    db.dispose_default_engine()
    try:
        rows = db.fetch_rows("pfs_visit", pfs_visit_id=night.visits[0])
        assert db.default_engine() is db.default_engine()
        with db.session() as opened:
            assert opened.scalar(select(func.count()).select_from(PfsVisit)) == NIGHT.visits
    finally:
        db.dispose_default_engine()
    assert [row["pfs_visit_id"] for row in rows] == night.visits[:1]


# --- fetch_dataframe ------------------------------------------------------------------


def test_fetch_dataframe_shape_and_dtypes(reader: Engine, night: Published) -> None:
    pytest.importorskip("pandas")
    frame_id = night.frames(night.visits[0])[-1]
    frame = db.fetch_dataframe(
        "SELECT * FROM mcs_data WHERE mcs_frame_id = :frame ORDER BY spot_id",
        {"frame": frame_id},
        engine=reader,
    )
    columns = [c.name for c in McsData.__table__.columns]
    assert frame.shape == (NIGHT.spots, len(columns))
    assert list(frame.columns) == columns
    for column in ("mcs_frame_id", "spot_id", "flags"):
        assert frame[column].dtype == "int64", column
    for column in columns[2:]:
        if column != "flags":
            assert frame[column].dtype == "float64", column
    written = sorted(
        (r for r in night.rows["mcs_data"] if r["mcs_frame_id"] == frame_id),
        key=lambda r: r["spot_id"],
    )
    for read, row in zip(frame.to_dict("records"), written, strict=True):
        assert_same_row(read, row)
    # The sentinel spot -1 has NaN centroids: NaN in a float64 column, not None.
    sentinel = frame[frame["spot_id"] == -1]
    assert sentinel["mcs_center_x_pix"].isna().all()


def test_fetch_dataframe_timestamps_and_text(reader: Engine, night: Published) -> None:
    pandas = pytest.importorskip("pandas")
    frame = db.fetch_dataframe(
        "SELECT pfs_visit_id, status_sequence_id, altitude, caller, created_at "
        "FROM tel_status ORDER BY created_at",
        engine=reader,
    )
    assert frame.shape == (NIGHT.visits * NIGHT.status_snapshots, 5)
    assert pandas.api.types.is_datetime64_any_dtype(frame["created_at"])
    assert pandas.api.types.is_string_dtype(frame["caller"])
    assert frame["altitude"].dtype == "float64"
    first = min(night.rows["tel_status"], key=lambda r: r["created_at"])
    assert frame["created_at"].iloc[0] == pandas.Timestamp(first["created_at"])
    assert frame["caller"].iloc[0] == first["caller"]


def test_fetch_dataframe_takes_a_typed_statement(reader: Engine, night: Published) -> None:
    pytest.importorskip("pandas")
    visit = night.visits[0]
    statement = (
        select(McsExposure.mcs_frame_id, func.count(McsData.spot_id).label("spots"))
        .join(McsData, McsData.mcs_frame_id == McsExposure.mcs_frame_id)
        .where(McsExposure.pfs_visit_id == visit)
        .group_by(McsExposure.mcs_frame_id)
        .order_by(McsExposure.mcs_frame_id)
    )
    frame = db.fetch_dataframe(statement, engine=reader)
    assert frame.to_dict("list") == {
        "mcs_frame_id": night.frames(visit),
        "spots": [NIGHT.spots] * NIGHT.frames,
    }


def test_fetch_dataframe_binds_parameters_instead_of_formatting_them(
    reader: Engine, night: Published
) -> None:
    pytest.importorskip("pandas")
    hostile = "x'; DROP TABLE pfs_visit; --"
    frame = db.fetch_dataframe(
        "SELECT * FROM pfs_visit WHERE pfs_visit_description = :text",
        {"text": hostile},
        engine=reader,
    )
    assert frame.empty
    assert len(db.fetch_rows("pfs_visit", engine=reader, pfs_visit_id=night.visits[0])) == 1


def test_fetch_dataframe_without_pandas_says_which_extra_to_install(
    reader: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes `import pandas` fail
    with pytest.raises(ImportError, match=r"'pandas' extra.*opdb-ingest\[pandas\]"):
        db.fetch_dataframe("SELECT 1", engine=reader)


# --- fetch_rows -----------------------------------------------------------------------


def test_fetch_rows_by_primary_key(reader: Engine, night: Published) -> None:
    visit = night.visits[1]
    rows = db.fetch_rows("tel_status", engine=reader, pfs_visit_id=visit, status_sequence_id=2)
    assert len(rows) == 1
    assert list(rows[0]) == [c.name for c in TelStatus.__table__.columns]
    assert_same_row(rows[0], night.row("tel_status", pfs_visit_id=visit, status_sequence_id=2))
    assert isinstance(rows[0]["created_at"], datetime.datetime)


def test_fetch_rows_by_other_columns_in_primary_key_order(reader: Engine, night: Published) -> None:
    first = night.visits[0]
    exposures = db.fetch_rows(McsExposure, engine=reader, pfs_visit_id=first)
    assert [r["mcs_frame_id"] for r in exposures] == night.frames(first)
    for read in exposures:
        assert_same_row(read, night.row("mcs_exposure", mcs_frame_id=read["mcs_frame_id"]))

    design = night.rows["pfs_visit"][0]["pfs_design_id"]
    same_design = db.fetch_rows("pfs_visit", engine=reader, pfs_design_id=design)
    assert [r["pfs_visit_id"] for r in same_design] == [
        v for v in night.visits if night.row("pfs_visit", pfs_visit_id=v)["pfs_design_id"] == design
    ]

    frame_id = night.frames(first)[0]
    unflagged = db.fetch_rows("mcs_data", engine=reader, mcs_frame_id=frame_id, flags=0)
    assert [r["spot_id"] for r in unflagged] == sorted(
        r["spot_id"]
        for r in night.rows["mcs_data"]
        if r["mcs_frame_id"] == frame_id and r["flags"] == 0
    )
    assert db.fetch_rows("pfs_visit", engine=reader, pfs_visit_id=NEW_VISIT) == []


def test_fetch_rows_unknown_table_names_the_valid_ones(reader: Engine) -> None:
    with pytest.raises(ValueError, match="unknown opDB table 'pfs_visits'") as caught:
        db.fetch_rows("pfs_visits", engine=reader, pfs_visit_id=NEW_VISIT)
    message = str(caught.value)
    assert "Did you mean pfs_visit" in message
    assert all(name in message for name in Base.metadata.tables)


def test_fetch_rows_unknown_column_names_the_valid_ones(reader: Engine) -> None:
    with pytest.raises(ValueError, match=r"unknown column.*visit_id.*'pfs_visit'") as caught:
        db.fetch_rows("pfs_visit", engine=reader, visit_id=NEW_VISIT)
    assert "pfs_visit_id, pfs_visit_description, pfs_design_id, issued_at" in str(caught.value)


def test_fetch_rows_needs_a_column_to_match(reader: Engine) -> None:
    with pytest.raises(ValueError, match=r"primary key \(mcs_frame_id, spot_id\)"):
        db.fetch_rows("mcs_data", engine=reader)


def test_fetch_rows_quotes_names_and_binds_values(reader: Engine, night: Published) -> None:
    description = night.rows["pfs_visit"][0]["pfs_visit_description"]
    hostile = f"{description}' OR '1'='1"
    assert db.fetch_rows("pfs_visit", engine=reader, pfs_visit_description=hostile) == []
    with pytest.raises(ValueError, match="unknown column"):
        db.fetch_rows("pfs_visit", engine=reader, **{"pfs_visit_id = 1 OR 1": 1})


# --- typed ORM session ----------------------------------------------------------------


def test_session_runs_typed_orm_queries(reader: Engine, night: Published) -> None:
    later = night.visits[1:]
    with db.session(reader) as opened:
        visits = opened.scalars(
            select(PfsVisit).where(PfsVisit.pfs_visit_id.in_(later)).order_by(PfsVisit.issued_at)
        ).all()
        assert [v.pfs_visit_id for v in visits] == later
        for visit in visits:
            written = night.row("pfs_visit", pfs_visit_id=visit.pfs_visit_id)
            assert visit.issued_at == written["issued_at"]
            assert visit.pfs_design_id == written["pfs_design_id"]

        spots_per_visit = opened.execute(
            select(McsExposure.pfs_visit_id, func.count())
            .join(McsData, McsData.mcs_frame_id == McsExposure.mcs_frame_id)
            .group_by(McsExposure.pfs_visit_id)
            .order_by(McsExposure.pfs_visit_id)
        ).all()
    assert [tuple(r) for r in spots_per_visit] == [(night.visits[0], NIGHT.frames * NIGHT.spots)]


# --- the read-only guard --------------------------------------------------------------


def assert_clear_read_only_error(caught: pytest.ExceptionInfo[db.ReadOnlyError]) -> None:
    error = caught.value
    assert isinstance(error, PermissionError)
    assert error.sqlstate == "25006"
    message = str(error)
    assert "read-only transaction" in message
    assert "read-only by design" in message
    assert "opdb-ingestd" in message
    assert "admin_session" in message
    assert isinstance(error.__cause__, psycopg.errors.ReadOnlySqlTransaction)


def test_insert_through_the_read_only_engine_fails_clearly(reader: Engine, filled_url: str) -> None:
    with pytest.raises(db.ReadOnlyError) as caught, reader.begin() as connection:
        connection.execute(insert(PfsVisit).values(pfs_visit_id=NEW_VISIT))
    assert_clear_read_only_error(caught)
    assert "INSERT" in str(caught.value)
    assert scalar(filled_url, "SELECT count(*) FROM pfs_visit") == NIGHT.visits


def test_update_through_the_read_only_engine_fails_clearly(
    reader: Engine, filled_url: str, night: Published
) -> None:
    with pytest.raises(db.ReadOnlyError) as caught, reader.begin() as connection:
        connection.execute(
            update(TelStatus)
            .where(TelStatus.pfs_visit_id == night.visits[0])
            .values(altitude=-90.0)
        )
    assert_clear_read_only_error(caught)
    assert "UPDATE" in str(caught.value)
    assert scalar(filled_url, "SELECT count(*) FROM tel_status WHERE altitude = -90") == 0


def test_orm_writes_through_the_read_only_session_fail_clearly(
    reader: Engine, filled_url: str, night: Published
) -> None:
    first = night.visits[0]
    with db.session(reader) as opened:
        opened.add(PfsVisit(pfs_visit_id=NEW_VISIT, pfs_visit_description="not allowed"))
        with pytest.raises(db.ReadOnlyError) as inserted:
            opened.flush()
        assert_clear_read_only_error(inserted)
        opened.rollback()

        visit = opened.get(PfsVisit, first)
        assert visit is not None
        visit.pfs_visit_description = "edited in a notebook"
        with pytest.raises(db.ReadOnlyError) as updated:
            opened.commit()
        assert_clear_read_only_error(updated)
    description = scalar(
        filled_url, "SELECT pfs_visit_description FROM pfs_visit WHERE pfs_visit_id = %s", (first,)
    )
    assert description == night.row("pfs_visit", pfs_visit_id=first)["pfs_visit_description"]


def test_write_sql_through_fetch_dataframe_fails_clearly(reader: Engine) -> None:
    pytest.importorskip("pandas")
    with pytest.raises(db.ReadOnlyError) as caught:
        db.fetch_dataframe(
            "INSERT INTO pfs_visit (pfs_visit_id) VALUES (:visit) RETURNING *",
            {"visit": NEW_VISIT},
            engine=reader,
        )
    assert_clear_read_only_error(caught)


def test_reads_still_work_on_a_connection_after_a_refused_write(reader: Engine) -> None:
    with reader.connect() as connection:
        with pytest.raises(db.ReadOnlyError):
            connection.execute(text("DELETE FROM mcs_data"))
        connection.rollback()
        spots = connection.execute(text("SELECT count(*) FROM mcs_data")).scalar_one()
    assert spots == expected_rows(NIGHT)["mcs_data"]


# --- admin_session --------------------------------------------------------------------


def test_admin_session_writes_and_logs_the_reason(
    settings: db.ReadSettings,
    reader: Engine,
    night: Published,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = night.visits[0]
    reason = f"ticket OPDB-{uuid.uuid4().hex[:6]}: visit description mistyped by hand"
    with (
        caplog.at_level(logging.WARNING, logger="opdb.db"),
        db.admin_session(reason, settings) as admin,
    ):
        name = admin.execute(text("SELECT current_setting('application_name')")).scalar_one()
        visit = admin.get(PfsVisit, first)
        assert visit is not None
        visit.pfs_visit_description = "corrected by hand"
        admin.add(PfsVisit(pfs_visit_id=NEW_VISIT, pfs_visit_description=None))
    assert name == "opdb-admin"
    rows = db.fetch_rows("pfs_visit", engine=reader, pfs_visit_id=first)
    assert rows[0]["pfs_visit_description"] == "corrected by hand"
    # None matches NULL: only the row written without a description.
    undescribed = db.fetch_rows("pfs_visit", engine=reader, pfs_visit_description=None)
    assert [r["pfs_visit_id"] for r in undescribed] == [NEW_VISIT]

    records = [r for r in caplog.records if r.name == "opdb.db"]
    assert [r.levelno for r in records] == [logging.WARNING, logging.WARNING]
    opened, committed = (r.getMessage() for r in records)
    assert reason in opened
    assert "bypassing the ingestion daemon" in opened
    assert settings.sqlalchemy_url.rsplit("/", 1)[-1] in opened
    assert getattr(records[0], "opdb_admin_reason", None) == reason
    assert "committed" in committed
    assert reason in committed


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_admin_session_requires_a_reason(
    settings: db.ReadSettings, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(ValueError, match="non-empty reason"), db.admin_session(reason, settings):
        pytest.fail("the block must not run without a reason")
    assert not [r for r in caplog.records if r.name == "opdb.db"]


def test_admin_session_rolls_back_when_the_block_fails(
    settings: db.ReadSettings, reader: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    class AbandonError(Exception):
        pass

    def abandoned_fix() -> None:
        with db.admin_session("fix attempt that is abandoned", settings) as admin:
            admin.add(PfsVisit(pfs_visit_id=NEW_VISIT))
            admin.flush()
            raise AbandonError

    with caplog.at_level(logging.WARNING, logger="opdb.db"), pytest.raises(AbandonError):
        abandoned_fix()
    assert db.fetch_rows("pfs_visit", engine=reader, pfs_visit_id=NEW_VISIT) == []
    assert "rolled back" in caplog.records[-1].getMessage()


def test_admin_session_does_not_write_during_a_migration(
    settings: db.ReadSettings, filled_url: str
) -> None:
    def fix() -> None:
        with db.admin_session("fix during a migration", settings) as admin:
            admin.add(PfsVisit(pfs_visit_id=NEW_VISIT))
            admin.flush()

    with psycopg.connect(filled_url, autocommit=True) as migrator:
        migrator.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK_KEY,))
        with pytest.raises(db.WritesLockedError, match="migration holds"):
            fix()
    assert scalar(filled_url, "SELECT count(*) FROM pfs_visit") == NIGHT.visits
