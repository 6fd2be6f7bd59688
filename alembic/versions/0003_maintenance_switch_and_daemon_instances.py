"""maintenance switch and daemon instances

The shared, persistent maintenance switch (one row, created off) and the table where
each daemon reports its state, which `maintenance on --wait` and `status` read.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 05:39:10.947292
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# New tables only: see "Changing the schema" in the README.
kind: str = "additive"


def upgrade() -> None:
    op.create_table('daemon_instance',
    sa.Column('instance_id', sa.Uuid(), nullable=False, comment='Random id of one daemon process'),
    sa.Column('host', sa.Text(), nullable=False, comment='Host the daemon runs on'),
    sa.Column('pid', sa.Integer(), nullable=False, comment='Its process id'),
    sa.Column('queue', sa.Text(), nullable=False, comment='Queue it consumes'),
    sa.Column('state', sa.String(length=32), nullable=False, comment='running, maintenance, schema_mismatch, not_ready... (daemon.ingest.gate.State)'),
    sa.Column('state_reason', sa.Text(), nullable=True, comment='Why it is in that state'),
    sa.Column('expected_revision', sa.String(length=32), nullable=False, comment='Schema revision its code writes into'),
    sa.Column('database_revision', sa.String(length=32), nullable=True, comment='Schema revision it last found in the database'),
    sa.Column('in_flight', sa.Integer(), nullable=False, comment='Messages it holds unacknowledged'),
    sa.Column('started_at', sa.TIMESTAMP(timezone=True), nullable=False, comment='When the process started'),
    sa.Column('heartbeat_at', sa.TIMESTAMP(timezone=True), nullable=False, comment='Its last report'),
    sa.Column('last_commit_at', sa.TIMESTAMP(timezone=True), nullable=True, comment='Its last committed batch'),
    sa.Column('events_last_minute', sa.Integer(), nullable=False, comment='Events it committed in the last 60 s'),
    sa.Column('rows_last_minute', sa.Integer(), nullable=False, comment='Rows it committed in the last 60 s'),
    sa.PrimaryKeyConstraint('instance_id', name=op.f('daemon_instance_pkey')),
    schema='opdb_ingest'
    )
    op.create_index(op.f('ix_daemon_instance_heartbeat_at'), 'daemon_instance', ['heartbeat_at'], unique=False, schema='opdb_ingest')
    op.create_table('maintenance',
    sa.Column('singleton', sa.Boolean(), server_default=sa.text('true'), nullable=False, comment='Always true: one row only'),
    sa.Column('enabled', sa.Boolean(), nullable=False, comment='While true, daemons stop consuming and write nothing'),
    sa.Column('reason', sa.Text(), nullable=True, comment='Why maintenance was switched on'),
    sa.Column('changed_at', sa.TIMESTAMP(timezone=True), server_default=sa.text('now()'), nullable=False, comment='When the switch last changed'),
    sa.Column('changed_by', sa.Text(), nullable=True, comment='Who changed it: user@host of the command'),
    sa.CheckConstraint('singleton', name=op.f('maintenance_singleton_check')),
    sa.PrimaryKeyConstraint('singleton', name=op.f('maintenance_pkey')),
    schema='opdb_ingest'
    )
    op.execute("INSERT INTO opdb_ingest.maintenance (enabled) VALUES (false)")


def downgrade() -> None:
    op.drop_table('maintenance', schema='opdb_ingest')
    op.drop_index(op.f('ix_daemon_instance_heartbeat_at'), table_name='daemon_instance', schema='opdb_ingest')
    op.drop_table('daemon_instance', schema='opdb_ingest')
