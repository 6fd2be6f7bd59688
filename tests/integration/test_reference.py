"""``opdb-ingestd db seed-reference`` makes a fresh database usable, once and for all:
a second run changes nothing, rows already there are never touched, and neither is
anything by ``db adopt``. After seeding, the README's SPS call lands at once instead of
waiting 15 minutes for parents and being dead-lettered."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from support import count, opdb_without_history, publisher_options, running_service, wait_until

from daemon import cli
from daemon.errors import IngestError
from daemon.ops.reference import seed
from daemon.settings import Settings
from opdb.locks import WRITE_LOCK_KEY
from opdb.models import Base
from opdb.publish import Publisher
from opdb.reference import REFERENCE_ROWS

pytestmark = pytest.mark.integration

EXPECTED = {
    "sps_module": 4,
    "sps_camera": 16,
    "mcs_camera": 2,
    "cobra_motor_axis": 2,
    "cobra_motor_direction": 2,
    "cloud_condition": 4,
}


def snapshot(url: str) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every opDB table with its xmin, which changes if a row is rewritten."""
    found: dict[str, set[tuple[Any, ...]]] = {}
    with psycopg.connect(url) as connection:
        for table in Base.metadata.sorted_tables:
            query = sql.SQL("SELECT xmin::text, t.* FROM {} AS t").format(
                sql.Identifier(table.name)
            )
            found[table.name] = set(connection.execute(query).fetchall())
    return found


@pytest.fixture
def run_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    """``opdb-ingestd ARGS`` in this process on the database at ``url``: the exit code,
    standard output and standard error."""

    def run(url: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("OPDB_DATABASE_URL", url)
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_seed_reference_loads_the_standard_rows_once(
    opdb_url: str, run_cli: Callable[..., tuple[int, str, str]]
) -> None:
    assert {table: count(opdb_url, table) for table in EXPECTED} == dict.fromkeys(EXPECTED, 0)
    code, out, _ = run_cli(opdb_url, "db", "seed-reference")
    assert code == 0
    assert "sps_camera: 16 added, 0 already there" in out
    assert {table: count(opdb_url, table) for table in EXPECTED} == EXPECTED
    assert set(REFERENCE_ROWS) == set(EXPECTED)

    before = snapshot(opdb_url)
    code, out, _ = run_cli(opdb_url, "db", "seed-reference")
    assert code == 0
    assert "sps_module: 0 added, 4 already there" in out
    assert snapshot(opdb_url) == before


def test_adopt_and_seed_never_touch_rows_already_there(
    scratch_databases: Callable[..., str], run_cli: Callable[..., tuple[int, str, str]]
) -> None:
    # An opDB from before this project, with the site's own rows in two of the static
    # tables.
    url = opdb_without_history(scratch_databases("opdb_adopted"))
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("INSERT INTO sps_module VALUES (1, 'SM1 (site name)')")
        connection.execute("INSERT INTO mcs_camera VALUES (1, 'rmod', 'as the summit spells it')")
    site_rows = snapshot(url)

    code, _, _ = run_cli(url, "db", "adopt")
    assert code == 0
    assert snapshot(url) == site_rows

    code, out, _ = run_cli(url, "db", "seed-reference")
    assert code == 0
    assert "sps_module: 3 added, 1 already there" in out
    assert "mcs_camera: 1 added, 1 already there" in out
    seeded = snapshot(url)
    for table, rows in site_rows.items():
        assert rows <= seeded[table], table  # same values, same xmin: untouched
    assert {table: len(seeded[table]) for table in EXPECTED} == EXPECTED


def test_seed_reference_on_a_database_without_tables_says_what_to_do(
    scratch_databases: Callable[..., str], run_cli: Callable[..., tuple[int, str, str]]
) -> None:
    code, _, error = run_cli(scratch_databases("opdb_empty"), "db", "seed-reference")
    assert code == 1
    assert "run `opdb-ingestd migrate` first" in error
    assert "Traceback" not in error


async def test_after_seeding_the_readme_sps_call_lands_at_once(
    settings: Settings, tmp_path: Path, run_cli: Callable[..., tuple[int, str, str]]
) -> None:
    url = settings.libpq_url
    assert run_cli(url, "db", "seed-reference")[0] == 0

    def actor() -> None:
        with Publisher("sps", **publisher_options(settings, tmp_path)) as publisher:
            publisher.publish_sps_exposure(
                [
                    {
                        "pfs_visit_id": 123456,
                        "sps_camera_id": camera,
                        "exptime": 900.0,
                        "time_exp_start": "2026-11-24T21:05:00",
                        "time_exp_end": "2026-11-24T21:20:00",
                    }
                    for camera in (1, 2, 3)
                ],
                sps_visit={"pfs_visit_id": 123456, "exp_type": "object"},
            )

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("INSERT INTO pfs_visit (pfs_visit_id) VALUES (123456)")
    async with running_service(settings):
        await asyncio.to_thread(actor)
        await wait_until(lambda: count(url, "sps_exposure") == 3, 10, "3 sps_exposure rows")


def test_seed_reference_waits_for_no_migration_and_writes_nothing_during_one(
    opdb_url: str,
) -> None:
    with psycopg.connect(opdb_url, autocommit=True) as migrator:
        migrator.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK_KEY,))
        with pytest.raises(IngestError, match="a migration is running"):
            seed(opdb_url)
    assert count(opdb_url, "sps_module") == 0
    assert seed(opdb_url)["sps_module"] == 4


