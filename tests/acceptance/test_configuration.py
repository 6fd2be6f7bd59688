"""Configuration mistakes are one line naming the setting and the fix, exit 2, never a
traceback, never a secret; libpq keyword strings and multi-host URLs work everywhere."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator

import psycopg
import pytest
from conftest import run_cli
from support import add_visit, free_port

from daemon.settings import Settings
from opdb import db

pytestmark = pytest.mark.acceptance

SECRET = "s3cret-Pa55"


def _with_password(url: str) -> str:
    return url.replace("postgres@", f"postgres:{SECRET}@", 1)


def _assert_one_line_error(done: subprocess.CompletedProcess[str], setting: str) -> None:
    lines = done.stderr.strip().splitlines()
    print(done.stderr.strip())
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1, done.stderr
    assert setting in lines[0]
    assert "Traceback" not in done.stderr
    assert SECRET not in done.stderr + done.stdout


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("OPDB_SITE_TIMEZONE", "Mars/Base"),
        ("OPDB_METRICS_ADDRESS", "nonsense"),
        ("OPDB_METRICS_ADDRESS", "127.0.0.1:99999"),
        ("OPDB_LOG_LEVEL", "LOUD"),
        ("OPDB_BATCH_MAX_EVENTS", "many"),
        ("OPDB_SHUTDOWN_TIMEOUT_S", "-1"),
        ("OPDB_AMQP_URL", "nonsense"),
        ("OPDB_DATABASE_URL", f"mysql://root:{SECRET}@db.example/opdb"),
        ("OPDB_DATABASE_URL", f"host=db.example password={SECRET} dbname='unterminated"),
    ],
)
@pytest.mark.parametrize("command", ["run", "status"])
def test_a_bad_setting_is_one_line_and_exit_2(
    settings: Settings, setting: str, value: str, command: str
) -> None:
    env = {"OPDB_DATABASE_URL": _with_password(settings.libpq_url), setting: value}
    done = run_cli(settings, command, **env)
    _assert_one_line_error(done, setting)


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        yield int(sock.getsockname()[1])


def test_a_metrics_port_in_use_is_one_line_and_exit_2(settings: Settings, busy_port: int) -> None:
    done = run_cli(
        settings,
        "run",
        OPDB_METRICS_ADDRESS=f"127.0.0.1:{busy_port}",
        OPDB_DATABASE_URL=_with_password(settings.libpq_url),
    )
    _assert_one_line_error(done, "OPDB_METRICS_ADDRESS")
    assert "in use" in done.stderr


def _keyword_string(settings: Settings, hosts: str = "127.0.0.1", ports: str = "") -> str:
    conninfo = psycopg.conninfo.conninfo_to_dict(settings.libpq_url)
    return (
        f"host={hosts} port={ports or conninfo['port']} dbname={conninfo['dbname']} "
        f"user={conninfo['user']} password={SECRET}"
    )


def test_a_libpq_keyword_string_is_accepted_and_masked(settings: Settings) -> None:
    keywords = _keyword_string(settings)
    for args in (["status"], ["maintenance", "status"], ["migrate", "--dry-run"]):
        done = run_cli(settings, *args, OPDB_DATABASE_URL=keywords)
        assert "Traceback" not in done.stderr
        assert SECRET not in done.stdout + done.stderr
        # status: 1 = not healthy (no daemon runs), yet it read the database
        assert done.returncode == (1 if args == ["status"] else 0), done.stderr
        if args[0] != "migrate":  # at head already: the dry run has nothing to print
            assert "maintenance: off" in done.stdout, done.stderr


@pytest.mark.parametrize("spelling", ["url", "keywords"])
def test_a_multi_host_database_works_in_every_command(settings: Settings, spelling: str) -> None:
    """The first server refuses, the second is the primary: libpq moves on to it."""
    conninfo = psycopg.conninfo.conninfo_to_dict(settings.libpq_url)
    port, name = conninfo["port"], conninfo["dbname"]
    dead = free_port()
    if spelling == "url":
        url = (
            f"postgresql://postgres:{SECRET}@127.0.0.1:{dead},127.0.0.1:{port}/{name}"
            "?target_session_attrs=read-write"
        )
    else:
        url = _keyword_string(settings, "127.0.0.1,127.0.0.1", f"{dead},{port}")
        url += " target_session_attrs=read-write"
    add_visit(settings.libpq_url)
    for args, rc in (
        (["migrate", "--dry-run"], 0),
        (["migrate"], 0),
        (["status"], 1),  # no daemon running: not healthy, but answered
        (["maintenance", "status"], 0),
        (["visit", "1"], 1),  # a visit without its data: incomplete, but answered
    ):
        done = run_cli(settings, *args, OPDB_DATABASE_URL=url)
        print(args, done.returncode, done.stderr.strip()[-300:])
        assert done.returncode == rc, done.stderr
        assert "Traceback" not in done.stderr
        assert SECRET not in done.stdout + done.stderr
    with psycopg.connect(settings.libpq_url) as conn:
        row = conn.execute("SELECT enabled FROM opdb_ingest.maintenance").fetchone()
    assert row == (False,), "migrate left maintenance on"
    engine = db.engine(db.ReadSettings(database_url=url))
    try:
        with engine.connect() as connection:
            port_used = connection.exec_driver_sql("SELECT inet_server_port()").scalar()
            read_only = connection.exec_driver_sql("SHOW transaction_read_only").scalar()
        assert str(port_used) == str(port)
        assert read_only == "on"
    finally:
        engine.dispose()
