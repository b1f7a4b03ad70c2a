"""who may revoke a ruling (a court setting), and the public reason chosen from a list

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("courts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revocation", sa.String(length=20), nullable=False,
                                      server_default="deciding_judge"))
    with op.batch_alter_table("rulings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoke_public_reason", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rulings", schema=None) as batch_op:
        batch_op.drop_column("revoke_public_reason")
    with op.batch_alter_table("courts", schema=None) as batch_op:
        batch_op.drop_column("revocation")
