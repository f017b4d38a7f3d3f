"""equipment requests: a gap taken to the hospital's management, the district, a partner or the ministry, its
follow-ups and its resolution

Revision ID: 7c4e1a9d2b58
Revises: 9e6a3c1d4f57
Create Date: 2026-12-03 17:50:00.000000
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c4e1a9d2b58'
down_revision = '9e6a3c1d4f57'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'equipment_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hospital_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('addressee', sa.String(length=10), nullable=False),
        sa.Column('addressee_name', sa.String(length=120), nullable=False),
        sa.Column('requested_on', sa.Date(), nullable=False),
        sa.Column('reference', sa.String(length=80), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('outcome', sa.String(length=10), nullable=True),
        sa.Column('resolved_on', sa.Date(), nullable=True),
        sa.Column('resolution_note', sa.String(length=500), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("addressee IN ('hospital', 'district', 'partner', 'ministry')",
                           name=op.f('ck_equipment_request_addressee')),
        sa.CheckConstraint("outcome IS NULL OR outcome IN ('delivered', 'partly', 'refused', 'withdrawn')",
                           name=op.f('ck_equipment_request_outcome')),
        sa.CheckConstraint('(outcome IS NULL) = (resolved_on IS NULL)', name=op.f('ck_equipment_request_resolved_with_outcome')),
        sa.CheckConstraint('resolved_on IS NULL OR resolved_on >= requested_on',
                           name=op.f('ck_equipment_request_resolved_not_before_requested')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_equipment_request_created_by_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['hospital_id'], ['hospital.id'], name=op.f('fk_equipment_request_hospital_id_hospital'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['item_id'], ['equipment_item.id'], name=op.f('fk_equipment_request_item_id_equipment_item'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_request')),
    )
    op.create_index('ix_equipment_request_item_id', 'equipment_request', ['item_id'], unique=False)
    op.create_index('ix_equipment_request_requested_on', 'equipment_request', ['requested_on'], unique=False)
    op.create_index('uq_equipment_request_open', 'equipment_request', ['hospital_id', 'item_id', 'addressee'], unique=True,
                    sqlite_where=sa.text('outcome IS NULL'), postgresql_where=sa.text('outcome IS NULL'))
    op.create_table(
        'equipment_request_follow_up',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('followed_up_on', sa.Date(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'],
                                name=op.f('fk_equipment_request_follow_up_created_by_id_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['request_id'], ['equipment_request.id'],
                                name=op.f('fk_equipment_request_follow_up_request_id_equipment_request'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_request_follow_up')),
    )
    op.create_index('ix_equipment_request_follow_up_request_id', 'equipment_request_follow_up', ['request_id'], unique=False)


def downgrade():
    op.drop_index('ix_equipment_request_follow_up_request_id', table_name='equipment_request_follow_up')
    op.drop_table('equipment_request_follow_up')
    op.drop_index('uq_equipment_request_open', table_name='equipment_request')
    op.drop_index('ix_equipment_request_requested_on', table_name='equipment_request')
    op.drop_index('ix_equipment_request_item_id', table_name='equipment_request')
    op.drop_table('equipment_request')
