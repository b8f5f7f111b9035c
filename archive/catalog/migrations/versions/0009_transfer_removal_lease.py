"""Transfers: a lease on the removal of the agency's copies, so that of two imports of the
same acknowledgement exactly one completes the transfer (the other gets 409) while an import
that stopped half-way can still be resumed.

Revision ID: 0009_transfer_removal_lease
Revises: 0008_access_requests
Create Date: 2026-12-01 06:05:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0009_transfer_removal_lease'
down_revision: Union[str, Sequence[str], None] = '0008_access_requests'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removal_lease', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.drop_column('removal_lease')
