"""returning a case for supplement sets a deadline the judge chooses, and records when it was ordered

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supplement_deadline", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("supplement_ordered_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("supplement_ordered_at")
        batch_op.drop_column("supplement_deadline")
