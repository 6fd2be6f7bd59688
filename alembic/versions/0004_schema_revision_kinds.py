"""schema revision kinds

Records each revision applied from now on with its kind (additive or breaking), so that
a daemon built for an older revision can tell whether it may keep writing into a
database that newer code has migrated further (alembic/env.py fills it in).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# A new table only: see "Changing the schema" in the README.
kind: str = "additive"


def upgrade() -> None:
    op.create_table('schema_revision',
    sa.Column('revision', sa.String(length=32), nullable=False, comment='Alembic revision id'),
    sa.Column('down_revision', sa.String(length=32), nullable=True, comment='The revision it was applied on top of'),
    sa.Column('kind', sa.String(length=16), nullable=False, comment='additive: code of the revision below keeps writing; breaking: it may not'),
    sa.Column('applied_at', sa.TIMESTAMP(timezone=True), server_default=sa.text('now()'), nullable=False, comment='When it was applied'),
    sa.CheckConstraint("kind IN ('additive', 'breaking')", name=op.f('schema_revision_kind_check')),
    sa.PrimaryKeyConstraint('revision', name=op.f('schema_revision_pkey')),
    schema='opdb_ingest'
    )


def downgrade() -> None:
    op.drop_table('schema_revision', schema='opdb_ingest')
