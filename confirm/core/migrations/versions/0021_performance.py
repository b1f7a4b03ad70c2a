"""performance after the ruling (自动履行): proofs, answers, and the sealed certificate of voluntary performance

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "performance_proofs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["obligation_id"], ["obligations.id"]),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_performance_proofs_application_id"), "performance_proofs", ["application_id"],
                    unique=False)
    op.create_index(op.f("ix_performance_proofs_obligation_id"), "performance_proofs", ["obligation_id"],
                    unique=False)
    op.create_table(
        "performance_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("proof_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["obligation_id"], ["obligations.id"]),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["proof_id"], ["performance_proofs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_performance_answers_application_id"), "performance_answers", ["application_id"],
                    unique=False)
    op.create_index(op.f("ix_performance_answers_obligation_id"), "performance_answers", ["obligation_id"],
                    unique=False)
    op.create_table(
        "performance_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("token_nonce", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("check_code_hash", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("signer", sa.String(length=300), nullable=False),
        sa.Column("signer_cert_sha256", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("performed_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id"),
        sa.UniqueConstraint("token_hash"),
        sa.UniqueConstraint("check_code_hash"),
        sa.UniqueConstraint("sha256"),
    )


def downgrade() -> None:
    op.drop_table("performance_certificates")
    op.drop_index(op.f("ix_performance_answers_obligation_id"), table_name="performance_answers")
    op.drop_index(op.f("ix_performance_answers_application_id"), table_name="performance_answers")
    op.drop_table("performance_answers")
    op.drop_index(op.f("ix_performance_proofs_obligation_id"), table_name="performance_proofs")
    op.drop_index(op.f("ix_performance_proofs_application_id"), table_name="performance_proofs")
    op.drop_table("performance_proofs")
