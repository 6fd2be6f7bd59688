"""Ids an actor allocates before it publishes, drawn from PostgreSQL sequences.

Some opDB keys are not given by the instrument but chosen by the actor that writes the
row: ``iic_sequence_id``, ``sequence_group.group_id``, ``agc_exposure_id``. Actors used
to take ``MAX(id) + 1``, which two quick calls (or two processes) both get once writes
are asynchronous. :func:`allocate` draws them from sequences in the daemon's schema
``opdb_ingest`` instead (created by migration 0005, started above what the tables held
then): unique across actors, processes and restarts, with no write to any table, so it
works while ingestion is paused for maintenance. It needs only ``USAGE`` on the
sequences and ``SELECT`` on the tables (the ``opdb_actor`` role of
``deploy/postgres/roles.sql``)::

    from opdb import ids
    (sequence_id,) = ids.allocate("iic_sequence_id")
    agc_ids = ids.allocate("agc_exposure_id", n=6)

Rows whose key is a serial column (``obslog_*``, ``calib*``, ...) may leave it out: the
daemon fills it, and a receipt reports the value. A child row *in the same event*
cannot wait for that, so take the key first from the column's own sequence, exactly
what its DEFAULT would have drawn, and write it into the parent and the child::

    (user_id,) = ids.allocate_serial("obslog_user")
    publisher.publish([
        insert("obslog_user", [{"id": user_id, "account_name": "pfs"}]),
        insert("obslog_visit_note", [{"user_id": user_id, "pfs_visit_id": v, "body": "ok"}]),
    ])

``tel_status.status_sequence_id`` is not here: it is a running number *within a visit*
(from Gen2), which one global sequence would not keep.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, Engine, func, select, text

from opdb import db
from opdb.models import Base

__all__ = ["ALLOCATED", "IdsBehindError", "allocate", "allocate_serial"]

ALLOCATED: Final[dict[str, tuple[str, str, str]]] = {
    # name -> (sequence in opdb_ingest, table, column); as in alembic revision 0005.
    "iic_sequence_id": ("iic_sequence_id_seq", "iic_sequence", "iic_sequence_id"),
    "group_id": ("sequence_group_id_seq", "sequence_group", "group_id"),
    "agc_exposure_id": ("agc_exposure_id_seq", "agc_exposure", "agc_exposure_id"),
}
_SCHEMA: Final = "opdb_ingest"
# How far a sequence may be skipped forward past ids written around it (say by an
# actor still on MAX+1) before an operator is asked to move it instead.
_MAX_SKIP: Final = 100_000


class IdsBehindError(RuntimeError):
    """The table holds ids far beyond its sequence; an operator must move it on."""


def _draw(connection: Connection, sequence: str, n: int) -> list[int]:
    rows = connection.execute(
        text("SELECT nextval(CAST(:sequence AS regclass)) FROM generate_series(1, :n)"),
        {"sequence": sequence, "n": n},
    )
    return sorted(int(value) for value in rows.scalars())


def _read_write(connection: Connection) -> None:
    # opdb.db engines start every transaction read-only, and PostgreSQL refuses
    # nextval() there. Drawing from a sequence writes no table, so this transaction
    # alone is made read-write; the role's privileges still decide what it may do.
    connection.exec_driver_sql("SET TRANSACTION READ WRITE")


def allocate(name: str, n: int = 1, *, engine: Engine | None = None) -> list[int]:
    """``n`` new ids of kind ``name`` (a key of :data:`ALLOCATED`), in increasing order.

    Every id is above what the table holds at the time of the call, even if something
    wrote past the sequence (then the sequence is skipped forward, up to 100,000 ids;
    beyond that :class:`IdsBehindError` says how to move it).
    """
    if name not in ALLOCATED:
        raise ValueError(f"no allocator for {name!r}; there are: {', '.join(ALLOCATED)}")
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    sequence, table, column = ALLOCATED[name]
    qualified = f"{_SCHEMA}.{sequence}"
    bind = engine if engine is not None else db.default_engine()
    with bind.connect() as connection:
        _read_write(connection)
        values = _draw(connection, qualified, n)
        top = connection.execute(select(func.max(Base.metadata.tables[table].c[column]))).scalar()
        while top is not None and values[0] <= top:
            behind = int(top) - values[0] + 1
            if behind > _MAX_SKIP:
                raise IdsBehindError(
                    f"{table}.{column} holds ids up to {top}, {behind} beyond the sequence "
                    f"{qualified}; as the schema owner run: SELECT setval('{qualified}', "
                    f"{top})"
                )
            values = [v for v in values + _draw(connection, qualified, behind) if v > top]
            if len(values) < n:
                values += _draw(connection, qualified, n - len(values))
            values = sorted(values)[:n]
        connection.commit()
    return sorted(values)


def allocate_serial(table: str, n: int = 1, *, engine: Engine | None = None) -> list[int]:
    """``n`` keys for rows of ``table`` whose primary key is a serial column, drawn from
    that column's own sequence (what its DEFAULT would draw), so that rows published
    with them can be referred to by their children in the same event."""
    tables = Base.metadata.tables
    if table not in tables or tables[table].autoincrement_column is None:
        serial = sorted(t.name for t in tables.values() if t.autoincrement_column is not None)
        raise ValueError(f"{table!r} has no serial key; tables that do: {', '.join(serial)}")
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    column = tables[table].autoincrement_column
    assert column is not None
    bind = engine if engine is not None else db.default_engine()
    with bind.connect() as connection:
        _read_write(connection)
        rows = connection.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, :column)) "
                "FROM generate_series(1, :n)"
            ),
            {"table": f"public.{table}", "column": column.name, "n": n},
        )
        values = [int(value) for value in rows.scalars()]
        connection.commit()
    return sorted(values)
