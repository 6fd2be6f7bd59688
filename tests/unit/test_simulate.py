"""The simulated night: deterministic, valid, countable, and realistic in its disorder."""

from __future__ import annotations

import itertools
import json
import math
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from opdb.contract import SOURCE_PATTERN, Contract
from opdb.models import Base
from opdb.simulate import (
    EARLY_KINDS,
    HST,
    NIGHT_START,
    NightOptions,
    count_rows,
    expected_rows,
    main,
    simulate_night,
)

pytestmark = pytest.mark.unit

SMALL = {"visits": 2, "frames": 2, "spots": 50, "ag_frames": 2}
# Three fields (one with a single visit), every kind of row, still small.
MIXED = {
    "visits": 5,
    "visits_per_field": 2,
    "frames": 3,
    "spots": 80,
    "cobras": 120,
    "fiducials": 10,
    "ag_frames": 3,
}


def night(seed: int = 1, **options: Any) -> list[dict[str, Any]]:
    return list(simulate_night(seed=seed, **options))


def canonical(envelopes: Iterable[Mapping[str, Any]]) -> list[str]:
    # JSON text, because NaN != NaN would make equal envelopes compare unequal.
    return [json.dumps(envelope, sort_keys=True) for envelope in envelopes]


@dataclass
class Arrivals:
    """How a night's events meet their foreign keys, in publication order."""

    early: list[int] = field(default_factory=list)  # events published before a parent
    delays: list[int] = field(default_factory=list)  # events until that parent arrived
    missing: list[tuple[str, tuple[str, ...], tuple[Any, ...]]] = field(default_factory=list)
    duplicates: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)


def arrivals(envelopes: list[dict[str, Any]]) -> Arrivals:
    """Replay the night against the models' keys, as PostgreSQL would see it."""
    tables = Base.metadata.tables
    referred: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for table in tables.values():
        referred[table.name].add(tuple(c.name for c in table.primary_key.columns))
        for fk in table.foreign_key_constraints:
            referred[fk.referred_table.name].add(tuple(e.column.name for e in fk.elements))
    present: dict[tuple[str, tuple[str, ...]], set[tuple[Any, ...]]] = defaultdict(set)
    keys: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    result = Arrivals()
    waiting: list[tuple[int, str, tuple[str, ...], tuple[Any, ...]]] = []
    for index, envelope in enumerate(envelopes):
        needs: list[tuple[str, tuple[str, ...], tuple[Any, ...]]] = []
        for write in envelope["writes"]:
            table = tables[write["table"]]
            key_columns = tuple(c.name for c in table.primary_key.columns)
            if write["op"] == "update":
                needs += [
                    (table.name, key_columns, tuple(row[c] for c in key_columns))
                    for row in write["rows"]
                ]
                continue
            for row in write["rows"]:
                key = tuple(row[c] for c in key_columns)
                if key in keys[table.name]:
                    result.duplicates.append((table.name, key))
                keys[table.name].add(key)
                for columns in referred[table.name]:
                    present[(table.name, columns)].add(tuple(row.get(c) for c in columns))
                for fk in table.foreign_key_constraints:
                    value = tuple(row.get(e.parent.name) for e in fk.elements)
                    if None not in value:
                        columns = tuple(e.column.name for e in fk.elements)
                        needs.append((fk.referred_table.name, columns, value))
        # An event's own writes are its parents too: the daemon sorts them parents-first.
        unmet = [need for need in needs if need[2] not in present[(need[0], need[1])]]
        if unmet:
            result.early.append(index)
            waiting += [(index, *need) for need in unmet]
        still = []
        for child, parent, columns, value in waiting:
            if value in present[(parent, columns)]:
                result.delays.append(index - child)
            else:
                still.append((child, parent, columns, value))
        waiting = still
    result.missing = [(parent, columns, value) for _child, parent, columns, value in waiting]
    return result


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_envelopes() -> None:
    assert canonical(night(7, **MIXED)) == canonical(night(7, **MIXED))


def test_different_seeds_give_different_nights() -> None:
    first, second = night(7, **MIXED), night(8, **MIXED)
    assert canonical(first) != canonical(second)
    assert {e["id"] for e in first}.isdisjoint(e["id"] for e in second)


def test_event_ids_are_unique_version_4_uuids() -> None:
    ids = [uuid.UUID(e["id"]) for e in night(3, **MIXED)]
    assert len(set(ids)) == len(ids)
    assert {i.version for i in ids} == {4}


