"""Join the two lifecycle branches (destruction, transfer) into one head, so the next
migration has a single parent.

Revision ID: 0004
Revises: 0003_destruction, 0003_transfer
Create Date: 2026-11-25 11:40:00

"""
from typing import Sequence, Union

revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = ('0003_destruction', '0003_transfer')
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
