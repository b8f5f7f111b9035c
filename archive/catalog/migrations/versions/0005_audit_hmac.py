"""Audit trail keyed with an HMAC: checkpoints table, and the existing trail re-keyed.

How old entries are re-keyed: the trail written before this migration is chained with plain
SHA-256, which anyone with write access to the database can recompute. The migration first
walks that chain with the old rule and notes whether it holds (or the first entry where it
does not), then re-chains every entry with HMAC-SHA256 under the audit key (kept outside the
database: LUUTRU_AUDIT_KEY or the key file, created here if missing), and finally appends an
``audit_rekey`` entry recording how many entries were re-keyed, the old chain's head hash and
the outcome of that check. So a trail that had already been tampered with is not silently
blessed: the break is stated, in the keyed trail, by the migration itself.

Revision ID: 0005_audit_hmac
Revises: 0004
Create Date: 2026-12-01 03:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0005_audit_hmac'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

GENESIS = '0' * 64
entries = sa.table('audit_entries', sa.column('seq', sa.Integer), sa.column('time', sa.String),
                   sa.column('actor', sa.String), sa.column('agency', sa.String), sa.column('action', sa.String),
                   sa.column('object', sa.String), sa.column('outcome', sa.String), sa.column('detail', sa.JSON),
                   sa.column('prev_hash', sa.String), sa.column('hash', sa.String))
head = sa.table('audit_head', sa.column('id', sa.Integer), sa.column('seq', sa.Integer), sa.column('hash', sa.String))


def upgrade() -> None:
    op.create_table('audit_checkpoints',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('time', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('object_key', sa.String(length=200), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_checkpoints'))
    )
    rekey(op.get_bind())


def rekey(bind) -> None:
    from archive import audit
    rows = bind.execute(sa.select(entries).order_by(entries.c.seq)).mappings().all()
    if not rows:
        return
    key = audit.audit_key()
    legacy, prev_old, prev_new = 'intact', GENESIS, GENESIS
    for expected_seq, row in enumerate(rows, start=1):
        fields = {k: row[k] for k in audit.HASHED_FIELDS}
        if legacy == 'intact' and (row['seq'] != expected_seq or row['prev_hash'] != prev_old
                                   or audit.unkeyed_hash(fields, row['prev_hash']) != row['hash']):
            legacy = f"broken at entry {row['seq']}"
        prev_old = row['hash']
        new_hash = audit.entry_hash(fields, prev_new, key)
        bind.execute(entries.update().where(entries.c.seq == row['seq']).values(prev_hash=prev_new, hash=new_hash))
        prev_new = new_hash
    fields = {'seq': rows[-1]['seq'] + 1, 'time': audit.now_iso(), 'actor': 'luutru-migration', 'agency': None,
              'action': 'audit_rekey', 'object': 'audit_entries', 'outcome': 'success',
              'detail': {'rekeyed_entries': len(rows), 'legacy_head_hash': prev_old, 'legacy_chain': legacy}}
    digest = audit.entry_hash(fields, prev_new, key)
    bind.execute(entries.insert().values(**fields, prev_hash=prev_new, hash=digest))
    bind.execute(head.update().where(head.c.id == 1).values(seq=fields['seq'], hash=digest))


def downgrade() -> None:
    op.drop_table('audit_checkpoints')
