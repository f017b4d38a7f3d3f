"""mentees' own availability answers: one row per mentee and day ("there", leave or nights), read by the clash grid
and the planner beside the administrator's absence records

Revision ID: 7c4e1a9b2d35
Revises: 7c4e2a9b1d35
Create Date: 2026-12-03 18:05:00.000000
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c4e1a9b2d35'
down_revision = '7c4e2a9b1d35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'availability_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mentee_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('answer', sa.String(length=20), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("answer IN ('there', 'annual_leave', 'night_shift')", name=op.f('ck_availability_answer_answer')),
        sa.ForeignKeyConstraint(['mentee_id'], ['mentee.id'], name=op.f('fk_availability_answer_mentee_id_mentee')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_answer')),
        sa.UniqueConstraint('mentee_id', 'day', name=op.f('uq_availability_answer_mentee_id_day')),
    )


def downgrade():
    op.drop_table('availability_answer')
