"""The ingestion loop's ordering argument, gating, back-off and shutdown, on the real
``IngestService`` loop with in-memory stand-ins for the writer, the consumer and the
control connection (no PostgreSQL, no RabbitMQ). The writer and the consumer write to
one shared journal, so the order of their side effects is what the tests read.

The same behaviour against the real services: tests/integration/test_ingest.py,
tests/acceptance (maintenance, shutdown, outages)."""

from __future__ import annotations

import asyncio
import collections
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Any, cast

import pytest
from pamqp.commands import Basic

from daemon.ingest import deadletter, receipts
from daemon.ingest.consumer import TransientBrokerError
from daemon.ingest.gate import Gate, InstanceReport, Mode
from daemon.ingest.messages import Inbound
from daemon.ingest.service import ExitStatus, IngestService
from daemon.ingest.systemd import Notifier
from daemon.ingest.writer import BatchResult, TransientDatabaseError, WritesGated
from daemon.settings import Settings
from opdb.contract import Event, EventRejected, Reason

pytestmark = [pytest.mark.unit, pytest.mark.timeout(10)]

Journal = list[tuple[str, Any]]
# What one write does: commit all (None), reject some ({index: why}), raise, hang, or
# first run a step of the scenario and then do what it returns.
Outcome = dict[int, EventRejected] | BaseException | str | None
Step = Outcome | Callable[[], Awaitable[Outcome]]
HANG = "hang"
MISSING = EventRejected(Reason.MISSING_PARENT, "table tel_status: no pfs_visit 3")


def small_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "batch_max_events": 2,
        "batch_max_ms": 10,
        "control_interval_s": 0.01,
        "shutdown_timeout_s": 0.3,
        "metrics_address": "",
    }
    values.update(overrides)
    return Settings(**values)


def body(source: str) -> bytes:
    return json.dumps(
        {
            "version": 1,
            "id": str(uuid.uuid4()),
            "source": source,
            "sent_at": "2026-12-01T00:00:00+00:00",
            "writes": [{"table": "pfs_visit", "op": "insert", "rows": [{"pfs_visit_id": 1}]}],
        }
    ).encode()


class FakeChannel:
    is_closed = False


class FakeWriter:
    def __init__(self, journal: Journal, script: Sequence[Step] = ()) -> None:
        self.journal = journal
        self.script: collections.deque[Step] = collections.deque(script)
        self.connected = False
        self.backend_pid: int | None = None

    async def connect(self) -> None:
        self.connected = True

    async def close(self) -> None:
        self.connected = False

    async def write(self, events: Sequence[Event], want_keys: Collection[int] = ()) -> BatchResult:
        step = self.script.popleft() if self.script else None
        outcome = await step() if callable(step) else step
        if outcome == HANG:
            self.journal.append(("write hangs", [e.source for e in events]))
            await asyncio.Event().wait()
        if isinstance(outcome, BaseException):
            self.journal.append(("write failed", type(outcome).__name__))
            raise outcome
        rejected = outcome if isinstance(outcome, dict) else {}
        committed = [i for i in range(len(events)) if i not in rejected]
        self.journal.append(("commit", [events[i].source for i in committed]))
        return BatchResult(committed=committed, rejected=dict(rejected), transactions=1)