def test_order_changes_only_the_order_and_sent_at() -> None:
    def content(envelopes: list[dict[str, Any]]) -> list[str]:
        return sorted(
            json.dumps({k: v for k, v in e.items() if k != "sent_at"}, sort_keys=True)
            for e in envelopes
        )

    shuffled, ordered = night(4, **MIXED), night(4, **MIXED, out_of_order=False)
    assert [e["id"] for e in shuffled] != [e["id"] for e in ordered]
    assert content(shuffled) == content(ordered)


def test_options_object_and_keywords_are_the_same_night() -> None:
    options = NightOptions(seed=2, **SMALL)
    assert canonical(simulate_night(options=options)) == canonical(night(2, **SMALL))
    with pytest.raises(TypeError):
        simulate_night(seed=2, options=options)


# --------------------------------------------------------------------------- validity


def test_small_night_is_fast_and_valid() -> None:
    started = time.perf_counter()
    envelopes = night(1, **SMALL)
    assert time.perf_counter() - started < 1.0
    contract = Contract()
    for envelope in envelopes:
        contract.validate(envelope)


@pytest.mark.parametrize("seed", [1, 2])
def test_every_envelope_passes_the_contract_after_a_json_round_trip(seed: int) -> None:
    contract = Contract()
    for envelope in night(seed, **MIXED):
        # What the daemon sees: bytes, with NaN as the bare token.
        event = contract.parse(json.dumps(envelope).encode())
        assert event.source == envelope["source"]


def test_envelope_metadata_is_plausible() -> None:
    envelopes = night(5, **MIXED)
    sources = {e["source"] for e in envelopes}
    assert sources == {"ets", "fps", "gen2", "iic", "mcs", "ag", "sps"}
    assert all(re.match(SOURCE_PATTERN, s) for s in sources)
    sent = [datetime.fromisoformat(e["sent_at"]) for e in envelopes]
    assert sent[0] == NIGHT_START
    assert all(s.utcoffset() == HST.utcoffset(None) for s in sent)
    assert all(a < b for a, b in itertools.pairwise(sent)), "sent_at must increase"
    # The night lasts hours, not days.
    assert (sent[-1] - sent[0]).total_seconds() < 12 * 3600


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    "options",
    [
        SMALL,
        MIXED,
        {**MIXED, "visits_per_field": 1, "out_of_order": False},
        {**MIXED, "fiducials": 0, "guide_stars_per_camera": 0, "ag_spots": 0},
        {**MIXED, "status_snapshots": 0, "ag_frames": 0, "frames": 1},
        {**MIXED, "ag_spots": 1, "guide_stars_per_camera": 3, "spots": 1},
        {"visits": 0},
    ],
    ids=["small", "mixed", "one-visit-fields", "no-optional-rows", "sparse", "few-spots", "empty"],
)
def test_rows_per_table_match_expected_rows(options: dict[str, Any]) -> None:
    envelopes = night(6, **options)
    assert count_rows(envelopes) == expected_rows(NightOptions(seed=6, **options))
    assert all(write["rows"] for envelope in envelopes for write in envelope["writes"])


def test_default_night_has_the_live_opdb_scale() -> None:
    rows = expected_rows()
    assert 500_000 < sum(rows.values()) < 2_000_000  # "on the order of a million a night"
    assert rows["mcs_data"] == 24 // 3 * 8 * 2400
    assert rows["cobra_match"] == rows["cobra_target"] == 8 * 8 * 2394
    assert rows["agc_exposure"] == 24 * 225
    assert rows["sps_exposure"] == 24 * 12
    assert rows["cobra"] == 2394


# --------------------------------------------------------------------------- keys and order


def test_no_primary_key_is_written_twice_and_every_parent_arrives() -> None:
    result = arrivals(night(9, **MIXED))
    assert result.duplicates == []
    assert result.missing == []


def test_out_of_order_events_come_a_little_before_their_parents() -> None:
    envelopes = night(9, **MIXED)
    result = arrivals(envelopes)
    early_kinds = {envelopes[i]["writes"][0]["table"] for i in result.early}
    assert early_kinds == set(EARLY_KINDS)
    assert result.delays
    assert max(result.delays) <= 3, "a parent should follow its early child closely"
    by_id = {e["id"]: n for n, e in enumerate(envelopes)}
    assert len(by_id) == len(envelopes)


def test_in_order_night_has_every_parent_first() -> None:
    result = arrivals(night(9, **MIXED, out_of_order=False))
    assert result.early == []
    assert result.missing == []
    assert result.duplicates == []


def test_every_kind_is_early_even_in_a_two_visit_night() -> None:
    for seed in range(5):
        envelopes = night(seed, **SMALL, cobras=100)
        result = arrivals(envelopes)
        assert {envelopes[i]["writes"][0]["table"] for i in result.early} == set(EARLY_KINDS)
        assert result.missing == []


# --------------------------------------------------------------------------- realism


