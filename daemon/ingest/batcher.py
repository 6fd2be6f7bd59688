"""Hold deliveries until the writer takes them: whatever has arrived when it is free,
up to N events or B bytes (after an optional linger of T milliseconds).

Messages arrive through a consumer callback into this buffer and a separate task takes
batches out; a batch timer built around the consumer's iterator would end consumption
at the first idle moment.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

from daemon.ingest.messages import Delivery


class Batcher:
    """FIFO buffer of deliveries, handed out head-first as batches."""

    def __init__(self, max_events: int, max_bytes: int, max_wait_s: float) -> None:
        self._max_events = max_events
        self._max_bytes = max_bytes
        self._max_wait_s = max_wait_s
        self._buffer: deque[Delivery] = deque()
        self._bytes = 0
        self._arrived = asyncio.Event()

    def __len__(self) -> int:
        return len(self._buffer)

    @property
    def max_bytes(self) -> int:
        return self._max_bytes

    @property
    def buffered_bytes(self) -> int:
        return self._bytes

    def add(self, delivery: Delivery) -> None:
        self._buffer.append(delivery)
        self._bytes += delivery.size
        # Wake the taker when a batch becomes possible: the first delivery starts the
        # T-millisecond clock, a full buffer closes the batch at once.
        if len(self._buffer) == 1 or self._full():
            self._arrived.set()

    def _full(self) -> bool:
        return len(self._buffer) >= self._max_events or self._bytes >= self._max_bytes

    async def next_batch(self, stop: asyncio.Event, idle_s: float = 1.0) -> list[Delivery]:
        """The next batch, or an empty list after ``idle_s`` with nothing to do or once
        ``stop`` is set (the caller then drains what is left)."""
        deadline = time.monotonic() + idle_s
        while not stop.is_set():
            if self._buffer:
                close_at = self._buffer[0].received_at + self._max_wait_s
                if self._full() or time.monotonic() >= close_at:
                    return self._take()
                wait = close_at - time.monotonic()
            else:
                wait = deadline - time.monotonic()
                if wait <= 0:
                    return []
            self._arrived.clear()
            stop_waiter = asyncio.ensure_future(stop.wait())
            arrival = asyncio.ensure_future(self._arrived.wait())
            try:
                await asyncio.wait(
                    {stop_waiter, arrival},
                    timeout=max(wait, 0.0),
                    return_when=asyncio.FIRST_COMPLETED,
                )
            finally:
                stop_waiter.cancel()
                arrival.cancel()
        return []

    def _take(self) -> list[Delivery]:
        batch: list[Delivery] = []
        size = 0
        while self._buffer and len(batch) < self._max_events:
            head = self._buffer[0]
            if batch and size + head.size > self._max_bytes:
                break
            batch.append(self._buffer.popleft())
            size += head.size
        self._bytes -= size
        return batch

    def drain(self) -> list[list[Delivery]]:
        """Everything still buffered, as batches, for the final flush at shutdown."""
        batches = []
        while self._buffer:
            batches.append(self._take())
        return batches

    def discard(self, stale: Callable[[Delivery], bool]) -> int:
        """Forget deliveries whose channel died: the broker redelivers them."""
        kept = deque(d for d in self._buffer if not stale(d))
        dropped = len(self._buffer) - len(kept)
        self._buffer = kept
        self._bytes = sum(d.size for d in kept)
        return dropped