class FakeConsumer:
    """A queue in memory: deliveries reach the service through its callback while
    consuming; publish, ack, requeue and receipts are journaled."""

    def __init__(self, journal: Journal, on_message: Callable[[Inbound], None]) -> None:
        self.journal = journal
        self.on_message = on_message
        self.lost = asyncio.Event()
        self.prefetch = 0
        self.held = 0
        self.publishing_blocked: str | None = None
        self.publish_error: Exception | None = None
        self.waiting: list[Inbound] = []
        self.consuming = False
        # A deaf consumer is delivered nothing while messages wait (it was starved): the
        # broker still counts them as ready. A new connection ends it.
        self.deaf = False
        self._open = False
        self._tags = 0
        self._heard_at = time.monotonic()

    @property
    def connected(self) -> bool:
        return self._open and not self.lost.is_set()

    def deliver(self, source: str) -> None:
        self._tags += 1
        properties = Basic.Properties(message_id=source)
        channel = cast(Any, FakeChannel())
        self.waiting.append(Inbound(body(source), self._tags, channel, properties, "opdb", "t"))
        if self.consuming:
            self._flow()

    def _flow(self) -> None:
        if self.deaf:
            return
        if self.waiting:
            self._heard_at = time.monotonic()
        waiting, self.waiting = self.waiting, []
        for message in waiting:
            self.on_message(message)

    @property
    def quiet_s(self) -> float | None:
        return time.monotonic() - self._heard_at if self.consuming else None

    async def ready_messages(self) -> int | None:
        self.journal.append(("asked ready", len(self.waiting)))
        return len(self.waiting)

    async def connect(self, prefetch: int) -> None:
        self.lost.clear()
        # A new connection has no consumer yet and has not been starved.
        self.deaf = self.consuming = False
        self._open, self.prefetch = True, prefetch
        self.journal.append(("connect", prefetch))

    async def set_prefetch(self, prefetch: int) -> None:
        self.prefetch = prefetch

    async def start(self) -> bool:
        if not self.consuming:
            self.consuming = True
            self._heard_at = time.monotonic()
            self.journal.append(("consume", None))
            self._flow()
        return True

    async def stop(self) -> None:
        if self.consuming:
            self.consuming = False
            self.journal.append(("cancel", None))

    async def ack(self, messages: Sequence[Inbound]) -> int:
        self.journal.append(("ack", [m.message_id for m in messages]))
        return 0

    async def requeue(self, messages: Sequence[Inbound]) -> int:
        self.journal.append(("requeue", [m.message_id for m in messages]))
        return 0

    def hold(self, message: Inbound, confirmation: asyncio.Future[None]) -> None:
        raise AssertionError("no copy is held back without a broker alarm")

    async def wait_held(self, timeout_s: float) -> None:
        pass

    async def publish(self, message: Inbound, disposition: deadletter.Disposition) -> None:
        if self.publish_error is not None:
            self.journal.append(("publish failed", message.message_id))
            raise self.publish_error
        self.journal.append(("publish", message.message_id))

    async def send_receipts(self, outgoing: Sequence[receipts.Outgoing]) -> int:
        self.journal.append(("receipts", len(outgoing)))
        return 0

    async def close(self) -> None:
        self._open = self.consuming = False


class FakeControl:
    def __init__(self) -> None:
        self.gate = Gate(Mode.RUNNING)
        self.reports: list[InstanceReport] = []

    async def read_gate(self, head: str) -> Gate:
        return self.gate

    async def report(self, instance: InstanceReport) -> None:
        self.reports.append(instance)

    async def blockers(self, pid: int) -> list[tuple[Any, ...]]:
        return []

    async def close(self) -> None:
        pass


class StateLog(Notifier):
    """Every state the service enters, in order (it tells systemd each one)."""

    def __init__(self) -> None:
        super().__init__({})
        self.states: list[str] = []

    def status(self, status: str) -> None:
        self.states.append(status.split(":")[0])


class Rig:
    def __init__(self, settings: Settings, script: Sequence[Step] = ()) -> None:
        self.journal: Journal = []
        self.writer = FakeWriter(self.journal, script)
        self.control = FakeControl()
        self.states = StateLog()
        consumers: list[FakeConsumer] = []

        def make(on_message: Callable[[Inbound], None]) -> FakeConsumer:
            consumers.append(FakeConsumer(self.journal, on_message))
            return consumers[0]

        self.service = IngestService(
            settings, self.states, writer=self.writer, consumer=make, control=self.control
        )
        self.consumer = consumers[0]
        self.stop = asyncio.Event()
        self.run: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.run = asyncio.create_task(self.service.run(self.stop))

    async def until(self, condition: Callable[[], bool], within_s: float = 2.0) -> None:
        deadline = time.monotonic() + within_s
        while not condition():
            assert time.monotonic() < deadline, f"never happened; journal: {self.journal}"
            await asyncio.sleep(0.002)

    def happened(self, kind: str) -> bool:
        return any(k == kind for k, _ in self.journal)

    async def finish(self) -> float:
        """Stop the service; returns how long ``run`` took to return."""
        assert self.run is not None
        started = time.monotonic()
        self.stop.set()
        await asyncio.wait_for(self.run, 5)
        return time.monotonic() - started

    def kinds(self) -> list[str]:
        return [k for k, _ in self.journal]

    def only(self, *kinds: str) -> Journal:
        """The journal's entries of these kinds, in order."""
        return [e for e in self.journal if e[0] in kinds]


