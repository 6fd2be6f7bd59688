"""``opdb-ingestd dlq``: list, show, replay and purge dead letters made by the real
daemon from real bad events, driven through the real CLI."""

from __future__ import annotations

import asyncio
import io
import json
import os
import pty
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aio_pika
import psycopg
import pytest
from conftest import DaemonProcess, run_cli
from support import (
    add_visit,
    amqp_channel,
    event,
    insert,
    publish,
    queue_depth,
    scalar,
    take_all,
    wait_until,
)

from daemon.ops.dlq import (
    REPLAYED_AT_HEADER,
    DeadLetter,
    Selection,
    confirm,
    format_table,
    read_letter,
    replay_headers,
)
from daemon.settings import Settings

MALFORMED_BODY = b'{"version": 1, "id": '


@dataclass
class Letters:
    """Dead letters made by a running daemon: one per kind of rejection."""

    settings: Settings
    daemon: DaemonProcess
    validation: dict[str, Any]
    unknown_table: dict[str, Any]
    missing_parent: dict[str, Any]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(self.settings, "dlq", *args)

    async def acli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return await asyncio.to_thread(self.cli, *args)

    async def malformed_label(self) -> str:
        """How the malformed body is listed: by its message id (aio-pika gives every
        message one), or "-" without."""
        listed = await self.acli("list", "--json", "--reason", "malformed")
        (row,) = json.loads(listed.stdout)
        assert row["event_id"] is None
        assert row["parsed"] is False
        return str(row["message_id"] or "-")

    async def depth(self) -> int:
        return await queue_depth(
            self.settings.amqp_url.get_secret_value(), self.settings.dead_letter_queue
        )


def _tel_status(visit_id: int, sequence: object) -> dict[str, Any]:
    return insert("tel_status", {"pfs_visit_id": visit_id, "status_sequence_id": sequence})


async def _wait_depth(letters: Letters, depth: int) -> None:
    deadline = asyncio.get_running_loop().time() + 30
    while (now := await letters.depth()) != depth:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"dead-letter queue holds {now}, expected {depth}")
        await asyncio.sleep(0.1)


@pytest.fixture
async def letters(
    make_settings: Callable[..., Settings],
    amqp_url: str,
    start_daemon: Callable[..., DaemonProcess],
) -> Letters:
    """A running daemon and four dead letters: validation (gen2), unknown table (mcs),
    malformed body, missing parent (gen2, after a tiny retry budget)."""
    settings = make_settings(retry_first_delay_ms=100, retry_max_delay_ms=200, retry_give_up_s=0.5)
    daemon = start_daemon(settings, OPDB_RETRY_GIVE_UP_S="0.5")
    await asyncio.to_thread(daemon.wait_running)
    add_visit(settings.libpq_url)
    made = Letters(
        settings,
        daemon,
        validation=event([_tel_status(1, "not a number")], source="gen2"),
        unknown_table=event([insert("no_such_table", {"x": 1})], source="mcs"),
        missing_parent=event([_tel_status(42, 1)], source="gen2"),
    )
    await publish(
        amqp_url,
        settings.exchange,
        [made.validation, made.unknown_table, MALFORMED_BODY, made.missing_parent],
    )
    await _wait_depth(made, 4)
    return made


def _ids(listing: str) -> list[str]:
    """First column of every row of a ``dlq list`` table."""
    lines = listing.strip().splitlines()
    assert lines[0].startswith("ID")
    return [line.split()[0] for line in lines[1:-1]]


@pytest.mark.acceptance
async def test_list_shows_every_dead_letter_and_each_filter_exactly_its_own(
    letters: Letters,
) -> None:
    validation = letters.validation["id"]
    unknown = letters.unknown_table["id"]
    missing = letters.missing_parent["id"]

    malformed = await letters.malformed_label()
    everything = await letters.acli("list")
    assert everything.returncode == 0, everything.stderr
    assert sorted(_ids(everything.stdout)) == sorted([validation, unknown, missing, malformed])
    assert "4 of 4 dead letters" in everything.stdout
    for reason in ("validation", "unknown_table", "malformed", "missing_parent"):
        assert reason in everything.stdout

    cases: list[tuple[list[str], list[str]]] = [
        (["--reason", "validation"], [validation]),
        (["--reason", "malformed"], [malformed]),
        (["--reason", "missing_parent", "--reason", "unknown_table"], [unknown, missing]),
        (["--table", "tel_status"], [validation, missing]),
        (["--table", "no_such_table"], [unknown]),
        (["--source", "mcs"], [unknown]),
        (["--source", "gen2", "--reason", "missing_parent"], [missing]),
        (["--id", missing.upper()], [missing]),
        (["--reason", "conflict"], []),
    ]
    for filters, expected in cases:
        listed = await letters.acli("list", *filters)
        assert listed.returncode == 0, listed.stderr
        if expected:
            assert sorted(_ids(listed.stdout)) == sorted(expected), filters
        assert f"{len(expected)} of 4 dead letters" in listed.stdout, (filters, listed.stdout)

    as_json = await letters.acli("list", "--json", "--table", "tel_status")
    assert as_json.returncode == 0, as_json.stderr
    rows = {row["event_id"]: row for row in json.loads(as_json.stdout)}
    assert set(rows) == {validation, missing}
    assert rows[missing]["reason"] == "missing_parent"
    assert rows[missing]["attempts"] >= 2
    assert "pfs_visit" in rows[missing]["detail"]
    assert rows[validation]["tables"] == ["tel_status"]
    assert rows[validation]["source"] == "gen2"
    assert rows[validation]["failed_at"]

    # Listing takes nothing away.
    assert await letters.depth() == 4


