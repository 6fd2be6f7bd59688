"""The daemon's side of maintenance mode and the schema guard: reading whether it may
write (the switch and the database's revision) and reporting itself.

Three mechanisms, each covering what the one before cannot:

* the **maintenance switch** (a row in ``opdb_ingest.maintenance``, shared by every
  daemon on the database and surviving restarts): daemons poll it, and while it is on
  they cancel their consumer, commit and acknowledge what they hold, and report
  ``maintenance`` in ``opdb_ingest.daemon_instance``;
* the **schema guard**: a daemon writes only while the database's alembic revision is
  the head its code was built for (or later, through additive revisions only),
  otherwise it waits in ``schema_mismatch``;
* the **write lock**: every batch transaction takes a shared advisory lock and checks
  the revision; a migration holds the lock exclusively, so even a daemon that has not
  yet seen the switch cannot write into a half-migrated schema.

The operators' side (switching, waiting for quiet, migrating) is ``daemon.ops.maintenance``.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import secrets
import socket
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import psycopg

# A daemon reports every control interval; one silent for this long is gone.
LIVE_WITHIN_S = 15.0

# A daemon proves a report is its own with a random key set in its control session:
# row-level security (revision 0006) lets the ingest role add or refresh only the row
# whose id is derived from the session's key, so daemons sharing the role cannot
# rewrite each other's reports. The policy computes the same derivation in SQL.
INSTANCE_KEY_SETTING = "opdb.instance_key"


def new_instance_key() -> str:
    return secrets.token_hex(16)


def instance_id_for(key: str) -> uuid.UUID:
    """The instance id a key owns: the first 16 bytes of its SHA-256."""
    return uuid.UUID(bytes=hashlib.sha256(key.encode()).digest()[:16])


class State(StrEnum):
    """What a daemon says it is doing: in its log, its instance report, `status`,
    /readyz and the `opdb_state` metric."""

    STARTING = "starting"
    RUNNING = "running"
    BROKER_BLOCKED = "broker_blocked"
    NOT_READY = "not_ready"
    MISCONFIGURED = "misconfigured"
    STALLED = "stalled"
    MAINTENANCE = "maintenance"
    SCHEMA_MISMATCH = "schema_mismatch"
    STOPPING = "stopping"
    STOPPED = "stopped"


# States in which a daemon holds no message and writes nothing.
QUIESCENT_STATES = frozenset({State.MAINTENANCE, State.SCHEMA_MISMATCH, State.STOPPED})


class Mode(StrEnum):
    """What the database allows daemons to do right now."""

    RUNNING = "running"
    MAINTENANCE = "maintenance"
    SCHEMA_MISMATCH = "schema_mismatch"


@dataclass(frozen=True)
class Gate:
    mode: Mode
    reason: str = ""
    database_revision: str | None = None


_REVISION_SQL = "SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version"


# Walks down opdb_ingest.schema_revision from the database's revision; true when it
# reaches the code's head through additive revisions only.
_ADDITIVE_BEYOND_SQL = """
WITH RECURSIVE chain AS (
    SELECT revision, down_revision, kind, 1 AS depth
    FROM opdb_ingest.schema_revision WHERE revision = %(database)s
    UNION ALL
    SELECT s.revision, s.down_revision, s.kind, c.depth + 1
    FROM opdb_ingest.schema_revision AS s JOIN chain AS c ON s.revision = c.down_revision
    WHERE c.down_revision <> %(head)s AND c.depth < 1000
)
SELECT coalesce(bool_and(kind = 'additive') AND bool_or(down_revision = %(head)s), false)
FROM chain
"""


async def additive_beyond(
    connection: psycopg.AsyncConnection[Any], database_revision: str, head: str
) -> bool:
    """True when every revision between ``head`` (the code's) and ``database_revision``
    is additive, so code built for ``head`` may keep writing. Runs in a savepoint (or
    its own transaction), so a database without the record table just answers no."""
    try:
        async with connection.transaction():
            cursor = await connection.execute(
                _ADDITIVE_BEYOND_SQL, {"database": database_revision, "head": head}
            )
            row = await cursor.fetchone()
    except psycopg.errors.UndefinedTable:
        return False
    return bool(row and row[0])


async def read_gate(connection: psycopg.AsyncConnection[Any], head: str) -> Gate:
    """The mode the database currently allows, read on an autocommit connection."""
    try:
        cursor = await connection.execute(_REVISION_SQL)
        row = await cursor.fetchone()
    except psycopg.errors.UndefinedTable:
        return Gate(Mode.SCHEMA_MISMATCH, f"database has no schema history; code expects {head}")
    revision = row[0] if row else None
    if revision != head and not (revision and await additive_beyond(connection, revision, head)):
        return Gate(
            Mode.SCHEMA_MISMATCH,
            f"database is at revision {revision or 'none'}, code expects {head}",
            revision,
        )
    cursor = await connection.execute("SELECT enabled, reason FROM opdb_ingest.maintenance")
    switch = await cursor.fetchone()
    if switch and switch[0]:
        return Gate(Mode.MAINTENANCE, switch[1] or "maintenance", revision)
    return Gate(Mode.RUNNING, "", revision)


@dataclass(frozen=True)
class InstanceReport:
    """One daemon's report about itself."""

    instance_id: uuid.UUID
    queue: str
    state: str
    state_reason: str
    expected_revision: str
    database_revision: str | None
    in_flight: int
    started_at: datetime.datetime
    last_commit_at: datetime.datetime | None
    events_last_minute: int
    rows_last_minute: int
    host: str = socket.gethostname()
    pid: int = os.getpid()


_REPORT_SQL = """
INSERT INTO opdb_ingest.daemon_instance (
    instance_id, host, pid, queue, state, state_reason, expected_revision,
    database_revision, in_flight, started_at, heartbeat_at, last_commit_at,
    events_last_minute, rows_last_minute)
VALUES (%(instance_id)s, %(host)s, %(pid)s, %(queue)s, %(state)s, %(state_reason)s,
    %(expected_revision)s, %(database_revision)s, %(in_flight)s, %(started_at)s, now(),
    %(last_commit_at)s, %(events_last_minute)s, %(rows_last_minute)s)
ON CONFLICT (instance_id) DO UPDATE SET
    state = EXCLUDED.state, state_reason = EXCLUDED.state_reason,
    database_revision = EXCLUDED.database_revision, in_flight = EXCLUDED.in_flight,
    heartbeat_at = EXCLUDED.heartbeat_at, last_commit_at = EXCLUDED.last_commit_at,
    events_last_minute = EXCLUDED.events_last_minute,
    rows_last_minute = EXCLUDED.rows_last_minute
"""


async def report(connection: psycopg.AsyncConnection[Any], instance: InstanceReport) -> None:
    await connection.execute(_REPORT_SQL, instance.__dict__)
