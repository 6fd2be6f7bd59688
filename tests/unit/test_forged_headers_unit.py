"""Headers are data from the outside: what a publisher puts in ``x-opdb-*`` or
``x-death`` never shortens, lengthens or stalls the retry schedule."""

from __future__ import annotations

import datetime
import time
import types
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from support import FORGED_HEADER_INTEGERS

from daemon.ingest import deadletter, topology
from daemon.settings import Settings
from opdb.contract import EventRejected, Reason

pytestmark = pytest.mark.unit

QUEUE = "opdb.ingest"
MISSING = EventRejected(Reason.MISSING_PARENT, "table tel_status: no pfs_visit 3")
NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)

# Every kind of value a header table can carry, and then some.
FORGED_VALUES: list[Any] = [
    *FORGED_HEADER_INTEGERS,
    3,
    True,
    "5",
    "",
    "x" * 10_000,
    1e308,
    float("nan"),
    -0.5,
    b"\x00\xff" * 100,
    {"nested": {"deeper": [1, 2, {"x-opdb-attempts": 2**62}]}},
    [2**62, -1],
    None,
    datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC),
]


class Message:
    """Just what the disposition logic reads from a delivery."""

    def __init__(
        self, headers: dict[str, Any], exchange: str = "opdb", routing_key: str = "actor"
    ) -> None:
        self.properties = types.SimpleNamespace(headers=headers)
        self.exchange = exchange
        self.routing_key = routing_key

    @property
    def headers(self) -> dict[str, Any]:
        return dict(self.properties.headers)


def back_from_retry(headers: dict[str, Any], delay_ms: int = 1000) -> Message:
    death = {"queue": f"{QUEUE}.retry.{delay_ms}ms", "reason": "expired", "count": 3}
    return Message({**headers, "x-death": [death]}, exchange="", routing_key=QUEUE)


def reference_delay_ms(settings: Settings, attempts: int) -> int | None:
    """The schedule as a plain loop (fine for small ``attempts``), to check the closed
    form against."""
    delay, waited = settings.retry_first_delay_ms, 0
    delay = min(delay, settings.retry_max_delay_ms)
    for _ in range(attempts - 1):
        waited += delay
        delay = min(delay * 2, settings.retry_max_delay_ms)
    return None if (waited + delay) / 1000 > settings.retry_give_up_s else delay


@given(
    first=st.integers(1, 10**7),
    cap=st.integers(1, 10**8),
    give_up=st.floats(0, 10**6, allow_nan=False),
    attempts=st.integers(1, 80),
)
@hypothesis_settings(max_examples=400, deadline=None)
def test_closed_form_schedule_matches_the_loop(
    first: int, cap: int, give_up: float, attempts: int
) -> None:
    settings = Settings(retry_first_delay_ms=first, retry_max_delay_ms=cap, retry_give_up_s=give_up)
    delay = deadletter.retry_delay_ms(settings, attempts)
    assert delay == reference_delay_ms(settings, attempts)
    # Every delay the schedule uses has a waiting room.
    if delay is not None:
        assert delay in topology.retry_delays_ms(settings)


def test_schedule_of_any_length_costs_the_same() -> None:
    settings = Settings()
    started = time.perf_counter()
    for attempts in (2**62, 2**63, 10**100, deadletter.MAX_ATTEMPTS):
        assert deadletter.retry_delay_ms(settings, attempts) is None
    assert deadletter.retry_delay_ms(settings, -(2**62)) == settings.retry_first_delay_ms
    assert time.perf_counter() - started < 0.1


def test_retry_queues_follow_the_schedule() -> None:
    settings = Settings(retry_first_delay_ms=1000, retry_max_delay_ms=120_000)
    assert topology.retry_delays_ms(settings) == [
        1000,
        2000,
        4000,
        8000,
        16000,
        32000,
        64000,
        120_000,
    ]
    assert topology.retry_delays_ms(Settings(retry_first_delay_ms=5000, retry_max_delay_ms=10)) == [
        10
    ]


@pytest.mark.parametrize("value", FORGED_VALUES, ids=repr)
@pytest.mark.parametrize(
    "header", [deadletter.ATTEMPTS_HEADER, deadletter.FIRST_FAILED_HEADER, "x-death"]
)
def test_forged_header_from_a_publisher_gets_the_full_schedule(header: str, value: Any) -> None:
    settings = Settings(queue=QUEUE)
    disposition = deadletter.dispose(settings, Message({header: value}), MISSING, NOW)  # type: ignore[arg-type]
    assert not disposition.dead
    assert disposition.routing_key == f"{QUEUE}.retry.quorum.1000ms"
    assert disposition.headers[deadletter.ATTEMPTS_HEADER] == 1
    assert disposition.headers[deadletter.FIRST_FAILED_HEADER] == NOW.isoformat(
        timespec="milliseconds"
    )
    assert "x-death" not in disposition.headers


def test_forged_death_record_through_the_topic_exchange_is_not_believed() -> None:
    """A publisher can write an ``x-death`` naming our retry queue; it cannot make the
    broker deliver its message through the default exchange from the topic exchange."""
    settings = Settings(queue=QUEUE)
    forged = back_from_retry({deadletter.ATTEMPTS_HEADER: 13})
    forged.exchange, forged.routing_key = "opdb", QUEUE
    assert not deadletter.came_back(settings, forged)  # type: ignore[arg-type]
    disposition = deadletter.dispose(settings, forged, MISSING, NOW)  # type: ignore[arg-type]
    assert disposition.headers[deadletter.ATTEMPTS_HEADER] == 1
    assert not disposition.dead


