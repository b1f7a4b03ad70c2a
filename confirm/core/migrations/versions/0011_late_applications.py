"""what a court does with an application filed after the 30-day window: flag it for the judge or refuse it

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("courts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("late_applications", sa.String(length=20), nullable=False,
                                      server_default="flag"))


def downgrade() -> None:
    with op.batch_alter_table("courts", schema=None) as batch_op:
        batch_op.drop_column("late_applications")
