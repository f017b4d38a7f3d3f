"""mentors' absences: an absence names a mentee or a mentor (exactly one), and a mentor's home-hospital duty is a kind

Revision ID: 8d5f2b0c3e46
Revises: 7c4e1a9b2d35
Create Date: 2026-12-03 18:30:00.000000

Every existing row names its mentee, so the new CHECK holds for them.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8d5f2b0c3e46'
down_revision = '7c4e1a9b2d35'
branch_labels = None
depends_on = None

KINDS_BEFORE = "kind IN ('annual_leave', 'night_shift', 'sick_leave', 'training')"
KINDS_AFTER = "kind IN ('annual_leave', 'night_shift', 'sick_leave', 'training', 'home_duty')"
ONE_PERSON = "(mentee_id IS NULL AND mentor_id IS NOT NULL) OR (mentee_id IS NOT NULL AND mentor_id IS NULL)"


def upgrade():
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mentor_id', sa.Integer(), nullable=True))
        batch_op.alter_column('mentee_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_absence_mentor_id_mentor'), 'mentor', ['mentor_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_absence_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_absence_kind'), KINDS_AFTER)
        batch_op.create_check_constraint(batch_op.f('ck_absence_one_person'), ONE_PERSON)
        batch_op.create_index('ix_absence_mentor_dates', ['mentor_id', 'start_date', 'end_date'], unique=False)


def downgrade():
    op.execute("DELETE FROM absence WHERE mentor_id IS NOT NULL")
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.drop_index('ix_absence_mentor_dates')
        batch_op.drop_constraint(batch_op.f('ck_absence_one_person'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_absence_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_absence_kind'), KINDS_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_absence_mentor_id_mentor'), type_='foreignkey')
        batch_op.alter_column('mentee_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('mentor_id')
