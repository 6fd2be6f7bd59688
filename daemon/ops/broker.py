"""How an operator's tool (``dlq``, ``journal``) holds its connection to RabbitMQ: to the
first of ``OPDB_AMQP_URL``'s brokers that answers, named for the tool in the management
UI, and refused as the tool's own error, which names every broker tried."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from aio_pika.abc import AbstractConnection

from daemon.ingest.consumer import BROKER_ERRORS
from daemon.logs import mask_secrets
from daemon.settings import Settings, mask_url
from opdb.amqp import connect_first

_TIMEOUT_S = 10


async def _nothing(_connection: AbstractConnection) -> None:
    pass


async def connect(
    settings: Settings,
    name: str,
    error: Callable[[str], Exception],
    setup: Callable[[AbstractConnection], Awaitable[None]] = _nothing,
) -> AbstractConnection:
    """A connection named ``opdb-ingestd NAME``, on which ``setup`` has run (to open the
    tool's channel or check its queue). Broker trouble on the way raises ``error`` with
    the message; whatever fails, the connection is closed first."""
    urls = settings.amqp_urls
    connection: AbstractConnection | None = None
    try:
        # connect_first's NoBrokerReachable is a ConnectionError, one of BROKER_ERRORS.
        connection, _ = await connect_first(
            urls,
            timeout=_TIMEOUT_S,
            client_properties={"connection_name": f"opdb-ingestd {name}"},
        )
        await setup(connection)
    except BROKER_ERRORS as exc:
        await close(connection)
        where = ", ".join(mask_url(url) for url in urls)
        raise error(f"cannot connect to RabbitMQ at {where}: {mask_secrets(repr(exc))}") from exc
    except BaseException:
        await close(connection)
        raise
    return connection


async def close(connection: AbstractConnection | None) -> None:
    """Close within 10 s. A broker that is gone already is no error: it gives back
    whatever was left unacknowledged on the dropped connection."""
    if connection is not None:
        with contextlib.suppress(*BROKER_ERRORS, asyncio.CancelledError):
            await asyncio.wait_for(connection.close(), _TIMEOUT_S)
