"""receipt keys and id sequences

Two additions to the daemon's own schema, none to the opDB tables:

* ``event_ledger.generated_keys``: the serial values an event's rows were given, kept
  for events whose sender asked for a receipt, so that a redelivered copy is answered
  with the keys of the first commit.
* Sequences for the ids actors used to allocate as MAX(id)+1, read by ``opdb.ids``.
  Each starts above what its table holds now (an adopted opDB has rows); ``opdb.ids``
  also skips past values written around it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# A column and sequences in the daemon's own schema: see "Changing the schema".
kind: str = "additive"

# sequence name -> (table, column); kept in step with opdb.ids.ALLOCATED.
ID_SEQUENCES = {
    "iic_sequence_id_seq": ("iic_sequence", "iic_sequence_id"),
    "sequence_group_id_seq": ("sequence_group", "group_id"),
    "agc_exposure_id_seq": ("agc_exposure", "agc_exposure_id"),
}


def upgrade() -> None:
    op.add_column(
        "event_ledger",
        sa.Column(
            "generated_keys",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="Serial values generated for the event's rows, kept when its sender "
            "asked for a receipt, so that a redelivered copy is answered with the same keys",
        ),
        schema="opdb_ingest",
    )
    for sequence, (table, column) in ID_SEQUENCES.items():
        op.execute(f"CREATE SEQUENCE opdb_ingest.{sequence} AS bigint MINVALUE 1")
        # The next value is one above the table's largest id (1 on an empty table).
        op.execute(
            f"SELECT setval('opdb_ingest.{sequence}', "
            f"COALESCE((SELECT MAX({column}) FROM public.{table}), 0) + 1, false)"
        )


def downgrade() -> None:
    for sequence in ID_SEQUENCES:
        op.execute(f"DROP SEQUENCE opdb_ingest.{sequence}")
    op.drop_column("event_ledger", "generated_keys", schema="opdb_ingest")
