"""Amendments waiting for approval (pending_changes), the destruction list's ``executing``
stage, execution lease and dossier snapshots, and the authority of a legal hold's placer.

Revision ID: 0006_trust
Revises: 0005_audit_hmac
Create Date: 2026-12-01 03:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0006_trust'
down_revision: Union[str, Sequence[str], None] = '0005_audit_hmac'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD_STAGES = "stage IN ('council_review', 'audit_review', 'head_approval', 'approved', 'executed', 'rejected')"
NEW_STAGES = ("stage IN ('council_review', 'audit_review', 'head_approval', 'approved', 'executing', 'executed', "
              "'rejected')")


def upgrade() -> None:
    op.create_table('pending_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_code', sa.String(length=64), nullable=False),
    sa.Column('organ_id', sa.String(length=13), nullable=False),
    sa.Column('job_id', sa.String(length=64), nullable=False),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('submitted_by', sa.String(length=100), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("stage IN ('pending', 'approved', 'rejected', 'applied')", name=op.f('ck_pending_changes_stage')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_changes')),
    sa.UniqueConstraint('job_id', name=op.f('uq_pending_changes_job_id'))
    )
    with op.batch_alter_table('pending_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_changes_dossier_code'), ['dossier_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_changes_organ_id'), ['organ_id'], unique=False)
    with op.batch_alter_table('destruction_lists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('execution_lease', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(op.f('ck_destruction_lists_stage'), type_='check')
        batch_op.create_check_constraint('stage', sa.text(NEW_STAGES))
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('placed_role', sa.String(length=20), nullable=True))
    with op.batch_alter_table('destruction_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snapshot', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('destruction_items', schema=None) as batch_op:
        batch_op.drop_column('snapshot')
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.drop_column('placed_role')
    with op.batch_alter_table('destruction_lists', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_destruction_lists_stage'), type_='check')
        batch_op.create_check_constraint('stage', sa.text(OLD_STAGES))
        batch_op.drop_column('execution_lease')
    op.drop_table('pending_changes')
