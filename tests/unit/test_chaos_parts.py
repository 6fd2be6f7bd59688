"""The chaos harness's own generators (tests/acceptance/chaos_harness.py), checked
without services: the fuzz bodies are all refused, the stream promises distinct keys."""

from __future__ import annotations

import datetime
import itertools
import json
import random

import pytest
from acceptance.chaos_harness import (
    CONTRACT_REASONS,
    SEED,
    Size,
    Stream,
    expected_rows,
    fuzz_bodies,
)

pytestmark = pytest.mark.unit


def test_fuzz_generator_yields_only_bodies_the_contract_refuses() -> None:
    """The generator itself: every body it makes is refused, for a contract reason."""
    bad = fuzz_bodies(random.Random(f"{SEED}:generator"), 100)
    assert {reason for _, reason in bad} <= CONTRACT_REASONS
    assert len({reason for _, reason in bad}) == len(CONTRACT_REASONS)


def test_the_stream_counts_its_rows_and_has_keys_written_once() -> None:
    """The stream itself: the rows it promises are distinct keys (so a count above them
    means a duplicate) and some events arrive far ahead of where they were planned."""
    stream = Stream.night(Size("unit", events=2000, faults=0, spots=5), "stream")
    envelopes = [json.loads(body) for body in stream.bodies]
    assert expected_rows(envelopes) == stream.rows
    # The simulator stamps sent_at in publication order; a displaced event breaks it.
    sent = [datetime.datetime.fromisoformat(e["sent_at"]) for e in envelopes[1:]]
    assert any(later < earlier for earlier, later in itertools.pairwise(sent))
    assert {"pfs_visit", "tel_status", "mcs_data", "agc_data", "sps_exposure"} <= set(stream.rows)
