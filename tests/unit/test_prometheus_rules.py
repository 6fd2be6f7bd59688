"""The alert rules in deploy/prometheus pass promtool's own unit tests (recorded series,
including "the first dead letter after a start fires"), and name only metrics the
daemon exports."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from daemon.ingest.metrics import Metrics

pytestmark = pytest.mark.unit

RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("promtool") is None:
        pytest.skip("promtool is not installed (Debian package prometheus)")
    return subprocess.run(
        ["promtool", *args], cwd=RULES, capture_output=True, text=True, timeout=60, check=False
    )


def test_rules_are_valid_and_pass_their_tests() -> None:
    checked = _promtool("check", "rules", "opdb-ingestd.rules.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = _promtool("test", "rules", "opdb-ingestd.rules.test.yml")
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_rules_name_only_exported_metrics() -> None:
    metrics = Metrics()
    metrics.set_state("starting")  # as the service does at once
    exported = metrics.render().decode()
    names = set(re.findall(r"\b(opdb_[a-z_]+)", (RULES / "opdb-ingestd.rules.yml").read_text()))
    assert names
    for name in names:
        assert re.search(rf"^{name}\b", exported, re.MULTILINE), name
