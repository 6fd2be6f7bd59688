"""The deployment files in deploy/ against the real tools and services.

- the systemd unit: accepted by ``systemd-analyze verify``, hardened, and consistent with
  the daemon's settings (notify, watchdog, stop timeout above the shutdown cap);
- the environment file example: every setting the daemon reads, nothing else;
- deploy/rabbitmq: the committed definitions are what the generator derives from the
  daemon's topology, and, imported into the broker, give the actor and the daemon users
  exactly the access they need;
- deploy/postgres/roles.sql: the migrator can migrate (also through the CLI's gated
  migrate and db adopt) and change the schema, the ingest role can write rows but not
  change the schema, and the daemon runs as the ingest role, also with the broker user.

Roles and broker users are cluster-wide, so every test makes uniquely named ones and
removes them afterwards.
"""

from __future__ import annotations

import asyncio
import datetime
import importlib.util
import os
import pwd
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import aio_pika
import pika
import pika.exceptions
import psycopg
import pytest
from psycopg import errors, sql
from pydantic import SecretStr
from support import (
    Rabbitmqctl,
    body,
    count,
    event,
    insert,
    publish,
    running_service,
    scalar,
    take_all,
    wait_until,
)

from daemon import cli
from daemon.ingest import gate, topology
from daemon.ops import maintenance
from daemon.schema import migrations
from daemon.settings import Settings

pytestmark = pytest.mark.integration

REPOSITORY = Path(__file__).resolve().parents[2]
DEPLOY = REPOSITORY / "deploy"
UNIT = DEPLOY / "systemd" / "opdb-ingestd.service"
ENV_EXAMPLE = DEPLOY / "systemd" / "ingestd.env.example"
DEFINITIONS = DEPLOY / "rabbitmq" / "definitions.json"
MAKE_DEFINITIONS = DEPLOY / "rabbitmq" / "make_definitions.py"
USERS_SH = DEPLOY / "rabbitmq" / "users.sh"
ROLES_SQL = DEPLOY / "postgres" / "roles.sql"
# Test roles and broker users log in with this; local trust auth ignores it, a
# testcontainers server (password auth) needs it.
TEST_PASSWORD = "opdb-deploy-test"


def load_make_definitions() -> ModuleType:
    """deploy/ is not a package: load the generator from its path."""
    spec = importlib.util.spec_from_file_location("make_definitions", MAKE_DEFINITIONS)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shutdown_cap_s() -> float:
    default = Settings.model_fields["shutdown_timeout_s"].default
    assert isinstance(default, float)
    return default


# -- systemd -------------------------------------------------------------------------


