"""The event contract v1: every rule, its reason and a detail an operator can act on.

Row rules are checked through both entry points, ``parse`` (the daemon, JSON bytes)
and ``validate`` (the publisher, Python objects), which must agree word for word.
"""

from __future__ import annotations

import json
import math
import pickle
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfoNotFoundError

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects.postgresql import ARRAY

from opdb.contract import (
    DEFAULT_MAX_BODY_BYTES,
    REAL_MAX,
    Contract,
    Envelope,
    Event,
    EventRejected,
    Op,
    Reason,
    TableWrite,
)
from opdb.models import Base

pytestmark = pytest.mark.unit

EVENT_ID = "0b7e7c1e-8a7c-4c53-9d7e-2f5d7a1b2c3d"
SENT_AT = "2026-11-24T10:15:00.123+00:00"
INT4_MAX = 2**31 - 1
INT8_MAX = 2**63 - 1
HST = timezone(timedelta(hours=-10))


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract()


def write(table: str, *rows: dict[str, Any], op: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"table": table, "rows": list(rows)}
    if op is not None:
        entry["op"] = op
    return entry


def envelope(*writes: dict[str, Any], **fields: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "version": 1,
        "id": EVENT_ID,
        "source": "mcs",
        "sent_at": SENT_AT,
        "writes": list(writes),
    }
    document.update(fields)
    return document


def to_body(document: object) -> bytes:
    # json.dumps writes NaN/Infinity as bare tokens, as the actors' encoders do.
    return json.dumps(document).encode()


def rejected(call: Callable[[], object]) -> EventRejected:
    with pytest.raises(EventRejected) as info:
        call()
    return info.value


def reject_both(contract: Contract, document: dict[str, Any]) -> EventRejected:
    """The daemon's and the publisher's verdicts on one event, which must be equal."""
    from_body = rejected(lambda: contract.parse(to_body(document)))
    from_objects = rejected(lambda: contract.validate(document))
    assert (from_objects.reason, from_objects.detail) == (from_body.reason, from_body.detail)
    return from_body


def accept_both(contract: Contract, document: dict[str, Any]) -> Event:
    event = contract.parse(to_body(document))
    # Compared as bodies because NaN != NaN would defeat dataclass equality.
    assert contract.encode(contract.validate(document)) == contract.encode(event)
    return event


def rows_of(event: Event, table: str) -> list[dict[str, Any]]:
    return next(w.rows for w in event.writes if w.table == table)


MCS_KEY = {"mcs_frame_id": 12345601, "spot_id": 7}
TEL_KEY = {"pfs_visit_id": 123456, "status_sequence_id": 3}
DESIGN = {"pfs_design_id": 1, "variant": 0, "design_id0": 0}
CONFIG_KEY = {"pfs_design_id": 1, "visit0": 123456}
FITS_HEADER = {"filestem": "PFSA12345601", "hdu_index": 0, "cards_dict": {}, "cards_list": []}


def bad_row(case: str, table: str, row: dict[str, Any], *expected: str, op: str = "insert") -> Any:
    return pytest.param(table, op, row, expected, id=case)


