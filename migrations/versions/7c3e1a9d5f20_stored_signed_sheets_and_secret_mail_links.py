"""stored signed sheets: a signed-off feedback sheet's PDF per language, rendered once and served from the database;
and outgoing mail whose link is a credential, cut from the body once sent

Revision ID: 7c3e1a9d5f20
Revises: 7c4e1a9d2b58
Create Date: 2026-12-03 18:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c3e1a9d5f20'
down_revision = '7c4e1a9d2b58'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stored_sheet',
        sa.Column('feedback_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=10), nullable=False),
        sa.Column('feedback_version', sa.Integer(), nullable=False),
        sa.Column('template_version', sa.String(length=16), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('rendered_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_stored_sheet_feedback_id_feedback'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('feedback_id', 'language', name=op.f('pk_stored_sheet')),
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_link', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('secret_link')
    op.drop_table('stored_sheet')
