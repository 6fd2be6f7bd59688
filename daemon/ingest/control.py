"""The service's control connection to PostgreSQL: an autocommit session apart from the
writer's, for the maintenance switch, the instance reports and finding who blocks the
writer. Opened on first use and again after :meth:`PostgresControl.close`; errors are
psycopg's own, which the service turns into its states."""

from __future__ import annotations

import contextlib
from typing import Any

import psycopg

from daemon.ingest import gate

_BLOCKERS_SQL = (
    "SELECT pid, application_name, state, now() - xact_start FROM pg_stat_activity "
    "WHERE pid = ANY(pg_blocking_pids(%s)) ORDER BY pid"
)


class PostgresControl:
    def __init__(self, conninfo: str, instance_key: str) -> None:
        self._conninfo = conninfo
        self._instance_key = instance_key
        self._connection: psycopg.AsyncConnection[Any] | None = None

    async def _connected(self) -> psycopg.AsyncConnection[Any]:
        if self._connection is None or self._connection.closed:
            self._connection = await psycopg.AsyncConnection.connect(
                self._conninfo,
                autocommit=True,
                connect_timeout=5,
                application_name="opdb-ingestd control",
            )
            # Session-wide, so every report from this connection may touch our row.
            await self._connection.execute(
                "SELECT set_config(%s, %s, false)",
                (gate.INSTANCE_KEY_SETTING, self._instance_key),
            )
        return self._connection

    async def read_gate(self, head: str) -> gate.Gate:
        return await gate.read_gate(await self._connected(), head)

    async def report(self, instance: gate.InstanceReport) -> None:
        await gate.report(await self._connected(), instance)

    async def blockers(self, pid: int) -> list[tuple[Any, ...]]:
        """(pid, application name, state, time in transaction) of each session that
        blocks ``pid``."""
        cursor = await (await self._connected()).execute(_BLOCKERS_SQL, (pid,))
        return list(await cursor.fetchall())

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            # A connection already broken is being discarded either way.
            with contextlib.suppress(psycopg.Error):
                await connection.close()
