"""the court's own electronic service: when the party opened the document served, and what the SMS provider
reported of a message's delivery

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("service_records", "voided_services"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery_state", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("delivered_at")
        batch_op.drop_column("delivery_state")
    for table in ("voided_services", "service_records"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("opened_at")
