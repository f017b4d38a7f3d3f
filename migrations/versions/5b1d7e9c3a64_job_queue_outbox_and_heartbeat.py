"""the job queue: an outbox and log of sent e-mail (one idempotency key per message), the worker's heartbeat, and
export zips stored in the database in pieces (any app server serves them)

Zips built before this lived in one server's instance/exports/: their jobs are shown as expired (file_name
cleared) and the folder can be deleted.

Revision ID: 5b1d7e9c3a64
Revises: 4b9d2e7a6c13
Create Date: 2026-12-03 15:10:00.000000
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5b1d7e9c3a64'
down_revision = '4b9d2e7a6c13'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outgoing_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_outgoing_mail_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail')),
    sa.UniqueConstraint('key', name=op.f('uq_outgoing_mail_key'))
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index('ix_outgoing_mail_status', ['status', 'created_at'], unique=False)
    op.create_table('queue_heartbeat',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_queue_heartbeat'))
    )
    op.create_table('export_chunk',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['export_job.id'], name=op.f('fk_export_chunk_job_id_export_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', 'seq', name=op.f('pk_export_chunk'))
    )
    op.execute("UPDATE export_job SET file_name = '' WHERE file_name <> ''")


def downgrade():
    op.drop_table('export_chunk')
    op.drop_table('queue_heartbeat')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index('ix_outgoing_mail_status')
    op.drop_table('outgoing_mail')