@pytest.mark.acceptance
async def test_list_stops_at_the_limit_and_says_so(letters: Letters) -> None:
    listed = await letters.acli("list", "--limit", "2")
    assert listed.returncode == 0, listed.stderr
    assert len(_ids(listed.stdout)) == 2
    assert "stopped at --limit 2; 2 more were not looked at" in listed.stderr
    assert await letters.depth() == 4


@pytest.mark.acceptance
async def test_show_prints_the_whole_event_and_its_dead_letter_headers(
    letters: Letters,
) -> None:
    shown = await letters.acli("show", letters.validation["id"])
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    for text in (
        "x-opdb-reason: validation",
        "x-opdb-detail:",
        "status_sequence_id",
        "x-opdb-attempts: 1",
        "x-opdb-failed-at:",
        "content_type: application/json",
    ):
        assert text in out
    event_text = out[out.index("event:\n") + len("event:\n") :]
    assert json.loads(event_text) == letters.validation
    assert '\n  "writes": [\n' in event_text  # indented, not one line

    malformed = await letters.malformed_label()
    raw = await letters.acli("show", malformed)
    assert raw.returncode == 0, raw.stderr
    assert "x-opdb-reason: malformed" in raw.stdout
    assert f"body ({len(MALFORMED_BODY)} bytes, not a JSON object):" in raw.stdout
    assert MALFORMED_BODY.decode() in raw.stdout

    unknown = await letters.acli("show", str(uuid.uuid4()))
    assert unknown.returncode == 1
    assert "no dead letter" in unknown.stderr
    assert await letters.depth() == 4


@pytest.mark.acceptance
async def test_replay_after_the_fix_writes_once_and_leaves_the_others(
    letters: Letters, amqp_url: str
) -> None:
    settings = letters.settings
    url = settings.libpq_url
    missing = letters.missing_parent
    malformed = await letters.malformed_label()
    # A second copy of the same event, as a publisher retrying an unconfirmed send
    # would leave: two dead letters, one event id.
    await publish(amqp_url, settings.exchange, [missing])
    await _wait_depth(letters, 5)
    assert "2 of 5 dead letters" in (await letters.acli("list", "--id", missing["id"])).stdout

    with psycopg.connect(url, autocommit=True) as conn:  # the fix: the parent arrives
        conn.execute("INSERT INTO pfs_visit (pfs_visit_id) VALUES (42)")
    replayed = await letters.acli("replay", "--reason", "missing_parent")
    assert replayed.returncode == 0, replayed.stderr
    assert "replayed 2 of 2" in replayed.stdout
    assert "3 left" in replayed.stdout

    def tel_status_42() -> int:
        return int(scalar(url, "SELECT count(*) FROM tel_status WHERE pfs_visit_id = 42"))

    def ledger(event_id: str) -> int:
        query = "SELECT count(*) FROM opdb_ingest.event_ledger WHERE event_id = %s"
        return int(scalar(url, query, (event_id,)))

    await wait_until(lambda: ledger(missing["id"]) == 1, 20, "the replayed event")
    await asyncio.sleep(1)  # let the second copy through too
    assert tel_status_42() == 1
    assert ledger(missing["id"]) == 1
    assert await letters.depth() == 3
    left = await letters.acli("list")
    assert sorted(_ids(left.stdout)) == sorted(
        [letters.validation["id"], letters.unknown_table["id"], malformed]
    )

    again = await letters.acli("replay", "--id", missing["id"])
    assert again.returncode == 0, again.stderr
    assert "replayed 0 of 0" in again.stdout
    assert tel_status_42() == 1