def parse_unit(text: str) -> dict[str, dict[str, list[str]]]:
    """Sections of a unit file, each key with all its values in order."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"key outside a section: {line}"
        key, sep, value = line.partition("=")
        assert sep, f"not a key=value line: {line}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def seconds(value: str) -> float:
    """A systemd time span of the simple forms used in the unit: 60, 60s, 2min."""
    match = re.fullmatch(r"(\d+)\s*(s|sec|min)?", value)
    assert match, f"unexpected time span {value!r}"
    return int(match[1]) * (60 if match[2] == "min" else 1)


def test_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    installed = shutil.which("opdb-ingestd")
    if analyze is None or installed is None:
        pytest.skip("needs systemd-analyze and the installed opdb-ingestd console script")
    # `verify` refuses a unit whose ExecStart binary does not exist, and this machine
    # has no /opt/opdb-ingest/venv: point ExecStart at the console script installed
    # here. The user opdb-ingest exists only on a deployed host; some systemd versions
    # check User= too, so drop it when the user is missing. Nothing else changes.
    try:
        pwd.getpwnam("opdb-ingest")
        user_exists = True
    except KeyError:
        user_exists = False
    lines = []
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if line.startswith("ExecStart="):
            assert line == "ExecStart=/opt/opdb-ingest/venv/bin/opdb-ingestd run"
            line = f"ExecStart={installed} run"
        elif line.startswith(("User=", "Group=")) and not user_exists:
            continue
        lines.append(line)
    unit = tmp_path / UNIT.name
    unit.write_text("\n".join(lines) + "\n", encoding="utf-8")

    verify = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False
    )
    assert verify.returncode == 0, verify.stderr
    # verify exits 0 on unknown keys and unparsable values, only warning about them.
    complaints = [line for line in verify.stderr.splitlines() if unit.name in line]
    assert complaints == []

    version = subprocess.run(
        [analyze, "--version"], capture_output=True, text=True, timeout=30, check=True
    )
    if int(version.stdout.split()[1].split(".")[0]) >= 250:  # --offline came in 250
        # Exposure 2.0 or less ("OK" in systemd's grading): the hardening is in effect.
        security = subprocess.run(
            [analyze, "security", "--offline=yes", "--threshold=20", str(unit)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert security.returncode == 0, security.stdout[-2000:] + security.stderr


def test_unit_runs_the_daemon_as_a_hardened_notify_service() -> None:
    unit = parse_unit(UNIT.read_text(encoding="utf-8"))
    service = {key: values[-1] for key, values in unit["Service"].items()}
    assert service["Type"] == "notify"
    assert service["NotifyAccess"] == "main"
    assert service["ExecStart"] == "/opt/opdb-ingest/venv/bin/opdb-ingestd run"
    assert seconds(service["WatchdogSec"]) == 30
    assert service["Restart"] == "on-failure"
    assert seconds(service["RestartSec"]) == 5
    # systemd must not SIGKILL the daemon while it is still within its own flush cap.
    assert seconds(service["TimeoutStopSec"]) > shutdown_cap_s()
    assert service["User"] == "opdb-ingest"
    assert service["EnvironmentFile"] == "/etc/opdb-ingest/ingestd.env"
    hardening = {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "ProtectKernelTunables": "yes",
        "ProtectKernelModules": "yes",
        "ProtectKernelLogs": "yes",
        "ProtectControlGroups": "yes",
        "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6",
        "RestrictNamespaces": "yes",
        "LockPersonality": "yes",
        "MemoryDenyWriteExecute": "yes",
        "SystemCallArchitectures": "native",
        "CapabilityBoundingSet": "",
        "UMask": "0077",
    }
    assert {key: service.get(key) for key in hardening} == hardening
    assert unit["Service"]["SystemCallFilter"][0] == "@system-service"
    assert re.fullmatch(r"\d+[KMG]", service["MemoryMax"])
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]


def read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f"not KEY=VALUE: {line}"
        assert key not in values, f"{key} set twice"
        values[key] = value
    return values


def test_env_example_sets_every_setting_the_daemon_reads() -> None:
    example = read_env_file(ENV_EXAMPLE)
    assert set(example) == {f"OPDB_{name.upper()}" for name in Settings.model_fields}
    settings = Settings(**{key.removeprefix("OPDB_").lower(): v for key, v in example.items()})
    # Secrets are placeholders, never real credentials...
    for url in (settings.database_url, settings.amqp_url):
        assert urlsplit(url.get_secret_value()).password == "CHANGE_ME"
    # ...and everything else is the daemon's default, so the example cannot drift.
    defaults = Settings.model_construct()
    for name in Settings.model_fields:
        if name not in {"database_url", "amqp_url"}:
            assert getattr(settings, name) == getattr(defaults, name), name
    unit = parse_unit(UNIT.read_text(encoding="utf-8"))
    assert seconds(unit["Service"]["TimeoutStopSec"][-1]) > settings.shutdown_timeout_s


# -- RabbitMQ definitions --------------------------------------------------------------


def test_committed_definitions_are_generated_from_the_topology() -> None:
    make_definitions = load_make_definitions()
    defaults = make_definitions.default_settings()
    expected = make_definitions.render(make_definitions.definitions(defaults))
    assert DEFINITIONS.read_text(encoding="utf-8") == expected, (
        "deploy/rabbitmq/definitions.json is stale: run "
        "python3 deploy/rabbitmq/make_definitions.py > deploy/rabbitmq/definitions.json"
    )
    check = subprocess.run(
        [sys.executable, str(MAKE_DEFINITIONS), "--check", str(DEFINITIONS)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("OPDB_")},
    )
    assert check.returncode == 0, check.stderr

    document = make_definitions.definitions(defaults)
    queues = {q["name"]: q["arguments"] for q in document["queues"]}
    assert list(queues) == topology.queue_names(defaults)
    assert queues["opdb.ingest"] == {"x-queue-type": "quorum"}
    assert queues["opdb.ingest.dead"] == {"x-queue-type": "quorum"}
    assert queues["opdb.ingest.retry.quorum.120000ms"]["x-dead-letter-routing-key"] == "opdb.ingest"
    assert queues["opdb.ingest.retry.quorum.120000ms"]["x-queue-type"] == "quorum"
    assert [(b["source"], b["destination"], b["routing_key"]) for b in document["bindings"]] == [
        ("opdb", "opdb.ingest", "#"),
        ("opdb", "opdb.ingest.journal", "#"),
    ]
    assert queues["opdb.ingest.journal"]["x-queue-type"] == "stream"

    permissions = {p["user"]: p for p in document["permissions"]}
    ours = ["opdb", *topology.queue_names(defaults), "amq.default", "amq.topic"]

    def allowed(user: str, kind: str) -> list[str]:
        return [name for name in ours if re.search(permissions[user][kind], name)]

    assert allowed("opdb-actor", "configure") == []
    assert allowed("opdb-actor", "read") == []
    assert allowed("opdb-actor", "write") == ["opdb"]
    assert allowed("opdb-ingestd", "configure") == ["opdb", *topology.queue_names(defaults)]
    assert allowed("opdb-ingestd", "write") == ["opdb.ingest", "opdb.ingest.journal", "amq.default"]
    retries = [name for name in topology.queue_names(defaults) if ".retry." in name]
    assert allowed("opdb-ingestd", "read") == ["opdb", "opdb.ingest", *retries]
    assert allowed("opdb-operator", "configure") == []
    assert allowed("opdb-operator", "read") == ["opdb.ingest.dead", "opdb.ingest.journal"]
    assert allowed("opdb-operator", "write") == ["opdb"]


def with_user(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.netloc.rsplit('@')[-1]}"
    return urlunsplit(parts._replace(netloc=netloc))


@dataclass
class Broker:
    """Broker objects imported from a uniquely named copy of the definitions."""

    settings: Settings
    actor_url: str
    daemon_url: str
    operator_url: str
    actor_user: str
    daemon_user: str
    operator_user: str

    @property
    def new_retry_queue(self) -> str:
        """A waiting room the definitions do not hold."""
        return topology.retry_queue_name(self.settings, 999)


def users_sh_env(actor: str, daemon: str, operator: str, password: str) -> dict[str, str]:
    return {
        "OPDB_ACTOR_USER": actor,
        "OPDB_INGESTD_USER": daemon,
        "OPDB_OPERATOR_USER": operator,
        "OPDB_ACTOR_PASSWORD": password,
        "OPDB_INGESTD_PASSWORD": password,
        "OPDB_OPERATOR_PASSWORD": password,
    }


def run_users_sh(
    env: dict[str, str], rabbitmqctl: Rabbitmqctl, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(USERS_SH)],
        env={**os.environ, **env, "RABBITMQCTL": str(rabbitmqctl.script(tmp_path))},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def broker(
    amqp_url: str,
    rabbitmqctl: Rabbitmqctl,
    make_settings: Callable[..., Settings],
    tmp_path: Path,
) -> Iterator[Broker]:
    """users.sh and the definitions, as an operator would apply them, under unique
    names, through the rabbitmqctl of the broker under test; the users are deleted
    afterwards (make_settings deletes the queues)."""
    suffix = uuid.uuid4().hex[:12]
    # A short retry schedule: the daemon test below goes through the waiting rooms.
    settings = make_settings(retry_first_delay_ms=200, retry_max_delay_ms=400, retry_give_up_s=60)
    actor_user = f"opdb-actor-test-{suffix}"
    daemon_user = f"opdb-ingestd-test-{suffix}"
    operator_user = f"opdb-operator-test-{suffix}"
    users = (actor_user, daemon_user, operator_user)
    make_definitions = load_make_definitions()
    created = run_users_sh(users_sh_env(*users, password="placeholder"), rabbitmqctl, tmp_path)
    try:
        assert created.returncode == 0, created.stderr
        # Real passwords are set afterwards, as deploy/README.md says.
        for user in users:
            rabbitmqctl.run("change_password", user, stdin=TEST_PASSWORD + "\n")
        definitions = make_definitions.definitions(
            settings,
            vhost=unquote(urlsplit(amqp_url).path.lstrip("/")) or "/",
            actor_user=actor_user,
            daemon_user=daemon_user,
            operator_user=operator_user,
        )
        # Through standard input: rabbitmqctl runs as the rabbitmq user, who cannot
        # read pytest's private temporary directory.
        rabbitmqctl.run(
            "import_definitions", "--format", "json", stdin=make_definitions.render(definitions)
        )
        yield Broker(
            settings=settings,
            actor_url=with_user(amqp_url, actor_user, TEST_PASSWORD),
            daemon_url=with_user(amqp_url, daemon_user, TEST_PASSWORD),
            operator_url=with_user(amqp_url, operator_user, TEST_PASSWORD),
            actor_user=actor_user,
            daemon_user=daemon_user,
            operator_user=operator_user,
        )
    finally:
        guest = pika.BlockingConnection(pika.URLParameters(amqp_url))
        try:
            guest.channel().queue_delete(topology.retry_queue_name(settings, 999))
        finally:
            guest.close()
        for user in users:
            rabbitmqctl.run("delete_user", user, check=False)


def refused(action: Callable[[], object]) -> int:
    """Run a pika call expected to be refused by the broker; returns the reply code."""
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refusal:
        action()
    return refusal.value.reply_code


def test_broker_users_get_exactly_their_access(
    broker: Broker,
    amqp_url: str,
    rabbitmqctl: Rabbitmqctl,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = broker.settings
    message = pika.BasicProperties(delivery_mode=2, content_type="application/json")
    dead_letter = body(event([visit(1)]))

    actor = pika.BlockingConnection(pika.URLParameters(broker.actor_url))
    try:
        channel = actor.channel()
        channel.confirm_delivery()
        channel.basic_publish(settings.exchange, "mcs.frame", b"{}", message)
        # Declaring needs configure, even for an exchange that exists as declared.
        declare = partial(channel.exchange_declare, settings.exchange, "topic", durable=True)
        assert refused(declare) == 403
        channel = actor.channel()
        # A passive declaration (does the exchange exist?) needs no permission.
        channel.exchange_declare(settings.exchange, passive=True)
        assert refused(lambda: channel.basic_get(settings.queue)) == 403
        channel = actor.channel()
        assert refused(lambda: channel.queue_declare("opdb-actor-own-queue")) == 403
        # ...but its own reply queue for write receipts, exclusive, it may make and read.
        channel = actor.channel()
        replies = f"opdb.reply.test.{uuid.uuid4().hex}"
        channel.queue_declare(replies, exclusive=True, auto_delete=True)
        channel.basic_consume(replies, lambda *_: None, auto_ack=True)
    finally:
        actor.close()

    daemon = pika.BlockingConnection(pika.URLParameters(broker.daemon_url))
    try:
        channel = daemon.channel()
        channel.confirm_delivery()
        method, _, got = channel.basic_get(settings.queue, auto_ack=True)
        assert method is not None
        assert got == b"{}"
        # Dead letters and retries go through the default exchange.
        channel.basic_publish("", settings.dead_letter_queue, dead_letter, message)
        assert refused(lambda: channel.basic_publish("amq.topic", "x", b"{}", message)) == 403
        channel = daemon.channel()
        channel.confirm_delivery()
        assert refused(lambda: channel.basic_publish(settings.exchange, "x", b"{}", message)) == 403
        channel = daemon.channel()
        assert refused(lambda: channel.queue_declare(f"{settings.exchange}.other")) == 403
        # A changed retry schedule makes the daemon create waiting rooms of its own.
        channel = daemon.channel()
        channel.queue_declare(
            broker.new_retry_queue,
            durable=True,
            arguments={
                "x-message-ttl": 999,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": settings.queue,
            },
        )
        channel.queue_delete(broker.new_retry_queue)
    finally:
        daemon.close()

    operator = pika.BlockingConnection(pika.URLParameters(broker.operator_url))
    try:
        channel = operator.channel()
        assert refused(lambda: channel.basic_get(settings.queue)) == 403
        channel = operator.channel()
        declare = partial(channel.queue_declare, settings.dead_letter_queue, durable=True)
        assert refused(declare) == 403
    finally:
        operator.close()
    # The dead-letter tool, as the operator: takes the dead letter, publishes it again.
    monkeypatch.setenv("OPDB_AMQP_URL", broker.operator_url)
    monkeypatch.setenv("OPDB_EXCHANGE", settings.exchange)
    monkeypatch.setenv("OPDB_QUEUE", settings.queue)
    assert cli.main(["dlq", "replay", "--all"]) == 0
    replayed = asyncio.run(take_all(amqp_url, settings.queue, expect=1, wait_s=10))
    assert [m.body for m in replayed] == [dead_letter]
    assert asyncio.run(take_all(amqp_url, settings.dead_letter_queue)) == []

    # users.sh leaves an existing user's password alone.
    users = (broker.actor_user, broker.daemon_user, broker.operator_user)
    again = run_users_sh(users_sh_env(*users, password="another"), rabbitmqctl, tmp_path)
    assert again.returncode == 0, again.stderr
    for user in users:
        rabbitmqctl.run("authenticate_user", user, TEST_PASSWORD)


# -- PostgreSQL roles -----------------------------------------------------------------


@dataclass
class Roles:
    """Uniquely named migrator and ingest roles made by roles.sql."""

    server_url: str
    migrator: str
    ingest: str
    actor: str
    databases: list[str] = field(default_factory=list)

    def apply(self, database_url: str, *extra: str) -> None:
        """Run roles.sql on the database as the server's superuser."""
        if database_url not in self.databases:
            self.databases.append(database_url)
        done = subprocess.run(
            [
                "psql",
                "-X",
                "-q",
                "-d",
                database_url,
                "-v",
                f"migrator={self.migrator}",
                "-v",
                f"ingest={self.ingest}",
                "-v",
                f"actor={self.actor}",
                *extra,
                "-f",
                str(ROLES_SQL),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        with psycopg.connect(database_url, autocommit=True) as conn:
            for role in (self.migrator, self.ingest, self.actor):
                conn.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                        sql.Identifier(role), sql.Literal(TEST_PASSWORD)
                    )
                )

    def url(self, database_url: str, role: str) -> str:
        return with_user(database_url, role, TEST_PASSWORD)


