"""auth: sign-in failure counters per (username, address), per address and per username

Revision ID: 9973d3c3e7f5
Revises: 5a7e1c0d9b21
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9973d3c3e7f5'
down_revision = '5a7e1c0d9b21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttle',
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('address', sa.String(length=50), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('signed_in_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('pair', 'address', 'username')", name=op.f('ck_login_throttle_kind')),
    sa.CheckConstraint('failures >= 0', name=op.f('ck_login_throttle_failures_not_negative')),
    sa.PrimaryKeyConstraint('kind', 'username', 'address', name=op.f('pk_login_throttle'))
    )


def downgrade():
    op.drop_table('login_throttle')
