"""The writer on its own against real PostgreSQL: isolating bad events in a batch."""

from __future__ import annotations

import psycopg
import pytest
from support import event, insert

from daemon import migrations
from daemon.writer import Writer
from opdb.contract import Contract, Reason
from opdb.models import Base

pytestmark = pytest.mark.integration


def _status(visit: int, sequence: int) -> dict[str, object]:
    return event([insert("tel_status", {"pfs_visit_id": visit, "status_sequence_id": sequence})])


async def test_orphans_of_one_missing_parent_are_set_aside_together(opdb_url: str) -> None:
    with psycopg.connect(opdb_url, autocommit=True) as conn:
        conn.execute("INSERT INTO pfs_visit (pfs_visit_id) VALUES (1)")
    contract = Contract()
    envelopes = [_status(999 if n % 20 == 0 else 1, n) for n in range(500)]
    events = [contract.validate(e) for e in envelopes]
    writer = Writer(opdb_url, Base.metadata, migrations.head_revision())
    try:
        result = await writer.write(events)
    finally:
        await writer.close()
    orphans = {n for n in range(500) if n % 20 == 0}
    assert set(result.rejected) == orphans
    assert {r.reason for r in result.rejected.values()} == {Reason.MISSING_PARENT}
    assert "pfs_visit" in next(iter(result.rejected.values())).detail
    assert len(result.committed) == 475
    assert result.rollbacks == 1, "one missing parent must cost one rollback, not bisections"


async def test_other_data_errors_are_isolated_by_bisection(opdb_url: str) -> None:
    with psycopg.connect(opdb_url, autocommit=True) as conn:
        conn.execute("INSERT INTO pfs_visit (pfs_visit_id) VALUES (1)")
        conn.execute("INSERT INTO tel_status (pfs_visit_id, status_sequence_id) VALUES (1, 7)")
    contract = Contract()
    events = [contract.validate(_status(1, n)) for n in range(64)]
    writer = Writer(opdb_url, Base.metadata, migrations.head_revision())
    try:
        result = await writer.write(events)
    finally:
        await writer.close()
    assert set(result.rejected) == {7}
    assert result.rejected[7].reason is Reason.CONFLICT
    assert len(result.committed) == 63
    assert 1 < result.rollbacks <= 7
