"""Every revision after the baseline declares its kind, and squawk holds a revision
declared additive to its word on the SQL ``alembic upgrade --sql`` prints for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.schema import migrations

pytestmark = pytest.mark.migrations

LOCKING_RELEASE = Path(__file__).with_name("locking_release") / "versions"
NEXT_RELEASE = Path(__file__).parents[1] / "acceptance" / "next_release" / "versions"


def _after_baseline() -> list[str]:
    return migrations.known_revisions()[1:]


def test_every_revision_after_the_baseline_declares_its_kind() -> None:
    for revision in _after_baseline():
        module = migrations._find(revision).module  # type: ignore[union-attr]
        assert getattr(module, "kind", None) in migrations.KINDS, revision


def test_additive_revisions_contain_no_breaking_or_locking_change() -> None:
    findings = [
        line
        for revision in _after_baseline()
        if migrations.revision_kind(revision) == "additive"
        for line in migrations.lint(revision)
    ]
    assert findings == []


def test_an_added_nullable_column_passes_the_lint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations, "EXTRA_VERSION_LOCATIONS", [NEXT_RELEASE])
    assert migrations.revision_kind("t001") == "additive"
    assert migrations.lint("t001") == []


def test_the_lint_refuses_a_locking_revision_marked_additive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(migrations, "EXTRA_VERSION_LOCATIONS", [LOCKING_RELEASE])
    assert migrations.revision_kind("t901") == "additive"
    findings = migrations.lint("t901")
    print("\n".join(findings))
    assert any("require-concurrent-index-creation" in line for line in findings)
    assert any("adding-required-field" in line or "not-null" in line for line in findings)
