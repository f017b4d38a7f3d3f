"""bounded text: every free-text column typed by a person gets the length its form enforces (issue 16)

The lengths are those of blueprints/core/limits.py when this was written, copied here so the migration never
changes with later app code. Text already longer than its new limit is not cut: the migration stops first and
names the rows, so someone decides what to keep.

Revision ID: b7d3f0a2c915
Revises: 9973d3c3e7f5
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d3f0a2c915'
down_revision = '9973d3c3e7f5'
branch_labels = None
depends_on = None

LONG_TEXT = 5000
COLUMNS = {
    'transfer': {'reason': 1000},
    'absence': {'note': 200},
    'visit': {'status_reason': 1000, 'notes': 2000},
    'mentor_attendance': {'reason': 300},
    'equipment_count': {'note': 500},
    'feedback': {'strengths': LONG_TEXT, 'areas_to_improve': LONG_TEXT, 'mentee_comment': LONG_TEXT},
    'skill_rating': {'comment': 500},
    'action_item': {'text': 500},
    'reflection': {'went_well': LONG_TEXT, 'challenges': LONG_TEXT, 'mentees_absent': LONG_TEXT,
                   'equipment_problems': LONG_TEXT, 'support_needed': LONG_TEXT},
    'self_assessment': {'learning_needs': LONG_TEXT},
}


def _too_long() -> list[str]:
    bind = op.get_bind()
    found = []
    for table, columns in COLUMNS.items():
        for column, length in columns.items():
            ids = bind.execute(sa.text(f'SELECT id FROM "{table}" WHERE length("{column}") > :n ORDER BY id'),
                               {'n': length}).scalars().all()
            if ids:
                shown = ', '.join(str(i) for i in ids[:20]) + (f' and {len(ids) - 20} more' if len(ids) > 20 else '')
                found.append(f'{table}.{column} (at most {length} characters): id {shown}')
    return found


def upgrade():
    too_long = _too_long()
    if too_long:
        raise RuntimeError('Some text is longer than its new limit and would be cut. Shorten it, then upgrade again:\n  '
                           + '\n  '.join(too_long))
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, length in columns.items():
                batch_op.alter_column(column, existing_type=sa.Text(), type_=sa.String(length=length),
                                      existing_nullable=False)


def downgrade():
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, length in columns.items():
                batch_op.alter_column(column, existing_type=sa.String(length=length), type_=sa.Text(),
                                      existing_nullable=False)
