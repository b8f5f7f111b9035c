"""Transfers to the historical archive (outgoing at the agency, incoming at the archive) and
the dossiers each one carries. Tables of archive/catalog/transfer.py.

Revision ID: 0003_transfer
Revises: 0002
Create Date: 2026-11-25 11:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0003_transfer'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DIRECTIONS = ('outgoing', 'incoming')
STATES = ('prepared', 'acknowledged', 'transferred', 'received')


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table('transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('organ_id', sa.String(length=13), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('folder', sa.String(length=1024), nullable=True),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('receiver', sa.String(length=300), nullable=True),
    sa.Column('acknowledgement', sa.JSON(), nullable=True),
    sa.CheckConstraint(_in('direction', DIRECTIONS), name=op.f('ck_transfers_direction')),
    sa.CheckConstraint(_in('state', STATES), name=op.f('ck_transfers_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfers')),
    sa.UniqueConstraint('reference', name=op.f('uq_transfers_reference'))
    )
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfers_organ_id'), ['organ_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfers_state'), ['state'], unique=False)

    op.create_table('transfer_dossiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transfer_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('dossier_code', sa.String(length=64), nullable=False),
    sa.Column('package_id', sa.String(length=45), nullable=False),
    sa.Column('mets_sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('files', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_transfer_dossiers_dossier_id'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['transfer_id'], ['transfers.id'], name=op.f('fk_transfer_dossiers_transfer_id'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_dossiers')),
    sa.UniqueConstraint('transfer_id', 'dossier_code', name='uq_transfer_dossiers_transfer_dossier')
    )
    with op.batch_alter_table('transfer_dossiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_dossiers_dossier_code'), ['dossier_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_dossiers_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_dossiers_transfer_id'), ['transfer_id'], unique=False)


def downgrade() -> None:
    op.drop_table('transfer_dossiers')
    op.drop_table('transfers')
