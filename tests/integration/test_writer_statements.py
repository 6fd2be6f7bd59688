"""The writer's Core statements against real PostgreSQL: updates of missing rows,
upserts of one key, JSON documents, on both insert paths."""

from __future__ import annotations

import sys
from typing import Any

import psycopg
import pytest
from support import add_visit, event, insert

from daemon.ingest.writer import Writer
from daemon.schema import migrations
from opdb.contract import Contract, Reason
from opdb.models import Base

pytestmark = pytest.mark.integration


def _write(table: str, op: str, row: dict[str, Any]) -> dict[str, object]:
    return event([{"table": table, "op": op, "rows": [row]}])


async def _written(url: str, envelopes: list[dict[str, object]], copy_min_rows: int) -> Any:
    contract = Contract()
    writer = Writer(url, Base.metadata, migrations.head_revision(), copy_min_rows)
    try:
        return await writer.write([contract.validate(e) for e in envelopes])
    finally:
        await writer.close()


async def test_an_update_of_a_missing_row_rejects_its_event_alone(opdb_url: str) -> None:
    with psycopg.connect(opdb_url, autocommit=True) as conn:
        conn.execute("INSERT INTO pfs_visit (pfs_visit_id) VALUES (1)")
        conn.execute(
            "INSERT INTO tel_status (pfs_visit_id, status_sequence_id) VALUES (1, 1), (1, 2)"
        )
    keys = [1, 99, 2]
    envelopes = [
        _write(
            "tel_status",
            "update",
            {"pfs_visit_id": 1, "status_sequence_id": key, "azimuth": float(key)},
        )
        for key in keys
    ]
    result = await _written(opdb_url, envelopes, 10)
    assert set(result.rejected) == {1}
    assert result.rejected[1].reason is Reason.MISSING_PARENT
    assert "update of a row that does not exist" in result.rejected[1].detail
    assert "status_sequence_id=99" in result.rejected[1].detail
    assert sorted(result.committed) == [0, 2]
    with psycopg.connect(opdb_url) as conn:
        azimuths = conn.execute(
            "SELECT status_sequence_id, azimuth FROM tel_status ORDER BY 1"
        ).fetchall()
    assert azimuths == [(1, 1.0), (2, 2.0)]


async def test_upserts_of_one_key_in_one_batch_leave_the_last(opdb_url: str) -> None:
    add_visit(opdb_url)
    envelopes = [
        _write(
            "tel_status",
            "upsert",
            {"pfs_visit_id": 1, "status_sequence_id": 5, "altitude": float(n)},
        )
        for n in range(4)
    ]
    result = await _written(opdb_url, envelopes, sys.maxsize)
    assert sorted(result.committed) == [0, 1, 2, 3]
    with psycopg.connect(opdb_url) as conn:
        row = conn.execute(
            "SELECT altitude FROM tel_status WHERE status_sequence_id = 5"
        ).fetchone()
    assert row == (3.0,)


@pytest.mark.parametrize("copy_min_rows", [1, sys.maxsize], ids=["copy", "insert"])
async def test_json_documents_are_stored_as_documents(opdb_url: str, copy_min_rows: int) -> None:
    cards = {"EXPTIME": 30.0, "OBJECT": "M31", "NESTED": {"a": [1, 2]}}
    envelope = event(
        [
            insert(
                "obslog_fits_header",
                {
                    "filestem": "PFSA00000101",
                    "hdu_index": 0,
                    "cards_dict": cards,
                    "cards_list": [["EXPTIME", 30.0, "seconds"]],
                },
            )
        ]
    )
    result = await _written(opdb_url, [envelope], copy_min_rows)
    assert result.committed == [0], result.rejected
    with psycopg.connect(opdb_url) as conn:
        row = conn.execute(
            "SELECT cards_dict, jsonb_typeof(cards_dict), jsonb_typeof(cards_list) "
            "FROM obslog_fits_header"
        ).fetchone()
    assert row == (cards, "object", "array")
