"""feedback: the visit index also holds the mentee and the status, so the writing tile reads a year of visits'
feedback from the index alone (issue 23)

Revision ID: a3c9e1f5b720
Revises: b3f7a2c91d46
Create Date: 2026-12-04 10:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a3c9e1f5b720'
down_revision = 'b3f7a2c91d46'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_visit_id'))
        batch_op.create_index('ix_feedback_visit_mentee_status', ['visit_id', 'mentee_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_visit_mentee_status')
        batch_op.create_index(batch_op.f('ix_feedback_visit_id'), ['visit_id'], unique=False)
