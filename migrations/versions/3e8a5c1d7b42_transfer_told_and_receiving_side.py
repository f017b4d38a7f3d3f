"""a transfer keeps who was told, and the receiving administrator's acts on it (department set, mentor requested)

Revision ID: 3e8a5c1d7b42
Revises: 7c4e2b9a1f30
Create Date: 2026-12-03 12:30:00.000000

Transfers logged before this keep `told` empty: the notifications they sent name no transfer, so who was told cannot
be worked out again; the transfer page says it was not recorded.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3e8a5c1d7b42'
down_revision = '7c4e2b9a1f30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('told', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('received_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('mentor_requested_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('mentor_requested_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_transfer_mentor_requested_by_id_user'), 'user', ['mentor_requested_by_id'],
                                    ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_transfer_mentor_requested_by_id_user'), type_='foreignkey')
        batch_op.drop_column('mentor_requested_by_id')
        batch_op.drop_column('mentor_requested_at')
        batch_op.drop_column('received_at')
        batch_op.drop_column('told')
