"""Thin, typed wrappers over alembic for the CLI, the daemon and the tests.

The migration scripts live in the repository's ``alembic/`` directory; the daemon's
code knows which revision is head, and so which schema it can write into.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import psycopg
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from alembic.util import CommandError
from psycopg import sql
from sqlalchemy import Connection, Engine, create_engine, pool

from alembic import command
from daemon.errors import ConfigurationError
from daemon.schema.catalog import diff_schemas, read_schema_from
from daemon.settings import sqlalchemy_database_url

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
SCRIPT_LOCATION = REPOSITORY_ROOT / "alembic"
# More directories of revisions on top of ours; tests use it to stand in for the
# next release's migration without touching the real history.
EXTRA_VERSION_LOCATIONS: list[Path] = []


# The guard rails of every migration session, online or printed for a DBA: a DDL
# statement that waits this long for a lock gives up rather than queueing every writer
# behind it; a statement that runs this long is cancelled.
DEFAULT_SESSION_OPTIONS: dict[str, str] = {"lock_timeout": "10s", "statement_timeout": "30min"}


def session_statements(options: Mapping[str, str] | None = None) -> list[str]:
    """The ``SET`` statements a migration session starts with (defaults filled in)."""
    unknown = set(options or {}) - set(DEFAULT_SESSION_OPTIONS)
    if unknown:
        raise ConfigurationError(f"unknown migration session setting(s): {sorted(unknown)}")
    merged = {**DEFAULT_SESSION_OPTIONS, **(options or {})}
    quoted = {name: value.replace("'", "''") for name, value in merged.items()}
    return [f"SET {name} = '{value}'" for name, value in quoted.items()]


def alembic_config(
    connection: Connection | Engine | None = None,
    options: Mapping[str, str] | None = None,
    output: io.StringIO | None = None,
) -> Config:
    """An alembic ``Config`` for our scripts, optionally bound to an open connection (or
    an engine), with the session settings ``options`` and SQL printed into ``output``."""
    if not (SCRIPT_LOCATION / "env.py").is_file():
        raise ConfigurationError(
            f"migration scripts not found at {SCRIPT_LOCATION}; "
            "install the project from its repository checkout (pip install -e .)"
        )
    config = Config(str(REPOSITORY_ROOT / "alembic.ini"), output_buffer=output)
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if EXTRA_VERSION_LOCATIONS:
        locations = [SCRIPT_LOCATION / "versions", *EXTRA_VERSION_LOCATIONS]
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", os.pathsep.join(str(p) for p in locations))
    if connection is not None:
        config.attributes["connection"] = connection
    if options is not None:
        config.attributes["session_options"] = dict(options)
    return config


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest revision this code knows: the schema it is written for."""
    head = _script().get_current_head()
    if head is None:
        raise ConfigurationError("the migration history is empty")
    return head


def known_revisions() -> list[str]:
    """Every revision this code knows, oldest first."""
    return [r.revision for r in reversed(list(_script().walk_revisions()))]


def _find(revision: str) -> Script | None:
    try:
        found = _script().get_revision(revision)
    except CommandError:
        return None
    return found if isinstance(found, Script) else None


def resolve(target: str) -> str | None:
    """The revision id a target such as ``head`` or ``base`` stands for."""
    if target == "base":
        return None
    found = _find(target)
    if found is None:
        known = ", ".join(known_revisions())
        raise ConfigurationError(
            f"unknown revision {target!r}: this release knows {known}, head and base"
        )
    return found.revision


def is_known(revision: str) -> bool:
    return _find(revision) is not None


def current_revision(connection: Connection) -> str | None:
    """The revision recorded in the database, or None if it has no alembic history."""
    return MigrationContext.configure(connection).get_current_revision()


def _engine(database_url: str) -> Engine:
    return create_engine(sqlalchemy_database_url(database_url), poolclass=pool.NullPool)


def database_revision(database_url: str) -> str | None:
    engine = _engine(database_url)
    try:
        with engine.connect() as connection:
            return current_revision(connection)
    finally:
        engine.dispose()


def _is_below(target: str | None, current: str | None) -> bool:
    """True when ``target`` is an ancestor of ``current``: reaching it means going down."""
    if current is None or target == current:
        return False
    if target is None:
        return True
    return any(r.revision == target for r in _script().iterate_revisions(current, "base"))


Direction = Literal["upgrade", "downgrade", "none"]


def direction(current: str | None, target: str | None) -> Direction:
    """Which way a database at ``current`` moves to reach ``target`` (resolved ids)."""
    if current == target:
        return "none"
    return "downgrade" if _is_below(target, current) else "upgrade"


