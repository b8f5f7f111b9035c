"""Dossier status needs_attention: archived, but a preservation copy failed PDF/A validation
under every conversion strategy (ingest/steps/validate_pdfa.py).

Revision ID: 0006_needs_attention
Revises: 0005_audit_hmac
Create Date: 2026-12-01 03:45:00

"""
from typing import Sequence, Union

from alembic import op

revision: str = '0006_needs_attention'
down_revision: Union[str, Sequence[str], None] = '0005_audit_hmac'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD = ('receiving', 'ingesting', 'archived', 'failed', 'transferred', 'destroyed')
NEW = ('receiving', 'ingesting', 'archived', 'needs_attention', 'failed', 'transferred', 'destroyed')


def _status_check(statuses: tuple[str, ...]) -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_dossiers_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_dossiers_status'),
                                         "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")")


def upgrade() -> None:
    _status_check(NEW)


def downgrade() -> None:
    op.execute("UPDATE dossiers SET status = 'archived' WHERE status = 'needs_attention'")
    _status_check(OLD)
