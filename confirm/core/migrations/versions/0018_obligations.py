"""obligations as data (履行义务): who owes whom a sum or an act, by when, and its performance state

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "obligations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("obligor", sa.Integer(), nullable=False),
        sa.Column("obligee", sa.Integer(), nullable=False),
        sa.Column("obligor_party_id", sa.Integer(), nullable=False),
        sa.Column("obligee_party_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["obligor_party_id"], ["parties.id"]),
        sa.ForeignKeyConstraint(["obligee_party_id"], ["parties.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_obligations_application_id"), "obligations", ["application_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_obligations_application_id"), table_name="obligations")
    op.drop_table("obligations")
