"""feedback: each sheet's count of action items and of those the mentee marked done, kept by
mentoring/sheet_items.py, so the engagement tile sums two columns rather than probing each sheet's items (issue 23)

Revision ID: c5d2e8a41f07
Revises: c5e8a1d7f294
Create Date: 2026-12-04 13:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c5d2e8a41f07'
down_revision = 'c5e8a1d7f294'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('closed_item_count', sa.Integer(), server_default='0', nullable=False))
    op.execute(
        "UPDATE feedback SET"
        " item_count = (SELECT count(action_item.id) FROM action_item WHERE action_item.feedback_id = feedback.id),"
        " closed_item_count = (SELECT count(action_item.id) FROM action_item"
        " WHERE action_item.feedback_id = feedback.id AND action_item.mentee_status = 'done')"
        " WHERE EXISTS (SELECT 1 FROM action_item WHERE action_item.feedback_id = feedback.id)"
    )


def downgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_column('closed_item_count')
        batch_op.drop_column('item_count')