ROW_REJECTIONS = [
    bad_row("unknown column", "mcs_data", {**MCS_KEY, "foo": 1}, "column 'foo': unknown column"),
    bad_row(
        "int4 above range",
        "mcs_data",
        {**MCS_KEY, "flags": INT4_MAX + 1},
        "column 'flags' (integer): out of range, must be <= 2147483647, got 2147483648",
    ),
    bad_row(
        "int4 below range",
        "mcs_data",
        {**MCS_KEY, "flags": -(2**31) - 1},
        "column 'flags' (integer): out of range, must be >= -2147483648",
    ),
    bad_row(
        "int8 above range",
        "pfs_design",
        {**DESIGN, "pfs_design_id": INT8_MAX + 1},
        "column 'pfs_design_id' (bigint): out of range, must be <= 9223372036854775807",
    ),
    bad_row(
        "int8 below range",
        "pfs_design",
        {**DESIGN, "design_id0": -(2**63) - 1},
        "column 'design_id0' (bigint): out of range, must be >= -9223372036854775808",
    ),
    bad_row(
        "bool into integer",
        "mcs_data",
        {**MCS_KEY, "flags": True},
        "column 'flags' (integer): input should be a valid integer, got True",
    ),
    bad_row(
        "float into integer",
        "mcs_data",
        {**MCS_KEY, "flags": 3.0},
        "column 'flags' (integer): input should be a valid integer, got 3.0",
    ),
    bad_row(
        "string into integer",
        "mcs_data",
        {**MCS_KEY, "flags": "3"},
        "column 'flags' (integer): input should be a valid integer, got '3'",
    ),
    bad_row(
        "string into real",
        "mcs_data",
        {**MCS_KEY, "mcs_center_x_pix": "abc"},
        "column 'mcs_center_x_pix' (real): input should be a valid number, got 'abc'",
    ),
    bad_row(
        "bool into real",
        "mcs_data",
        {**MCS_KEY, "flux": False},
        "column 'flux' (real): input should be a valid number, got False",
    ),
    bad_row(
        "string into double",
        "pfs_design",
        {**DESIGN, "ra_center_designed": "NaN"},
        "column 'ra_center_designed' (double precision): input should be a valid number",
    ),
    bad_row(
        "real above range",
        "mcs_data",
        {**MCS_KEY, "flux": 1e39},
        "column 'flux' (real): out of range for real",
        "got 1e+39",
    ),
    bad_row(
        "real below range",
        "mcs_data",
        {**MCS_KEY, "fluxerr": -3.5e38},
        "column 'fluxerr' (real): out of range for real",
    ),
    bad_row(
        "varchar too long",
        "fiducial_fiber",
        {"fiducial_fiber_id": 1, "ff_type": "abcdef"},
        "column 'ff_type' (varchar(5)): string longer than 5 characters, got 'abcdef'",
    ),
    bad_row(
        "NUL in varchar",
        "tel_status",
        {**TEL_KEY, "caller": "iic\x00"},
        "column 'caller' (varchar): string contains a NUL character",
    ),
    bad_row(
        "number into string",
        "tel_status",
        {**TEL_KEY, "caller": 5},
        "column 'caller' (varchar): input should be a valid string, got 5",
    ),
    bad_row(
        "number into boolean",
        "pfs_config",
        {**CONFIG_KEY, "was_observed": 1},
        "column 'was_observed' (boolean): input should be a valid boolean, got 1",
    ),
    bad_row(
        "NOT NULL column missing on insert",
        "mcs_data",
        {"spot_id": 1},
        "row 0: missing required column 'mcs_frame_id'",
    ),
    bad_row(
        "NOT NULL jsonb missing on insert",
        "obslog_fits_header",
        {key: v for key, v in FITS_HEADER.items() if key != "cards_list"},
        "row 0: missing required column 'cards_list'",
    ),
    bad_row(
        "explicit null in NOT NULL column",
        "mcs_data",
        {**MCS_KEY, "spot_id": None},
        "column 'spot_id' (integer): null is not allowed (the column is NOT NULL)",
    ),
    bad_row(
        "upsert without the whole primary key",
        "tel_status",
        {"pfs_visit_id": 1, "altitude": 60.0},
        "row 0: missing required column 'status_sequence_id'",
        op="upsert",
    ),
    bad_row(
        "upsert without the serial primary key",
        "calib",
        {"calib_type": "flat"},
        "row 0: missing required column 'calib_id'",
        op="upsert",
    ),
    bad_row(
        "update without the whole primary key",
        "tel_status",
        {"pfs_visit_id": 1, "altitude": 60.0},
        "row 0: missing required column 'status_sequence_id'",
        op="update",
    ),
    bad_row(
        "update with only the primary key",
        "tel_status",
        dict(TEL_KEY),
        "row 0: nothing to update",
        "(pfs_visit_id, status_sequence_id)",
        op="update",
    ),
    bad_row(
        "update sets a NOT NULL column to null",
        "pfs_design",
        {"pfs_design_id": 1, "variant": None},
        "column 'variant' (integer): null is not allowed (the column is NOT NULL)",
        op="update",
    ),
    bad_row(
        "array with a string element",
        "camera_model_f3c_mcs",
        {"mcs_frame_id": 1, "matrix": [1.0, "x"]},
        "column 'matrix' (real[]) element [1]: input should be a valid number, got 'x'",
    ),
    bad_row(
        "array with a null element",
        "camera_model_f3c_mcs",
        {"mcs_frame_id": 1, "distor": [1.0, 2.0, None]},
        "column 'distor' (real[]) element [2]: null is not allowed in an array",
    ),
    bad_row(
        "nested array",
        "camera_model_f3c_mcs",
        {"mcs_frame_id": 1, "rot_vector": [[1.0]]},
        "column 'rot_vector' (real[]) element [0]: input should be a valid number",
    ),
    bad_row(
        "array element beyond real",
        "camera_model_f3c_mcs",
        {"mcs_frame_id": 1, "tran_vector": [0.0, 1e39]},
        "column 'tran_vector' (real[]) element [1]: out of range for real",
    ),
    bad_row(
        "scalar into array",
        "camera_model_f3c_mcs",
        {"mcs_frame_id": 1, "matrix": 1.0},
        "column 'matrix' (real[]): input should be a valid list, got 1.0",
    ),
    bad_row(
        "NaN inside jsonb",
        "obslog_fits_header",
        {**FITS_HEADER, "cards_dict": {"EXPTIME": [1, math.nan]}},
        "column 'cards_dict' (jsonb): NaN and Infinity cannot be stored in jsonb at ['EXPTIME'][1]",
    ),
    bad_row(
        "NUL inside jsonb",
        "obslog_fits_header",
        {**FITS_HEADER, "cards_list": [["OBJECT", "a\x00"]]},
        "column 'cards_list' (jsonb): string contains a NUL character at [0][1]",
    ),
    bad_row(
        "NUL in a jsonb key",
        "obslog_fits_header",
        {**FITS_HEADER, "cards_dict": {"A\x00": 1}},
        "column 'cards_dict' (jsonb): object key contains a NUL character",
    ),
    bad_row(
        "naive into timestamp with time zone",
        "pfs_config",
        {**CONFIG_KEY, "to_be_observed_at": "2026-11-24T10:15:00"},
        "column 'to_be_observed_at' (timestamp with time zone): timestamp must carry a UTC offset",
    ),
    bad_row(
        "integer into timestamp",
        "tel_status",
        {**TEL_KEY, "created_at": 1700000000},
        "column 'created_at' (timestamp without time zone): "
        "input should be an ISO-8601 timestamp string, got 1700000000",
    ),
    bad_row(
        "float into timestamp",
        "tel_status",
        {**TEL_KEY, "created_at": 1.7e9},
        "column 'created_at' (timestamp without time zone): input should be an ISO-8601",
    ),
    bad_row(
        "number into timestamp with time zone",
        "pfs_config",
        {**CONFIG_KEY, "to_be_observed_at": 0},
        "column 'to_be_observed_at' (timestamp with time zone): input should be an ISO-8601",
    ),
    bad_row(
        "Unix time as a string into timestamp",
        "tel_status",
        {**TEL_KEY, "created_at": "1700000000"},
        "column 'created_at' (timestamp without time zone): "
        "input should be an ISO-8601 timestamp, got '1700000000'",
    ),
    bad_row(
        "non-ISO timestamp",
        "tel_status",
        {**TEL_KEY, "created_at": "24/11/2026 10:15"},
        "column 'created_at' (timestamp without time zone): input should be an ISO-8601",
    ),
]


