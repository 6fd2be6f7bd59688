"""What the service asks of its writer, its consumer and its control connection:
exactly the methods and attributes the loop uses, so that unit tests can drive the real
loop with in-memory stand-ins (the real ones are :class:`~daemon.ingest.writer.Writer`,
:class:`~daemon.ingest.consumer.Consumer` and
:class:`~daemon.ingest.control.PostgresControl`).

The exceptions are part of each contract: the writer raises
:class:`~daemon.ingest.writer.TransientDatabaseError` and
:class:`~daemon.ingest.writer.WritesGated`, the consumer
:class:`~daemon.ingest.consumer.TransientBrokerError`, the control port
:class:`psycopg.Error` (the service turns those into its states)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from typing import Any, Protocol

from daemon.ingest import deadletter, receipts
from daemon.ingest.gate import Gate, InstanceReport
from daemon.ingest.messages import Inbound
from daemon.ingest.writer import BatchResult
from opdb.contract import Event


class WriterPort(Protocol):
    @property
    def connected(self) -> bool: ...

    @property
    def backend_pid(self) -> int | None: ...

    async def connect(self) -> None: ...

    async def close(self) -> None: ...

    async def write(
        self, events: Sequence[Event], want_keys: Collection[int] = ()
    ) -> BatchResult: ...


class ConsumerPort(Protocol):
    # Set when the link is known to be broken, so the main loop reconnects.
    lost: asyncio.Event

    @property
    def connected(self) -> bool: ...

    @property
    def prefetch(self) -> int: ...

    @property
    def held(self) -> int: ...

    @property
    def publishing_blocked(self) -> str | None: ...

    @property
    def quiet_s(self) -> float | None: ...

    async def ready_messages(self) -> int | None: ...

    async def connect(self, prefetch: int) -> None: ...

    async def set_prefetch(self, prefetch: int) -> None: ...

    async def start(self) -> bool: ...

    async def stop(self) -> None: ...

    async def ack(self, messages: Sequence[Inbound]) -> int: ...

    async def requeue(self, messages: Sequence[Inbound]) -> int: ...

    def hold(self, message: Inbound, confirmation: asyncio.Future[None]) -> None: ...

    async def wait_held(self, timeout_s: float) -> None: ...

    async def publish(self, message: Inbound, disposition: deadletter.Disposition) -> None: ...

    async def send_receipts(self, outgoing: Sequence[receipts.Outgoing]) -> int: ...

    async def close(self) -> None: ...


# The consumer is handed the service's callback for each delivery when it is made.
ConsumerFactory = Callable[[Callable[[Inbound], None]], ConsumerPort]


class ControlPort(Protocol):
    """The service's second, autocommit link to the database: the maintenance switch,
    its instance reports and who blocks its writer."""

    async def read_gate(self, head: str) -> Gate: ...

    async def report(self, instance: InstanceReport) -> None: ...

    async def blockers(self, pid: int) -> list[tuple[Any, ...]]: ...

    async def close(self) -> None: ...
