"""electronic service: the recipient's address, channel and sending time; sealed vouchers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("electronic_address", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.add_column(sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "service_vouchers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "party_id"),
    )
    with op.batch_alter_table("service_vouchers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_vouchers_application_id"), ["application_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("service_vouchers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_vouchers_application_id"))
    op.drop_table("service_vouchers")
    with op.batch_alter_table("service_records", schema=None) as batch_op:
        batch_op.drop_column("sent_at")
        batch_op.drop_column("channel")
        batch_op.drop_column("electronic_address")
