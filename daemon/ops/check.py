"""``opdb-ingestd check``: can this configuration run? Settings, database, schema,
broker, exchange, metrics address: one line per problem, exit 0 when none, 1 otherwise.

Invalid settings never get here: like every command, they end at start-up with one
line naming the setting and exit 2.
"""

from __future__ import annotations

import argparse
import asyncio

import aio_pika
import psycopg

from daemon.errors import ConfigurationError
from daemon.ingest import diagnosis
from daemon.ingest.consumer import BROKER_ERRORS
from daemon.ingest.metrics import check_listen_address
from daemon.logs import mask_secrets
from daemon.ops import maintenance
from daemon.schema import migrations
from daemon.settings import Settings, mask_url


def _database(settings: Settings) -> list[str]:
    where = mask_url(settings.libpq_url)
    try:
        with psycopg.connect(settings.libpq_url, connect_timeout=10) as conn:
            row = conn.execute(
                "SELECT to_regclass('public.alembic_version') IS NOT NULL"
            ).fetchone()
            revision = None
            if row and row[0]:
                found = conn.execute("SELECT version_num FROM public.alembic_version").fetchone()
                revision = found[0] if found else None
    except psycopg.Error as exc:
        text = str(exc)
        return [f"database {where}: " + (diagnosis.database_problem(text) or _first_line(text))]
    head = migrations.head_revision()
    if revision != head:
        return [
            f"database {where}: schema at revision {revision or 'none'}, this daemon "
            f"expects {head}: {diagnosis.SCHEMA_FIX}"
        ]
    try:
        switch = maintenance.read_switch(settings.libpq_url)
    except (psycopg.Error, maintenance.MaintenanceError) as exc:
        return [f"database {where}: cannot read the maintenance switch: {_first_line(str(exc))}"]
    if switch.enabled:
        return [f"database {where}: maintenance is on ({switch.reason}): daemons stay paused"]
    return []


async def _broker(settings: Settings) -> list[str]:
    url = settings.amqp_url.get_secret_value()
    where = mask_url(url)
    try:
        connection = await aio_pika.connect(url, timeout=10)
    except BROKER_ERRORS as exc:
        text = str(exc) or repr(exc)
        problem = diagnosis.broker_problem(repr(exc), url) or _first_line(text)
        return [f"broker {where}: {problem}"]
    try:
        channel = await connection.channel()
        try:
            await channel.declare_exchange(settings.exchange, passive=True)
        except aio_pika.exceptions.ChannelClosed:
            return [
                f"broker {where}: exchange {settings.exchange!r} does not exist: load "
                "deploy/rabbitmq/definitions.json or start the daemon once to declare it"
            ]
        return []
    finally:
        await connection.close()


def _first_line(text: str) -> str:
    return mask_secrets(text.strip().splitlines()[0] if text.strip() else text)


def problems(settings: Settings) -> list[str]:
    found = _database(settings)
    found += asyncio.run(_broker(settings))
    if settings.metrics_address:
        try:
            check_listen_address(settings.metrics_address)
        except ConfigurationError as exc:
            found.append(str(exc))
    return found


def _check(_args: argparse.Namespace, settings: Settings) -> int:
    found = problems(settings)
    for line in found:
        print(f"problem: {line}")
    if not found:
        print(
            f"ok: database {mask_url(settings.libpq_url)} at the expected revision, "
            f"broker {mask_url(settings.amqp_url.get_secret_value())} with exchange "
            f"{settings.exchange!r}"
        )
    return 1 if found else 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``check`` to the CLI's sub-commands."""
    parser = commands.add_parser(
        "check",
        help="validate the configuration and reach the database and the broker",
        description="Check the settings, the database (credentials, existence, schema "
        "revision, maintenance switch), the broker (credentials, virtual host, exchange) "
        "and the metrics address. One line per problem; exit 0 when none, 1 otherwise "
        "(2 for invalid settings).",
    )
    parser.set_defaults(handler=_check)
