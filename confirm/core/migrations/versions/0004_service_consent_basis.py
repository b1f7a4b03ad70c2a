"""electronic service: the basis of the recipient's consent (在线诉讼规则 30)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_basis", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.drop_column("consent_basis")