@pytest.mark.parametrize(("table", "op", "row", "expected"), ROW_REJECTIONS)
def test_bad_row_is_refused_with_column_and_why(
    contract: Contract, table: str, op: str, row: dict[str, Any], expected: tuple[str, ...]
) -> None:
    error = reject_both(contract, envelope(write(table, row, op=op)))
    assert error.reason is Reason.VALIDATION
    assert error.detail.startswith(f"writes[0] {table} {op}: row 0")
    for fragment in expected:
        assert fragment in error.detail


def test_detail_names_the_failing_write_and_row(contract: Contract) -> None:
    rows: list[dict[str, Any]] = [{**MCS_KEY, "spot_id": spot} for spot in range(20)]
    rows[17]["mcs_center_x_pix"] = "abc"
    document = envelope(write("mcs_exposure", {"mcs_frame_id": 12345601}), write("mcs_data", *rows))
    error = reject_both(contract, document)
    assert error.detail == (
        "writes[1] mcs_data insert: row 17 column 'mcs_center_x_pix' (real): "
        "input should be a valid number, got 'abc'"
    )
    assert str(error) == f"validation: {error.detail}"


def test_many_bad_rows_report_the_first_and_the_count(contract: Contract) -> None:
    rows = [{**MCS_KEY, "spot_id": spot, "flux": "x" * 500} for spot in range(3000)]
    error = reject_both(contract, envelope(write("mcs_data", *rows)))
    assert error.detail.startswith("writes[0] mcs_data insert: row 0 column 'flux' (real)")
    assert error.detail.endswith("(3000 problems in 3000 rows, first shown)")
    assert "..." in error.detail
    assert len(error.detail) <= 1000


def test_huge_unknown_column_name_keeps_the_detail_bounded(contract: Contract) -> None:
    error = reject_both(contract, envelope(write("mcs_data", {**MCS_KEY, "y" * 50_000: 1})))
    assert error.reason is Reason.VALIDATION
    assert "unknown column" in error.detail
    assert len(error.detail) <= 1000


@pytest.mark.parametrize(
    ("table", "column", "token", "check"),
    [
        pytest.param("mcs_data", "flux", "NaN", math.isnan, id="NaN in real"),
        pytest.param("mcs_data", "flux", "Infinity", lambda v: v == math.inf, id="+inf in real"),
        pytest.param("mcs_data", "flux", "-Infinity", lambda v: v == -math.inf, id="-inf real"),
        pytest.param(
            "pfs_design", "ra_center_designed", "NaN", math.isnan, id="NaN in double precision"
        ),
        pytest.param(
            "pfs_design",
            "dec_center_designed",
            "-Infinity",
            lambda v: v == -math.inf,
            id="-inf in double precision",
        ),
    ],
)
def test_nan_and_infinity_are_accepted_in_float_columns(
    contract: Contract, table: str, column: str, token: str, check: Callable[[float], bool]
) -> None:
    key = json.dumps(MCS_KEY if table == "mcs_data" else DESIGN)[1:-1]
    body = (
        f'{{"version": 1, "id": "{EVENT_ID}", "source": "mcs", "sent_at": "{SENT_AT}", '
        f'"writes": [{{"table": "{table}", "rows": [{{{key}, "{column}": {token}}}]}}]}}'
    ).encode()
    (row,) = rows_of(contract.parse(body), table)
    assert check(row[column])


def raw_body(table: str, row_json: str) -> bytes:
    """A body whose one row is given as JSON text, number literals exactly as written."""
    return (
        f'{{"version": 1, "id": "{EVENT_ID}", "source": "mcs", "sent_at": "{SENT_AT}", '
        f'"writes": [{{"table": "{table}", "rows": [{row_json}]}}]}}'
    ).encode()


@pytest.mark.parametrize(
    ("table", "row_json", "detail"),
    [
        pytest.param(
            "mcs_data",
            '{"mcs_frame_id": 1, "spot_id": 2, "flux": 1e400}',
            "row 0 column 'flux' (real): number out of range (beyond a double), got 1e400",
            id="real",
        ),
        pytest.param(
            "pfs_design",
            '{"pfs_design_id": 1, "variant": 0, "design_id0": 0, "ra_center_designed": -1E+400}',
            "row 0 column 'ra_center_designed' (double precision): number out of range "
            "(beyond a double), got -1E+400",
            id="double precision",
        ),
        pytest.param(
            "camera_model_f3c_mcs",
            '{"mcs_frame_id": 1, "matrix": [Infinity, 1' + "0" * 400 + ".5]}",
            "row 0 column 'matrix' (real[]) element [1]: number out of range (beyond a "
            "double), got 1" + "0" * 400 + ".5",
            id="real array, no exponent",
        ),
        pytest.param(
            "obslog_fits_header",
            '{"filestem": "a", "hdu_index": 0, "cards_dict": {"X": 2e999}, "cards_list": []}',
            "row 0 column 'cards_dict' (jsonb): number 2e999 is out of range for a double "
            "at ['X'], got {'X': 2e999}",
            id="jsonb",
        ),
    ],
)
def test_overflowing_number_literal_is_refused_not_read_as_infinity(
    contract: Contract, table: str, row_json: str, detail: str
) -> None:
    # Python's json reads 1e400 as Infinity; the contract must not store it so, since
    # only the bare token means Infinity and the README promises a refusal.
    error = rejected(lambda: contract.parse(raw_body(table, row_json)))
    assert error.reason is Reason.VALIDATION
    assert error.detail == f"writes[0] {table} insert: {detail}"