@pytest.mark.acceptance
async def test_a_replayed_event_that_fails_again_comes_back_with_a_fresh_journey(
    letters: Letters, amqp_url: str
) -> None:
    replayed = await letters.acli("replay", "--source", "mcs")
    assert replayed.returncode == 0, replayed.stderr
    assert "replayed 1 of 1" in replayed.stdout
    # The daemon rejects it again, with the replay stamp and a restarted count; the
    # body, and so the event id, is the original's.
    dead = await take_all(amqp_url, letters.settings.dead_letter_queue, expect=4, wait_s=20)
    again = [m for m in dead if m.body == json.dumps(letters.unknown_table).encode()]
    assert len(again) == 1
    headers = again[0].headers
    assert headers["x-opdb-reason"] == "unknown_table"
    assert headers["x-opdb-attempts"] == 1
    assert REPLAYED_AT_HEADER in headers


@pytest.mark.acceptance
async def test_replay_keeps_a_dead_letter_that_no_queue_would_receive(
    letters: Letters, make_settings: Callable[..., Settings], amqp_url: str
) -> None:
    # An exchange with no queue bound: the broker confirms the publish but returns the
    # message, and deleting the dead letter then would lose the event.
    unbound = make_settings(
        queue=letters.settings.queue, exchange=f"{letters.settings.exchange}.unbound"
    )
    async with amqp_channel(amqp_url) as channel:
        await channel.declare_exchange(unbound.exchange, aio_pika.ExchangeType.TOPIC, durable=True)
    result = await asyncio.to_thread(run_cli, unbound, "dlq", "replay", "--reason", "validation")
    assert result.returncode == 1
    assert "replayed 0 of 1" in result.stdout
    assert f"{letters.validation['id']}: unroutable" in result.stderr
    assert await letters.depth() == 4


@pytest.mark.acceptance
async def test_replay_refuses_to_run_without_a_filter_or_all(letters: Letters) -> None:
    refused = await letters.acli("replay")
    assert refused.returncode == 2
    assert "--all" in refused.stderr
    both = await letters.acli("replay", "--all", "--reason", "validation")
    assert both.returncode == 2
    assert await letters.depth() == 4


@pytest.mark.acceptance
async def test_purge_with_a_filter_and_yes_removes_only_those(letters: Letters) -> None:
    malformed = await letters.malformed_label()
    purged = await letters.acli("purge", "--reason", "malformed", "--yes")
    assert purged.returncode == 0, purged.stderr
    assert "purged 1 dead letters" in purged.stdout
    assert await letters.depth() == 3
    left = await letters.acli("list")
    assert sorted(_ids(left.stdout)) == sorted(
        [letters.validation["id"], letters.unknown_table["id"], letters.missing_parent["id"]]
    )
    assert malformed not in left.stdout

    purged = await letters.acli("purge", "--table", "tel_status", "--yes")
    assert purged.returncode == 0, purged.stderr
    assert "purged 2 dead letters" in purged.stdout
    left = await letters.acli("list")
    assert _ids(left.stdout) == [letters.unknown_table["id"]]


