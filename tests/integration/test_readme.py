"""Every Python snippet of the README runs, in order, against a freshly set-up database
(migrated, reference rows seeded) and the daemon, and does what the README says: the
rows land, nothing is dead-lettered, the readers find them. A snippet cannot rot."""

from __future__ import annotations

import asyncio
import contextlib
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support import count, mcs_centroids, queue_depth, running_service, scalar, wait_until

from daemon.ops.reference import seed
from daemon.settings import Settings
from opdb import db
from opdb.publish import Publisher

pytestmark = pytest.mark.integration

README = Path(__file__).resolve().parents[2] / "README.md"
SNIPPET = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
SPOTS = 50
# What the README's writing snippets add, table by table.
# What the publishing snippets write, up to the reader's; the receipts snippet after it
# adds a visit, a sequence and its visit_set.
LANDED = {
    "pfs_visit": 1,
    "mcs_exposure": 1,
    "mcs_data": SPOTS,
    "agc_exposure": 1,
    "agc_data": 2 * SPOTS,
    "agc_guide_offset": 1,
    "sps_visit": 1,
    "sps_exposure": 3,
    "tel_status": 1,
    "iic_sequence": 1,
    "iic_sequence_status": 1,
}
ALL_LANDED = {**LANDED, "pfs_visit": 2, "iic_sequence": 2, "visit_set": 1}


def snippets() -> list[tuple[int, str]]:
    """(line, code) of every Python block of the README, in order."""
    text = README.read_text()
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in SNIPPET.finditer(text)]


def centroids() -> np.ndarray[Any, np.dtype[np.void]]:
    """An MCS frame as a structured array, with a lost spot (NaN centroid)."""
    names = ["spot_id", "mcs_center_x_pix", "mcs_center_y_pix", "peakvalue"]
    dtype = np.dtype([(name, "i4" if name == "spot_id" else "f4") for name in names])
    frame = mcs_centroids(dtype, SPOTS, (10.0, 8000.0), mcs_center_y_pix=3548.0, peakvalue=2000.0)
    frame["mcs_center_x_pix"][1] = np.nan
    return frame


def spots() -> list[dict[str, Any]]:
    """AG spots of two cameras."""
    return [
        {"agc_exposure_id": 88001, "agc_camera_id": camera, "spot_id": n, "centroid_x_pix": 5.5}
        for camera in (1, 2)
        for n in range(SPOTS)
    ]


def run_snippets(settings: Settings) -> dict[str, Any]:
    names: dict[str, Any] = {"centroids": centroids(), "spots": spots()}
    url = settings.libpq_url

    def landed() -> bool:
        return all(count(url, table) >= n for table, n in LANDED.items())

    ran = 0
    for line, code in snippets():
        where = f"README.md:{line}"
        if "opdb import db" in code:
            # A reader runs once the daemon has written what the snippets before it sent.
            asyncio.run(wait_until(landed, 30, f"the rows of the snippets before {where}"))
        opens_its_own = re.search(r"^publisher = |as publisher:", code, re.MULTILINE)
        needs_one = "publisher." in code and not opens_its_own
        with Publisher("readme") if needs_one else contextlib.nullcontext() as publisher:
            if publisher is not None:
                names["publisher"] = publisher
            exec(compile(code, where, "exec"), names)  # noqa: S102 - running it is the test
        ran += 1
    names["_ran"] = ran
    return names


async def test_every_python_snippet_of_the_readme_runs(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = settings.libpq_url
    seed(url)  # a freshly set-up database: migrated (the fixture) and seeded
    monkeypatch.setenv("OPDB_AMQP_URL", settings.amqp_url.get_secret_value())
    monkeypatch.setenv("OPDB_EXCHANGE", settings.exchange)
    monkeypatch.setenv("OPDB_DATABASE_URL", url)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))  # where the default spools go
    db.dispose_default_engine()
    try:
        async with running_service(settings):
            names = await asyncio.to_thread(run_snippets, settings)
            await wait_until(
                lambda: all(count(url, table) == n for table, n in ALL_LANDED.items()),
                30,
                f"rows {ALL_LANDED}",
            )
    finally:
        db.dispose_default_engine()

    assert names["_ran"] == len(snippets()) >= 7
    assert await queue_depth(settings.amqp_url.get_secret_value(), settings.dead_letter_queue) == 0
    # What the snippets and the text around them promise.
    assert scalar(url, "SELECT pfs_design_id FROM pfs_visit WHERE pfs_visit_id = 123456") == 0x1234
    assert len(names["frames"]) == SPOTS
    assert scalar(url, "SELECT count(*) FROM mcs_data WHERE mcs_center_x_pix IS NULL") == 1
    assert [row["pfs_visit_id"] for row in names["visit"]] == [123456]
    assert str(scalar(url, "SELECT created_at FROM tel_status")) == "2026-11-24 21:05:00"
