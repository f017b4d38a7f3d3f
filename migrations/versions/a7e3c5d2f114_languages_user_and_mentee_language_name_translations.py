"""languages: the user's interface language, the mentee's preferred language, translated skill and equipment names

Revision ID: a7e3c5d2f114
Revises: ea57e8952695
Create Date: 2026-11-26 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7e3c5d2f114'
down_revision = 'ea57e8952695'
branch_labels = None
depends_on = None


def upgrade():
    # NULL: follow the browser's Accept-Language.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=True))
        batch_op.create_check_constraint(op.f('ck_user_language'), "language IS NULL OR language IN ('en', 'fr', 'rw')")

    # Existing mentees get English, the language their sheets were printed in until now.
    with op.batch_alter_table('mentee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_language', sa.String(length=5), server_default='en', nullable=False))
        batch_op.create_check_constraint(op.f('ck_mentee_preferred_language'), "preferred_language IN ('en', 'fr', 'rw')")

    # `flask seed-defaults` (make db) fills these in for the default skills and catalogue items.
    with op.batch_alter_table('skill', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_translations', sa.JSON(), nullable=True))

    with op.batch_alter_table('equipment_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_translations', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('equipment_item', schema=None) as batch_op:
        batch_op.drop_column('name_translations')

    with op.batch_alter_table('skill', schema=None) as batch_op:
        batch_op.drop_column('name_translations')

    with op.batch_alter_table('mentee', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_mentee_preferred_language'), type_='check')
        batch_op.drop_column('preferred_language')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_language'), type_='check')
        batch_op.drop_column('language')
