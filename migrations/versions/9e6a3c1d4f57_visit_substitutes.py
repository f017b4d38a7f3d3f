"""visit substitutes: a mentor from another team in place of a team mentor who cannot come, one per absent mentor

Revision ID: 9e6a3c1d4f57
Revises: 8d5f2b0c3e46
Create Date: 2026-12-03 18:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9e6a3c1d4f57'
down_revision = '8d5f2b0c3e46'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'visit_substitute',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('mentor_id', sa.Integer(), nullable=False),
        sa.Column('for_mentor_id', sa.Integer(), nullable=False),
        sa.Column('arranged_by_id', sa.Integer(), nullable=True),
        sa.Column('arranged_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('mentor_id != for_mentor_id', name=op.f('ck_visit_substitute_not_themself')),
        sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_substitute_visit_id_visit'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['mentor_id'], ['mentor.id'], name=op.f('fk_visit_substitute_mentor_id_mentor')),
        sa.ForeignKeyConstraint(['for_mentor_id'], ['mentor.id'], name=op.f('fk_visit_substitute_for_mentor_id_mentor')),
        sa.ForeignKeyConstraint(['arranged_by_id'], ['user.id'], name=op.f('fk_visit_substitute_arranged_by_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_substitute')),
        sa.UniqueConstraint('visit_id', 'for_mentor_id', name=op.f('uq_visit_substitute_visit_id_for_mentor_id')),
        sa.UniqueConstraint('visit_id', 'mentor_id', name=op.f('uq_visit_substitute_visit_id_mentor_id')),
    )
    op.create_index(op.f('ix_visit_substitute_mentor_id'), 'visit_substitute', ['mentor_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_visit_substitute_mentor_id'), table_name='visit_substitute')
    op.drop_table('visit_substitute')