def test_mcs_frames_follow_the_live_conventions() -> None:
    options = {"visits": 1, "frames": 3, "spots": 2500, "ag_frames": 0}
    envelopes = night(11, **options)
    writes = [w for e in envelopes for w in e["writes"]]
    frames = [r for w in writes if w["table"] == "mcs_exposure" for r in w["rows"]]
    visit = frames[0]["pfs_visit_id"]
    assert [f["mcs_frame_id"] for f in frames] == [visit * 100 + i for i in range(3)]
    spots = [r for w in writes if w["table"] == "mcs_data" for r in w["rows"]]
    sentinels = [r for r in spots if r["spot_id"] == -1]
    assert len(sentinels) == 3
    assert all(math.isnan(r["mcs_center_x_pix"]) for r in sentinels)
    failed = [r for r in spots if r["spot_id"] >= 0 and math.isnan(r["mcs_center_x_pix"])]
    assert 0 < len(failed) < len(spots) // 50, "a few NaN centroids, as the MCS reports"
    matches = [r for w in writes if w["table"] == "cobra_match" for r in w["rows"]]
    unmatched = [r for r in matches if r["spot_id"] == -1]
    assert 0 < len(unmatched) < len(matches) // 10
    # Convergence: the last iteration is much closer to the targets than the first.
    targets = {
        (r["iteration"], r["cobra_id"]): (r["pfi_target_x_mm"], r["pfi_target_y_mm"])
        for w in writes
        if w["table"] == "cobra_target"
        for r in w["rows"]
    }

    def error(iteration: int) -> float:
        distances = [
            math.dist(
                (m["pfi_center_x_mm"], m["pfi_center_y_mm"]), targets[(iteration, m["cobra_id"])]
            )
            for m in matches
            if m["iteration"] == iteration and not math.isnan(m["pfi_center_x_mm"])
        ]
        return sorted(distances)[len(distances) // 2]

    assert error(2) < error(0) / 4


def test_timestamps_are_naive_hst_except_where_a_zone_is_part_of_the_data() -> None:
    envelopes = night(12, **SMALL)
    rows = {w["table"]: w["rows"][0] for e in envelopes for w in e["writes"] if w["op"] != "update"}
    visit_time = datetime.fromisoformat(rows["pfs_visit"]["issued_at"])
    assert visit_time.tzinfo is None
    assert visit_time.date() == NIGHT_START.date()
    assert visit_time.hour >= 19
    assert datetime.fromisoformat(rows["tel_status"]["created_at"]).tzinfo is None
    # timestamptz columns, and the AG actor, send aware UTC values.
    assert datetime.fromisoformat(rows["pfs_design"]["to_be_observed_at"]).utcoffset() is not None
    ag_time = datetime.fromisoformat(rows["agc_exposure"]["taken_at"])
    assert ag_time.utcoffset() is not None
    assert ag_time.astimezone(HST).replace(tzinfo=None).date() == NIGHT_START.date()


def test_the_first_visit_can_be_chosen() -> None:
    envelopes = night(1, **SMALL, first_visit=1000)
    visits = sorted(
        r["pfs_visit_id"]
        for e in envelopes
        for w in e["writes"]
        if w["table"] == "pfs_visit"
        for r in w["rows"]
    )
    assert visits == [1000, 1001]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"frames": 0}, "frames"),
        ({"frames": 101}, "frames"),
        ({"spots": 0}, "spots"),
        ({"cobras": 2395}, "cobras"),
        ({"visits": -1}, "visits"),
        ({"visits_per_field": 0}, "visits_per_field"),
        ({"first_visit": 21_474_836}, "numbered"),
        ({"start": datetime(2026, 11, 24, 18, 30)}, "time zone"),
    ],
)
def test_impossible_options_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        NightOptions(**options)


# --------------------------------------------------------------------------- command line


def test_command_line_writes_json_lines_the_daemon_can_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "night.jsonl"
    argv = ["--seed", "3", "--visits", "2", "--frames", "2", "--spots", "40", "--cobras", "50"]
    assert main([*argv, "--ag-frames", "2", "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    contract = Contract()
    events = [contract.parse(line.encode()) for line in lines]
    options = NightOptions(seed=3, visits=2, frames=2, spots=40, cobras=50, ag_frames=2)
    assert canonical(json.loads(line) for line in lines) == canonical(
        simulate_night(options=options)
    )
    assert len(events) == len(lines)
    assert count_rows(json.loads(line) for line in lines) == expected_rows(options)
    summary = capsys.readouterr().err
    assert f"{len(lines)} events" in summary
    assert "mcs_data" in summary


def test_command_line_refuses_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--frames", "0"]) == 2
    assert "frames" in capsys.readouterr().err
