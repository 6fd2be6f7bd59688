"""Pure parts of ``opdb-ingestd journal``: times, nights, peeking at an entry."""

from __future__ import annotations

import argparse
import datetime
import json
from zoneinfo import ZoneInfo

import pytest

from daemon.ops.journal import night_of, night_window, parse_time, peek

HST = ZoneInfo("Pacific/Honolulu")


@pytest.mark.unit
def test_a_time_without_zone_is_utc_and_others_are_converted() -> None:
    utc = datetime.datetime(2026, 11, 25, 4, 30, tzinfo=datetime.UTC)
    assert parse_time("2026-11-25T04:30:00") == utc
    assert parse_time("2026-11-25T04:30:00Z") == utc
    assert parse_time("2026-11-25 04:30:00 UTC") == utc  # as pg_restore -l prints it
    assert parse_time("2026-11-24T18:30:00-10:00") == utc
    with pytest.raises(argparse.ArgumentTypeError, match="ISO 8601"):
        parse_time("yesterday")


@pytest.mark.unit
def test_a_night_runs_from_noon_to_noon_site_time() -> None:
    evening = datetime.datetime(2026, 11, 24, 19, 0, tzinfo=HST)
    after_midnight = datetime.datetime(2026, 11, 25, 5, 0, tzinfo=HST)
    next_afternoon = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=HST)
    assert night_of(evening, HST) == night_of(after_midnight, HST) == datetime.date(2026, 11, 24)
    assert night_of(next_afternoon, HST) == datetime.date(2026, 11, 25)
    start, end = night_window(datetime.date(2026, 11, 24), HST)
    assert start <= evening < end
    assert start <= after_midnight < end
    assert not start <= next_afternoon < end


@pytest.mark.unit
def test_peek_finds_source_and_time_with_or_without_parsing() -> None:
    envelope = {
        "version": 1,
        "id": "5d0c1f7e-0000-4000-8000-000000000000",
        "source": "mcs",
        "sent_at": "2026-11-25T04:30:00.123+00:00",
        "writes": [{"table": "mcs_data", "rows": [{"x": 1}] * 100}],
    }
    sent = datetime.datetime(2026, 11, 25, 4, 30, 0, 123000, tzinfo=datetime.UTC)
    compact = json.dumps(envelope, separators=(",", ":")).encode()
    spaced = json.dumps(envelope, indent=2).encode()
    # Source and time after a long writes list: found by parsing the whole body.
    late = json.dumps(
        {"writes": envelope["writes"] * 20, "source": "mcs", "sent_at": envelope["sent_at"]}
    ).encode()
    for body in (compact, spaced, late):
        seen = peek(body)
        assert (seen.source, seen.sent_at) == ("mcs", sent)
    assert peek(b'{"version": 1, "id": ') == peek(b"[1]")
    assert peek(b"not json").sent_at is None
    naive = json.dumps({**envelope, "sent_at": "2026-11-25T04:30:00"}).encode()
    assert peek(naive).sent_at is None
