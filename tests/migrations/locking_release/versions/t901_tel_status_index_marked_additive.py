"""test only: a revision that claims to be additive but locks and breaks

It builds an index without CONCURRENTLY (writes to tel_status wait for the whole build)
and adds a NOT NULL column (every writer that does not know it fails). The lint test
must refuse it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from alembic import op
from daemon.schema.migrations import SCRIPT_LOCATION

revision: str = "t901"
down_revision: str | None = ScriptDirectory(
    str(SCRIPT_LOCATION), version_locations=[str(SCRIPT_LOCATION / "versions")]
).get_current_head()
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
kind: str = "additive"


def upgrade() -> None:
    op.create_index("ix_tel_status_caller", "tel_status", ["caller"])
    op.add_column("tel_status", sa.Column("shift", sa.Integer(), nullable=False))


def downgrade() -> None:
    op.drop_column("tel_status", "shift")
    op.drop_index("ix_tel_status_caller", table_name="tel_status")