def test_infinity_token_beside_an_ordinary_exponent_is_still_infinity(
    contract: Contract,
) -> None:
    row_json = '{"mcs_frame_id": 1, "spot_id": 2, "flux": Infinity, "peakvalue": 1.5e30}'
    (row,) = rows_of(contract.parse(raw_body("mcs_data", row_json)), "mcs_data")
    assert (row["flux"], row["peakvalue"]) == (math.inf, 1.5e30)
    design = '{"pfs_design_id": 1, "variant": 0, "design_id0": 0, "ra_center_designed": %s}'
    (row,) = rows_of(contract.parse(raw_body("pfs_design", design % "1.5e300")), "pfs_design")
    assert row["ra_center_designed"] == 1.5e300
    (row,) = rows_of(contract.parse(raw_body("pfs_design", design % "-Infinity")), "pfs_design")
    assert row["ra_center_designed"] == -math.inf


def test_nan_and_infinity_are_accepted_in_real_arrays(contract: Contract) -> None:
    row = {"mcs_frame_id": 1, "matrix": [math.nan, math.inf, -math.inf, 1]}
    (validated,) = rows_of(
        accept_both(contract, envelope(write("camera_model_f3c_mcs", row))), "camera_model_f3c_mcs"
    )
    assert math.isnan(validated["matrix"][0])
    assert validated["matrix"][1:] == [math.inf, -math.inf, 1.0]


@pytest.mark.parametrize(
    ("table", "row"),
    [
        pytest.param("mcs_data", {**MCS_KEY, "flux": REAL_MAX}, id="largest real"),
        pytest.param("mcs_data", {**MCS_KEY, "flux": -REAL_MAX}, id="most negative real"),
        pytest.param("mcs_data", {**MCS_KEY, "flux": 5}, id="JSON integer into real"),
        pytest.param("mcs_data", {**MCS_KEY, "flags": INT4_MAX}, id="int4 maximum"),
        pytest.param("mcs_data", {**MCS_KEY, "flags": -(2**31)}, id="int4 minimum"),
        pytest.param("mcs_data", {**MCS_KEY, "flux": None}, id="null in nullable column"),
        pytest.param("pfs_design", {**DESIGN, "pfs_design_id": INT8_MAX}, id="int8 maximum"),
        pytest.param("pfs_design", {**DESIGN, "ra_center_designed": 1e300}, id="large double"),
        pytest.param("pfs_design", {**DESIGN, "is_obsolete": False}, id="boolean"),
        pytest.param(
            "fiducial_fiber",
            {"fiducial_fiber_id": 1, "ff_type": "ééééé"},
            id="varchar length counts characters not bytes",
        ),
        pytest.param("calib", {"calib_type": "flat"}, id="serial calib_id omitted"),
        pytest.param("sps_annotation", {"notes": "ghost"}, id="serial annotation_id omitted"),
        pytest.param("calib", {"calib_id": 42}, id="serial value given explicitly"),
        pytest.param("mcs_data", dict(MCS_KEY), id="only the required columns"),
    ],
)
def test_good_row_is_accepted_unchanged(
    contract: Contract, table: str, row: dict[str, Any]
) -> None:
    (validated,) = rows_of(accept_both(contract, envelope(write(table, row))), table)
    assert validated == row


def test_jsonb_accepts_nested_json(contract: Contract) -> None:
    cards = {"SIMPLE": True, "NAXIS": [2, {"axes": [4096, 4176]}], "COMMENT": None, "X": -1.5}
    row = {**FITS_HEADER, "cards_dict": cards, "cards_list": [["SIMPLE", True, ""]]}
    (validated,) = rows_of(
        accept_both(contract, envelope(write("obslog_fits_header", row))), "obslog_fits_header"
    )
    assert validated == row


def test_jsonb_from_python_guards_depth_and_cycles(contract: Contract) -> None:
    deep: list[Any] = []
    for _ in range(10_000):
        deep = [deep]
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    for value in (deep, cyclic):
        document = envelope(write("obslog_fits_header", {**FITS_HEADER, "cards_list": value}))
        with pytest.raises(EventRejected) as info:
            contract.validate(document)
        error = info.value
        assert error.reason is Reason.VALIDATION
        assert "column 'cards_list' (jsonb): nested deeper than 256 levels" in error.detail


