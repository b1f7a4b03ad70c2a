"""收案 apart from 受理: when the first claim registered the case (and took its number), apart from its acceptance

Cases registered before this change were accepted at their first claim: they keep that time as both.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE applications SET registered_at = accepted_at WHERE case_number IS NOT NULL")


def downgrade() -> None:
    # before this revision the claim was the acceptance: a registered case counts as accepted when it was registered
    op.execute("UPDATE applications SET accepted_at = registered_at WHERE accepted_at IS NULL AND registered_at IS NOT NULL")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("registered_at")
