"""skill areas translated: each skill's area in French and Kinyarwanda, as its name already is (issue 25)

Revision ID: d5a1f3b8c260
Revises: c4a7e2d9b816
Create Date: 2026-12-03 22:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd5a1f3b8c260'
down_revision = 'c4a7e2d9b816'
branch_labels = None
depends_on = None


def upgrade():
    # `flask seed-defaults` (make db) fills these in for the default frameworks' areas.
    with op.batch_alter_table('skill', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_translations', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('skill', schema=None) as batch_op:
        batch_op.drop_column('area_translations')