def test_jsonb_from_python_refuses_non_json_values(contract: Contract) -> None:
    document = envelope(write("obslog_fits_header", {**FITS_HEADER, "cards_dict": {"a": {1, 2}}}))
    error = rejected(lambda: contract.validate(document))
    assert "column 'cards_dict' (jsonb): set is not a JSON value at ['a']" in error.detail


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        pytest.param(
            "2026-11-24T10:15:00.5", datetime(2026, 11, 24, 10, 15, 0, 500000), id="naive"
        ),
        pytest.param("2026-11-24T20:15:00+00:00", datetime(2026, 11, 24, 10, 15), id="UTC"),
        pytest.param("2026-11-24T20:15:00Z", datetime(2026, 11, 24, 10, 15), id="Z"),
        pytest.param("2026-11-25T05:15:00+09:00", datetime(2026, 11, 24, 10, 15), id="JST"),
        pytest.param("2026-11-24T10:15:00-10:00", datetime(2026, 11, 24, 10, 15), id="HST"),
    ],
)
def test_timestamp_without_time_zone_holds_hawaii_wall_clock(
    contract: Contract, sent: str, stored: datetime
) -> None:
    (row,) = rows_of(
        accept_both(contract, envelope(write("tel_status", {**TEL_KEY, "created_at": sent}))),
        "tel_status",
    )
    assert row["created_at"] == stored
    assert row["created_at"].tzinfo is None


def test_site_time_zone_is_configurable() -> None:
    utc_site = Contract(site_timezone="UTC")
    document = envelope(write("tel_status", {**TEL_KEY, "created_at": "2026-11-24T10:15:00-10:00"}))
    (row,) = rows_of(utc_site.parse(to_body(document)), "tel_status")
    assert row["created_at"] == datetime(2026, 11, 24, 20, 15)


def test_timestamp_conversion_overflow_is_a_validation_error(contract: Contract) -> None:
    row = {**TEL_KEY, "created_at": "0001-01-01T00:00:00+14:00"}
    error = reject_both(contract, envelope(write("tel_status", row)))
    assert "column 'created_at' (timestamp without time zone): timestamp is out of range" in (
        error.detail
    )


def test_timestamp_with_time_zone_keeps_the_instant(contract: Contract) -> None:
    row = {**CONFIG_KEY, "to_be_observed_at": "2026-11-24T10:15:00-10:00"}
    (validated,) = rows_of(accept_both(contract, envelope(write("pfs_config", row))), "pfs_config")
    assert validated["to_be_observed_at"] == datetime(2026, 11, 24, 20, 15, tzinfo=UTC)
    assert validated["to_be_observed_at"].utcoffset() == timedelta(hours=-10)


def test_publisher_may_pass_uuid_and_datetime_objects(contract: Contract) -> None:
    event_id = uuid.uuid4()
    document = envelope(
        write(
            "tel_status",
            {**TEL_KEY, "created_at": datetime(2026, 11, 24, 20, 15, tzinfo=UTC)},
        ),
        write(
            "pfs_config",
            {**CONFIG_KEY, "to_be_observed_at": datetime(2026, 11, 24, 10, 15, tzinfo=HST)},
        ),
        id=event_id,
        sent_at=datetime(2026, 11, 24, 20, 15, tzinfo=UTC),
    )
    event = contract.validate(MappingProxyType(document))
    assert event.id == event_id
    assert event.sent_at == datetime(2026, 11, 24, 20, 15, tzinfo=UTC)
    assert rows_of(event, "tel_status")[0]["created_at"] == datetime(2026, 11, 24, 10, 15)
    assert rows_of(event, "pfs_config")[0]["to_be_observed_at"].tzinfo is HST


def test_publisher_naive_datetime_into_timestamptz_is_refused(contract: Contract) -> None:
    row = {**CONFIG_KEY, "to_be_observed_at": datetime(2026, 11, 24, 10, 15)}
    error = rejected(lambda: contract.validate(envelope(write("pfs_config", row))))
    assert error.reason is Reason.VALIDATION
    assert "column 'to_be_observed_at' (timestamp with time zone)" in error.detail


def test_unknown_table(contract: Contract) -> None:
    document = envelope(write("mcs_data", dict(MCS_KEY)), write("mcs_dataa", {"x": 1}))
    error = reject_both(contract, document)
    assert error.reason is Reason.UNKNOWN_TABLE
    assert error.detail == "writes[1]: table 'mcs_dataa' is not in the opDB schema"


def test_unknown_table_is_reported_before_bad_rows(contract: Contract) -> None:
    document = envelope(write("mcs_data", {"spot_id": "x"}), write("no_such_table", {"x": 1}))
    assert reject_both(contract, document).reason is Reason.UNKNOWN_TABLE


