"""``opdb-ingestd visit``: simulated visits written into a real opDB, then reported."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence

import psycopg
import pytest

from daemon import cli
from daemon.ops import visit
from daemon.settings import Settings

pytestmark = pytest.mark.integration

# Module 1 with all four arms (r and m being one red camera in two modes), module 2
# with b and r only: seven rows in sps_camera, six physical cameras.
CAMERAS = [
    (1, "b1", 1, "b"),
    (2, "r1", 1, "r"),
    (3, "n1", 1, "n"),
    (4, "m1", 1, "m"),
    (5, "b2", 2, "b"),
    (6, "r2", 2, "r"),
]
ALL_EXPOSED = (1, 2, 3, 5, 6)  # r1 stands for the r1/m1 camera


def _settings(opdb_url: str) -> Settings:
    return Settings(database_url=opdb_url)


def _execute(url: str, statements: Iterable[tuple[str, Sequence[object]]]) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for statement, params in statements:
            conn.execute(statement, params)  # type: ignore[arg-type]


def _cameras(url: str) -> None:
    _execute(
        url,
        [
            (
                "INSERT INTO sps_module (sps_module_id, description) VALUES (1, 'sm1'), (2, 'sm2')",
                (),
            ),
            *(
                (
                    "INSERT INTO sps_camera (sps_camera_id, sps_camera_name, sps_module_id, arm) "
                    "VALUES (%s, %s, %s, %s)",
                    camera,
                )
                for camera in CAMERAS
            ),
        ],
    )


def _spectrograph_visit(url: str, visit_id: int, cameras: Sequence[int]) -> None:
    _execute(
        url,
        [
            (
                "INSERT INTO pfs_visit (pfs_visit_id, pfs_visit_description) VALUES (%s, 'arc')",
                (visit_id,),
            ),
            (
                "INSERT INTO tel_status (pfs_visit_id, status_sequence_id) VALUES (%s, 1), (%s, 2)",
                (visit_id, visit_id),
            ),
            ("INSERT INTO sps_visit (pfs_visit_id, exp_type) VALUES (%s, 'arc')", (visit_id,)),
            *(
                (
                    "INSERT INTO sps_exposure (pfs_visit_id, sps_camera_id, exptime) "
                    "VALUES (%s, %s, 30)",
                    (visit_id, camera),
                )
                for camera in cameras
            ),
        ],
    )


def _mcs_frame(url: str, visit_id: int, frame: int, spots: Sequence[int]) -> int:
    frame_id = visit_id * 100 + frame
    _execute(
        url,
        [
            (
                "INSERT INTO mcs_exposure (mcs_frame_id, pfs_visit_id) VALUES (%s, %s)",
                (frame_id, visit_id),
            ),
            *(
                ("INSERT INTO mcs_data (mcs_frame_id, spot_id) VALUES (%s, %s)", (frame_id, spot))
                for spot in spots
            ),
        ],
    )
    return frame_id


def _agc_exposure(url: str, visit_id: int, exposure_id: int, spots: int) -> None:
    _execute(
        url,
        [
            (
                "INSERT INTO agc_exposure (agc_exposure_id, pfs_visit_id) VALUES (%s, %s)",
                (exposure_id, visit_id),
            ),
            *(
                (
                    "INSERT INTO agc_data (agc_exposure_id, agc_camera_id, spot_id) "
                    "VALUES (%s, 1, %s)",
                    (exposure_id, spot),
                )
                for spot in range(spots)
            ),
            *(
                (
                    "INSERT INTO agc_guide_offset (agc_exposure_id, guide_delta_ra) "
                    "VALUES (%s, 0.1)",
                    (exposure_id,),
                )
                for _ in range(1 if spots else 0)
            ),
        ],
    )


def _report(settings: Settings, visit_id: int, as_json: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    code = visit.report(settings, visit_id, as_json=as_json, out=out)
    return code, out.getvalue()


def test_a_complete_visit_exits_zero_and_counts_every_table(opdb_url: str) -> None:
    settings = _settings(opdb_url)
    _cameras(opdb_url)
    _spectrograph_visit(opdb_url, 1001, ALL_EXPOSED)
    _mcs_frame(opdb_url, 1001, 0, [-1, 0, 1, 2])
    _mcs_frame(opdb_url, 1001, 1, [-1, 0])
    _agc_exposure(opdb_url, 1001, 7, spots=3)
    # Another visit's rows must not be counted.
    _spectrograph_visit(opdb_url, 1002, [1])
    _mcs_frame(opdb_url, 1002, 0, [-1, 0, 1])

    code, text = _report(settings, 1001)
    assert code == 0, text
    assert text.splitlines()[0] == "visit 1001 (arc): spectrograph, MCS, AG"
    assert text.rstrip().endswith("nothing missing")

    code, document = _report(settings, 1001, as_json=True)
    assert code == 0
    data = json.loads(document)
    rows = {table: entry["rows"] for table, entry in data["tables"].items()}
    assert rows == {
        "pfs_visit": 1,
        "tel_status": 2,
        "sps_visit": 1,
        "sps_exposure": 5,
        "mcs_exposure": 2,
        "mcs_data": 6,
        "agc_exposure": 1,
        "agc_data": 3,
        "agc_guide_offset": 1,
    }
    assert data["tables"]["mcs_data"]["linked_by"] == "mcs_frame"
    assert data["sps_exposure_by_camera"] == {"b1": 1, "r1": 1, "n1": 1, "b2": 1, "r2": 1}
    assert data["flags"] == []


def test_a_missing_spectrograph_camera_is_flagged_by_name_and_exits_one(
    opdb_url: str,
) -> None:
    settings = _settings(opdb_url)
    _cameras(opdb_url)
    _spectrograph_visit(opdb_url, 1001, [1, 2, 5, 6])  # no n1

    code, text = _report(settings, 1001)
    assert code == 1
    assert "1 missing:" in text
    assert "spectrograph visit without an sps_exposure for camera n1" in text
    assert "sps_exposure" in text
    assert "cameras: b1 1, r1 1, b2 1, r2 1" in text

    code, document = _report(settings, 1001, as_json=True)
    assert code == 1
    assert json.loads(document)["flags"] == [
        {
            "code": "sps_camera_missing",
            "subject": "n1",
            "message": "spectrograph visit without an sps_exposure for camera n1",
        }
    ]


def test_mcs_and_ag_gaps_and_a_missing_tel_status_are_flagged(opdb_url: str) -> None:
    settings = _settings(opdb_url)
    _execute(opdb_url, [("INSERT INTO pfs_visit (pfs_visit_id) VALUES (2001)", ())])
    _mcs_frame(opdb_url, 2001, 0, [-1, 0, 1])
    sentinel_only = _mcs_frame(opdb_url, 2001, 1, [-1])
    empty = _mcs_frame(opdb_url, 2001, 2, [])
    _agc_exposure(opdb_url, 2001, 8, spots=2)
    _agc_exposure(opdb_url, 2001, 9, spots=0)

    code, document = _report(settings, 2001, as_json=True)
    assert code == 1
    flags = [(f["code"], f["subject"]) for f in json.loads(document)["flags"]]
    assert flags == [
        ("no_tel_status", "tel_status"),
        ("mcs_frame_without_spots", str(sentinel_only)),
        ("mcs_frame_without_spots", str(empty)),
        ("agc_exposure_without_data", "9"),
    ]


def test_an_unknown_visit_exits_two(opdb_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _report(_settings(opdb_url), 424242)
    assert code == 2
    assert text == ""
    assert "visit 424242 is not in pfs_visit" in capsys.readouterr().err


def test_the_cli_command_reports_and_returns_the_exit_code(
    opdb_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPDB_DATABASE_URL", opdb_url)
    _cameras(opdb_url)
    _spectrograph_visit(opdb_url, 1001, ALL_EXPOSED)
    _spectrograph_visit(opdb_url, 1002, [1, 2, 3, 5])  # no r2

    assert cli.main(["visit", "1001"]) == 0
    assert "nothing missing" in capsys.readouterr().out
    assert cli.main(["visit", "1002", "--json"]) == 1
    flags = json.loads(capsys.readouterr().out)["flags"]
    assert [f["subject"] for f in flags] == ["r2"]
    assert cli.main(["visit", "999"]) == 2
    assert "not in pfs_visit" in capsys.readouterr().err
