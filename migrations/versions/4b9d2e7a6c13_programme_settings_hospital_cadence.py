"""a hospital may have its own cadence (days between visits); the programme's settings live in the setting table;
a reflection's support request has a topic and an answer (issue 25)

Revision ID: 4b9d2e7a6c13
Revises: 4b1d6e2f8a90
Create Date: 2026-12-03 15:10:00.000000

The programme settings need no table of their own (they are rows of `setting`, seeded by `flask seed-defaults` from the
server's configuration); hospitals keep the programme's cadence (NULL) until a coordinator gives them one. Support requests made before
this are about the programme (their topic), so no hospital administrator sees them until a coordinator says otherwise.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4b9d2e7a6c13'
down_revision = '4b1d6e2f8a90'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('hospital', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cadence_days', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_hospital_cadence_days'), "cadence_days IS NULL OR cadence_days BETWEEN 7 AND 365")
    with op.batch_alter_table('reflection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('support_topic', sa.String(length=12), server_default='programme', nullable=False))
        batch_op.add_column(sa.Column('support_answer', sa.String(length=5000), server_default='', nullable=False))
        batch_op.add_column(sa.Column('support_answered_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('support_answered_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_reflection_support_answered_by_id_user'), 'user', ['support_answered_by_id'],
                                    ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(op.f('ck_reflection_support_topic'),
                                         "support_topic IN ('programme', 'staffing', 'equipment', 'scheduling')")


def downgrade():
    with op.batch_alter_table('reflection', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reflection_support_topic'), type_='check')
        batch_op.drop_constraint(op.f('fk_reflection_support_answered_by_id_user'), type_='foreignkey')
        batch_op.drop_column('support_answered_at')
        batch_op.drop_column('support_answered_by_id')
        batch_op.drop_column('support_answer')
        batch_op.drop_column('support_topic')
    with op.batch_alter_table('hospital', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_hospital_cadence_days'), type_='check')
        batch_op.drop_column('cadence_days')