def _without(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda document: document.pop(key)


def _setting(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda document: document.__setitem__(key, value)


def _write_setting(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda document: document["writes"][0].__setitem__(key, value)


ENVELOPE_REJECTIONS = [
    pytest.param(_without("id"), "id: is missing", id="id missing"),
    pytest.param(_setting("id", "not-a-uuid"), "id: input should be a valid UUID", id="bad id"),
    pytest.param(_setting("id", 42), "id: ", id="number id"),
    pytest.param(_setting("source", "MCS"), "source: must match", id="upper-case source"),
    pytest.param(_setting("source", ""), "source: must match", id="empty source"),
    pytest.param(_setting("source", "a" * 65), "source: must match", id="long source"),
    pytest.param(_setting("source", "mcs actor"), "source: must match", id="source with space"),
    pytest.param(_setting("source", 1), "source: input should be a valid string", id="int source"),
    pytest.param(_without("source"), "source: is missing", id="source missing"),
    pytest.param(
        _setting("sent_at", "2026-11-24T10:15:00"),
        "sent_at: timestamp must carry a UTC offset",
        id="naive sent_at",
    ),
    pytest.param(
        _setting("sent_at", 1700000000),
        "sent_at: input should be an ISO-8601 timestamp string",
        id="numeric sent_at",
    ),
    pytest.param(_setting("sent_at", "yesterday"), "sent_at: input should be", id="bad sent_at"),
    pytest.param(_setting("writes", []), "writes: must not be empty", id="empty writes"),
    pytest.param(_without("writes"), "writes: is missing", id="writes missing"),
    pytest.param(
        _setting("writes", {}), "writes: input should be a valid list", id="writes object"
    ),
    pytest.param(_setting("writes", [5]), "writes[0]: input should be", id="write not an object"),
    pytest.param(
        _write_setting("op", "delete"),
        "writes[0].op: input should be 'insert', 'upsert' or 'update', got 'delete'",
        id="unknown op",
    ),
    pytest.param(_write_setting("rows", []), "writes[0].rows: must not be empty", id="no rows"),
    pytest.param(
        _write_setting("rows", {"a": 1}),
        "writes[0].rows: input should be a valid list",
        id="rows an object",
    ),
    pytest.param(
        _write_setting("rows", [{}, [1]]),
        "writes[0].rows[1]: must be a JSON object, got [1]",
        id="row an array",
    ),
    pytest.param(
        _write_setting("table", 7),
        "writes[0].table: input should be a valid string",
        id="table int",
    ),
    pytest.param(
        lambda document: document["writes"][0].pop("table"),
        "writes[0].table: is missing",
        id="table missing",
    ),
    pytest.param(
        _setting("priority", "high"), "priority: is not a key of the contract", id="extra key"
    ),
    pytest.param(
        _write_setting("columns", ["a"]),
        "writes[0].columns: is not a key of the contract",
        id="extra write key",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), ENVELOPE_REJECTIONS)
def test_envelope_errors_are_malformed_and_name_the_field(
    contract: Contract, mutate: Callable[[dict[str, Any]], None], expected: str
) -> None:
    document = envelope(write("mcs_data", dict(MCS_KEY)))
    mutate(document)
    error = reject_both(contract, document)
    assert error.reason is Reason.MALFORMED
    assert error.detail.startswith(expected)


@pytest.mark.parametrize(
    "spelling",
    [
        EVENT_ID.replace("-", ""),
        f"urn:uuid:{EVENT_ID}",
        f"{{{EVENT_ID}}}",
        EVENT_ID + "\n",
    ],
    ids=["un-hyphenated", "urn", "braced", "trailing newline"],
)
def test_event_id_must_be_the_hyphenated_uuid(contract: Contract, spelling: str) -> None:
    # The published JSON Schema states this form; another spelling of the same UUID
    # would pass one side and not the other.
    error = reject_both(contract, envelope(write("pfs_visit", {"pfs_visit_id": 1}), id=spelling))
    assert error.reason is Reason.MALFORMED
    assert error.detail.startswith("id: input should be a valid UUID in its 8-4-4-4-12")


def test_event_id_may_be_upper_case(contract: Contract) -> None:
    document = envelope(write("pfs_visit", {"pfs_visit_id": 1}), id=EVENT_ID.upper())
    assert accept_both(contract, document).id == uuid.UUID(EVENT_ID)


def test_sent_at_may_leave_out_seconds(contract: Contract) -> None:
    document = envelope(write("pfs_visit", {"pfs_visit_id": 1}), sent_at="2026-11-24T10:15Z")
    assert accept_both(contract, document).sent_at == datetime(2026, 11, 24, 10, 15, tzinfo=UTC)


def test_op_defaults_to_insert(contract: Contract) -> None:
    (written,) = accept_both(contract, envelope(write("mcs_data", dict(MCS_KEY)))).writes
    assert written.op is Op.INSERT


def test_update_with_key_and_a_column_is_accepted(contract: Contract) -> None:
    row = {**TEL_KEY, "altitude": 61.5}
    event = accept_both(contract, envelope(write("tel_status", row, op="update")))
    assert event.writes == (TableWrite("tel_status", Op.UPDATE, [row]),)


@pytest.mark.parametrize(
    ("version", "found"),
    [
        pytest.param(2, "version 2 is not supported", id="2"),
        pytest.param(0, "version 0 is not supported", id="0"),
        pytest.param("1", "version '1' is not supported", id="string"),
        pytest.param(1.0, "version 1.0 is not supported", id="float"),
        pytest.param(True, "version True is not supported", id="bool"),
        pytest.param(None, "version None is not supported", id="null"),
    ],
)
def test_unsupported_version(contract: Contract, version: object, found: str) -> None:
    error = reject_both(contract, envelope(write("mcs_data", dict(MCS_KEY)), version=version))
    assert error.reason is Reason.UNSUPPORTED_VERSION
    assert error.detail == f"{found}; supported versions: 1"


def test_missing_version(contract: Contract) -> None:
    document = envelope(write("mcs_data", dict(MCS_KEY)))
    del document["version"]
    error = reject_both(contract, document)
    assert error.reason is Reason.UNSUPPORTED_VERSION
    assert error.detail == "version is missing; supported versions: 1"


def test_version_is_checked_before_the_rest_of_the_envelope(contract: Contract) -> None:
    error = reject_both(contract, {"version": 2, "id": "junk", "writes": "junk", "extra": 1})
    assert error.reason is Reason.UNSUPPORTED_VERSION


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(b'{"version": 1,', "body is not valid JSON: EOF while parsing", id="cut"),
        pytest.param(b"", "body is not valid JSON", id="empty"),
        pytest.param(b"{'version': 1}", "body is not valid JSON: key must be a string", id="py"),
        pytest.param(b'{"version": 1} {}', "body is not valid JSON: trailing characters", id="two"),
        pytest.param(
            b'{"version": 1, "source": "\xff"}',
            "body is not valid UTF-8: invalid start byte at byte 26",
            id="invalid UTF-8",
        ),
        pytest.param(b"[1, 2]", "body must be a JSON object, got an array", id="array"),
        pytest.param(b'"event"', "body must be a JSON object, got a string", id="string"),
        pytest.param(b"12", "body must be a JSON object, got a number", id="number"),
        pytest.param(b"null", "body must be a JSON object, got null", id="null"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "recursion limit exceeded", id="deep"),
        pytest.param(
            to_body(envelope(write("obslog_fits_header", FITS_HEADER))).replace(
                b'"cards_list": []', b'"cards_list": ' + b"[" * 100_000 + b"]" * 100_000
            ),
            "recursion limit exceeded",
            id="deep inside a row",
        ),
    ],
)
def test_unreadable_body_is_malformed(contract: Contract, body: bytes, expected: str) -> None:
    error = rejected(lambda: contract.parse(body))
    assert error.reason is Reason.MALFORMED
    assert expected in error.detail


def test_publisher_non_mapping_is_malformed(contract: Contract) -> None:
    error = rejected(lambda: contract.validate([1, 2]))  # type: ignore[arg-type]
    assert error.reason is Reason.MALFORMED
    assert error.detail == "body must be a JSON object, got an array"


def test_too_large_is_checked_before_parsing() -> None:
    small = Contract(max_body_bytes=100)
    error = rejected(lambda: small.parse(b"\xff" * 101))
    assert error.reason is Reason.TOO_LARGE
    assert error.detail == "body is 101 bytes, more than the limit of 100"
    assert rejected(lambda: small.parse(b"\xff" * 100)).reason is Reason.MALFORMED


def test_default_size_limit_is_16_mib(contract: Contract) -> None:
    assert contract.max_body_bytes == DEFAULT_MAX_BODY_BYTES == 16 * 1024 * 1024


def test_writes_are_ordered_parents_first_and_stable(contract: Contract) -> None:
    first_spots = write("mcs_data", {**MCS_KEY, "spot_id": 1})
    second_spots = write("mcs_data", {**MCS_KEY, "spot_id": 2})
    document = envelope(
        first_spots,
        write("mcs_exposure", {"mcs_frame_id": 12345601, "pfs_visit_id": 123456}),
        second_spots,
        write("pfs_visit", {"pfs_visit_id": 123456}),
    )
    event = accept_both(contract, document)
    assert [w.table for w in event.writes] == ["pfs_visit", "mcs_exposure", "mcs_data", "mcs_data"]
    assert [w.rows[0].get("spot_id") for w in event.writes[2:]] == [1, 2]
    assert event.row_count == 4


def test_table_order_puts_every_parent_first(contract: Contract) -> None:
    rank = {name: index for index, name in enumerate(contract.table_order)}
    assert rank.keys() == Base.metadata.tables.keys()
    for table in Base.metadata.tables.values():
        for key in table.foreign_keys:
            if key.column.table is not table:
                assert rank[key.column.table.name] < rank[table.name], key


def test_event_rejected_formats_and_pickles() -> None:
    error = EventRejected(Reason.CONFLICT, "duplicate key")
    assert str(error) == "conflict: duplicate key"
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object, just made
    assert (copy.reason, copy.detail) == (Reason.CONFLICT, "duplicate key")


def test_reasons_are_exactly_the_contract_ones() -> None:
    assert {str(reason) for reason in Reason} == {
        "malformed",
        "validation",
        "unknown_table",
        "conflict",
        "missing_parent",
        "too_large",
        "unsupported_version",
    }


def test_envelope_json_schema_describes_rows_as_objects() -> None:
    schema = Envelope.model_json_schema()
    write_schema = schema["$defs"]["EnvelopeWrite"]
    assert write_schema["properties"]["rows"]["items"]["type"] == "object"
    assert schema["properties"]["version"]["const"] == 1
    assert set(schema["required"]) == {"version", "id", "source", "sent_at", "writes"}
    assert schema["additionalProperties"] is False


def test_encode_round_trips_through_parse(contract: Contract) -> None:
    document = envelope(
        write("mcs_data", {**MCS_KEY, "flux": math.nan, "fluxerr": math.inf}),
        write("pfs_config", {**CONFIG_KEY, "to_be_observed_at": "2026-11-24T10:15:00-10:00"}),
        write("tel_status", {**TEL_KEY, "created_at": "2026-11-24T20:15:00Z"}),
    )
    body = contract.encode(contract.validate(document))
    assert b'"flux":NaN' in body
    assert contract.encode(contract.parse(body)) == body


def test_encode_refuses_a_body_over_the_limit() -> None:
    event = Contract().validate(envelope(write("mcs_data", dict(MCS_KEY))))
    error = rejected(lambda: Contract(max_body_bytes=50).encode(event))
    assert error.reason is Reason.TOO_LARGE


def test_a_new_table_needs_no_contract_code() -> None:
    metadata = sa.MetaData()
    sa.Table(
        "probe",
        metadata,
        sa.Column("probe_id", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("note", sa.Text, nullable=False, server_default="none"),
        sa.Column("gain", sa.Float(precision=24)),
        sa.Column("counts", ARRAY(sa.BigInteger)),
    )
    probe = Contract(metadata=metadata)
    event = probe.validate(envelope(write("probe", {"probe_id": 3, "counts": [2**40]})))
    assert event.writes[0].rows == [{"probe_id": 3, "counts": [2**40]}]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"probe_id": 2**15}, "column 'probe_id' (smallint): out of range, must be <= 32767"),
        ({"probe_id": 1, "gain": 1e39}, "column 'gain' (float(24)): out of range for real"),
        ({"probe_id": 1, "counts": [2**63]}, "column 'counts' (bigint[]) element [0]: out of"),
        ({"probe_id": 1, "note": None}, "column 'note' (text): null is not allowed"),
    ]
    for row, fragment in cases:
        error = reject_both(probe, envelope(write("probe", row)))
        assert fragment in error.detail