def test_seed_reference_loads_the_sites_own_rows_from_a_file(
    opdb_url: str, run_cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """Codes this project cannot know (the beam-switching modes) come from the site's
    list; a row the file shares with the standard ones is the site's."""
    rows = tmp_path / "site.json"
    rows.write_text(
        '{"beam_switch_mode": [{"beam_switch_mode_id": 0, "beam_switch_mode_name": "off"},'
        ' {"beam_switch_mode_id": 1, "beam_switch_mode_name": "on-off"}],'
        ' "cloud_condition": [{"cloud_condition_id": 0, "cloud_condition_name": "site"}]}'
    )
    code, out, err = run_cli(opdb_url, "db", "seed-reference", "--rows", str(rows))
    assert code == 0, err
    assert "beam_switch_mode: 2 added, 0 already there" in out
    assert "cloud_condition: 4 added, 1 already there" in out
    with psycopg.connect(opdb_url) as conn:
        assert conn.execute(
            "SELECT beam_switch_mode_id, beam_switch_mode_name FROM beam_switch_mode ORDER BY 1"
        ).fetchall() == [(0, "off"), (1, "on-off")]
        assert conn.execute(
            "SELECT cloud_condition_name FROM cloud_condition WHERE cloud_condition_id = 0"
        ).fetchone() == ("site",)
    code, out, _ = run_cli(opdb_url, "db", "seed-reference", "--rows", str(rows))
    assert code == 0
    assert "beam_switch_mode: 0 added, 2 already there" in out


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (None, "cannot read it (No such file or directory)"),
        ("{not json", "not a JSON document"),
        ('[{"beam_switch_mode_id": 0}]', "expected an object of table name"),
        ('{"beam_switch_mode": []}', "expected an object of table name"),
        ('{"beam_switch_modes": [{"x": 1}]}', "unknown_table"),
        ('{"beam_switch_mode": [{"beam_switch_mode_id": "zero"}]}', "beam_switch_mode_id"),
    ],
)
def test_a_bad_rows_file_is_one_line_and_loads_nothing(
    opdb_url: str,
    run_cli: Callable[..., tuple[int, str, str]],
    tmp_path: Path,
    text: str | None,
    said: str,
) -> None:
    rows = tmp_path / "site.json"
    if text is not None:
        rows.write_text(text)
    code, out, err = run_cli(opdb_url, "db", "seed-reference", "--rows", str(rows))
    print(err)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert f"--rows {rows}: " in err
    assert said in err
    assert count(opdb_url, "sps_module") == 0