def _cli_with_stdin(letters: Letters, stdin: Any, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(letters.settings, "dlq", *args, stdin=stdin)


@pytest.mark.acceptance
async def test_purge_without_yes_and_without_a_terminal_refuses(letters: Letters) -> None:
    refused = await asyncio.to_thread(
        _cli_with_stdin, letters, subprocess.DEVNULL, "purge", "--all"
    )
    assert refused.returncode == 1
    assert "4 dead letters match; refusing to purge" in refused.stderr
    assert "--yes" in refused.stderr
    assert await letters.depth() == 4


@pytest.mark.acceptance
async def test_purge_asks_on_a_terminal_and_acts_on_the_answer(letters: Letters) -> None:
    async def answer(text: bytes, *args: str) -> subprocess.CompletedProcess[str]:
        primary, secondary = pty.openpty()
        try:
            os.write(primary, text)
            return await asyncio.to_thread(_cli_with_stdin, letters, secondary, *args)
        finally:
            os.close(primary)
            os.close(secondary)

    declined = await answer(b"n\n", "purge", "--reason", "validation")
    assert declined.returncode == 1
    assert "purge 1 dead letters? [y/N]" in declined.stderr
    assert await letters.depth() == 4

    accepted = await answer(b"y\n", "purge", "--reason", "validation")
    assert accepted.returncode == 0, accepted.stderr
    assert await letters.depth() == 3


@pytest.mark.acceptance
def test_a_missing_dead_letter_queue_is_a_clear_error(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings()  # nothing declared on the broker for these names
    for args in (["list"], ["show", "x"], ["replay", "--all"], ["purge", "--all", "--yes"]):
        result = run_cli(settings, "dlq", *args)
        assert result.returncode == 1, args
        assert "does not exist" in result.stderr, (args, result.stderr)


# --- The pure parts, no services ---------------------------------------------------------


def _letter(**overrides: Any) -> DeadLetter:
    values: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "message_id": None,
        "source": "gen2",
        "tables": ("tel_status",),
        "reason": "validation",
        "detail": "writes[0] tel_status insert: row 0 column 'status_sequence_id' ...",
        "attempts": 1,
        "failed_at": "2026-11-24T10:15:00.123+00:00",
    }
    values.update(overrides)
    return DeadLetter(**values)


@pytest.mark.unit
def test_read_letter_takes_what_it_can_from_any_body() -> None:
    event_id = uuid.uuid4()
    body = json.dumps(
        event(
            [insert("mcs_exposure", {"a": 1}), insert("mcs_data", {"b": 1})],
            event_id=event_id,
            source="mcs",
        )
    ).encode()
    headers = {"x-opdb-reason": b"conflict", "x-opdb-attempts": 3, "x-opdb-detail": "dup"}
    letter = read_letter(body, headers, "m-1")
    assert letter.event_id == str(event_id)
    assert letter.tables == ("mcs_exposure", "mcs_data")
    assert (letter.reason, letter.attempts, letter.detail) == ("conflict", 3, "dup")
    assert letter.label == str(event_id)

    for bad in (b"\xff\xfe", b"[1, 2]", b'{"writes": 5}', MALFORMED_BODY):
        odd = read_letter(bad, {"x-opdb-reason": "malformed"}, None)
        assert odd.event_id is None
        assert odd.tables == ()
        assert odd.label == "-"
    assert read_letter(b"nope", None, "msg-7").label == "msg-7"


@pytest.mark.unit
def test_selection_ands_options_and_ors_values() -> None:
    gen2 = _letter()
    mcs = _letter(source="mcs", tables=("mcs_data", "mcs_exposure"), reason="conflict")
    raw = _letter(event_id=None, message_id="m-1", source=None, tables=(), reason="malformed")
    everything = Selection.of()
    assert everything.is_everything
    assert all(everything.matches(x) for x in (gen2, mcs, raw))
    assert Selection.of(ids=[gen2.event_id.upper()]).matches(gen2)  # type: ignore[union-attr]
    assert Selection.of(ids=["m-1"]).matches(raw)
    assert not Selection.of(ids=["m-1"]).matches(gen2)
    both = Selection.of(reasons=["validation", "conflict"])
    assert both.matches(gen2)
    assert both.matches(mcs)
    assert not both.matches(raw)
    assert Selection.of(tables=["mcs_data"]).matches(mcs)
    assert not Selection.of(tables=["mcs_data"], sources=["gen2"]).matches(mcs)
    assert not Selection.of(sources=["gen2"]).matches(raw)


@pytest.mark.unit
def test_replay_headers_drop_the_previous_journey_and_keep_the_actors_own() -> None:
    headers = {
        "x-opdb-reason": "missing_parent",
        "x-opdb-attempts": 7,
        "x-opdb-first-failed-at": "t",
        "x-opdb-replayed-at": "an older replay",
        "x-death": [{"count": 1}],
        "x-delivery-count": 2,
        "trace-id": "abc",
    }
    fresh = replay_headers(headers)
    assert set(fresh) == {"trace-id", REPLAYED_AT_HEADER}
    assert fresh[REPLAYED_AT_HEADER] != "an older replay"


@pytest.mark.unit
def test_format_table_clips_the_detail_to_the_width() -> None:
    letters = [_letter(detail="x" * 500), _letter(detail="short\nsecond line")]
    lines = format_table(letters, 150)
    assert lines[0].split()[:2] == ["ID", "SOURCE"]
    assert all(len(line) <= 150 for line in lines)
    assert lines[1].endswith("...")
    assert lines[2].endswith("short second line")
    assert "2026-11-24 10:15:00" in lines[1]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.unit
def test_confirm_needs_a_terminal_and_a_yes() -> None:
    prompts = io.StringIO()
    assert confirm("purge 2 dead letters?", io.StringIO("y\n"), prompts) is None
    assert confirm("purge 2 dead letters?", None, prompts) is None
    assert prompts.getvalue() == ""
    assert confirm("purge 2 dead letters?", _Terminal("y\n"), prompts) is True
    assert prompts.getvalue() == "purge 2 dead letters? [y/N] "
    assert confirm("q", _Terminal("YES\n"), prompts) is True
    assert confirm("q", _Terminal("\n"), prompts) is False
    assert confirm("q", _Terminal(""), prompts) is False
