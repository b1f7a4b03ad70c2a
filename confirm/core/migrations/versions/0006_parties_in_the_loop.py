"""the parties in the loop: their links, sessions, views, address confirmations, messages

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('outbox', sa.Boolean(), nullable=False),
    sa.Column('provider_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_link_id'), ['link_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_to_address'), ['to_address'], unique=False)

    op.create_table('party_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('party_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('nonce', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('agreement_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('code_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('code_channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('code_sent_to', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('service_address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('service_phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('service_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('electronic_service', sa.Boolean(), nullable=True),
    sa.Column('waived_reason', sa.Text(), nullable=True),
    sa.Column('waived_by', sa.Integer(), nullable=True),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['waived_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('nonce'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('party_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_links_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_links_party_id'), ['party_id'], unique=False)

    op.create_table('address_confirmations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.ForeignKeyConstraint(['link_id'], ['party_links.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('link_id'),
    sa.UniqueConstraint('sha256')
    )
    with op.batch_alter_table('address_confirmations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_address_confirmations_application_id'), ['application_id'], unique=False)

    op.create_table('party_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['party_links.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('party_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_sessions_link_id'), ['link_id'], unique=False)

    op.create_table('party_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['party_links.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('party_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_views_link_id'), ['link_id'], unique=False)

    with op.batch_alter_table('courts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('party_confirmation', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                                      server_default='required'))

    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('party_waivers', sa.JSON(), nullable=False, server_default='[]'))

    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.drop_column('email')

    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_column('party_waivers')

    with op.batch_alter_table('courts', schema=None) as batch_op:
        batch_op.drop_column('party_confirmation')

    with op.batch_alter_table('party_views', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_views_link_id'))

    op.drop_table('party_views')
    with op.batch_alter_table('party_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_sessions_link_id'))

    op.drop_table('party_sessions')
    with op.batch_alter_table('address_confirmations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_address_confirmations_application_id'))

    op.drop_table('address_confirmations')
    with op.batch_alter_table('party_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_links_party_id'))
        batch_op.drop_index(batch_op.f('ix_party_links_application_id'))

    op.drop_table('party_links')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_to_address'))
        batch_op.drop_index(batch_op.f('ix_messages_link_id'))
        batch_op.drop_index(batch_op.f('ix_messages_created_at'))
        batch_op.drop_index(batch_op.f('ix_messages_application_id'))

    op.drop_table('messages')
