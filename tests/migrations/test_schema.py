"""The migration history against real PostgreSQL: it reproduces the expected opDB
schema exactly (the committed ``alembic/expected_opdb_schema.sql``, which in turn
agrees with the live opDB's reference dump where that is available), walks up and
down cleanly, and agrees with the models."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool

from daemon.schema import expected_schema, migrations
from daemon.schema.bookkeeping import BookkeepingBase
from daemon.schema.catalog import SchemaShape, diff_schemas, read_schema
from daemon.settings import sqlalchemy_database_url
from opdb.models import Base

pytestmark = pytest.mark.migrations

EXPECTED_DDL = expected_schema.EXPECTED_SCHEMA
REFERENCE_TABLE_COUNT = 61
# The live opDB's schema dump, as developers and CI keep it beside their clone; a
# user's clone has none, and then only the committed expectation is checked.
# OPDB_REFERENCE_SCHEMA points elsewhere.
LIVE_REFERENCE_DDL = Path(
    os.environ.get(
        "OPDB_REFERENCE_SCHEMA",
        Path(__file__).resolve().parents[3] / "shared" / "reference" / "pfs_opdb_schema.sql",
    )
)


def _load_ddl(scratch_databases: Callable[..., str], ddl: Path, prefix: str, *then: str) -> str:
    """A scratch database built by the ``ddl`` file, then changed by the ``then``
    statements."""
    assert ddl.is_file(), f"schema file not found at {ddl}"
    url = scratch_databases(prefix)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(ddl.read_text())  # type: ignore[arg-type]
    # A session of their own: the DDL (pg_dump's) empties the search_path of its session.
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in then:
            conn.execute(statement)  # type: ignore[arg-type]
    return url


def _reference_database(scratch_databases: Callable[..., str], *then: str) -> str:
    """A database holding the expected opDB schema without our history: an opDB as it
    was before this project (changed by the ``then`` statements)."""
    return _load_ddl(scratch_databases, EXPECTED_DDL, "opdb_reference", *then)


def _opdb_tables(url: str) -> SchemaShape:
    return read_schema(url, ignore=["alembic_version"])


@pytest.fixture(scope="module")
def reference_schema(scratch_databases: Callable[..., str]) -> SchemaShape:
    return _opdb_tables(_reference_database(scratch_databases))


def test_expected_schema_file_is_what_the_migrations_produce(opdb_url: str) -> None:
    committed = EXPECTED_DDL.read_text() if EXPECTED_DDL.is_file() else ""
    assert committed, f"expected schema not found at {EXPECTED_DDL}"
    assert expected_schema.dump_opdb_schema(opdb_url) == committed, (
        f"{EXPECTED_DDL} is stale; regenerate it with: {expected_schema.REGENERATE}"
    )


def test_expected_schema_staleness_check_can_fail(opdb_url: str) -> None:
    with psycopg.connect(opdb_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE tel_status ADD COLUMN stray integer")
    assert expected_schema.dump_opdb_schema(opdb_url) != EXPECTED_DDL.read_text()


def test_expected_schema_agrees_with_the_live_opdb_reference(
    reference_schema: SchemaShape, scratch_databases: Callable[..., str]
) -> None:
    if not LIVE_REFERENCE_DDL.is_file():
        pytest.skip(
            f"live opDB reference dump not found at {LIVE_REFERENCE_DDL} (set "
            "OPDB_REFERENCE_SCHEMA to check the committed expectation against it)"
        )
    live = _opdb_tables(_load_ddl(scratch_databases, LIVE_REFERENCE_DDL, "opdb_live"))
    assert len(live.tables) == REFERENCE_TABLE_COUNT
    assert diff_schemas(live, reference_schema) == []


def test_head_reproduces_the_reference_schema(reference_schema: SchemaShape, opdb_url: str) -> None:
    migrated = _opdb_tables(opdb_url)
    differences = diff_schemas(reference_schema, migrated)
    same = len(set(reference_schema.tables) & set(migrated.tables)) - len(
        {line.split(":")[0] for line in differences}
    )
    print(
        f"parity: {same}/{len(reference_schema.tables)} tables identical, "
        f"{len(differences)} differences"
    )
    assert len(reference_schema.tables) == REFERENCE_TABLE_COUNT
    assert differences == []


def test_parity_check_sees_a_changed_column(reference_schema: SchemaShape, opdb_url: str) -> None:
    with psycopg.connect(opdb_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE mcs_data ALTER COLUMN peakvalue TYPE double precision")
        conn.execute("ALTER TABLE sps_exposure DROP CONSTRAINT sps_exposure_sps_camera_id_fkey")
    differences = diff_schemas(reference_schema, _opdb_tables(opdb_url))
    assert any("mcs_data: column peakvalue" in line for line in differences)
    assert any(
        "sps_exposure: constraint sps_exposure_sps_camera_id_fkey is missing" in line
        for line in differences
    )


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(migrations.alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_every_revision_walks_up_and_down(scratch_databases: Callable[..., str]) -> None:
    url = scratch_databases()
    empty = _opdb_tables(url)
    revisions = _revisions()
    for index, revision in enumerate(revisions):
        migrations.upgrade(url, revision)
        migrations.downgrade(url, revisions[index - 1] if index else "base")
        migrations.upgrade(url, revision)
    migrations.downgrade(url, "base")
    assert diff_schemas(empty, _opdb_tables(url)) == []
    assert read_schema(url, schema="opdb_ingest").tables == {}
    migrations.upgrade(url)
    assert len(_opdb_tables(url).tables) == REFERENCE_TABLE_COUNT


def test_models_match_migrations(opdb_url: str) -> None:
    engine = create_engine(sqlalchemy_database_url(opdb_url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "include_schemas": True,
                    "include_name": lambda name, kind, _parent: (
                        kind != "schema" or name in {None, "public", "opdb_ingest"}
                    ),
                    "compare_type": True,
                    "compare_server_default": True,
                },
            )
            differences = compare_metadata(context, [Base.metadata, BookkeepingBase.metadata])
    finally:
        engine.dispose()
    assert differences == []


def test_models_match_migrations_can_fail(opdb_url: str) -> None:
    with psycopg.connect(opdb_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE tel_status ADD COLUMN stray integer")
    engine = create_engine(sqlalchemy_database_url(opdb_url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert any(d[0] == "remove_column" and d[2] == "tel_status" for d in differences)


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "daemon.cli", *args],
        env={"OPDB_DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_migrate_command_creates_the_schema_and_is_idempotent(
    reference_schema: SchemaShape, scratch_databases: Callable[..., str]
) -> None:
    url = scratch_databases()
    first = _cli(url, "migrate")
    assert first.returncode == 0, first.stderr
    assert diff_schemas(reference_schema, _opdb_tables(url)) == []
    second = _cli(url, "migrate")
    assert second.returncode == 0, second.stderr
    with psycopg.connect(url) as conn:
        (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone() or ("",)
    assert version == migrations.head_revision()


def test_adopt_stamps_an_existing_opdb_then_migrate_reaches_head(
    scratch_databases: Callable[..., str],
) -> None:
    url = _reference_database(scratch_databases, "INSERT INTO pfs_visit (pfs_visit_id) VALUES (42)")
    adopted = _cli(url, "db", "adopt")
    assert adopted.returncode == 0, adopted.stderr
    assert migrations.database_revision(url) == migrations.BASELINE
    assert "opdb_adopt_check" not in str(read_schema(url, schema="opdb_adopt_check").tables)
    assert _cli(url, "migrate").returncode == 0
    assert migrations.database_revision(url) == migrations.head_revision()
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM pfs_visit").fetchone() == (1,)
    again = _cli(url, "db", "adopt")
    assert again.returncode == 0
    assert "already under migration control" in again.stderr


def test_adopt_refuses_a_database_that_differs_and_lists_why(
    scratch_databases: Callable[..., str],
) -> None:
    url = _reference_database(
        scratch_databases,
        "ALTER TABLE mcs_data ALTER COLUMN spot_id TYPE bigint",
        "DROP TABLE obslog_visit_set_note",
    )
    refused = _cli(url, "db", "adopt")
    assert refused.returncode == 1
    assert "mcs_data: column spot_id" in refused.stdout
    assert "table obslog_visit_set_note is missing" in refused.stdout
    assert migrations.database_revision(url) is None
