"""The writer on its own against real PostgreSQL: isolating bad events in a batch."""

from __future__ import annotations

import psycopg
import pytest
from support import add_visit, event, insert

from daemon.ingest.writer import BatchResult, Writer
from daemon.schema import migrations
from opdb.contract import Contract, Event, Reason
from opdb.models import Base

pytestmark = pytest.mark.integration


async def _write(url: str, events: list[Event]) -> BatchResult:
    """One batch through a writer of its own, closed afterwards."""
    writer = Writer(url, Base.metadata, migrations.head_revision())
    try:
        return await writer.write(events)
    finally:
        await writer.close()


def _status(visit: int, sequence: int) -> dict[str, object]:
    return event([insert("tel_status", {"pfs_visit_id": visit, "status_sequence_id": sequence})])


async def test_orphans_of_one_missing_parent_are_set_aside_together(opdb_url: str) -> None:
    add_visit(opdb_url)
    contract = Contract()
    envelopes = [_status(999 if n % 20 == 0 else 1, n) for n in range(500)]
    result = await _write(opdb_url, [contract.validate(e) for e in envelopes])
    orphans = {n for n in range(500) if n % 20 == 0}
    assert set(result.rejected) == orphans
    assert {r.reason for r in result.rejected.values()} == {Reason.MISSING_PARENT}
    assert "pfs_visit" in next(iter(result.rejected.values())).detail
    assert len(result.committed) == 475
    assert result.rollbacks == 1, "one missing parent must cost one rollback, not bisections"


async def test_other_data_errors_are_isolated_by_bisection(opdb_url: str) -> None:
    """A conflict whose key the writer cannot read back from PostgreSQL's message (here
    a text key holding a comma) is found by bisection."""
    taken = "pfs, observer"
    with psycopg.connect(opdb_url, autocommit=True) as conn:
        conn.execute("INSERT INTO obslog_user (account_name) VALUES (%s)", (taken,))
    contract = Contract()
    envelopes = [
        event([insert("obslog_user", {"account_name": taken if n == 7 else f"user {n}"})])
        for n in range(64)
    ]
    result = await _write(opdb_url, [contract.validate(e) for e in envelopes])
    assert set(result.rejected) == {7}
    assert result.rejected[7].reason is Reason.CONFLICT
    assert len(result.committed) == 63
    assert 2 < result.rollbacks <= 7


async def test_conflicts_are_set_apart_and_the_first_owner_of_a_key_wins(opdb_url: str) -> None:
    with psycopg.connect(opdb_url, autocommit=True) as conn:
        conn.execute("INSERT INTO pfs_visit (pfs_visit_id) VALUES (1)")
        conn.execute("INSERT INTO tel_status (pfs_visit_id, status_sequence_id) VALUES (1, 7)")
    contract = Contract()
    # 7 is taken in the database; 30 is new but sent twice, by events 30 and 40.
    sequences = [30 if n == 40 else n for n in range(64)]
    events = [contract.validate(_status(1, n)) for n in sequences]
    result = await _write(opdb_url, events)
    assert set(result.rejected) == {7, 40}
    assert {r.reason for r in result.rejected.values()} == {Reason.CONFLICT}
    assert len(result.committed) == 62
    assert 30 in result.committed
    # One rollback per conflict found in a group, one per event rejected alone.
    assert result.rollbacks <= 4
