"""The README's "Changing the schema" path, end to end, on a throw-away model edit:
revision generated against a scratch database, linted, applied by `migrate`, and the
committed diagrams and contract documents found stale."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from daemon.schema import migrations

pytestmark = pytest.mark.migrations

CHANGED = Path(__file__).with_name("schema_change") / "opdb_ingestd_changed.py"


def _run(
    script: list[str], url: str, versions: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *script, *args],
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "OPDB_DATABASE_URL": url,
            # No broker is needed on this path; port 1 proves none is contacted.
            "OPDB_AMQP_URL": "amqp://guest:guest@127.0.0.1:1/",
            "OPDB_TEST_VERSIONS": str(versions),
        },
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_a_model_change_goes_from_revision_to_deployment(
    pg_server_url: str, opdb_url: str, tmp_path: Path
) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    new_id = f"{int(migrations.head_revision()) + 1:04d}"

    made = _run(
        [str(CHANGED)],
        opdb_url,
        versions,
        *("db", "revision", "-m", "tel_status gains test_flag", "--kind", "additive"),
        *("--server", pg_server_url, "--into", str(versions)),
    )
    assert made.returncode == 0, made.stdout + made.stderr
    (written,) = versions.glob("*.py")
    assert written.name == f"{new_id}_tel_status_gains_test_flag.py"
    text = written.read_text()
    assert 'kind: str = "additive"' in text
    assert "op.add_column('tel_status', sa.Column('test_flag'" in text
    assert f"squawk: revision {new_id} holds no breaking or locking change" in made.stdout

    applied = _run([str(CHANGED)], opdb_url, versions, "migrate")
    assert applied.returncode == 0, applied.stderr
    assert "without pausing ingestion" in applied.stderr, applied.stderr
    assert migrations.database_revision(opdb_url) == new_id

    stale = _run([str(CHANGED)], opdb_url, versions, "stale")
    assert "diagrams 1" in stale.stdout, stale.stdout + stale.stderr
    assert "contract_docs 1" in stale.stdout, stale.stdout + stale.stderr


def test_no_revision_when_the_models_match_head(
    pg_server_url: str, opdb_url: str, tmp_path: Path
) -> None:
    versions = sorted((migrations.SCRIPT_LOCATION / "versions").glob("*.py"))
    unchanged = _run(
        ["-m", "daemon.cli"],
        opdb_url,
        tmp_path,
        *("db", "revision", "-m", "nothing", "--kind", "breaking", "--server", pg_server_url),
    )
    assert unchanged.returncode == 1
    assert "the models match the head revision: nothing to generate" in unchanged.stderr
    assert sorted((migrations.SCRIPT_LOCATION / "versions").glob("*.py")) == versions