def steps(current: str | None, target: str | None) -> list[str]:
    """The revisions applied (upgrade) or undone (downgrade), in the order they run."""
    script = _script()
    if direction(current, target) == "downgrade":
        assert current is not None
        return [r.revision for r in script.iterate_revisions(current, target or "base")]
    if target is None:
        return []
    return [r.revision for r in reversed(list(script.iterate_revisions(target, current or "base")))]


@contextmanager
def _bound_config(
    database_url: str, options: Mapping[str, str] | None = None
) -> Iterator[tuple[Config, Connection]]:
    """An alembic config bound to a connection whose transaction commits on success."""
    engine = _engine(database_url)
    try:
        with engine.begin() as connection:
            yield alembic_config(connection, options), connection
    finally:
        engine.dispose()


def upgrade(
    database_url: str, revision: str = "head", options: Mapping[str, str] | None = None
) -> None:
    """Move the database at ``database_url`` to ``revision``, up or down as needed
    (no maintenance gating here); ``options`` are the migration session settings
    (``lock_timeout``, ``statement_timeout``; defaults otherwise)."""
    target = resolve(revision)
    with _bound_config(database_url, options) as (config, connection):
        if _is_below(target, current_revision(connection)):
            command.downgrade(config, target or "base")
        else:
            command.upgrade(config, target or "base")


def downgrade(database_url: str, revision: str) -> None:
    """Downgrade the database at ``database_url`` to ``revision``."""
    with _bound_config(database_url) as (config, _):
        command.downgrade(config, revision)


def stamp(database_url: str, revision: str) -> None:
    """Record ``revision`` in the database without running anything."""
    with _bound_config(database_url) as (config, _):
        command.stamp(config, revision)


BASELINE = "0001"
KINDS = ("additive", "breaking")


def revision_kind(revision: str) -> str:
    """Whether code built for the revision before ``revision`` can keep writing once it
    is applied ("additive") or not ("breaking"); undeclared counts as breaking."""
    found = _find(revision)
    if found is None:
        raise ConfigurationError(f"unknown revision {revision!r}")
    kind = getattr(found.module, "kind", "breaking")
    if kind not in KINDS:
        raise ConfigurationError(f"revision {revision} declares kind {kind!r}, not one of {KINDS}")
    return str(kind)


# Squawk rules about style, not about what locks or breaks running code: an additive
# revision may trip them (the reference schema itself uses integer and varchar columns).
STYLE_RULES = frozenset(
    {
        "ban-char-field",
        "prefer-big-int",
        "prefer-bigint-over-int",
        "prefer-bigint-over-smallint",
        "prefer-identity",
        "prefer-robust-stmts",
        "prefer-text-field",
        "prefer-timestamp-tz",
        "prefer-timestamptz",
    }
)