async def test_commit_then_the_reject_is_published_then_the_batch_is_acked() -> None:
    rig = Rig(small_settings(), [{1: MISSING}])
    rig.consumer.deliver("good")
    rig.consumer.deliver("orphan")
    rig.start()
    await rig.until(lambda: rig.happened("ack"))
    await rig.finish()
    settled = rig.only("commit", "publish", "ack")
    assert settled == [
        ("commit", ["good"]),
        ("publish", "orphan"),
        ("ack", ["good", "orphan"]),
    ]


async def test_nothing_is_acked_when_the_reject_cannot_be_published() -> None:
    rig = Rig(small_settings(), [{1: MISSING}])
    rig.consumer.publish_error = TransientBrokerError("connection reset")
    rig.consumer.deliver("good")
    rig.consumer.deliver("orphan")
    rig.start()
    await rig.until(lambda: rig.happened("publish failed"))
    # The consumer's link is declared lost, and the service connects again.
    await rig.until(lambda: rig.kinds().count("connect") == 2)
    await rig.finish()
    assert rig.kinds().index("commit") < rig.kinds().index("publish failed")
    assert not rig.happened("ack"), "a batch whose reject was not disposed of was acked"
    assert not rig.happened("requeue")


async def test_a_transient_database_error_holds_the_batch_and_retries_with_back_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    down = TransientDatabaseError("connection to server lost")
    rig = Rig(small_settings(), [down, down, None])
    pauses: list[float] = []
    pause = rig.service._pause

    async def no_wait(stop: asyncio.Event, seconds: float) -> None:
        pauses.append(seconds)
        await pause(stop, 0.0)

    # The back-off's delays are recorded, not waited.
    monkeypatch.setattr(rig.service, "_pause", no_wait)
    rig.consumer.deliver("a")
    rig.consumer.deliver("b")
    rig.start()
    await rig.until(lambda: rig.happened("ack"))
    await rig.until(lambda: rig.states.states[-1] == "running")
    await rig.finish()
    assert rig.kinds().count("write failed") == 2
    assert pauses == [0.5, 1.0], "no doubling back-off between attempts"
    settled = rig.only("commit", "publish", "ack", "requeue")
    assert settled == [("commit", ["a", "b"]), ("ack", ["a", "b"])], "an event was rejected"
    states = rig.states.states
    assert "not_ready" in states
    assert "running" in states[states.index("not_ready") :]


@pytest.mark.parametrize(
    ("error", "state"),
    [
        ("a migration holds the write lock", "maintenance"),
        ("database is at revision b, code expects a", "schema_mismatch"),
    ],
)
async def test_gated_writes_give_the_messages_back(error: str, state: str) -> None:
    rig = Rig(small_settings())

    async def gated() -> Outcome:
        # What the control loop then reads: the database is closed to writes.
        rig.control.gate = Gate(Mode(state), error)
        return WritesGated(Mode(state), error)

    rig.writer.script.append(gated)
    rig.consumer.deliver("a")
    rig.consumer.deliver("b")
    rig.start()
    await rig.until(lambda: state in rig.states.states)
    await rig.finish()
    assert ("requeue", ["a", "b"]) in rig.journal
    assert not rig.happened("ack")
    assert not rig.happened("commit")
    assert rig.kinds().index("write failed") < rig.kinds().index("requeue")
    assert rig.service.readiness()[0] is False


async def test_the_maintenance_switch_cancels_the_consumer_and_settles_what_is_held() -> None:
    rig = Rig(small_settings())

    async def switch_on_while_writing() -> Outcome:
        rig.control.gate = Gate(Mode.MAINTENANCE, "switched on by an operator")
        # Delivered before the broker hears of the cancel: it waits in the buffer.
        rig.consumer.deliver("late")
        await asyncio.sleep(0.05)  # the control loop reads the switch meanwhile
        return None

    rig.writer.script.append(switch_on_while_writing)
    rig.consumer.deliver("a")
    rig.consumer.deliver("b")
    rig.start()
    await rig.until(lambda: "maintenance" in rig.states.states)
    kinds = rig.kinds()
    assert ("ack", ["late"]) in rig.journal, "the held delivery was not flushed"
    assert kinds.index("cancel") < rig.journal.index(("commit", ["late"]))
    assert rig.journal.index(("commit", ["late"])) < rig.journal.index(("ack", ["late"]))
    assert ("ack", ["a", "b"]) in rig.journal
    assert rig.service.state == "maintenance"
    assert not rig.consumer.consuming
    await rig.finish()


