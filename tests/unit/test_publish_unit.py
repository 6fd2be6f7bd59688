"""The publisher client without a broker: row conversion, write builders, settings, the
event it builds and the spool it keeps when the broker cannot be reached.

A publisher pointed at a port where nothing listens is refused at once by the local
kernel, so these tests need no service.
"""

from __future__ import annotations

import datetime
import math
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support import free_port, mcs_centroids

from opdb.contract import Contract, EventRejected, Reason
from opdb.publish import (
    AsyncPublisher,
    Publisher,
    PublishError,
    PublisherSettings,
    SpoolFull,
    iic_sequence_writes,
    insert,
    mcs_frame_writes,
    records,
    sps_exposure_writes,
    tel_status_writes,
    update,
    upsert,
)

pytestmark = pytest.mark.unit

SPOTS = np.dtype(
    [
        ("spot_id", "i4"),
        ("mcs_center_x_pix", "f4"),
        ("mcs_center_y_pix", "f8"),
        ("flags", "i2"),
    ]
)


def centroids(count: int) -> np.ndarray[Any, np.dtype[np.void]]:
    spots = mcs_centroids(SPOTS, count, (0.5, 100.5), mcs_center_y_pix=2.0, flags=3)
    spots["mcs_center_y_pix"][0] = np.nan
    return spots


@pytest.fixture
def closed_port() -> int:
    """A local port where nothing listens, so connecting is refused at once."""
    return free_port()


@pytest.fixture
def unreachable(closed_port: int, tmp_path: Path) -> dict[str, Any]:
    """Publisher options aimed at a broker that is not there."""
    return {
        "amqp_url": f"amqp://guest:guest@127.0.0.1:{closed_port}/",
        "exchange": "opdb.unit",
        "spool_path": tmp_path / "spool.sqlite",
    }


@pytest.fixture
def publisher(unreachable: dict[str, Any]) -> Iterator[Publisher]:
    with Publisher("mcs", **unreachable) as opened:
        yield opened


def spooled_rows(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT seq, event_id, source, routing_key, body FROM spool ORDER BY seq"
        ).fetchall()


# -- rows and writes ---------------------------------------------------------------


def test_structured_array_becomes_python_rows_and_nan_becomes_null() -> None:
    spots = centroids(3)
    rows = records(spots)
    assert [row["spot_id"] for row in rows] == [-1, 0, 1]
    assert all(type(value) in {int, float} for row in rows[1:] for value in row.values())
    # As pandas (and so today's insert_dataframe) writes a NaN: as NULL.
    assert rows[0]["mcs_center_y_pix"] is None
    assert rows[1] == {
        "spot_id": 0,
        "mcs_center_x_pix": 50.5,
        "mcs_center_y_pix": 2.0,
        "flags": 3,
    }


def test_structured_array_sub_arrays_and_strings_become_lists_and_str() -> None:
    array = np.array([(1, (0.5, 1.5), "r1")], dtype=[("a", "i8"), ("b", "f4", (2,)), ("c", "U2")])
    assert records(array) == [{"a": 1, "b": [0.5, 1.5], "c": "r1"}]


def test_numpy_scalars_in_mappings_become_python_values() -> None:
    rows = records([{"a": np.int64(7), "b": np.float32(0.25), "c": [np.int16(1)], "d": "x"}])
    assert rows == [{"a": 7, "b": 0.25, "c": [1], "d": "x"}]
    assert type(rows[0]["a"]) is int
    assert type(rows[0]["b"]) is float
    assert type(rows[0]["c"][0]) is int


def test_rows_are_copies() -> None:
    row = {"pfs_visit_id": 1}
    (copied,) = records([row])
    copied["pfs_visit_id"] = 2
    assert row == {"pfs_visit_id": 1}


def test_dataframe_becomes_python_rows() -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(centroids(3))
    rows = records(frame)
    assert [row["spot_id"] for row in rows] == [-1, 0, 1]
    assert all(type(value) in {int, float} for row in rows[1:] for value in row.values())
    assert rows[0]["mcs_center_y_pix"] is None
    assert rows == records(centroids(3))


def test_explicit_rows_keep_nan_as_today_insert_kw_does() -> None:
    (row,) = records([{"spot_id": 1.0, "mcs_center_x_pix": math.nan, "note": ""}], "mcs_data")
    assert row["spot_id"] == 1.0
    assert type(row["spot_id"]) is float  # the contract refuses it: see below
    assert math.isnan(row["mcs_center_x_pix"])
    assert row["note"] == ""


