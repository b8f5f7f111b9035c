"""Initial catalog: agencies, dossiers, documents, files, package versions, stored objects,
pipeline steps, preservation events, fixity alarms, audit trail.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 10:30:54.748052

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('agencies',
    sa.Column('organ_id', sa.String(length=13), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('organ_id', name=op.f('pk_agencies'))
    )
    op.create_table('audit_entries',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('time', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('agency', sa.String(length=13), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object', sa.String(length=1024), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_entries')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_entries_hash'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_agency'), ['agency'], unique=False)

    audit_head = op.create_table('audit_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    # The audit trail's head row exists from the start so appenders only ever lock it, never race to create it.
    op.bulk_insert(audit_head, [{'id': 1, 'seq': 0, 'hash': '0' * 64}])
    op.create_table('dossiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('organ_id', sa.String(length=13), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('maintenance', sa.String(length=30), nullable=False),
    sa.Column('rights', sa.String(length=30), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('retention_expiry', sa.Date(), nullable=True),
    sa.Column('event_trigger_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('legal_hold', sa.Boolean(), nullable=False),
    sa.Column('metadata', sa.JSON(), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('receiving', 'ingesting', 'archived', 'failed', 'transferred', 'destroyed')", name=op.f('ck_dossiers_status')),
    sa.ForeignKeyConstraint(['organ_id'], ['agencies.organ_id'], name=op.f('fk_dossiers_organ_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossiers')),
    sa.UniqueConstraint('code', name=op.f('uq_dossiers_code'))
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossiers_organ_id'), ['organ_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_retention_expiry'), ['retention_expiry'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_status'), ['status'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.CheckConstraint("direction IN ('incoming', 'outgoing', 'internal')", name=op.f('ck_documents_direction')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_documents_dossier_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('code', name=op.f('uq_documents_code')),
    sa.UniqueConstraint('dossier_id', 'ordinal', name='uq_documents_dossier_ordinal')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('package_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.String(length=45), nullable=False),
    sa.Column('object_prefix', sa.String(length=512), nullable=False),
    sa.Column('store_url', sa.String(length=512), nullable=False),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_package_versions_dossier_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['previous_id'], ['package_versions.id'], name=op.f('fk_package_versions_previous_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_package_versions')),
    sa.UniqueConstraint('dossier_id', 'version', name='uq_package_versions_dossier_version'),
    sa.UniqueConstraint('package_id', name=op.f('uq_package_versions_package_id'))
    )
    with op.batch_alter_table('package_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_package_versions_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('pipeline_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.String(length=64), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('step', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('pending', 'running', 'done', 'failed')", name=op.f('ck_pipeline_steps_state')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_pipeline_steps_dossier_id'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_steps')),
    sa.UniqueConstraint('job_id', 'step', name='uq_pipeline_steps_job_step')
    )
    with op.batch_alter_table('pipeline_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_steps_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_steps_job_id'), ['job_id'], unique=False)

    op.create_table('preservation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_type', sa.String(length=50), nullable=False),
    sa.Column('object_ref', sa.String(length=1024), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('agent', sa.String(length=200), nullable=False),
    sa.Column('tool', sa.String(length=100), nullable=True),
    sa.Column('tool_version', sa.String(length=50), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_preservation_events_dossier_id'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_preservation_events'))
    )
    with op.batch_alter_table('preservation_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_preservation_events_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_preservation_events_event_type'), ['event_type'], unique=False)

    op.create_table('files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('package_version_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('path', sa.String(length=1024), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('puid', sa.String(length=32), nullable=True),
    sa.Column('mime', sa.String(length=127), nullable=True),
    sa.CheckConstraint("role IN ('original', 'preservation', 'metadata')", name=op.f('ck_files_role')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_files_document_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['package_version_id'], ['package_versions.id'], name=op.f('fk_files_package_version_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_files'))
    )
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_files_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_files_package_version_id'), ['package_version_id'], unique=False)

    op.create_table('stored_objects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_version_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=1024), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('last_fixity_check', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_fixity_outcome', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['package_version_id'], ['package_versions.id'], name=op.f('fk_stored_objects_package_version_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_objects')),
    sa.UniqueConstraint('package_version_id', 'key', name='uq_stored_objects_version_key')
    )
    with op.batch_alter_table('stored_objects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_objects_last_fixity_check'), ['last_fixity_check'], unique=False)
        batch_op.create_index(batch_op.f('ix_stored_objects_package_version_id'), ['package_version_id'], unique=False)

    op.create_table('fixity_alarms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stored_object_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=1024), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expected_sha256', sa.String(length=64), nullable=False),
    sa.Column('actual_sha256', sa.String(length=64), nullable=True),
    sa.Column('repaired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['stored_object_id'], ['stored_objects.id'], name=op.f('fk_fixity_alarms_stored_object_id'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fixity_alarms'))
    )
    with op.batch_alter_table('fixity_alarms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fixity_alarms_stored_object_id'), ['stored_object_id'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('fixity_alarms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fixity_alarms_stored_object_id'))

    op.drop_table('fixity_alarms')
    with op.batch_alter_table('stored_objects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_objects_package_version_id'))
        batch_op.drop_index(batch_op.f('ix_stored_objects_last_fixity_check'))

    op.drop_table('stored_objects')
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_files_package_version_id'))
        batch_op.drop_index(batch_op.f('ix_files_document_id'))

    op.drop_table('files')
    with op.batch_alter_table('preservation_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_preservation_events_event_type'))
        batch_op.drop_index(batch_op.f('ix_preservation_events_dossier_id'))

    op.drop_table('preservation_events')
    with op.batch_alter_table('pipeline_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pipeline_steps_job_id'))
        batch_op.drop_index(batch_op.f('ix_pipeline_steps_dossier_id'))

    op.drop_table('pipeline_steps')
    with op.batch_alter_table('package_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_package_versions_dossier_id'))

    op.drop_table('package_versions')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_dossier_id'))

    op.drop_table('documents')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossiers_status'))
        batch_op.drop_index(batch_op.f('ix_dossiers_retention_expiry'))
        batch_op.drop_index(batch_op.f('ix_dossiers_organ_id'))

    op.drop_table('dossiers')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_agency'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_action'))

    op.drop_table('audit_entries')
    op.drop_table('agencies')
