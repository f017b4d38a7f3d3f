"""contact sessions between visits: a mentor's phone, video or message session with a mentee (issue 25, item 4)

Revision ID: c4a7e2d9b816
Revises: 7c3e1a9d5f20
Create Date: 2026-12-03 18:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4a7e2d9b816'
down_revision = '7c3e1a9d5f20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'contact_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mentee_id', sa.Integer(), nullable=False),
        sa.Column('mentor_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('mode', sa.String(length=10), nullable=False),
        sa.Column('minutes', sa.SmallInteger(), nullable=False),
        sa.Column('topic', sa.String(length=160), nullable=False),
        sa.Column('follow_up', sa.String(length=500), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("mode IN ('phone', 'video', 'message')", name=op.f('ck_contact_session_mode')),
        sa.CheckConstraint('minutes >= 1 AND minutes <= 240', name=op.f('ck_contact_session_minutes')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_contact_session_created_by_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['mentee_id'], ['mentee.id'], name=op.f('fk_contact_session_mentee_id_mentee')),
        sa.ForeignKeyConstraint(['mentor_id'], ['mentor.id'], name=op.f('fk_contact_session_mentor_id_mentor')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_session')),
    )
    with op.batch_alter_table('contact_session', schema=None) as batch_op:
        batch_op.create_index('ix_contact_session_mentee_day', ['mentee_id', 'held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_session_mentor_id'), ['mentor_id'], unique=False)


def downgrade():
    with op.batch_alter_table('contact_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_session_mentor_id'))
        batch_op.drop_index('ix_contact_session_mentee_day')
    op.drop_table('contact_session')