def float64_frame(ids: list[float]) -> np.ndarray[Any, np.dtype[np.void]]:
    """A frame as the MCS actor builds it today: every field float64, ids included."""
    fields = ["mcs_frame_id", "spot_id", "mcs_center_x_pix", "mcs_center_y_pix", "flags"]
    frame = np.zeros(len(ids), dtype=[(name, "f8") for name in fields])
    frame["mcs_frame_id"] = 99001100.0
    frame["spot_id"] = ids
    frame["mcs_center_x_pix"] = np.linspace(1.0, 2.0, len(ids))
    frame["mcs_center_y_pix"] = [np.nan] + [3.0] * (len(ids) - 1)
    frame["flags"] = 2.0
    return frame


def test_float64_frame_is_accepted_with_integral_floats_in_integer_columns() -> None:
    (write,) = [insert("mcs_data", float64_frame([-1.0, 0.0, 1.0]))]
    rows = write["rows"]
    assert [(row["mcs_frame_id"], row["spot_id"], row["flags"]) for row in rows] == [
        (99001100, -1, 2),
        (99001100, 0, 2),
        (99001100, 1, 2),
    ]
    assert all(type(row["spot_id"]) is int for row in rows)
    # Real columns keep their floats, integral or not.
    assert type(rows[0]["mcs_center_x_pix"]) is float
    assert rows[0]["mcs_center_y_pix"] is None
    Contract().validate(
        {
            "version": 1,
            "id": uuid.uuid4(),
            "source": "mcs",
            "sent_at": datetime.datetime.now(datetime.UTC),
            "writes": [write],
        }
    )


def test_float_frame_with_a_non_integral_id_is_refused_as_the_daemon_would(
    publisher: Publisher,
) -> None:
    frame = float64_frame([-1.0, 0.5])
    with pytest.raises(EventRejected) as at_actor:
        publisher.publish([insert("mcs_data", frame)])
    assert at_actor.value.reason is Reason.VALIDATION
    assert at_actor.value.detail == (
        "writes[0] mcs_data insert: row 1 column 'spot_id' (integer): input should be a "
        "valid integer, got 0.5"
    )
    body = (
        b'{"version": 1, "id": "0b7e7c1e-8a7c-4c53-9d7e-2f5d7a1b2c3d", "source": "mcs", '
        b'"sent_at": "2026-11-24T10:15:00+00:00", "writes": [{"table": "mcs_data", "rows": '
        b'[{"mcs_frame_id": 99001100, "spot_id": -1}, {"mcs_frame_id": 99001100, '
        b'"spot_id": 0.5}]}]}'
    )
    with pytest.raises(EventRejected) as at_daemon:
        Contract().parse(body)
    assert (at_daemon.value.reason, at_daemon.value.detail) == (
        at_actor.value.reason,
        at_actor.value.detail,
    )
    assert publisher.pending() == 0


def test_infinite_float_in_an_integer_column_is_not_made_an_int() -> None:
    frame = float64_frame([-1.0, 0.0])
    frame["flags"][1] = np.inf
    rows = records(frame, "mcs_data")
    assert rows[1]["flags"] == math.inf


