"""`opdb-ingestd demo`, the README's first command, on the local services."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from typing import Any

import psycopg
import pytest
from psycopg import sql
from support import run_to_end

pytestmark = pytest.mark.acceptance


def _databases(server_url: str) -> set[str]:
    """The demo's databases on the server: only its own, since other tests and other
    people create and drop scratch databases on a shared server meanwhile."""
    with psycopg.connect(server_url) as conn:
        query = "SELECT datname FROM pg_database WHERE datname LIKE 'opdb\\_demo\\_%'"
        return {r[0] for r in conn.execute(query).fetchall()}


def _demo(server_url: str, amqp_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_to_end(
        [
            sys.executable,
            "-m",
            "daemon.cli",
            "demo",
            "--visits",
            "2",
            "--frames",
            "2",
            "--spots",
            "300",
            "--ag-frames",
            "3",
            *args,
        ],
        # As on a fresh machine: the configured database does not exist.
        {
            "PATH": "/usr/bin:/bin",
            "OPDB_DATABASE_URL": f"{server_url.rsplit('/', 1)[0]}/opdb_absent_{uuid.uuid4().hex}",
            "OPDB_AMQP_URL": amqp_url,
        },
        300,
    )


def test_demo_summary_matches_the_database(pg_server_url: str, amqp_url: str) -> None:
    done = _demo(pg_server_url, amqp_url, "--json", "--keep")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    url = f"{pg_server_url.rsplit('/', 1)[0]}/{summary['database']}"
    try:
        with psycopg.connect(url) as conn:
            for table, rows in summary["rows"].items():
                query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
                assert conn.execute(query).fetchone() == (rows["found"],), table
                assert rows["found"] == rows["expected"], table
            ledger = conn.execute("SELECT count(*) FROM opdb_ingest.event_ledger").fetchone()
        assert ledger == (summary["events_committed"],)
        assert summary["events_committed"] == summary["events_published"]
        assert summary["rows_match"]
        assert sorted(summary["dead_letters"]) == summary["bad_events_sent"]
        assert all(d["count"] == 1 and d["example"] for d in summary["dead_letters"].values())
        assert "publishing a simulated night" in done.stderr
    finally:
        _remove(pg_server_url, amqp_url, summary)


def _remove(server_url: str, amqp_url: str, summary: dict[str, Any]) -> None:
    import pika  # blocking client: teardown needs no event loop

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(summary["database"])
            )
        )
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        for queue in summary["queues"]:
            channel.queue_delete(queue)
        channel.exchange_delete(summary["exchange"])
    finally:
        connection.close()


def test_demo_cleans_up_after_itself(pg_server_url: str, amqp_url: str) -> None:
    before = _databases(pg_server_url)
    done = _demo(pg_server_url, amqp_url)
    assert done.returncode == 0, done.stderr
    assert "every table as expected: yes" in done.stdout
    assert "cleaned up" in done.stderr
    assert _databases(pg_server_url) - before == set()
