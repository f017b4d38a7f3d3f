"""mentee accounts: a fifth role, an account linked to its mentee record, one-time invitation links, and the
mentee's own acts: a signed sheet acknowledged with a reply, an action item marked done or partly done with a note

Revision ID: 5b9d2e7a4c61
Revises: 5b1d7e9c3a64
Create Date: 2026-12-03 15:20:00.000000
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5b9d2e7a4c61'
down_revision = '5b1d7e9c3a64'
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('sysadmin', 'coordinator', 'hospital_admin', 'mentor')"
ROLES_AFTER = "role IN ('sysadmin', 'coordinator', 'hospital_admin', 'mentor', 'mentee')"


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mentee_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_user_mentee_id'), ['mentee_id'])
        batch_op.create_foreign_key(batch_op.f('fk_user_mentee_id_mentee'), 'mentee', ['mentee_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_user_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_role'), ROLES_AFTER)
        batch_op.create_check_constraint(batch_op.f('ck_user_mentee_has_mentee'), "role != 'mentee' OR mentee_id IS NOT NULL")

    op.create_table(
        'mentee_invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mentee_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('email', sa.String(length=120), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('expires_at > created_at', name=op.f('ck_mentee_invitation_expires_after_created')),
        sa.CheckConstraint('used_at IS NULL OR revoked_at IS NULL', name=op.f('ck_mentee_invitation_used_or_revoked')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_mentee_invitation_created_by_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['mentee_id'], ['mentee.id'], name=op.f('fk_mentee_invitation_mentee_id_mentee')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mentee_invitation')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_mentee_invitation_token_hash')),
    )
    op.create_index('ix_mentee_invitation_mentee', 'mentee_invitation', ['mentee_id', 'created_at'], unique=False)

    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('mentee_reply', sa.String(length=5000), server_default='', nullable=False))
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mentee_status', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('mentee_note', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('mentee_updated_at', sa.DateTime(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_action_item_mentee_status'),
                                         "mentee_status IS NULL OR mentee_status IN ('done', 'partly')")


def downgrade():
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_action_item_mentee_status'), type_='check')
        batch_op.drop_column('mentee_updated_at')
        batch_op.drop_column('mentee_note')
        batch_op.drop_column('mentee_status')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_column('mentee_reply')
        batch_op.drop_column('acknowledged_at')
    op.drop_index('ix_mentee_invitation_mentee', table_name='mentee_invitation')
    op.drop_table('mentee_invitation')
    mentee_users = "SELECT id FROM \"user\" WHERE role = 'mentee'"
    for table, column in (("self_assessment", "entered_by_id"), ("audit_event", "user_id"), ("absence", "created_by_id")):
        op.execute(f"UPDATE {table} SET {column} = NULL WHERE {column} IN ({mentee_users})")
    op.execute(f"DELETE FROM notification WHERE user_id IN ({mentee_users})")
    op.execute("DELETE FROM \"user\" WHERE role = 'mentee'")
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_mentee_has_mentee'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_user_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_role'), ROLES_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_user_mentee_id_mentee'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_user_mentee_id'), type_='unique')
        batch_op.drop_column('mentee_id')