@pytest.fixture
def roles(pg_server_url: str) -> Iterator[Roles]:
    if shutil.which("psql") is None:
        pytest.skip("needs psql to run deploy/postgres/roles.sql")
    suffix = uuid.uuid4().hex[:12]
    made = Roles(
        pg_server_url,
        f"opdb_migrator_t{suffix}",
        f"opdb_ingest_t{suffix}",
        f"opdb_actor_t{suffix}",
    )
    yield made
    names = [made.migrator, made.ingest, made.actor]
    for database_url in made.databases:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE usename = ANY(%s) AND pid <> pg_backend_pid()",
                (names,),
            )
            # One role at a time: REASSIGN OWNED BY a, b trips over the default
            # privileges a granted to b ("could not find tuple for default ACL").
            for role in names:
                conn.execute(
                    sql.SQL("REASSIGN OWNED BY {} TO CURRENT_USER").format(sql.Identifier(role))
                )
            for role in names:
                conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        for role in names:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        left = conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = ANY(%s)", (names,))
        assert left.fetchone() == (0,)


@pytest.fixture
def migrated_by_migrator(roles: Roles, scratch_databases: Callable[..., str]) -> str:
    """A libpq URL (as the superuser) of a new database set up by roles.sql, migrated to
    head by the migrator, and given roles.sql once more as the runbook says."""
    url = scratch_databases("opdb_deploy")
    roles.apply(url)
    migrations.upgrade(roles.url(url, roles.migrator))
    roles.apply(url)
    return url


