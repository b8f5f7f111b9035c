"""Join the three 0006 branches (trust, sessions and tokens, needs_attention) into one
head, so the next migration has a single parent.

Revision ID: 0007
Revises: 0006_trust, 0006_sessions_tokens, 0006_needs_attention
Create Date: 2026-12-01 03:45:00

"""
from typing import Sequence, Union

revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = ('0006_trust', '0006_sessions_tokens', '0006_needs_attention')
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
