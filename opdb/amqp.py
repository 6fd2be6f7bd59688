"""Connecting to one of several RabbitMQ brokers (``OPDB_AMQP_URL`` may list a
cluster's nodes): try them in turn, starting where the caller says, and report which
one answered."""

from __future__ import annotations

import asyncio
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


class NoBrokerReachable(ConnectionError):  # noqa: N818 - a condition, named for the reader
    """Every listed broker failed; the message names each (without credentials)."""


async def connect_first(
    urls: Sequence[str], start: int = 0, **options: Any
) -> tuple[AbstractConnection, int]:
    """Connect to the first broker that answers, trying ``urls`` in turn from index
    ``start`` (wrapping around). Returns the connection and the index that answered."""
    if not urls:
        raise NoBrokerReachable("no broker URL given")
    failures: list[str] = []
    for step in range(len(urls)):
        index = (start + step) % len(urls)
        try:
            connection = await aio_pika.connect(urls[index], **options)
        except CONNECT_ERRORS as exc:
            failures.append(f"{broker_label(urls[index])}: {exc!r}")
            continue
        return connection, index
    raise NoBrokerReachable("no broker answered: " + "; ".join(failures))