def fails_for_lack_of_privilege(
    conn: psycopg.Connection[Any], statement: str, params: dict[str, Any] | None = None
) -> bool:
    with pytest.raises(errors.InsufficientPrivilege), conn.transaction():
        conn.execute(statement.encode(), params)
    return True


def test_ingest_role_writes_rows_but_cannot_change_the_schema(
    roles: Roles, migrated_by_migrator: str
) -> None:
    url = migrated_by_migrator
    with psycopg.connect(roles.url(url, roles.ingest), autocommit=True) as conn:
        assert conn.execute("SHOW statement_timeout").fetchone() == ("1min",)
        assert conn.execute("SHOW idle_in_transaction_session_timeout").fetchone() == ("1min",)
        with conn.transaction():
            conn.execute("INSERT INTO pfs_visit (pfs_visit_id) VALUES (1), (2)")
            conn.execute(
                "INSERT INTO pfs_visit (pfs_visit_id, pfs_visit_description) VALUES (2, 'u') "
                "ON CONFLICT (pfs_visit_id) DO UPDATE "
                "SET pfs_visit_description = EXCLUDED.pfs_visit_description"
            )
            updated = conn.execute(
                "UPDATE pfs_visit SET pfs_visit_description = 'v' WHERE pfs_visit_id = 1 "
                "RETURNING 1"
            ).fetchall()
            assert updated == [(1,)]
            ledger = (
                "INSERT INTO opdb_ingest.event_ledger (event_id, source, sent_at, row_count) "
                "VALUES (%s, 'test', now(), 1) ON CONFLICT (event_id) DO NOTHING "
                "RETURNING event_id"
            )
            event_id = uuid.uuid4()
            assert conn.execute(ledger, (event_id,)).fetchall() == [(event_id,)]
            assert conn.execute(ledger, (event_id,)).fetchall() == []
            with conn.cursor().copy(
                "COPY tel_status (pfs_visit_id, status_sequence_id) FROM STDIN"
            ) as copy:
                for sequence in range(3):
                    copy.write_row((1, sequence))
            # A serial column draws from its sequence.
            conn.execute("INSERT INTO obslog_user (account_name) VALUES ('ingest')")
        assert conn.execute("SELECT count(*) FROM tel_status").fetchone() == (3,)

        assert fails_for_lack_of_privilege(conn, "CREATE TABLE x (i int)")
        assert fails_for_lack_of_privilege(conn, "CREATE TABLE public.x (i int)")
        assert fails_for_lack_of_privilege(conn, "ALTER TABLE pfs_visit ADD COLUMN y int")
        assert fails_for_lack_of_privilege(conn, "DROP TABLE tel_status")
        assert fails_for_lack_of_privilege(conn, "CREATE SCHEMA x")
        assert fails_for_lack_of_privilege(conn, "CREATE TABLE opdb_ingest.x (i int)")
        assert fails_for_lack_of_privilege(conn, "DELETE FROM tel_status")
        assert fails_for_lack_of_privilege(conn, "TRUNCATE tel_status")
        assert fails_for_lack_of_privilege(conn, "UPDATE alembic_version SET version_num = 'x'")
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            migrations.head_revision(),
        )

    with psycopg.connect(roles.url(url, roles.migrator), autocommit=True) as conn:
        assert conn.execute("SHOW lock_timeout").fetchone() == ("10s",)
        conn.execute("ALTER TABLE pfs_visit ADD COLUMN y int")
        # What a future migration creates is writable by the daemon without re-grants.
        conn.execute("CREATE SCHEMA opdb_future")
        conn.execute("CREATE TABLE opdb_future.state (id serial PRIMARY KEY, v int)")
        conn.execute("CREATE TABLE opdb_ingest.instances (id serial PRIMARY KEY, v int)")
    with psycopg.connect(roles.url(url, roles.ingest), autocommit=True) as conn:
        conn.execute("INSERT INTO opdb_future.state (v) VALUES (1)")
        conn.execute("INSERT INTO opdb_ingest.instances (v) VALUES (1) RETURNING id")
        conn.execute("UPDATE opdb_ingest.instances SET v = 2")
        assert fails_for_lack_of_privilege(conn, "ALTER TABLE opdb_ingest.instances ADD z int")


