"""The Grafana dashboard in deploy/grafana: every panel's query is valid PromQL (checked
by promtool) and names only metrics a daemon exports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from daemon.ingest.service import IngestService
from daemon.settings import Settings

pytestmark = pytest.mark.unit

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "opdb-ingest.json"
INSTALL = "apt-get install -y --no-install-recommends prometheus (Debian's package has promtool)"


def _expressions() -> list[str]:
    board: dict[str, Any] = json.loads(DASHBOARD.read_text())
    expressions = [
        target["expr"].replace("$job", "opdb-ingestd")
        for panel in board["panels"]
        for target in panel["targets"]
    ]
    assert len(expressions) >= len(board["panels"]) >= 8
    return expressions


def test_every_panel_query_is_valid_promql(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip(f"promtool not found on PATH: {INSTALL}")
    # promtool parses expressions only inside a rules file: one recording rule per query.
    rules = tmp_path / "dashboard.rules.yml"
    records = [
        {"record": f"opdb:dashboard_query_{n}", "expr": expression}
        for n, expression in enumerate(_expressions())
    ]
    rules.write_text(json.dumps({"groups": [{"name": "dashboard", "rules": records}]}))
    checked = subprocess.run(
        [promtool, "check", "rules", str(rules)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_panels_name_only_exported_metrics() -> None:
    service = IngestService(Settings())
    exported = service.metrics.render().decode()
    names = {
        name
        for expression in _expressions()
        for name in re.findall(r"\b((?:opdb|process)_[a-z_]+)\b", expression)
    }
    assert {"opdb_events_committed_total", "opdb_held_bytes", "opdb_retries_total"} <= names
    # A labelled counter has no sample before its first increment on some versions, but
    # it is always declared: look for the family, as HELP names it.
    declared = set(re.findall(r"^# HELP (\S+)", exported, re.MULTILINE))
    for name in names:
        family = re.sub(r"_bucket$", "", name)
        assert family in declared, f"{name} is not exported by the daemon"
