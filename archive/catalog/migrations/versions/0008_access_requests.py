"""Researchers' access requests, and grants that end (the period a request was approved for).

Revision ID: 0008_access_requests
Revises: 0007
Create Date: 2026-12-01 03:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0008_access_requests'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('access_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requester', sa.String(length=100), nullable=False),
    sa.Column('dossier_code', sa.String(length=64), nullable=False),
    sa.Column('organ_id', sa.String(length=13), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=False),
    sa.Column('period_to', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.CheckConstraint("state IN ('pending', 'approved', 'refused')", name=op.f('ck_access_requests_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_requests'))
    )
    with op.batch_alter_table('access_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_requests_dossier_code'), ['dossier_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_requests_organ_id'), ['organ_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_requests_requester'), ['requester'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_requests_state'), ['state'], unique=False)
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('access_requests', schema=None) as batch_op:
        for name in ('state', 'requester', 'organ_id', 'dossier_code'):
            batch_op.drop_index(batch_op.f(f'ix_access_requests_{name}'))
    op.drop_table('access_requests')
