"""ingest bookkeeping: event ledger

The daemon's own schema, apart from the opDB tables: the ledger of committed event ids
that makes redelivered events harmless.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 05:23:06.564439
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# A new schema and table only: see "Changing the schema" in the README.
kind: str = "additive"


def upgrade() -> None:
    op.execute("CREATE SCHEMA opdb_ingest")
    op.create_table('event_ledger',
    sa.Column('event_id', sa.Uuid(), nullable=False, comment='Event id chosen by the publisher'),
    sa.Column('source', sa.String(length=64), nullable=False, comment='Actor that published the event'),
    sa.Column('sent_at', sa.TIMESTAMP(timezone=True), nullable=False, comment='When the actor sent the event'),
    sa.Column('committed_at', sa.TIMESTAMP(timezone=True), server_default=sa.text('now()'), nullable=False, comment="When the transaction holding the event's rows committed"),
    sa.Column('row_count', sa.Integer(), nullable=False, comment='Rows the event wrote, all tables together'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('event_ledger_pkey')),
    schema='opdb_ingest'
    )
    op.create_index(op.f('ix_event_ledger_committed_at'), 'event_ledger', ['committed_at'], unique=False, schema='opdb_ingest')


def downgrade() -> None:
    op.drop_index(op.f('ix_event_ledger_committed_at'), table_name='event_ledger', schema='opdb_ingest')
    op.drop_table('event_ledger', schema='opdb_ingest')
    op.execute("DROP SCHEMA opdb_ingest")
