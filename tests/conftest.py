"""Shared test harness: real PostgreSQL and RabbitMQ, found in a fixed order.

For each service the harness takes, in order:
1. a URL from the environment (``OPDB_TEST_DATABASE_URL``, ``OPDB_TEST_AMQP_URL``);
2. a throwaway container from testcontainers, when a Docker engine answers;
3. the local service on its default port (PostgreSQL 5432 as ``postgres``, RabbitMQ
   5672 as ``guest``).
If none works the test errors with a message naming the three ways. Every test gets
its own database (a clone of a migrated template) and uniquely named exchanges and
queues, all removed afterwards. The end of the run names the services the tests used
(for containers: image, id and published port).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import psycopg
import pytest
from psycopg import sql
from support import LOCAL_RABBITMQCTL, Rabbitmqctl, rabbitmqctl_available

from daemon.ingest import topology
from daemon.schema import migrations
from daemon.settings import Settings, libpq_database_url
from opdb.urls import with_database

SERVICES_KEY = pytest.StashKey[list[str]]()
LOCAL_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
HOW_TO_PROVIDE = (
    "set {env} to a reachable URL, or run a Docker engine so testcontainers can start "
    "one, or start the local service ({local})"
)


def _docker_answers() -> bool:
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if host.startswith("unix://") and not os.path.exists(host.removeprefix("unix://")):
        return False
    try:
        import docker  # only needed when no URL was given

        client = docker.from_env(timeout=3)
        try:
            client.ping()
        finally:
            client.close()
    except Exception:  # noqa: BLE001 - any failure means "no engine", try the next way
        return False
    return True


def _postgres_answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _port_open(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=3):
        return True
    return False


def _used(request: pytest.FixtureRequest, line: str) -> None:
    """Note a service the tests use, for the summary at the end of the run."""
    request.config.stash.setdefault(SERVICES_KEY, []).append(line)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if lines := config.stash.get(SERVICES_KEY, []):
        terminalreporter.write_sep("-", "services under test")
        for line in lines:
            terminalreporter.write_line(line)


def _where(url: str) -> str:
    """Host and port of a URL, never its credentials."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}"


def _container_line(kind: str, container: Any, port: int) -> str:
    wrapped = container.get_wrapped_container()
    published = f"{container.get_container_host_ip()}:{container.get_exposed_port(port)}"
    return f"{kind}: container {container.image} id {wrapped.short_id} at {published}"