def _report_of(key: str) -> gate.InstanceReport:
    return gate.InstanceReport(
        instance_id=gate.instance_id_for(key),
        queue="q",
        state="running",
        state_reason="",
        expected_revision=migrations.head_revision(),
        database_revision=migrations.head_revision(),
        in_flight=0,
        started_at=datetime.datetime.now(datetime.UTC),
        last_commit_at=None,
        events_last_minute=0,
        rows_last_minute=0,
    )


def _holding_key(conn: psycopg.Connection[Any], key: str) -> psycopg.Connection[Any]:
    conn.execute("SELECT set_config(%s, %s, false)", (gate.INSTANCE_KEY_SETTING, key))
    return conn


def test_ingest_role_has_least_privilege_on_the_bookkeeping(
    roles: Roles, migrated_by_migrator: str
) -> None:
    """Tried as the role: it reads the switch but cannot change it, appends to the ledger
    but cannot change it, reports itself but cannot delete or re-own reports, nor touch
    another daemon's report although both daemons log in as the same role."""
    url = migrated_by_migrator
    own_key, other_key = gate.new_instance_key(), gate.new_instance_key()
    report, other = _report_of(own_key), _report_of(other_key)
    allowed = [
        "SELECT enabled FROM opdb_ingest.maintenance",
        "INSERT INTO opdb_ingest.event_ledger (event_id, source, sent_at, row_count) "
        "VALUES (gen_random_uuid(), 'test', now(), 1) ON CONFLICT (event_id) DO NOTHING "
        "RETURNING event_id",
        "SELECT count(*) FROM opdb_ingest.event_ledger",
        "UPDATE opdb_ingest.daemon_instance SET state = 'stalled', in_flight = 3",
    ]
    refused = [
        "UPDATE opdb_ingest.maintenance SET enabled = false",
        "INSERT INTO opdb_ingest.maintenance (enabled) VALUES (false)",
        "DELETE FROM opdb_ingest.maintenance",
        "UPDATE opdb_ingest.event_ledger SET event_id = gen_random_uuid()",
        "DELETE FROM opdb_ingest.event_ledger",
        "TRUNCATE opdb_ingest.event_ledger",
        "DELETE FROM opdb_ingest.daemon_instance",
        "UPDATE opdb_ingest.daemon_instance SET host = 'elsewhere'",
        "UPDATE opdb_ingest.daemon_instance SET instance_id = gen_random_uuid()",
        "UPDATE opdb_ingest.daemon_instance SET started_at = now()",
    ]
    ingest_url = roles.url(url, roles.ingest)
    with (
        _holding_key(psycopg.connect(ingest_url, autocommit=True), own_key) as conn,
        _holding_key(psycopg.connect(ingest_url, autocommit=True), other_key) as neighbour,
    ):
        # Each daemon's own report, insert then refresh, as it runs it.
        for _ in range(2):
            conn.execute(gate._REPORT_SQL.encode(), report.__dict__)
            neighbour.execute(gate._REPORT_SQL.encode(), other.__dict__)
        for statement in allowed:
            conn.execute(statement.encode())
            print(f"allowed: {statement}")
        for statement in refused:
            assert fails_for_lack_of_privilege(conn, statement), statement
            print(f"refused: {statement}")
        # The neighbour sees our report but refreshes only its own: an UPDATE finds
        # nothing else, an upsert onto our id and a report under a forged id are refused.
        assert neighbour.execute("SELECT count(*) FROM opdb_ingest.daemon_instance").fetchone() == (
            2,
        )
        touched = neighbour.execute(
            "UPDATE opdb_ingest.daemon_instance SET state = 'gone' RETURNING instance_id"
        ).fetchall()
        assert touched == [(other.instance_id,)]
        assert fails_for_lack_of_privilege(neighbour, gate._REPORT_SQL, report.__dict__)
        forged = replace(other, instance_id=uuid.uuid4())
        assert fails_for_lack_of_privilege(neighbour, gate._REPORT_SQL, forged.__dict__)
        print("refused: refreshing or forging another daemon's report")
        # A session that never set a key (an old daemon, psql) adds no report at all.
        with psycopg.connect(ingest_url, autocommit=True) as keyless:
            assert fails_for_lack_of_privilege(keyless, gate._REPORT_SQL, forged.__dict__)
            touched = keyless.execute(
                "UPDATE opdb_ingest.daemon_instance SET state = 'x' RETURNING 1"
            ).fetchall()
            assert touched == []
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT enabled FROM opdb_ingest.maintenance").fetchone() == (False,)
        assert conn.execute("SELECT count(*) FROM opdb_ingest.event_ledger").fetchone() == (1,)
        states = dict(
            conn.execute("SELECT instance_id, state FROM opdb_ingest.daemon_instance").fetchall()
        )
        assert states == {report.instance_id: "stalled", other.instance_id: "gone"}
        assert conn.execute("SELECT DISTINCT host FROM opdb_ingest.daemon_instance").fetchall() == [
            (report.host,)
        ]


