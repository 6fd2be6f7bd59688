"""The schema diagrams in diagrams/ are generated from the models and kept up to date."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import (
    REAL,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
)
from sqlalchemy.dialects.postgresql import ARRAY, TIMESTAMP
from support import assert_check_names_stale_files

from opdb import diagrams

pytestmark = pytest.mark.unit

REPO_DIAGRAMS = Path(__file__).resolve().parents[2] / "diagrams"
REGENERATE = "python -m opdb.diagrams"


def _small_schema() -> tuple[MetaData, dict[str, str]]:
    """A three-table schema in two families, with a composite foreign key."""
    metadata = MetaData()
    Table(
        "visit",
        metadata,
        Column("visit_id", Integer, primary_key=True),
        Column("issued_at", TIMESTAMP(timezone=True), nullable=False),
    )
    Table(
        "exposure",
        metadata,
        Column("visit_id", Integer, ForeignKey("visit.visit_id"), primary_key=True),
        Column("camera_id", Integer, primary_key=True),
        Column("exptime", REAL),
    )
    Table(
        "spot",
        metadata,
        Column("spot_id", Integer, primary_key=True),
        Column("visit_id", Integer, nullable=False),
        Column("camera_id", Integer, nullable=False),
        Column("flux", ARRAY(REAL)),
        ForeignKeyConstraint(
            ["visit_id", "camera_id"], ["exposure.visit_id", "exposure.camera_id"]
        ),
    )
    return metadata, {"visit": "visits", "exposure": "sps", "spot": "sps"}


def _write_complete(out_dir: Path, metadata: MetaData, families: dict[str, str]) -> None:
    """Write the DOT files, and stand-ins for the renders (no Graphviz needed)."""
    for dot_file in diagrams.write_dot_files(out_dir, metadata, families):
        for ext in diagrams.RENDER_FORMATS:
            dot_file.with_suffix("." + ext).write_text("rendered\n", encoding="utf-8")


def test_committed_dot_files_match_the_models() -> None:
    generated = diagrams.generate()
    stale = [
        name
        for name, text in generated.items()
        if not (REPO_DIAGRAMS / name).is_file()
        or (REPO_DIAGRAMS / name).read_text(encoding="utf-8") != text
    ]
    assert not stale, (
        f"diagrams/{', diagrams/'.join(stale)} out of date with opdb.models; "
        f"regenerate with `{REGENERATE}` and commit the result"
    )


def test_committed_svg_and_pdf_exist_for_both_diagrams() -> None:
    for diagram in diagrams.DIAGRAMS:
        svg = REPO_DIAGRAMS / f"{diagram.stem}.svg"
        pdf = REPO_DIAGRAMS / f"{diagram.stem}.pdf"
        assert svg.is_file(), f"{svg} missing; regenerate with `{REGENERATE}`"
        assert pdf.is_file(), f"{pdf} missing; regenerate with `{REGENERATE}`"
        assert "<svg" in svg.read_text(encoding="utf-8")
        assert pdf.read_bytes().startswith(b"%PDF")


def test_check_of_the_repository_passes() -> None:
    assert diagrams.stale_files(REPO_DIAGRAMS) == [], f"regenerate with `{REGENERATE}`"


def test_every_table_appears_in_the_full_diagram() -> None:
    metadata = diagrams.default_metadata()
    assert metadata.tables, "opdb.models defines no table"
    full = diagrams.generate(metadata)["opdb-full.dot"]
    for key, table in metadata.tables.items():
        assert f'"{key}" [label=<' in full, f"table {key} missing from opdb-full.dot"
        for column in table.columns:
            assert f'PORT="c_{column.name}"' in full


def test_every_model_module_is_a_labelled_cluster() -> None:
    metadata = diagrams.default_metadata()
    families = diagrams.table_families(metadata)
    unplaced = sorted(key for key, family in families.items() if family == diagrams.OTHER_FAMILY)
    assert not unplaced, f"tables defined by no module under opdb.models: {unplaced}"
    full = diagrams.generate(metadata)["opdb-full.dot"]
    for family in set(families.values()):
        assert f"subgraph cluster_{family} {{" in full
        assert diagrams.family_label(family) in full


def test_check_passes_on_fresh_output_and_fails_when_stale(tmp_path: Path) -> None:
    metadata, families = _small_schema()
    _write_complete(tmp_path, metadata, families)
    assert diagrams.stale_files(tmp_path, metadata, families) == []

    # a hand-edited DOT file is stale
    light = tmp_path / "opdb-light.dot"
    light.write_text(light.read_text(encoding="utf-8") + "// edited\n", encoding="utf-8")
    assert diagrams.stale_files(tmp_path, metadata, families) == ["opdb-light.dot"]

    # a model change (one more table) makes both DOT files stale
    _write_complete(tmp_path, metadata, families)
    Table("extra", metadata, Column("extra_id", Integer, primary_key=True))
    assert diagrams.stale_files(tmp_path, metadata, families) == [
        "opdb-full.dot",
        "opdb-light.dot",
    ]

    # a missing render is stale too
    _write_complete(tmp_path, metadata, families)
    (tmp_path / "opdb-full.pdf").unlink()
    assert diagrams.stale_files(tmp_path, metadata, families) == ["opdb-full.pdf"]


def test_check_command_lists_stale_files_and_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert_check_names_stale_files(
        diagrams.main, diagrams.expected_files(), REGENERATE, tmp_path, capsys
    )


def test_generation_is_deterministic() -> None:
    metadata, families = _small_schema()
    first = diagrams.generate(metadata, families)
    again_metadata, again_families = _small_schema()
    assert diagrams.generate(again_metadata, again_families) == first


def test_full_diagram_content() -> None:
    metadata, families = _small_schema()
    full = diagrams.generate(metadata, families)["opdb-full.dot"]
    for text in (
        "subgraph cluster_visits {",
        "subgraph cluster_sps {",
        "Visits and exposures",
        "timestamptz",
        "real[]",
        "NOT NULL",
    ):
        assert text in full
    # one edge per foreign key, composite ones included, from child to parent
    edges = [line for line in full.splitlines() if " -> " in line]
    assert len(edges) == 2
    assert any(line.startswith('  "spot":c_visit_id -> "exposure":c_visit_id') for line in edges)
    assert any(line.startswith('  "exposure":c_visit_id -> "visit":c_visit_id') for line in edges)


def test_light_diagram_shows_only_key_columns() -> None:
    metadata, families = _small_schema()
    light = diagrams.generate(metadata, families)["opdb-light.dot"]
    assert 'PORT="c_camera_id"' in light
    assert 'PORT="c_exptime"' not in light
    assert 'PORT="c_flux"' not in light
    assert "real" not in light


@pytest.mark.parametrize(
    ("column_type", "expected"),
    [
        (REAL(), "real"),
        (String(3), "varchar(3)"),
        (DateTime(), "timestamp"),
        (TIMESTAMP(timezone=True), "timestamptz"),
        (ARRAY(REAL), "real[]"),
        (Integer(), "integer"),
    ],
)
def test_sql_type_names(column_type: object, expected: str) -> None:
    assert diagrams.sql_type(Column("c", column_type)) == expected


def test_labels_are_escaped() -> None:
    metadata = MetaData()
    Table("odd<&>", metadata, Column("a<b", Integer, primary_key=True))
    full = diagrams.generate(metadata, {})["opdb-full.dot"]
    assert "odd&lt;&amp;&gt;" in full
    assert "a&lt;b" in full
    assert "<B>odd<&>" not in full


def test_missing_graphviz_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(diagrams.shutil, "which", lambda _name: None)
    with pytest.raises(diagrams.GraphvizMissingError, match="apt-get install graphviz"):
        diagrams.find_dot()
    assert diagrams.main(["--out", str(tmp_path)]) == 2
    assert not any(tmp_path.iterdir())
