"""The message types of the ingest path, below everything that handles them: a
delivery as the broker handed it over (:class:`Inbound`) and what its body turned out
to be (:class:`Delivery`). The consumer makes them, the batcher holds them, the
dead-letter and receipt code read them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from aiormq.abc import AbstractChannel as UnderlayChannel
from pamqp.commands import Basic

from opdb.contract import Event, EventRejected


@dataclass(slots=True, eq=False)
class Inbound:
    """One message as delivered: what the daemon needs to process and settle it."""

    body: bytes
    delivery_tag: int
    channel: UnderlayChannel
    properties: Basic.Properties
    # Written by the broker, not the publisher: where the message entered the broker.
    exchange: str
    routing_key: str

    @property
    def headers(self) -> dict[str, Any]:
        return dict(self.properties.headers or {})

    @property
    def message_id(self) -> str | None:
        return self.properties.message_id

    @property
    def stale(self) -> bool:
        """True when its channel died: it can no longer be acknowledged, and the broker
        will deliver it again."""
        return bool(self.channel.is_closed)


@dataclass(slots=True)
class Delivery:
    """One message from the broker and what its body turned out to be."""

    message: Inbound
    size: int
    event: Event | None = None
    rejection: EventRejected | None = None
    # False while the body waits unparsed (large bodies are parsed when taken).
    parsed: bool = False
    received_at: float = field(default_factory=time.monotonic)
