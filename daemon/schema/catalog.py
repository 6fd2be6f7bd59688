"""Read a database's table shapes from the PostgreSQL catalogs and compare two of them.

Used to prove that the migrations reproduce the reference opDB schema and to check an
existing opDB before adopting it into our migration history. Only what matters for
writing rows is compared: columns (order, type, nullability, default), constraints
(primary, foreign, unique, check) with their definitions, indexes and sequences.
Comments are descriptive and deliberately ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg

_COLUMNS_SQL = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = %(schema)s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum
"""

_CONSTRAINTS_SQL = """
SELECT c.relname, k.conname, k.contype::text, pg_get_constraintdef(k.oid)
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relkind = 'r'
"""

_INDEXES_SQL = """
SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %(schema)s
"""

_SEQUENCES_SQL = """
SELECT sequencename, data_type::text, start_value, increment_by FROM pg_sequences
WHERE schemaname = %(schema)s
"""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    not_null: bool
    default: str | None


@dataclass
class TableShape:
    columns: list[Column] = field(default_factory=list)
    constraints: dict[str, tuple[str, str]] = field(default_factory=dict)
    indexes: dict[str, str] = field(default_factory=dict)


@dataclass
class SchemaShape:
    tables: dict[str, TableShape]
    sequences: dict[str, tuple[str, int, int]]


def read_schema(conninfo: str, schema: str = "public", ignore: Iterable[str] = ()) -> SchemaShape:
    """Snapshot the tables of ``schema`` in the database at ``conninfo`` (a libpq URL)."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        return read_schema_from(conn, schema, ignore)


def read_schema_from(
    conn: psycopg.Connection[Any], schema: str = "public", ignore: Iterable[str] = ()
) -> SchemaShape:
    """Snapshot ``schema`` through an open connection (and its current transaction).

    Names are rendered without their schema, so two schemas of one database compare.
    """
    skipped = set(ignore)
    tables: dict[str, TableShape] = {}
    params = {"schema": schema}
    prefix = f"{schema}."

    def local(text: str | None) -> str | None:
        return None if text is None else text.replace(prefix, "")

    # Qualify every name the same way whatever the caller's search_path is.
    conn.execute("SET LOCAL search_path = pg_catalog")
    for table, name, type_, not_null, default in conn.execute(_COLUMNS_SQL, params):
        if table not in skipped:
            tables.setdefault(table, TableShape()).columns.append(
                Column(name, type_, not_null, local(default))
            )
    for table, name, kind, definition in conn.execute(_CONSTRAINTS_SQL, params):
        if table in tables:
            tables[table].constraints[name] = (kind, local(definition) or "")
    for table, name, definition in conn.execute(_INDEXES_SQL, params):
        if table in tables:
            tables[table].indexes[name] = local(definition) or ""
    sequences = {
        name: (data_type, start, increment)
        for name, data_type, start, increment in conn.execute(_SEQUENCES_SQL, params)
    }
    return SchemaShape(tables=tables, sequences=sequences)


def _diff_named(
    what: str, where: str, expected: dict[str, object], actual: dict[str, object]
) -> list[str]:
    problems = [f"{where}: {what} {name} is missing" for name in expected.keys() - actual.keys()]
    problems += [f"{where}: unexpected {what} {name}" for name in actual.keys() - expected.keys()]
    problems += [
        f"{where}: {what} {name} is {actual[name]!r}, expected {expected[name]!r}"
        for name in expected.keys() & actual.keys()
        if expected[name] != actual[name]
    ]
    return problems


def _diff_table(name: str, expected: TableShape, actual: TableShape) -> list[str]:
    problems: list[str] = []
    expected_columns = {c.name: c for c in expected.columns}
    actual_columns = {c.name: c for c in actual.columns}
    problems += _diff_named("column", name, dict(expected_columns), dict(actual_columns))
    expected_order = [c.name for c in expected.columns if c.name in actual_columns]
    actual_order = [c.name for c in actual.columns if c.name in expected_columns]
    if expected_order != actual_order:
        problems.append(f"{name}: column order is {actual_order}, expected {expected_order}")
    problems += _diff_named(
        "constraint", name, dict(expected.constraints), dict(actual.constraints)
    )
    problems += _diff_named("index", name, dict(expected.indexes), dict(actual.indexes))
    return problems


def diff_schemas(expected: SchemaShape, actual: SchemaShape) -> list[str]:
    """Every difference between two snapshots, one readable line each; empty if equal."""
    problems = [f"table {t} is missing" for t in sorted(expected.tables.keys() - actual.tables)]
    problems += [f"unexpected table {t}" for t in sorted(actual.tables.keys() - expected.tables)]
    for table in sorted(expected.tables.keys() & actual.tables.keys()):
        problems += _diff_table(table, expected.tables[table], actual.tables[table])
    problems += _diff_named("sequence", "schema", dict(expected.sequences), dict(actual.sequences))
    return sorted(problems)
