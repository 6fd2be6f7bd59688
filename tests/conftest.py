"""Shared test harness: real PostgreSQL and RabbitMQ, found in a fixed order.

For each service the harness takes, in order:
1. a URL from the environment (``OPDB_TEST_DATABASE_URL``, ``OPDB_TEST_AMQP_URL``);
2. a throwaway container from testcontainers, when a Docker engine answers;
3. the local service on its default port (PostgreSQL 5432 as ``postgres``, RabbitMQ
   5672 as ``guest``).
If none works the test errors with a message naming the three ways. Every test gets
its own database (a clone of a migrated template) and uniquely named exchanges and
queues, all removed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

from daemon import migrations, topology
from daemon.settings import Settings, libpq_database_url
from opdb.urls import with_database

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


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A libpq URL of a database on a server where the tests may create databases."""
    if url := os.environ.get("OPDB_TEST_DATABASE_URL"):
        yield libpq_database_url(url)
        return
    if _docker_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:15", driver=None) as container:
            yield container.get_connection_url()
        return
    if _postgres_answers(LOCAL_DATABASE_URL):
        yield LOCAL_DATABASE_URL
        return
    raise RuntimeError(
        "no PostgreSQL for the tests: "
        + HOW_TO_PROVIDE.format(env="OPDB_TEST_DATABASE_URL", local="127.0.0.1:5432")
    )


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    """An AMQP URL of a RabbitMQ broker where the tests may declare what they need."""
    if url := os.environ.get("OPDB_TEST_AMQP_URL"):
        yield url
        return
    if _docker_answers():
        from testcontainers.rabbitmq import RabbitMqContainer

        with RabbitMqContainer("rabbitmq:3.10") as container:
            host = container.get_container_host_ip()
            port = container.get_exposed_port(container.port)
            yield f"amqp://{container.username}:{container.password}@{host}:{port}/"
        return
    if _port_open("127.0.0.1", 5672):
        yield LOCAL_AMQP_URL
        return
    raise RuntimeError(
        "no RabbitMQ for the tests: "
        + HOW_TO_PROVIDE.format(env="OPDB_TEST_AMQP_URL", local="127.0.0.1:5672")
    )


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
