"""indexes for the support follow-up list (the reflections asking for support by status, and users by role: the
coordinators offered as owners were found by scanning every user) and for the visit page (the visit postponed to
this one); issue 23

Revision ID: b3f7a2c91d46
Revises: e7b2c4a9f013
Create Date: 2026-12-04 10:25:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f7a2c91d46'
down_revision = 'e7b2c4a9f013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reflection', schema=None) as batch_op:
        batch_op.create_index('ix_reflection_support_asked', ['support_status', 'visit_id'], unique=False,
                              sqlite_where=sa.text("support_needed != ''"), postgresql_where=sa.text("support_needed != ''"))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index('ix_user_role', ['role'], unique=False)
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_postponed_to_id', ['postponed_to_id'], unique=False)


def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_postponed_to_id')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index('ix_user_role')
    with op.batch_alter_table('reflection', schema=None) as batch_op:
        batch_op.drop_index('ix_reflection_support_asked')
