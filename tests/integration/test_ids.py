"""opdb.ids: ids drawn from sequences, unique across processes and above what the
tables hold, including on an opDB adopted with rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator

import psycopg
import pytest
from sqlalchemy import Engine

from daemon.schema import migrations
from opdb import db, ids

pytestmark = pytest.mark.integration

WORKER = """
import json, sys
from opdb import db, ids
engine = db.engine(db.ReadSettings(database_url=sys.argv[1]), pool_size=1)
# 1,000 ids in 100 calls of 10, each call its own transaction.
drawn = [i for _ in range(100) for i in ids.allocate("iic_sequence_id", 10, engine=engine)]
print(json.dumps(drawn))
"""


@pytest.fixture
def reader(opdb_url: str) -> Iterator[Engine]:
    built = db.engine(db.ReadSettings(database_url=opdb_url))
    yield built
    built.dispose()


def test_eight_processes_get_8000_distinct_ids_above_the_existing_max(
    opdb_url: str, reader: Engine
) -> None:
    with psycopg.connect(opdb_url, autocommit=True) as conn:
        # Rows written around the sequence, as by an actor still on MAX+1.
        conn.execute("INSERT INTO iic_sequence (iic_sequence_id) VALUES (41), (4242)")
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, opdb_url],
            stdout=subprocess.PIPE,
            env=os.environ.copy(),
            text=True,
        )
        for _ in range(8)
    ]
    drawn: list[int] = []
    for worker in workers:
        out, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0
        drawn += json.loads(out)
    assert len(drawn) == 8000
    assert len(set(drawn)) == 8000
    assert min(drawn) > 4242
    # Several at once come in increasing order, and later calls go on above them.
    batch = ids.allocate("agc_exposure_id", n=6, engine=reader)
    assert batch == sorted(batch)
    assert len(set(batch)) == 6
    assert ids.allocate("agc_exposure_id", engine=reader)[0] > batch[-1]


def test_migration_starts_each_sequence_above_an_adopted_opdbs_rows(
    scratch_databases: Callable[..., str],
) -> None:
    url = scratch_databases("opdb_ids")
    migrations.upgrade(url, "0003")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO sequence_group (group_id) VALUES (77)")
        conn.execute("INSERT INTO iic_sequence (iic_sequence_id) VALUES (9000)")
    migrations.upgrade(url)
    with psycopg.connect(url, autocommit=True) as conn:
        nexts = conn.execute(
            "SELECT nextval('opdb_ingest.sequence_group_id_seq'), "
            "nextval('opdb_ingest.iic_sequence_id_seq'), "
            "nextval('opdb_ingest.agc_exposure_id_seq')"
        ).fetchone()
    assert nexts == (78, 9001, 1)


def test_serial_keys_come_from_the_columns_own_sequence(opdb_url: str, reader: Engine) -> None:
    (first,) = ids.allocate_serial("obslog_user", engine=reader)
    with psycopg.connect(opdb_url, autocommit=True) as conn:
        # What the DEFAULT draws next is past what was allocated.
        (default,) = conn.execute(
            "INSERT INTO obslog_user (account_name) VALUES ('x') RETURNING id"
        ).fetchone()  # type: ignore[misc]
    assert default > first
    with pytest.raises(ValueError, match="no serial key"):
        ids.allocate_serial("pfs_visit", engine=reader)
    with pytest.raises(ValueError, match="no allocator"):
        ids.allocate("pfs_visit_id", engine=reader)