@pytest.mark.parametrize(
    "death",
    [
        [],
        "x",
        [2**62],
        [{"queue": f"{QUEUE}.retry.1000ms", "reason": "rejected"}],
        [{"queue": "someone.else.retry.1000ms", "reason": "expired"}],
        [{"queue": f"{QUEUE}.retry.ms", "reason": "expired"}],
        [{"queue": f"{QUEUE}.retry.-5ms", "reason": "expired"}],
        [{"queue": b"opdb.ingest.retry.1000ms", "reason": "expired"}],
        [{"queue": f"{QUEUE}.retry.{'9' * 300}ms", "reason": "expired"}],
        [{"queue": QUEUE, "reason": "expired"}],
    ],
    ids=repr,
)
def test_only_an_expiry_in_one_of_our_retry_queues_counts(death: Any) -> None:
    settings = Settings(queue=QUEUE)
    message = Message(
        {"x-death": death, deadletter.ATTEMPTS_HEADER: 13}, exchange="", routing_key=QUEUE
    )
    assert not deadletter.came_back(settings, message)  # type: ignore[arg-type]
    disposition = deadletter.dispose(settings, message, MISSING, NOW)  # type: ignore[arg-type]
    assert disposition.headers[deadletter.ATTEMPTS_HEADER] == 1


def test_own_headers_are_kept_on_the_way_back() -> None:
    settings = Settings(queue=QUEUE, retry_first_delay_ms=1000, retry_max_delay_ms=8000)
    message = back_from_retry(
        {
            deadletter.ATTEMPTS_HEADER: 2,
            deadletter.FIRST_FAILED_HEADER: "2026-11-24T09:59:00.000+00:00",
            deadletter.ORIGINAL_USER_HEADER: "gen2",
            "x-opdb-source": "gen2",
        },
        delay_ms=2000,
    )
    assert deadletter.came_back(settings, message)  # type: ignore[arg-type]
    disposition = deadletter.dispose(settings, message, MISSING, NOW)  # type: ignore[arg-type]
    assert disposition.routing_key == f"{QUEUE}.retry.quorum.4000ms"
    headers = disposition.headers
    assert headers[deadletter.ATTEMPTS_HEADER] == 3
    assert headers[deadletter.FIRST_FAILED_HEADER] == "2026-11-24T09:59:00.000+00:00"
    assert headers[deadletter.ORIGINAL_USER_HEADER] == "gen2"
    assert headers["x-opdb-source"] == "gen2"


@pytest.mark.parametrize("value", FORGED_VALUES, ids=repr)
def test_bad_values_even_on_the_way_back_are_bounded(value: Any) -> None:
    """Someone allowed to publish into a retry queue directly gets at most the full
    schedule for that event, never a loop and never a skipped retry."""
    settings = Settings(queue=QUEUE)
    message = back_from_retry(
        {deadletter.ATTEMPTS_HEADER: value, deadletter.FIRST_FAILED_HEADER: value}
    )
    started = time.perf_counter()
    disposition = deadletter.dispose(settings, message, MISSING, NOW)  # type: ignore[arg-type]
    assert time.perf_counter() - started < 0.05
    attempts = disposition.headers[deadletter.ATTEMPTS_HEADER]
    assert isinstance(attempts, int)
    assert 1 <= attempts <= deadletter.MAX_ATTEMPTS + 1
    stamp = disposition.headers[deadletter.FIRST_FAILED_HEADER]
    assert isinstance(stamp, str)
    assert len(stamp) <= 64
    if not (isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 10_000):
        assert attempts == 1
        assert not disposition.dead


def test_forged_reasons_of_other_rejections_are_replaced() -> None:
    settings = Settings(queue=QUEUE)
    message = Message(
        {
            deadletter.REASON_HEADER: "conflict",
            deadletter.DETAIL_HEADER: {"a": 1},
            deadletter.FAILED_AT_HEADER: 2**62,
            deadletter.ORIGINAL_USER_HEADER: "root",
            "x-opdb-source": "tel",
        }
    )
    rejection = EventRejected(Reason.VALIDATION, "writes[0]: bad")
    disposition = deadletter.dispose(settings, message, rejection, NOW)  # type: ignore[arg-type]
    headers = disposition.headers
    assert disposition.dead
    assert headers[deadletter.REASON_HEADER] == "validation"
    assert headers[deadletter.DETAIL_HEADER] == "writes[0]: bad"
    assert headers[deadletter.FAILED_AT_HEADER] == NOW.isoformat(timespec="milliseconds")
    assert deadletter.ORIGINAL_USER_HEADER not in headers
    assert headers["x-opdb-source"] == "tel"


@pytest.mark.parametrize(
    "name", [f"{QUEUE}.retry.quorum.2000ms", f"{QUEUE}.retry.2000ms"], ids=["quorum", "legacy"]
)
def test_both_generations_of_retry_queues_are_ours(name: str) -> None:
    settings = Settings(queue=QUEUE)
    message = Message(
        {"x-death": [{"queue": name, "reason": "expired"}], deadletter.ATTEMPTS_HEADER: 2},
        exchange="",
        routing_key=QUEUE,
    )
    assert deadletter.came_back(settings, message)  # type: ignore[arg-type]
    assert (
        deadletter.dispose(settings, message, MISSING, NOW).headers[  # type: ignore[arg-type]
            deadletter.ATTEMPTS_HEADER
        ]
        == 3
    )
