"""the party block of the 规范 and identity documents beyond the ID card: document type, nationality, sex and birth
date where the document lacks them, 法定代表人/负责人 with 职务, 法定代理人; who withdrew; printing full ID numbers as a
court setting

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("courts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("print_full_id", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_type", sa.String(length=40), nullable=False, server_default="resident_id"))
        batch_op.add_column(sa.Column("nationality", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("sex", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("birth_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("representative_role", sa.String(length=30), nullable=False,
                                      server_default="legal_representative"))
        batch_op.add_column(sa.Column("representative_title", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("without_capacity", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("guardian", sa.JSON(), nullable=True))
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawal", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("withdrawal")
    with op.batch_alter_table("parties", schema=None) as batch_op:
        for column in ("guardian", "without_capacity", "representative_title", "representative_role", "birth_date",
                       "sex", "nationality", "id_type"):
            batch_op.drop_column(column)
    with op.batch_alter_table("courts", schema=None) as batch_op:
        batch_op.drop_column("print_full_id")
