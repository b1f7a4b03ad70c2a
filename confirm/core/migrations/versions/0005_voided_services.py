"""voided service records, with the sealed voucher and receipt that recorded them

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "voided_services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("served_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("signature_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("electronic_address", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_basis", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voucher_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("voucher_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("receipt_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("receipt_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.Integer(), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["voided_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("voided_services", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voided_services_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_voided_services_voucher_sha256"), ["voucher_sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_voided_services_receipt_sha256"), ["receipt_sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("voided_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voided_services_receipt_sha256"))
        batch_op.drop_index(batch_op.f("ix_voided_services_voucher_sha256"))
        batch_op.drop_index(batch_op.f("ix_voided_services_application_id"))
    op.drop_table("voided_services")
