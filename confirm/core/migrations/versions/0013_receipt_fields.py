"""the 送达回证's general 样式: 代收 (receiver and reason), 留置送达 (refusal, witness, photo) and 备考 per record

Revision ID: 0013
Revises: 0011
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

COLUMNS = (("receiver_name", 50), ("receiver_relation", 100), ("refusal_circumstances", 500), ("witness_name", 50),
           ("witness_unit", 100), ("photo_sha256", 64), ("remarks", 500))


def upgrade() -> None:
    for table in ("service_records", "voided_services"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, length in COLUMNS:
                batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=True))


def downgrade() -> None:
    for table in ("service_records", "voided_services"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _ in reversed(COLUMNS):
                batch_op.drop_column(name)
