"""the database document store: documents by SHA-256 and their bytes in chunks of 1 MiB, so that every instance on
one PostgreSQL reads what any of them stored

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_documents",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "stored_chunks",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("chunk_no", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["stored_documents.sha256"]),
        sa.PrimaryKeyConstraint("sha256", "chunk_no"),
    )
    if op.get_bind().dialect.name == "postgresql":
        # PDFs and JPEGs are compressed already: TOAST should store the chunks out of line without trying again
        op.execute("ALTER TABLE stored_chunks ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table("stored_chunks")
    op.drop_table("stored_documents")