@pytest.fixture(scope="session")
def pg_server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A libpq URL of a database on a server where the tests may create databases."""
    if url := os.environ.get("OPDB_TEST_DATABASE_URL"):
        _used(request, f"PostgreSQL: OPDB_TEST_DATABASE_URL at {_where(url)}")
        yield libpq_database_url(url)
        return
    if _docker_answers():
        from testcontainers.community.postgres import PostgresContainer

        # driver=None: a plain postgresql:// URL, what libpq and psycopg.connect take
        # (the default names psycopg2, which is not installed).
        with PostgresContainer("postgres:15", driver=None) as container:
            _used(request, _container_line("PostgreSQL", container, container.port))
            yield libpq_database_url(container.get_connection_url())
        return
    if _postgres_answers(LOCAL_DATABASE_URL):
        _used(request, f"PostgreSQL: local service at {_where(LOCAL_DATABASE_URL)}")
        yield LOCAL_DATABASE_URL
        return
    raise RuntimeError(
        "no PostgreSQL for the tests: "
        + HOW_TO_PROVIDE.format(env="OPDB_TEST_DATABASE_URL", local="127.0.0.1:5432")
    )


@dataclass(frozen=True)
class BrokerUnderTest:
    """The RabbitMQ broker under test, and how to run ``rabbitmqctl`` against it."""

    url: str
    rabbitmqctl: Rabbitmqctl | None
    # Why no rabbitmqctl reaches this broker, when none does.
    no_rabbitmqctl: str = ""


def _local_rabbitmqctl(url: str) -> tuple[Rabbitmqctl | None, str]:
    """The machine's rabbitmqctl manages the machine's own node only: 127.0.0.1:5672."""
    parts = urlsplit(url)
    if parts.hostname not in {"127.0.0.1", "localhost", "::1"} or (parts.port or 5672) != 5672:
        return None, "this machine's rabbitmqctl reaches its own broker, not the one under test"
    if not rabbitmqctl_available():
        return None, "needs rabbitmqctl on PATH, run as root, for the local broker"
    return LOCAL_RABBITMQCTL, ""


@pytest.fixture(scope="session")
def broker_under_test(request: pytest.FixtureRequest) -> Iterator[BrokerUnderTest]:
    """The RabbitMQ broker where the tests may declare what they need."""
    if url := os.environ.get("OPDB_TEST_AMQP_URL"):
        _used(request, f"RabbitMQ: OPDB_TEST_AMQP_URL at {_where(url)}")
        yield BrokerUnderTest(url, *_local_rabbitmqctl(url))
        return
    if _docker_answers():
        with warnings.catch_warnings():
            # testcontainers 4.15 decorates RabbitMqContainer.readiness_probe with its own
            # deprecated @wait_container_is_ready: a warning about the library's code, not
            # ours, raised when the module is imported. Only that warning is silenced.
            warnings.filterwarnings(
                "ignore",
                message=r"The @wait_container_is_ready decorator is deprecated",
                category=DeprecationWarning,
            )
            from testcontainers.community.rabbitmq import RabbitMqContainer

        with RabbitMqContainer("rabbitmq:3.10") as container:
            _used(request, _container_line("RabbitMQ", container, container.port))
            host = container.get_container_host_ip()
            port = container.get_exposed_port(container.port)
            user = quote(container.username, safe="")
            password = quote(container.password, safe="")
            # aio-pika reads the virtual host from the path: "/" is the empty path.
            vhost = "" if container.vhost == "/" else quote(container.vhost, safe="")
            url = f"amqp://{user}:{password}@{host}:{port}/{vhost}"
            docker = shutil.which("docker")
            if docker is None:
                yield BrokerUnderTest(url, None, "needs a docker client on PATH to run rabbitmqctl")
            else:
                # The node's own rabbitmqctl, inside its container, through the same
                # engine (DOCKER_HOST) that testcontainers uses.
                command = (docker, "exec", "-i", container.get_wrapped_container().id)
                yield BrokerUnderTest(url, Rabbitmqctl((*command, "rabbitmqctl")))
        return
    if _port_open("127.0.0.1", 5672):
        _used(request, f"RabbitMQ: local service at {_where(LOCAL_AMQP_URL)}")
        yield BrokerUnderTest(LOCAL_AMQP_URL, *_local_rabbitmqctl(LOCAL_AMQP_URL))
        return
    raise RuntimeError(
        "no RabbitMQ for the tests: "
        + HOW_TO_PROVIDE.format(env="OPDB_TEST_AMQP_URL", local="127.0.0.1:5672")
    )


@pytest.fixture(scope="session")
def amqp_url(broker_under_test: BrokerUnderTest) -> str:
    """An AMQP URL of a RabbitMQ broker where the tests may declare what they need."""
    return broker_under_test.url


@pytest.fixture
def rabbitmqctl(broker_under_test: BrokerUnderTest) -> Rabbitmqctl:
    """``rabbitmqctl`` for the broker under test; the test is skipped, with the reason,
    where none reaches it."""
    if broker_under_test.rabbitmqctl is None:
        pytest.skip(broker_under_test.no_rabbitmqctl)
    return broker_under_test.rabbitmqctl


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


@pytest.fixture(scope="session")
def scratch_databases(pg_server_url: str) -> Iterator[Callable[..., str]]:
    """Factory of uniquely named empty databases, all dropped at the end of the session."""
    created: list[str] = []

    def create(prefix: str = "opdb_test", template: str | None = None) -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(statement)
        created.append(name)
        return with_database(pg_server_url, name)

    yield create
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        for name in created:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session")
def migrated_template(scratch_databases: Callable[..., str]) -> str:
    """Name of a database migrated to head once per session, cloned by each test."""
    url = scratch_databases("opdb_template")
    migrations.upgrade(url)
    return database_name(url)


@pytest.fixture
def opdb_url(scratch_databases: Callable[..., str], migrated_template: str) -> str:
    """A libpq URL of a fresh database at head, for this test alone."""
    return scratch_databases("opdb_test", template=migrated_template)


def _delete_queues(url: str, exchange: str, queues: list[str]) -> None:
    import pika  # blocking client: teardown needs no event loop

    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        for queue in queues:
            channel.queue_delete(queue)
        channel.exchange_delete(exchange)
    finally:
        connection.close()


@pytest.fixture
def make_settings(opdb_url: str, amqp_url: str) -> Iterator[Callable[..., Settings]]:
    """Factory of daemon settings on this test's database and on broker objects no other
    test or run uses; every queue they name is deleted after the test."""
    suffix = uuid.uuid4().hex[:12]
    made: list[Settings] = []

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": opdb_url,
            "amqp_url": amqp_url,
            "exchange": f"opdb.test.{suffix}",
            "queue": f"opdb.test.{suffix}.ingest",
            "batch_max_ms": 50,
            "shutdown_timeout_s": 10.0,
        }
        values.update(overrides)
        settings = Settings(**values)
        made.append(settings)
        return settings

    yield make
    for settings in made:
        _delete_queues(amqp_url, settings.exchange, topology.queue_names(settings))


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    """Daemon settings for this test with the defaults of the contract's retry schedule."""
    return make_settings()
