"""cross-case signals: indexed party identities and contacts, submission counts by court, organisation and mediator,
and the judge's reason for confirming over a high risk flag

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_PARTY_INDEXES = ("id_number", "credit_code", "phone", "address_key", "agent_key")
_APPLICATION_INDEXES = {
    "ix_applications_court_submitted": ["court_id", "submitted_at"],
    "ix_applications_org_submitted": ["organization_id", "submitted_at"],
    "ix_applications_mediator_submitted": ["court_id", "mediator_name", "submitted_at"],
}


def upgrade() -> None:
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address_key", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("agent_key", sa.String(length=140), nullable=True))
    _fill_keys()
    for column in _PARTY_INDEXES:
        op.create_index(op.f(f"ix_parties_{column}"), "parties", [column], unique=False)
    for name, columns in _APPLICATION_INDEXES.items():
        op.create_index(name, "applications", columns, unique=False)
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("risk_reason", sa.Text(), nullable=True))


def _fill_keys() -> None:
    """The parties already filed get their keys, so the first new cases connect to them too."""
    from confirm.law.signals import address_key, agent_key

    parties = sa.table("parties", sa.column("id", sa.Integer), sa.column("address", sa.String),
                       sa.column("agent", sa.JSON), sa.column("address_key", sa.String),
                       sa.column("agent_key", sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(parties.c.id, parties.c.address, parties.c.agent)).all()
    for row in rows:
        keys = {"address_key": address_key(row.address), "agent_key": agent_key(row.agent)}
        if any(keys.values()):
            bind.execute(sa.update(parties).where(parties.c.id == row.id).values(**keys))


def downgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("risk_reason")
    for name in _APPLICATION_INDEXES:
        op.drop_index(name, table_name="applications")
    for column in _PARTY_INDEXES:
        op.drop_index(op.f(f"ix_parties_{column}"), table_name="parties")
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.drop_column("agent_key")
        batch_op.drop_column("address_key")