def test_runbook_for_an_existing_opdb_owned_by_another_role(
    roles: Roles, scratch_databases: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # An opDB from before this project: the baseline tables, owned by the superuser,
    # and no migration history.
    url = scratch_databases("opdb_deploy")
    migrations.upgrade(url, migrations.BASELINE)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE alembic_version")
        conn.execute("INSERT INTO pfs_visit (pfs_visit_id) VALUES (1)")

    roles.apply(url, "-v", "adopt=1")
    owners = "SELECT array_agg(DISTINCT tableowner::text) FROM pg_tables WHERE schemaname = %s"
    assert scalar(url, owners, ["public"]) == [roles.migrator]
    # deploy/README.md: then, as the migrator, adopt and migrate with the daemon's CLI...
    monkeypatch.setenv("OPDB_DATABASE_URL", roles.url(url, roles.migrator))
    assert cli.main(["db", "adopt"]) == 0
    assert cli.main(["migrate"]) == 0
    # ...and run roles.sql once more.
    roles.apply(url)
    assert scalar(url, owners, ["opdb_ingest"]) == [roles.migrator]

    with psycopg.connect(roles.url(url, roles.ingest), autocommit=True) as conn:
        conn.execute("INSERT INTO pfs_visit (pfs_visit_id) VALUES (2)")
        conn.execute("UPDATE pfs_visit SET pfs_visit_description = 'old' WHERE pfs_visit_id = 1")
        conn.execute("INSERT INTO obslog_user (account_name) VALUES ('ingest')")
        conn.execute(
            "INSERT INTO opdb_ingest.event_ledger (event_id, source, sent_at, row_count) "
            "VALUES (gen_random_uuid(), 'test', now(), 1)"
        )
        assert conn.execute("SELECT enabled FROM opdb_ingest.maintenance").fetchone() == (False,)
        assert fails_for_lack_of_privilege(conn, "DROP TABLE tel_status")
        assert fails_for_lack_of_privilege(conn, "UPDATE alembic_version SET version_num = 'x'")
    with psycopg.connect(roles.url(url, roles.migrator), autocommit=True) as conn:
        conn.execute("ALTER TABLE tel_status ADD COLUMN y int")


# -- the daemon under the deployed identities -------------------------------------------


def visit(visit_id: int, description: str = "test") -> dict[str, Any]:
    return insert("pfs_visit", {"pfs_visit_id": visit_id, "pfs_visit_description": description})


def tel_status(visit_id: int, sequence: int) -> dict[str, Any]:
    return insert("tel_status", {"pfs_visit_id": visit_id, "status_sequence_id": sequence})


def every_kind_of_write() -> list[dict[str, Any]]:
    """Events that make the writer use every statement it has: COPY (a group of two rows
    with copy_min_rows=2), multi-row INSERT, upsert, UPDATE ... RETURNING, the ledger."""
    return [
        event([insert("pfs_visit", *({"pfs_visit_id": v} for v in (1, 2)))]),
        event([visit(3)]),
        event(
            [
                {
                    "table": "pfs_visit",
                    "op": "upsert",
                    "rows": [{"pfs_visit_id": 3, "pfs_visit_description": "upserted"}],
                }
            ]
        ),
        event(
            [
                {
                    "table": "pfs_visit",
                    "op": "update",
                    "rows": [{"pfs_visit_id": 1, "pfs_visit_description": "updated"}],
                }
            ]
        ),
        event([tel_status(1, 1)]),
    ]


async def wait_for_rows(url: str, events: int) -> None:
    await wait_until(
        lambda: scalar(url, "SELECT count(*) FROM opdb_ingest.event_ledger") == events,
        30,
        f"{events} events in the ledger",
    )


def check_every_kind_of_write(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        visits = conn.execute(
            "SELECT pfs_visit_id, pfs_visit_description FROM pfs_visit "
            "WHERE pfs_visit_id IN (1, 2, 3) ORDER BY 1"
        ).fetchall()
        children = conn.execute("SELECT count(*) FROM tel_status WHERE pfs_visit_id = 1")
        assert children.fetchone() == (1,)
    assert visits == [(1, "updated"), (2, None), (3, "upserted")]


async def test_daemon_writes_as_the_ingest_role(
    roles: Roles, migrated_by_migrator: str, make_settings: Callable[..., Settings], amqp_url: str
) -> None:
    url = migrated_by_migrator
    settings = make_settings(
        database_url=roles.url(url, roles.ingest), copy_min_rows=2, control_interval_s=0.2
    )
    async with running_service(settings):
        for envelope in every_kind_of_write():  # one by one: the order matters here
            await publish(amqp_url, settings.exchange, [envelope])
        await wait_for_rows(url, 5)
        # The operator's gated migration, as the migrator, while the daemon runs as the
        # ingest role: the daemon reads the switch, pauses and reports it in
        # opdb_ingest.daemon_instance, or the migration would time out waiting for it.
        plan = maintenance.MigrationPlan(wait_timeout_s=30)
        reached = await asyncio.to_thread(
            maintenance.migrate, roles.url(url, roles.migrator), plan, lambda _line: None
        )
        assert reached == migrations.head_revision()
        await publish(amqp_url, settings.exchange, [event([visit(4)])])
        await wait_for_rows(url, 6)
    check_every_kind_of_write(url)
    reports = scalar(
        url, "SELECT count(*) FROM opdb_ingest.daemon_instance WHERE queue = %s", [settings.queue]
    )
    assert reports == 1


async def publish_as_actor(actor_url: str, exchange: str, envelopes: list[dict[str, Any]]) -> None:
    """What an actor can do with its rights: publish to the existing exchange, which it
    may not declare."""
    connection = await aio_pika.connect(actor_url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        target = await channel.get_exchange(exchange, ensure=False)
        for envelope in envelopes:
            await target.publish(
                aio_pika.Message(body(envelope), delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                "test",
            )
    finally:
        await connection.close()


async def test_daemon_runs_with_the_deployed_broker_user_and_ingest_role(
    broker: Broker, roles: Roles, migrated_by_migrator: str, amqp_url: str
) -> None:
    # The daemon declares over the imported definitions: any difference in arguments
    # or any missing permission would stop it from starting.
    url = migrated_by_migrator
    settings = Settings(
        **broker.settings.model_dump()
        | {
            "amqp_url": SecretStr(broker.daemon_url),
            "database_url": SecretStr(roles.url(url, roles.ingest)),
            "copy_min_rows": 2,
        }
    )
    async with running_service(settings):
        # A child before its parent goes through a retry queue, a broken event to the
        # dead-letter queue: both are published by the daemon through the default exchange.
        await publish_as_actor(broker.actor_url, settings.exchange, [event([tel_status(9, 1)])])
        await publish_as_actor(
            broker.actor_url,
            settings.exchange,
            [event([insert("tel_status", {"pfs_visit_id": 9, "status_sequence_id": "x"})])],
        )
        dead = await take_all(amqp_url, settings.dead_letter_queue, expect=1, wait_s=15)
        await publish_as_actor(broker.actor_url, settings.exchange, [event([visit(9)])])
        await wait_until(lambda: count(url, "tel_status") == 1, 30, "the retried child")
        for envelope in every_kind_of_write():
            await publish_as_actor(broker.actor_url, settings.exchange, [envelope])
        await wait_for_rows(url, 7)
    assert len(dead) == 1
    assert dead[0].headers["x-opdb-reason"] == "validation"
    check_every_kind_of_write(url)
    assert count(url, "pfs_visit") == 4


def test_actor_role_reads_and_draws_ids_and_writes_nothing(
    migrated_by_migrator: str, roles: Roles
) -> None:
    """The least an actor needs: SELECT, and nextval on the id and serial sequences."""
    from opdb import db, ids

    url = roles.url(migrated_by_migrator, roles.actor)
    reader = db.engine(db.ReadSettings(database_url=url))
    try:
        assert len(set(ids.allocate("group_id", 3, engine=reader))) == 3
        assert ids.allocate_serial("obslog_user", engine=reader)[0] >= 1
        assert db.fetch_rows("pfs_visit", pfs_visit_id=1, engine=reader) == []
    finally:
        reader.dispose()
    with psycopg.connect(url, autocommit=True) as conn:
        assert fails_for_lack_of_privilege(conn, "INSERT INTO pfs_visit (pfs_visit_id) VALUES (1)")
        assert fails_for_lack_of_privilege(
            conn, "SELECT setval('opdb_ingest.sequence_group_id_seq', 1)"
        )
        assert fails_for_lack_of_privilege(conn, "SELECT * FROM opdb_ingest.event_ledger")
