"""the SMS outbox and delivery log (one idempotency key per message, its encoding and segment count, the earliest
time it may go) and the numbers opted out by STOP

Revision ID: 6c2f8a1d9e53
Revises: 5b9d2e7a4c61
Create Date: 2026-12-03 17:50:00.000000
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6c2f8a1d9e53'
down_revision = '5b9d2e7a4c61'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outgoing_sms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('to_number', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('encoding', sa.String(length=5), nullable=False),
    sa.Column('segments', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('gateway', sa.String(length=20), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('not_before', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_outgoing_sms_status')),
    sa.CheckConstraint("encoding IN ('GSM-7', 'UCS-2')", name=op.f('ck_outgoing_sms_encoding')),
    sa.CheckConstraint("segments >= 1", name=op.f('ck_outgoing_sms_segments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_sms')),
    sa.UniqueConstraint('key', name=op.f('uq_outgoing_sms_key'))
    )
    with op.batch_alter_table('outgoing_sms', schema=None) as batch_op:
        batch_op.create_index('ix_outgoing_sms_status', ['status', 'not_before'], unique=False)
    op.create_table('sms_opt_out',
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('gateway', sa.String(length=20), nullable=False),
    sa.Column('opted_out_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_sms_opt_out'))
    )


def downgrade():
    op.drop_table('sms_opt_out')
    with op.batch_alter_table('outgoing_sms', schema=None) as batch_op:
        batch_op.drop_index('ix_outgoing_sms_status')
    op.drop_table('outgoing_sms')
