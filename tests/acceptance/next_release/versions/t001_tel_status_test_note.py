"""next release (test only): tel_status gains a column

Stands in for the next real schema change in the migration tests: it follows whatever
the real head is, so the tests keep working as the real history grows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from alembic import op
from daemon.schema.migrations import SCRIPT_LOCATION

revision: str = "t001"
down_revision: str | None = ScriptDirectory(
    str(SCRIPT_LOCATION), version_locations=[str(SCRIPT_LOCATION / "versions")]
).get_current_head()
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# One nullable column: see "Changing the schema" in the README.
kind: str = "additive"


def upgrade() -> None:
    op.add_column("tel_status", sa.Column("test_note", sa.String(), nullable=True))


def downgrade() -> None:
    op.drop_column("tel_status", "test_note")
