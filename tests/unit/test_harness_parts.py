"""The shared daemon harness's log reader, without a daemon."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from daemon.dev.harness import LogFile, is_running, log_time

pytestmark = pytest.mark.unit


def test_the_log_is_read_incrementally_and_whole_lines_only(tmp_path: Path) -> None:
    path = tmp_path / "daemon.log"
    log = LogFile(path)
    assert log.update() == []
    running = {"event": "state", "state": "running", "timestamp": "2026-11-24T01:02:03+00:00"}
    with path.open("ab") as file:
        file.write(json.dumps(running).encode() + b'\nTraceback (most recent call last)\n{"ev')
    assert log.update() == [
        running,
        {"event": "unparsed", "line": "Traceback (most recent call last)"},
    ]
    with path.open("ab") as file:
        file.write(b'ent": "batch"}\n')
    records = log.update()
    assert [r["event"] for r in records] == ["state", "unparsed", "batch"]
    assert is_running(records[0])
    assert not is_running(records[2])
    assert log_time(records[0]) == 1795482123.0
    assert log.tail(9) == '"batch"}\n'