async def test_stop_writes_and_acks_what_is_buffered() -> None:
    rig = Rig(small_settings(batch_max_events=100, batch_max_ms=60_000))
    rig.start()
    await rig.until(lambda: rig.happened("consume"))
    for source in ("a", "b", "c"):
        rig.consumer.deliver(source)
    await rig.until(lambda: len(rig.service._batcher) == 3)
    assert not rig.happened("commit")
    took = await rig.finish()
    assert rig.only("cancel", "commit", "ack") == [
        ("cancel", None),
        ("commit", ["a", "b", "c"]),
        ("ack", ["a", "b", "c"]),
    ]
    assert rig.service.exit_status is ExitStatus.OK
    assert rig.service.state == "stopped"
    assert took < 1.0


async def test_a_writer_hanging_past_the_shutdown_cap_is_cut_and_nothing_is_acked() -> None:
    settings = small_settings()
    rig = Rig(settings, [HANG])
    rig.consumer.deliver("a")
    rig.consumer.deliver("b")
    rig.start()
    await rig.until(lambda: rig.happened("write hangs"))
    took = await rig.finish()
    # The cap, plus the closing grace the service gives each connection.
    assert took < settings.shutdown_timeout_s + 1.0
    assert took >= settings.shutdown_timeout_s * 0.9, "the write was not given its time"
    assert not rig.happened("ack")
    assert rig.service.exit_status is ExitStatus.FLUSH_CUT


async def test_a_starved_consumer_reconnects_and_what_waited_is_written() -> None:
    rig = Rig(small_settings(starved_after_s=0.2))
    rig.start()
    await rig.until(lambda: rig.happened("consume"))
    rig.consumer.deaf = True
    rig.consumer.deliver("a")
    rig.consumer.deliver("b")
    # Quiet for starved_after_s with two messages ready: the service reconnects.
    await rig.until(lambda: rig.kinds().count("connect") == 2)
    await rig.until(lambda: rig.happened("ack"))
    await rig.finish()
    settled = rig.only("commit", "ack")
    assert settled == [("commit", ["a", "b"]), ("ack", ["a", "b"])]
    assert ("asked ready", 2) in rig.journal
    assert rig.service.metrics.transient_errors.labels("broker")._value.get() == 1


async def test_a_quiet_consumer_with_nothing_ready_is_left_alone() -> None:
    rig = Rig(small_settings(starved_after_s=0.05))
    rig.start()
    await rig.until(lambda: rig.happened("asked ready"))
    await asyncio.sleep(0.2)
    await rig.finish()
    assert rig.kinds().count("connect") == 1, "an idle daemon reconnected"


async def test_a_batch_being_written_is_not_starvation() -> None:
    # A long write holds the prefetch window: the broker rightly delivers nothing more.
    rig = Rig(small_settings(starved_after_s=0.05), [HANG])
    rig.start()
    rig.consumer.deliver("a")
    await rig.until(lambda: rig.happened("write hangs"))
    rig.consumer.deaf = True
    rig.consumer.deliver("b")
    await asyncio.sleep(0.3)
    assert not rig.happened("asked ready")
    assert rig.kinds().count("connect") == 1
    await rig.finish()


async def test_a_message_that_breaks_the_reader_is_dead_lettered_not_lost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rig = Rig(small_settings())
    parse = rig.service._contract.parse

    def breaks_on_b(raw: bytes) -> Event:
        if b'"b"' in raw:
            raise RecursionError("maximum recursion depth exceeded")
        return parse(raw)

    monkeypatch.setattr(rig.service._contract, "parse", breaks_on_b)
    rig.consumer.deliver("a")
    rig.consumer.deliver("b")
    rig.start()
    await rig.until(lambda: rig.happened("ack"))
    await rig.finish()
    settled = rig.only("commit", "publish", "ack")
    assert settled == [("commit", ["a"]), ("publish", "b"), ("ack", ["a", "b"])]
