"""audit log: append-only at the database, signed checkpoints

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_record_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("signature", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # Rows of the audit log can be added, never changed or removed, whoever connects as the application.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION jiudi_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP; END $$
        """)
        op.execute("""CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                      FOR EACH ROW EXECUTE FUNCTION jiudi_audit_append_only()""")
        op.execute("""CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                      FOR EACH STATEMENT EXECUTE FUNCTION jiudi_audit_append_only()""")
    else:
        op.execute("""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only (UPDATE refused)'); END""")
        op.execute("""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only (DELETE refused)'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION jiudi_audit_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    op.drop_table("audit_checkpoints")
