"""mediator evaluation (考评调解案件质量、听取群众意见): the parties' ratings of the mediation, one per party per case

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mediation_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "party_id", name="uq_mediation_ratings_party"),
    )
    op.create_index(op.f("ix_mediation_ratings_application_id"), "mediation_ratings", ["application_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_mediation_ratings_application_id"), table_name="mediation_ratings")
    op.drop_table("mediation_ratings")