def lint(revision: str, pg_version: str = "15") -> list[str]:
    """Squawk's findings on the SQL that applies ``revision`` (as ``alembic upgrade --sql``
    prints it), leaving out the style rules: one line per finding, empty when clean."""
    squawk = shutil.which("squawk")
    if squawk is None:
        raise ConfigurationError("squawk is not installed (pip install squawk-cli)")
    found = _find(revision)
    if found is None:
        raise ConfigurationError(f"unknown revision {revision!r}")
    down = found.down_revision
    if not isinstance(down, str | None):
        raise ConfigurationError(f"revision {revision} merges several; lint each branch")
    upgrade_sql = offline_sql(down, found.revision)
    result = subprocess.run(
        [
            squawk,
            "--reporter",
            "json",
            f"--pg-version={pg_version}",
            "--stdin-filepath",
            f"{revision}.sql",
        ],
        input=upgrade_sql,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        findings = json.loads(result.stdout or "[]")
    except json.JSONDecodeError as exc:
        raise ConfigurationError(f"squawk failed: {result.stderr.strip()}") from exc
    lines = upgrade_sql.splitlines()
    return [
        f"{revision}: {f['rule_name']}: {lines[f['line']].strip()}"
        for f in findings
        if f["rule_name"] not in STYLE_RULES
    ]


_ADOPT_CHECK_SCHEMA = "opdb_adopt_check"


def adoption_differences(database_url: str) -> list[str]:
    """How the database's tables differ from the baseline revision's; empty when an
    existing opDB can be stamped at the baseline as it is.

    The baseline is built for comparison in a scratch schema of the same database,
    inside a transaction that is rolled back, so nothing is left behind.
    """
    engine = _engine(database_url)
    try:
        with engine.connect() as connection:
            transaction = connection.begin()
            try:
                connection.exec_driver_sql(f"CREATE SCHEMA {_ADOPT_CHECK_SCHEMA}")
                connection.exec_driver_sql(f"SET LOCAL search_path = {_ADOPT_CHECK_SCHEMA}")
                command.upgrade(alembic_config(connection), BASELINE)
                raw = connection.connection.driver_connection
                assert isinstance(raw, psycopg.Connection)
                expected = read_schema_from(raw, _ADOPT_CHECK_SCHEMA, ignore=["alembic_version"])
                actual = read_schema_from(raw, "public", ignore=["alembic_version"])
            finally:
                transaction.rollback()
    finally:
        engine.dispose()
    return diff_schemas(expected, actual)


def offline_sql(
    start: str | None, target: str | None, options: Mapping[str, str] | None = None
) -> str:
    """The SQL that moves a database from ``start`` to ``target`` (resolved ids), either
    way, beginning with the session settings the real run uses."""
    output = io.StringIO()
    config = alembic_config(options=options or {}, output=output)
    if direction(start, target) == "downgrade":
        command.downgrade(config, f"{start}:{target or 'base'}", sql=True)
    elif target is not None and start != target:
        command.upgrade(config, f"{start}:{target}" if start else target, sql=True)
    return output.getvalue()


# Tables whose rows are the daemons' passing state or follow from the scripts, not
# data: dropping them loses nothing a person needs.
_TRANSIENT_TABLES = frozenset(
    {
        "alembic_version",
        "opdb_ingest.maintenance",
        "opdb_ingest.daemon_instance",
        "opdb_ingest.schema_revision",
    }
)
_DROP_TABLE = re.compile(r"^DROP TABLE (?:IF EXISTS )?([\w.\"]+)", re.MULTILINE | re.IGNORECASE)
_DROP_COLUMN = re.compile(
    r"^ALTER TABLE ([\w.\"]+) DROP COLUMN (?:IF EXISTS )?([\w\"]+)", re.MULTILINE | re.IGNORECASE
)


@dataclass(frozen=True)
class Drop:
    """A table or column a downgrade drops, and whether it holds data now."""

    table: str
    column: str | None
    holds_data: bool
    estimated_rows: int | None = None

    def __str__(self) -> str:
        what = f"column {self.table}.{self.column}" if self.column else f"table {self.table}"
        if not self.holds_data:
            return f"{what} (empty)"
        if self.column:
            return f"{what} (holds values)"
        rows = f"about {self.estimated_rows:,} rows" if self.estimated_rows else "holds rows"
        return f"{what} ({rows})"


def _holds_data(conn: psycopg.Connection[Any], table: str, column: str | None) -> bool:
    parts = [sql.Identifier(p.strip('"')) for p in table.split(".")]
    name = sql.SQL(".").join(parts)
    if column is None:
        query = sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(name)
    else:
        query = sql.SQL("SELECT EXISTS (SELECT 1 FROM {} WHERE {} IS NOT NULL)").format(
            name, sql.Identifier(column.strip('"'))
        )
    try:
        with conn.transaction():
            # An all-NULL column of a huge table would be a full scan: after a few
            # seconds, assume it holds data and ask for the confirmation.
            conn.execute("SET LOCAL statement_timeout = '5s'")
            row = conn.execute(query).fetchone()
    except psycopg.errors.QueryCanceled:
        return True
    except psycopg.errors.UndefinedTable:
        return False
    return bool(row and row[0])


def data_dropped(libpq_url: str, start: str, target: str | None) -> list[Drop]:
    """What downgrading from ``start`` to ``target`` drops, read from the downgrade's own
    SQL, with whether each table or column holds data in the database now."""
    downgrade_sql = offline_sql(start, target)
    found: list[tuple[str, str | None]] = [
        (m.group(1), None) for m in _DROP_TABLE.finditer(downgrade_sql)
    ]
    found += [(m.group(1), m.group(2)) for m in _DROP_COLUMN.finditer(downgrade_sql)]
    drops = []
    with psycopg.connect(libpq_url) as conn:
        for table, column in found:
            if table in _TRANSIENT_TABLES:
                continue
            holds = _holds_data(conn, table, column)
            estimate = None
            if holds and column is None:
                row = conn.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", (table,)
                ).fetchone()
                estimate = int(row[0]) if row and row[0] and row[0] > 0 else None
            drops.append(Drop(table, column, holds, estimate))
    return drops


def unadopted_opdb_tables(libpq_url: str) -> int:
    """How many opDB tables a database without migration history already holds."""
    from opdb.models import Base

    names = [t.name for t in Base.metadata.sorted_tables if t.schema in (None, "public")]
    with psycopg.connect(libpq_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY(%s)",
            (names,),
        ).fetchone()
    return int(row[0]) if row else 0
