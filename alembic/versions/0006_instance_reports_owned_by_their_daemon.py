"""instance reports owned by their daemon

Row-level security on ``opdb_ingest.daemon_instance``: every role reads every report,
but a role without BYPASSRLS (the ingest role) adds or refreshes a report only from a
session holding the report's key. A daemon draws a random key at start, sets it in its
control session (``opdb.instance_key``) and takes as its instance id the first 16 bytes
of the key's SHA-256; the key itself never reaches the database's tables, so another
daemon sharing the role can read the id but cannot claim the row.

Breaking: a daemon built for an earlier revision reports under a random id with no key,
which the policy refuses, so it must be replaced (it would keep writing but vanish from
``status``). The migrator owns the table and is not subject to the policies.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
kind: str = "breaking"

# Kept in step with daemon.ingest.gate.instance_id_for and INSTANCE_KEY_SETTING.
_OWN_ROW = (
    "instance_id = encode(substr(sha256(convert_to("
    "current_setting('opdb.instance_key', true), 'UTF8')), 1, 16), 'hex')::uuid"
)


def upgrade() -> None:
    op.execute("ALTER TABLE opdb_ingest.daemon_instance ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY reports_are_readable ON opdb_ingest.daemon_instance "
        "FOR SELECT USING (true)"
    )
    op.execute(
        "CREATE POLICY report_added_by_its_daemon ON opdb_ingest.daemon_instance "
        f"FOR INSERT WITH CHECK ({_OWN_ROW})"
    )
    op.execute(
        "CREATE POLICY report_refreshed_by_its_daemon ON opdb_ingest.daemon_instance "
        f"FOR UPDATE USING ({_OWN_ROW}) WITH CHECK ({_OWN_ROW})"
    )


def downgrade() -> None:
    for policy in (
        "report_refreshed_by_its_daemon",
        "report_added_by_its_daemon",
        "reports_are_readable",
    ):
        op.execute(f"DROP POLICY {policy} ON opdb_ingest.daemon_instance")
    op.execute("ALTER TABLE opdb_ingest.daemon_instance DISABLE ROW LEVEL SECURITY")