@pytest.mark.parametrize(
    "column",
    [
        pytest.param(sa.Column("amount", sa.Numeric(10, 2)), id="numeric"),
        pytest.param(sa.Column("grid", ARRAY(sa.REAL, dimensions=2)), id="2-d array"),
    ],
)
def test_column_type_without_a_rule_fails_at_construction(column: sa.Column[Any]) -> None:
    metadata = sa.MetaData()
    sa.Table("ledger", metadata, sa.Column("id", sa.Integer, primary_key=True), column)
    with pytest.raises(TypeError, match=r"the event contract|one-dimensional"):
        Contract(metadata=metadata)


def test_bad_constructor_arguments_fail_at_once() -> None:
    with pytest.raises(ZoneInfoNotFoundError):
        Contract(site_timezone="Pacific/Atlantis")
    with pytest.raises(ValueError, match="max_body_bytes"):
        Contract(max_body_bytes=0)


# --- properties -------------------------------------------------------------------

_TABLES = sorted(Base.metadata.tables)
_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.datetimes(timezones=st.none() | st.just(UTC)).map(datetime.isoformat)
)
_json_values = st.recursive(
    _json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _plausible_values(column: sa.Column[Any]) -> st.SearchStrategy[Any]:
    """Values of the column's type, mostly valid, so that events also get accepted."""
    sql_type = column.type
    if isinstance(sql_type, sa.ARRAY):
        return st.lists(st.floats(width=32), max_size=4)
    if isinstance(sql_type, sa.Boolean):
        return st.booleans()
    if isinstance(sql_type, sa.BigInteger):
        return st.integers(min_value=-(2**63), max_value=2**63 - 1)
    if isinstance(sql_type, sa.Integer):
        return st.integers(min_value=-(2**31), max_value=2**31 - 1)
    if isinstance(sql_type, sa.REAL):
        return st.floats(width=32)
    if isinstance(sql_type, sa.Float):
        return st.floats()
    if isinstance(sql_type, sa.String):
        return st.text(max_size=sql_type.length or 20)
    if isinstance(sql_type, sa.DateTime):
        zones = st.just(UTC) if sql_type.timezone else st.none() | st.just(UTC)
        return st.datetimes(timezones=zones).map(datetime.isoformat)
    return _json_values


@st.composite
def _rows(draw: st.DrawFn, table: str) -> dict[str, Any]:
    row = {}
    for column in Base.metadata.tables[table].columns:
        if draw(st.integers(min_value=0, max_value=9)) < (3 if column.nullable else 9):
            junk = draw(st.integers(min_value=0, max_value=9)) == 0
            row[column.name] = draw(_json_scalars if junk else _plausible_values(column))
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        row["no_such_column"] = draw(_json_values)
    return row


@st.composite
def _documents(draw: st.DrawFn) -> dict[str, Any]:
    writes = []
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        table = draw(st.sampled_from([*_TABLES, "no_such_table"]))
        entry: dict[str, Any] = {
            "table": table,
            "rows": draw(
                st.lists(_rows(table if table in _TABLES else "mcs_data"), min_size=1, max_size=3)
            ),
        }
        if draw(st.booleans()):
            entry["op"] = draw(st.sampled_from([*Op, "merge"]))
        writes.append(entry)
    document = envelope(*writes)
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        field = draw(st.sampled_from(["version", "id", "source", "sent_at", "writes", "extra"]))
        document[field] = draw(_json_values)
    return document


_PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def _outcome(call: Callable[[], Event]) -> Event | EventRejected:
    """What an entry point made of an input; anything but EventRejected propagates."""
    try:
        return call()
    except EventRejected as error:
        return error


@_PROPERTY_SETTINGS
@given(body=st.binary(max_size=300))
def test_arbitrary_bytes_raise_nothing_but_event_rejected(contract: Contract, body: bytes) -> None:
    outcome = _outcome(lambda: contract.parse(body))
    if isinstance(outcome, EventRejected):
        assert 0 < len(outcome.detail) <= 1000


@_PROPERTY_SETTINGS
@given(
    document=_documents(), cut=st.integers(min_value=0, max_value=400), junk=st.binary(max_size=3)
)
def test_json_ish_bodies_raise_nothing_but_event_rejected(
    contract: Contract, document: dict[str, Any], cut: int, junk: bytes
) -> None:
    body = to_body(document)
    for candidate in (body, body[:cut] + junk + body[cut:], body[:cut]):
        outcome = _outcome(partial(contract.parse, candidate))
        if isinstance(outcome, EventRejected):
            assert 0 < len(outcome.detail) <= 1000


@_PROPERTY_SETTINGS
@given(document=_documents())
def test_publisher_and_daemon_agree(contract: Contract, document: dict[str, Any]) -> None:
    from_body = _outcome(lambda: contract.parse(to_body(document)))
    from_objects = _outcome(lambda: contract.validate(document))
    if isinstance(from_body, EventRejected):
        assert isinstance(from_objects, EventRejected)
        assert (from_objects.reason, from_objects.detail) == (from_body.reason, from_body.detail)
    else:
        assert isinstance(from_objects, Event)
        body = contract.encode(from_body)
        assert contract.encode(from_objects) == body
        assert contract.encode(contract.parse(body)) == body
