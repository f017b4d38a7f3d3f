"""messages that reach people (issue 24): an e-mail address and a mobile number on accounts, an e-mail address on
mentee records, each person's channels per kind of message, and the unsubscribe address of each e-mail sent

Revision ID: 7c4e2a9b1d35
Revises: 6c2f8a1d9e53
Create Date: 2026-12-03 18:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c4e2a9b1d35'
down_revision = '6c2f8a1d9e53'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('phone', sa.String(length=40), server_default='', nullable=False))
    with op.batch_alter_table('mentee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=120), server_default='', nullable=False))
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unsubscribe_url', sa.String(length=500), server_default='', nullable=False))
    op.create_table(
        'message_preference',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('mentee_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('email', sa.Boolean(), nullable=False),
        sa.Column('sms', sa.Boolean(), nullable=False),
        sa.CheckConstraint('(user_id IS NULL) <> (mentee_id IS NULL)', name=op.f('ck_message_preference_one_person')),
        sa.ForeignKeyConstraint(['mentee_id'], ['mentee.id'], name=op.f('fk_message_preference_mentee_id_mentee'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_message_preference_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_preference')),
    )
    op.create_index('ix_message_preference_user_kind', 'message_preference', ['user_id', 'kind'], unique=True)
    op.create_index('ix_message_preference_mentee_kind', 'message_preference', ['mentee_id', 'kind'], unique=True)


def downgrade():
    op.drop_index('ix_message_preference_mentee_kind', table_name='message_preference')
    op.drop_index('ix_message_preference_user_kind', table_name='message_preference')
    op.drop_table('message_preference')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('unsubscribe_url')
    with op.batch_alter_table('mentee', schema=None) as batch_op:
        batch_op.drop_column('email')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('phone')
        batch_op.drop_column('email')
