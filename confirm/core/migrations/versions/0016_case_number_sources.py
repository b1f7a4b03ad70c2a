"""where a court's case numbers come from: Jiudi's counter, blocks the court reserved, or the court's case system

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("courts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_number_source", sa.String(length=20), nullable=False,
                                      server_default="counter"))
    op.create_table(
        "case_number_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("court_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("type_code", sa.String(length=10), nullable=False),
        sa.Column("first", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.Column("next", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["court_id"], ["courts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_case_number_blocks_court_id"), "case_number_blocks", ["court_id"], unique=False)
    op.create_table(
        "case_number_allocations",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("court_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("type_code", sa.String(length=10), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("allocated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["court_id"], ["courts.id"]),
        sa.PrimaryKeyConstraint("key"),
        sa.UniqueConstraint("court_id", "year", "type_code", "sequence"),
    )
    op.create_index(op.f("ix_case_number_allocations_application_id"), "case_number_allocations",
                    ["application_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_number_allocations_application_id"), table_name="case_number_allocations")
    op.drop_table("case_number_allocations")
    op.drop_index(op.f("ix_case_number_blocks_court_id"), table_name="case_number_blocks")
    op.drop_table("case_number_blocks")
    with op.batch_alter_table("courts", schema=None) as batch_op:
        batch_op.drop_column("case_number_source")
