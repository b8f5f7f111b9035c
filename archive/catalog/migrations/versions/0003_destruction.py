"""Destruction workflow (lists, items, council reviews, certificates), legal holds, agency notices
and their e-mail contacts. Tables of archive/catalog/destruction.py and notifications.py.

Revision ID: 0003_destruction
Revises: 0002
Create Date: 2026-11-25 11:00:16.199383

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0003_destruction'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('agency_contacts',
    sa.Column('organ_id', sa.String(length=13), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.PrimaryKeyConstraint('organ_id', name=op.f('pk_agency_contacts'))
    )
    op.create_table('destruction_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organ_id', sa.String(length=13), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('prepared_by', sa.String(length=100), nullable=False),
    sa.Column('prepared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('audited_by', sa.String(length=100), nullable=True),
    sa.Column('audit_note', sa.Text(), nullable=True),
    sa.Column('audited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by', sa.String(length=100), nullable=True),
    sa.Column('decision_ref', sa.String(length=100), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('executed_by', sa.String(length=100), nullable=True),
    sa.Column('executed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("stage IN ('council_review', 'audit_review', 'head_approval', 'approved', 'executed', 'rejected')", name=op.f('ck_destruction_lists_stage')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_lists'))
    )
    with op.batch_alter_table('destruction_lists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_destruction_lists_organ_id'), ['organ_id'], unique=False)

    op.create_table('legal_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_code', sa.String(length=64), nullable=False),
    sa.Column('placed_by', sa.String(length=100), nullable=False),
    sa.Column('placed_reason', sa.Text(), nullable=False),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lifted_by', sa.String(length=100), nullable=True),
    sa.Column('lifted_reason', sa.Text(), nullable=True),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_holds'))
    )
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_holds_dossier_code'), ['dossier_code'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organ_id', sa.String(length=13), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('dossier_code', sa.String(length=64), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('transfer_due', 'transfer_overdue', 'retention_expired')", name=op.f('ck_notifications_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('kind', 'dossier_code', 'due_date', name='uq_notifications_kind_dossier_due')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_organ_id'), ['organ_id'], unique=False)

    op.create_table('destruction_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('store_url', sa.String(length=512), nullable=False),
    sa.Column('pdf_key', sa.String(length=1024), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('xml_key', sa.String(length=1024), nullable=False),
    sa.Column('xml_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('keep_until', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['destruction_lists.id'], name=op.f('fk_destruction_certificates_list_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_certificates')),
    sa.UniqueConstraint('list_id', name=op.f('uq_destruction_certificates_list_id'))
    )
    op.create_table('destruction_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('dossier_code', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('maintenance', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('new_maintenance', sa.String(length=30), nullable=True),
    sa.CheckConstraint("outcome IN ('pending', 'destroy', 'keep', 'destroyed')", name=op.f('ck_destruction_items_outcome')),
    sa.ForeignKeyConstraint(['list_id'], ['destruction_lists.id'], name=op.f('fk_destruction_items_list_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_items')),
    sa.UniqueConstraint('list_id', 'dossier_code', name='uq_destruction_items_list_dossier')
    )
    with op.batch_alter_table('destruction_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_destruction_items_dossier_code'), ['dossier_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_destruction_items_list_id'), ['list_id'], unique=False)

    op.create_table('destruction_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('reviewer', sa.String(length=100), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('new_maintenance', sa.String(length=30), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision IN ('agree', 'keep')", name=op.f('ck_destruction_reviews_decision')),
    sa.ForeignKeyConstraint(['item_id'], ['destruction_items.id'], name=op.f('fk_destruction_reviews_item_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_reviews')),
    sa.UniqueConstraint('item_id', 'reviewer', name='uq_destruction_reviews_item_reviewer')
    )
    with op.batch_alter_table('destruction_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_destruction_reviews_item_id'), ['item_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('destruction_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destruction_reviews_item_id'))

    op.drop_table('destruction_reviews')
    with op.batch_alter_table('destruction_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destruction_items_list_id'))
        batch_op.drop_index(batch_op.f('ix_destruction_items_dossier_code'))

    op.drop_table('destruction_items')
    op.drop_table('destruction_certificates')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_organ_id'))

    op.drop_table('notifications')
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_holds_dossier_code'))

    op.drop_table('legal_holds')
    with op.batch_alter_table('destruction_lists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destruction_lists_organ_id'))

    op.drop_table('destruction_lists')
    op.drop_table('agency_contacts')
