"""opdb.compat.OpDB: pfs_utils' calls, writing through the daemon and reading through
opdb.db, against the real services and an in-process daemon."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine
from support import service_in_thread

from daemon.settings import Settings
from opdb import db
from opdb.compat import OpDB, WriteRejected
from opdb.contract import Reason
from opdb.publish import PublisherSettings

pytestmark = pytest.mark.integration


@pytest.fixture
def reader(settings: Settings) -> Iterator[Engine]:
    built = db.engine(db.ReadSettings(database_url=settings.libpq_url))
    yield built
    built.dispose()


def facade(settings: Settings, tmp_path: Path, reader: Engine, **more: object) -> OpDB:
    return OpDB(
        source="compat-test",
        publisher_settings=PublisherSettings(
            amqp_url=settings.amqp_url,
            exchange=settings.exchange,
            spool_path=tmp_path / f"spool-{uuid.uuid4().hex[:8]}.sqlite",
        ),
        engine=reader,
        receipt_timeout_s=10,
        **more,  # type: ignore[arg-type]
    )


def test_writes_are_there_when_the_call_returns(
    settings: Settings, tmp_path: Path, reader: Engine
) -> None:
    with service_in_thread(settings), facade(settings, tmp_path, reader) as opdb:
        assert opdb.insert_kw("pfs_visit", pfs_visit_id=1, pfs_visit_description="a") is None
        # Read-after-write with no wait in between, as actors do today.
        assert opdb.query_scalar("SELECT count(*) FROM pfs_visit") == 1
        frame = pd.DataFrame(
            {
                "pfs_visit_id": [1, 1, 1],
                "status_sequence_id": [1, 2, 3],
                "altitude": [80.0, 80.5, 81.0],
            }
        )
        assert opdb.insert_dataframe("tel_status", frame) == 3
        assert opdb.insert("tel_status", frame.assign(status_sequence_id=[4, 5, 6])) == 3
        assert opdb.update("pfs_visit", pfs_visit_id=1, pfs_visit_description="b") == 1
        assert (
            opdb.query_scalar(
                "SELECT pfs_visit_description FROM pfs_visit WHERE pfs_visit_id = %(v)s",
                params={"v": 1},
            )
            == "b"
        )
        read = opdb.query_dataframe(
            "SELECT status_sequence_id, altitude FROM tel_status WHERE pfs_visit_id = :v "
            "ORDER BY 1",
            params={"v": 1},
        )
        assert read["status_sequence_id"].tolist() == [1, 2, 3, 4, 5, 6]
        assert opdb.query_scalars("SELECT status_sequence_id FROM tel_status ORDER BY 1")[:2] == [
            1,
            2,
        ]
        assert opdb.query_row("SELECT 1 AS a")[0] == 1
        assert opdb.query_array("SELECT 1 UNION ALL SELECT 2").shape == (2, 1)
        assert opdb.query_series("SELECT 42 AS answer")["answer"] == 42
        assert opdb.insert_dataframe("tel_status", frame.iloc[0:0]) is None
        # A refusal by the database is an exception, as a failed direct write was.
        with pytest.raises(WriteRejected) as refused:
            opdb.insert_kw("pfs_visit", pfs_visit_id=1)
        assert refused.value.reason is Reason.CONFLICT
        with pytest.raises(db.ReadOnlyError):
            opdb.commit("DELETE FROM pfs_visit")


def test_without_waiting_the_call_returns_the_rows_count_at_once(
    settings: Settings, tmp_path: Path, reader: Engine
) -> None:
    spots = np.zeros(3, dtype=[("pfs_visit_id", "i4"), ("status_sequence_id", "i4")])
    spots["pfs_visit_id"] = 2
    spots["status_sequence_id"] = [1, 2, 3]
    with service_in_thread(settings), facade(settings, tmp_path, reader, wait=False) as opdb:
        opdb.insert_kw("pfs_visit", pfs_visit_id=2, wait=True)
        assert opdb.insert_dataframe("tel_status", spots) == 3
        opdb.publisher.flush(5)
    with facade(settings, tmp_path, reader) as reader:
        assert reader.query_scalar("SELECT count(*) FROM tel_status") == 3
