"""The pure half of ``opdb-ingestd visit``: which tables belong to a visit, and which
flags a visit's facts raise. No database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from daemon.ops.visit import (
    BY_AGC_EXPOSURE,
    BY_MCS_FRAME,
    BY_VISIT0,
    BY_VISIT_ID,
    Camera,
    Flag,
    McsFrame,
    VisitFacts,
    camera_name,
    check,
    exit_code,
    missing_cameras,
    render_text,
    visit_links,
)

pytestmark = pytest.mark.unit


def _cameras(*names: str) -> list[Camera]:
    return [
        Camera(number, name, int(name[1:]), name[0]) for number, name in enumerate(names, start=1)
    ]


def _facts(
    rows: Mapping[str, int],
    cameras: Sequence[Camera] = (),
    exposed: Mapping[int, int] | None = None,
    frames: Sequence[McsFrame] = (),
    guided: Mapping[int, int] | None = None,
) -> VisitFacts:
    return VisitFacts(
        visit_id=100,
        description=None,
        rows={"pfs_visit": 1, **rows},
        cameras=cameras,
        exposures_by_camera=exposed or {},
        mcs_frames=frames,
        agc_data_by_exposure=guided or {},
    )


def _codes(flags: Sequence[Flag]) -> list[tuple[str, str]]:
    return [(flag.code, flag.subject) for flag in flags]


def test_visit_links_come_from_the_models() -> None:
    links = {link.table: link for link in visit_links()}
    assert links["pfs_visit"].by == BY_VISIT_ID
    for table in ("tel_status", "sps_exposure", "cobra_move", "sps_annotation", "visit_set"):
        assert (links[table].column, links[table].by) == ("pfs_visit_id", BY_VISIT_ID)
    assert (links["mcs_data"].column, links["mcs_data"].by) == ("mcs_frame_id", BY_MCS_FRAME)
    note = links["obslog_mcs_exposure_note"]
    assert (note.column, note.by) == ("mcs_exposure_frame_id", BY_MCS_FRAME)
    # Two hops: agc_match -> agc_data -> agc_exposure.
    assert (links["agc_match"].column, links["agc_match"].by) == (
        "agc_exposure_id",
        BY_AGC_EXPOSURE,
    )
    assert links["agc_guide_offset"].by == BY_AGC_EXPOSURE
    assert links["pfs_config"].by == BY_VISIT0
    # pfs_config_sps has both; the visit's own id wins.
    assert links["pfs_config_sps"].by == BY_VISIT_ID
    for unrelated in ("cobra", "sps_camera", "pfs_design", "mcs_camera", "iic_sequence"):
        assert unrelated not in links
    order = [link.table for link in visit_links()]
    assert order[0] == "pfs_visit"
    assert order.index("mcs_exposure") < order.index("mcs_data")
    assert order.index("sps_visit") < order.index("sps_exposure") < order.index("mcs_exposure")


def test_camera_name_is_arm_and_module_then_the_stored_name_then_the_id() -> None:
    assert camera_name(1, None, 1, "b") == "b1"
    assert camera_name(7, "x9", 3, "n") == "n3"
    assert camera_name(7, "x9", None, "n") == "x9"
    assert camera_name(7, None, None, None) == "#7"


def test_missing_cameras_treats_r_and_m_of_a_module_as_one_camera() -> None:
    cameras = _cameras("b1", "r1", "n1", "m1", "b2", "r2")
    by_name = {camera.name: camera.camera_id for camera in cameras}

    def missing(*exposed: str) -> list[str]:
        return missing_cameras(cameras, {by_name[name]: 1 for name in exposed})

    assert missing("b1", "r1", "n1", "b2", "r2") == []
    assert missing("b1", "m1", "n1", "b2", "r2") == []
    assert missing("b1", "n1", "b2", "r2") == ["r1/m1"]
    assert missing("b1", "r1", "b2") == ["n1", "r2"]
    assert missing() == ["b1", "r1/m1", "n1", "b2", "r2"]
    unnamed = [Camera(9, "#9", None, None)]
    assert missing_cameras(unnamed, {}) == ["#9"]


def test_a_plain_visit_needs_a_tel_status_only() -> None:
    assert check(_facts({"tel_status": 3})) == []
    assert _codes(check(_facts({}))) == [("no_tel_status", "tel_status")]


def test_a_spectrograph_visit_needs_every_camera_and_a_tel_status() -> None:
    cameras = _cameras("b1", "r1", "n1")
    complete = _facts({"tel_status": 1, "sps_visit": 1}, cameras, {1: 1, 2: 1, 3: 1})
    assert check(complete) == []
    assert exit_code(check(complete)) == 0

    lacking = _facts({"sps_visit": 1}, cameras, {1: 1, 3: 1})
    flags = check(lacking)
    assert _codes(flags) == [("no_tel_status", "tel_status"), ("sps_camera_missing", "r1")]
    assert "camera r1" in flags[1].message
    assert exit_code(flags) == 1

    # Cameras are only expected of a spectrograph visit.
    assert check(_facts({"tel_status": 1}, cameras)) == []


def test_a_spectrograph_visit_with_no_camera_list_and_no_exposure_is_flagged() -> None:
    flags = check(_facts({"tel_status": 1, "sps_visit": 1}))
    assert _codes(flags) == [("no_sps_exposure", "sps_exposure")]


def test_an_mcs_visit_needs_spots_beyond_the_sentinel_in_every_frame() -> None:
    frames = [McsFrame(10000, 2500, 2499), McsFrame(10001, 1, 0), McsFrame(10002, 0, 0)]
    flags = check(_facts({"tel_status": 1, "mcs_exposure": 3}, frames=frames))
    assert _codes(flags) == [
        ("mcs_frame_without_spots", "10001"),
        ("mcs_frame_without_spots", "10002"),
    ]
    assert "only the spot_id -1 sentinel" in flags[0].message
    assert "no mcs_data rows" in flags[1].message


def test_an_ag_visit_needs_agc_data_for_every_exposure() -> None:
    flags = check(_facts({"tel_status": 1, "agc_exposure": 2}, guided={5: 12, 4: 0}))
    assert _codes(flags) == [("agc_exposure_without_data", "4")]


def test_the_text_report_lists_tables_with_rows_and_what_is_missing() -> None:
    cameras = _cameras("b1", "r1")
    facts = _facts(
        {"tel_status": 2, "sps_visit": 1, "sps_exposure": 1, "mcs_data": 0},
        cameras,
        {1: 1},
    )
    lines = render_text(facts, check(facts), visit_links())
    assert lines[0] == "visit 100: spectrograph"
    tables = [line.split()[0] for line in lines[2:-2]]
    assert tables == ["pfs_visit", "tel_status", "sps_visit", "sps_exposure"]
    assert lines[-2:] == [
        "1 missing:",
        "  - spectrograph visit without an sps_exposure for camera r1",
    ]
    assert "cameras: b1 1" in lines[5]


@pytest.mark.parametrize(
    ("rows", "kinds"),
    [
        ({}, []),
        ({"sps_visit": 1, "mcs_exposure": 2}, ["spectrograph", "MCS"]),
        ({"agc_exposure": 9}, ["AG"]),
    ],
)
def test_kinds(rows: dict[str, Any], kinds: list[str]) -> None:
    assert _facts(rows).kinds == kinds