def test_dataframe_nulls_follow_pandas() -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(
        {
            "spot_id": [1.0, 2.0, 3.0],
            "flags": pandas.array([1, None, 3], dtype="Int64"),
            "name": ["", "x", None],
            "taken_at": pandas.to_datetime(["2026-11-24 10:00", None, "2026-11-24 10:02"]),
        }
    )
    rows = records(frame, "mcs_data")
    assert [row["spot_id"] for row in rows] == [1, 2, 3]
    assert [row["flags"] for row in rows] == [1, None, 3]
    assert [row["name"] for row in rows] == [None, "x", None]
    assert rows[1]["taken_at"] is None
    assert rows[0]["taken_at"] == datetime.datetime(2026, 11, 24, 10, 0)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"pfs_visit_id": 1}, "not one mapping"),
        (np.arange(3), "needs named fields"),
        ([(1, 2)], "row 0 is a tuple"),
        (np.zeros((2, 2), dtype=SPOTS), "must be 1-d"),
    ],
    ids=["mapping", "plain-array", "tuple-row", "2d-array"],
)
def test_rows_in_other_shapes_are_refused(rows: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        records(rows)


def test_write_helpers_name_their_op() -> None:
    assert insert("pfs_visit", [{"pfs_visit_id": 1}]) == {
        "table": "pfs_visit",
        "op": "insert",
        "rows": [{"pfs_visit_id": 1}],
    }
    assert upsert("pfs_visit", [{"pfs_visit_id": 1}])["op"] == "upsert"
    assert update("pfs_visit", [{"pfs_visit_id": 1}])["op"] == "update"


def test_mcs_frame_takes_the_frame_id_from_the_exposure() -> None:
    exposure = {"mcs_frame_id": np.int32(123400), "pfs_visit_id": 1234}
    writes = mcs_frame_writes(exposure, [{"spot_id": 1}, {"spot_id": 2, "mcs_frame_id": 5}])
    assert writes[0] == {
        "table": "mcs_exposure",
        "op": "insert",
        "rows": [{"mcs_frame_id": 123400, "pfs_visit_id": 1234}],
    }
    assert writes[1]["table"] == "mcs_data"
    assert writes[1]["rows"] == [
        {"spot_id": 1, "mcs_frame_id": 123400},
        {"spot_id": 2, "mcs_frame_id": 5},
    ]


def test_mcs_frame_without_spots_is_the_exposure_alone() -> None:
    writes = mcs_frame_writes({"mcs_frame_id": 1}, np.zeros(0, dtype=SPOTS))
    assert [write["table"] for write in writes] == ["mcs_exposure"]


def test_conveniences_build_the_general_form() -> None:
    assert tel_status_writes({"pfs_visit_id": 1, "status_sequence_id": 2}) == [
        insert("tel_status", [{"pfs_visit_id": 1, "status_sequence_id": 2}])
    ]
    cameras = [{"pfs_visit_id": 7, "sps_camera_id": c} for c in (1, 2)]
    assert sps_exposure_writes(cameras) == [insert("sps_exposure", cameras)]
    assert sps_exposure_writes(cameras, {"pfs_visit_id": 7, "exp_type": "arc"}) == [
        upsert("sps_visit", [{"pfs_visit_id": 7, "exp_type": "arc"}]),
        insert("sps_exposure", cameras),
    ]
    assert iic_sequence_writes({"iic_sequence_id": 3}) == [
        upsert("iic_sequence", [{"iic_sequence_id": 3}])
    ]
    assert iic_sequence_writes({"iic_sequence_id": 3}, {"iic_sequence_id": 3, "status_flag": 0})[
        1
    ] == insert("iic_sequence_status", [{"iic_sequence_id": 3, "status_flag": 0}])


# -- settings ----------------------------------------------------------------------


def test_settings_come_from_the_environment_when_built(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPDB_EXCHANGE", "opdb.elsewhere")
    monkeypatch.setenv("OPDB_PUBLISH_TIMEOUT_S", "0.5")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    settings = PublisherSettings()
    assert settings.exchange == "opdb.elsewhere"
    assert settings.publish_timeout_s == 0.5
    assert settings.spool_file("mcs") == tmp_path / "state/opdb/spool-mcs.sqlite"


def test_default_spool_is_under_local_state_without_xdg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    expected = Path.home() / ".local/state/opdb/spool-ag.sqlite"
    assert PublisherSettings().spool_file("ag") == expected


def test_keyword_overrides_apply_on_top_of_given_settings(unreachable: dict[str, Any]) -> None:
    base = PublisherSettings(exchange="opdb.base", spool_max_events=7)
    with Publisher("mcs", base, **unreachable) as publisher:
        assert publisher.spool_path == unreachable["spool_path"]
        assert publisher.settings.exchange == "opdb.unit"
        assert publisher.settings.spool_max_events == 7
        assert publisher.settings.amqp_url.get_secret_value() == unreachable["amqp_url"]


@pytest.mark.parametrize("source", ["", "MCS", "mcs/1", "a" * 65, "mcs\n"])
def test_source_must_fit_the_contract(source: str, unreachable: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="source must match"):
        Publisher(source, **unreachable)


# -- the event built and the spool -------------------------------------------------


def test_event_is_validated_encoded_and_spooled_when_the_broker_is_down(
    publisher: Publisher,
) -> None:
    before = datetime.datetime.now(datetime.UTC)
    event_id = publisher.publish_mcs_frame({"mcs_frame_id": 100, "pfs_visit_id": 1}, centroids(2))
    assert isinstance(event_id, uuid.UUID)
    assert event_id.version == 4
    assert publisher.pending() == 1
    publisher.close()

    ((_, spooled_id, source, routing_key, body),) = spooled_rows(publisher.spool_path)
    assert (spooled_id, source, routing_key) == (str(event_id), "mcs", "mcs.mcs_exposure")
    event = Contract().parse(body)
    assert event.id == event_id
    assert event.source == "mcs"
    assert before <= event.sent_at <= datetime.datetime.now(datetime.UTC)
    assert [(write.table, write.op.value) for write in event.writes] == [
        ("mcs_exposure", "insert"),
        ("mcs_data", "insert"),
    ]
    spots = event.writes[1].rows
    assert [spot["mcs_frame_id"] for spot in spots] == [100, 100]
    assert spots[0]["mcs_center_y_pix"] is None


def test_refused_event_raises_before_anything_is_spooled(publisher: Publisher) -> None:
    with pytest.raises(EventRejected) as caught:
        publisher.publish([insert("tel_status", [{"pfs_visit_id": 1, "status_sequence_id": "x"}])])
    assert caught.value.reason is Reason.VALIDATION
    assert "status_sequence_id" in caught.value.detail
    with pytest.raises(EventRejected) as unknown:
        publisher.publish([insert("no_such_table", [{"a": 1}])])
    assert unknown.value.reason is Reason.UNKNOWN_TABLE
    assert publisher.pending() == 0


def test_one_write_instead_of_a_list_is_a_type_error(publisher: Publisher) -> None:
    with pytest.raises(TypeError, match="wrap it in a list"):
        publisher.publish(insert("pfs_visit", [{"pfs_visit_id": 1}]))  # type: ignore[arg-type]


def test_publishing_to_an_absent_broker_returns_at_once(publisher: Publisher) -> None:
    for visit in range(20):
        started = time.monotonic()
        publisher.publish([insert("pfs_visit", [{"pfs_visit_id": visit}])])
        assert time.monotonic() - started < 0.5
    assert publisher.pending() == 20


def test_full_spool_refuses_with_the_count_and_the_file(unreachable: dict[str, Any]) -> None:
    with Publisher("mcs", spool_max_events=3, **unreachable) as publisher:
        for visit in range(3):
            publisher.publish([insert("pfs_visit", [{"pfs_visit_id": visit}])])
        with pytest.raises(SpoolFull) as caught:
            publisher.publish([insert("pfs_visit", [{"pfs_visit_id": 3}])])
        assert publisher.pending() == 3
    message = str(caught.value)
    assert isinstance(caught.value, PublishError)
    assert "3 events are waiting" in message
    assert str(unreachable["spool_path"]) in message
    assert "spool_max_events=3" in message
    assert "guest" not in message  # credentials stay out of messages
    assert len(spooled_rows(unreachable["spool_path"])) == 3


def test_spool_left_by_a_previous_publisher_is_picked_up(unreachable: dict[str, Any]) -> None:
    with Publisher("mcs", **unreachable) as first:
        ids = [first.publish([insert("pfs_visit", [{"pfs_visit_id": v}])]) for v in range(3)]
    with Publisher("mcs", **unreachable) as second:
        assert second.pending() == 3
        ids.append(second.publish([insert("pfs_visit", [{"pfs_visit_id": 3}])]))
    assert [row[1] for row in spooled_rows(unreachable["spool_path"])] == [str(i) for i in ids]


def test_one_spool_file_serves_one_publisher(publisher: Publisher) -> None:
    with pytest.raises(PublishError, match="in use by another publisher"):
        Publisher("mcs", spool_path=publisher.spool_path)


def test_a_file_that_is_not_a_spool_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "spool.sqlite"
    path.write_bytes(b"not a database, but long enough to have a header" * 4)
    with pytest.raises(PublishError, match="cannot open spool"):
        Publisher("mcs", spool_path=path)


def test_closed_publisher_refuses_to_publish(publisher: Publisher) -> None:
    publisher.close()
    publisher.close()  # closing twice is harmless
    with pytest.raises(PublishError, match="closed"):
        publisher.publish([insert("pfs_visit", [{"pfs_visit_id": 1}])])


def test_flush_gives_up_after_its_timeout(publisher: Publisher) -> None:
    publisher.publish([insert("pfs_visit", [{"pfs_visit_id": 1}])])
    started = time.monotonic()
    assert publisher.flush(0.3) is False
    assert 0.25 < time.monotonic() - started < 2.0
    assert publisher.pending() == 1


async def test_async_publisher_must_be_started(unreachable: dict[str, Any]) -> None:
    publisher = AsyncPublisher("mcs", **unreachable)
    with pytest.raises(PublishError, match="not started"):
        await publisher.publish([insert("pfs_visit", [{"pfs_visit_id": 1}])])
    await publisher.close()


async def test_async_publisher_spools_when_the_broker_is_down(
    unreachable: dict[str, Any],
) -> None:
    async with AsyncPublisher("gen2", **unreachable) as publisher:
        event_id = await publisher.publish_tel_status(
            {"pfs_visit_id": 1, "status_sequence_id": 1, "altitude": np.float32(60.5)}
        )
        assert publisher.pending() == 1
        assert await publisher.flush(0.1) is False
    ((_, spooled_id, source, routing_key, _),) = spooled_rows(unreachable["spool_path"])
    assert (spooled_id, source, routing_key) == (str(event_id), "gen2", "gen2.tel_status")
