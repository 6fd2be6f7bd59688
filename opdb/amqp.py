"""Connecting to one of several RabbitMQ brokers (``OPDB_AMQP_URL`` may list a
cluster's nodes): try them in turn, starting where the caller says, and report which
one answered."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

import aio_pika
import aiormq
from aio_pika.abc import AbstractConnection

from opdb.urls import broker_label

# What a broker that cannot be reached raises, through aio-pika and aiormq.
CONNECT_ERRORS = (
    aiormq.exceptions.AMQPError,
    aio_pika.exceptions.AMQPException,
    OSError,
    ConnectionError,
    asyncio.TimeoutError,
)


class _ClosedIfRefused(aio_pika.Connection):
    """aio-pika's connection, closed at once when connecting fails. Left to the garbage
    collector, a failed one schedules its own close on whatever loop is current then:
    from another thread or after its loop ended, that close is never run, and Python
    warns about it in whatever code happens to be running."""

    async def connect(self, timeout: Any = None) -> None:  # noqa: ASYNC109 - aio-pika's own signature, overridden
        try:
            await super().connect(timeout)
        except BaseException:
            with contextlib.suppress(Exception):
                await self.close()
            raise


async def connect(url: str, **options: Any) -> AbstractConnection:
    """``aio_pika.connect``, leaving nothing behind when the broker cannot be reached."""
    connection: AbstractConnection = await aio_pika.connect(
        url, connection_class=_ClosedIfRefused, **options
    )
    return connection


class NoBrokerReachable(ConnectionError):  # noqa: N818 - a condition, named for the reader
    """Every listed broker failed; the message names each (without credentials), and
    ``causes`` keeps each broker's error, so that a refusal (wrong password, missing
    virtual host) can be told from an outage."""

    def __init__(self, message: str, causes: Sequence[BaseException] = ()) -> None:
        super().__init__(message)
        self.causes = list(causes)


async def connect_first(
    urls: Sequence[str], start: int = 0, **options: Any
) -> tuple[AbstractConnection, int]:
    """Connect to the first broker that answers, trying ``urls`` in turn from index
    ``start`` (wrapping around). Returns the connection and the index that answered."""
    if not urls:
        raise NoBrokerReachable("no broker URL given")
    failures: list[str] = []
    causes: list[BaseException] = []
    for step in range(len(urls)):
        index = (start + step) % len(urls)
        try:
            connection = await connect(urls[index], **options)
        except CONNECT_ERRORS as exc:
            failures.append(f"{broker_label(urls[index])}: {exc!r}")
            causes.append(exc)
            continue
        return connection, index
    raise NoBrokerReachable("no broker answered: " + "; ".join(failures), causes)
