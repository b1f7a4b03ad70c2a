"""异议 (Interp. 372) as 民特监 cases: the objection, its sealed ruling, and the original ruling it revoked or changed

Rulings revoked before this change were revoked by a flag, not by a ruling: they keep ``revoked_by`` empty.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "objections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.String(length=32), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("court_id", sa.Integer(), nullable=False),
        sa.Column("objector_kind", sa.String(length=20), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("objector_name", sa.String(length=100), nullable=False),
        sa.Column("objector_id_number", sa.String(length=40), nullable=True),
        sa.Column("objector_address", sa.String(length=200), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("case_number", sa.String(length=60), nullable=False),
        sa.Column("registered_by", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("reasoning", sa.Text(), nullable=True),
        sa.Column("change_text", sa.Text(), nullable=True),
        sa.Column("public_reason", sa.String(length=40), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("clerk_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("token_nonce", sa.String(length=32), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("check_code_hash", sa.String(length=64), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("signer", sa.String(length=300), nullable=True),
        sa.Column("signer_cert_sha256", sa.String(length=64), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["court_id"], ["courts.id"]),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"]),
        sa.ForeignKeyConstraint(["registered_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["clerk_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "serial"),
        sa.UniqueConstraint("case_number"),
        sa.UniqueConstraint("token_hash"),
        sa.UniqueConstraint("check_code_hash"),
        sa.UniqueConstraint("sha256"),
    )
    op.create_index(op.f("ix_objections_application_id"), "objections", ["application_id"], unique=False)
    op.create_index(op.f("ix_objections_court_id"), "objections", ["court_id"], unique=False)
    with op.batch_alter_table("rulings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_rulings_revoked_by_objections", "objections", ["revoked_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("rulings", schema=None) as batch_op:
        batch_op.drop_constraint("fk_rulings_revoked_by_objections", type_="foreignkey")
        batch_op.drop_column("revoked_by")
    op.drop_index(op.f("ix_objections_court_id"), table_name="objections")
    op.drop_index(op.f("ix_objections_application_id"), table_name="objections")
    op.drop_table("objections")
