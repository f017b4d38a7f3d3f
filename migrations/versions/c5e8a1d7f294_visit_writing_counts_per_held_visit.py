"""visit writing: the feedback and reflections each held visit's mentors owe, kept per visit (the writing tile and
the weekly summary read it instead of working it out; issue 23)

Revision ID: c5e8a1d7f294
Revises: a3c9e1f5b720
Create Date: 2026-12-04 13:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e8a1d7f294'
down_revision = 'a3c9e1f5b720'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('visit_writing',
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('feedback_expected', sa.Integer(), nullable=False),
    sa.Column('feedback_signed', sa.Integer(), nullable=False),
    sa.Column('feedback_drafted', sa.Integer(), nullable=False),
    sa.Column('reflections_expected', sa.Integer(), nullable=False),
    sa.Column('reflections_written', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_writing_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('visit_id', name=op.f('pk_visit_writing'))
    )
    # Filled from the records already there (plain SQL, so this migration never depends on later app code).
    op.execute(FILL)


# The mentors who came to each held visit (recorded present, or an active team mentor with nothing recorded); the
# mentees assigned to them on a day of the visit and their feedback; their reflections. Zeros for a visit without any.
FILL = """
INSERT INTO visit_writing (visit_id, feedback_expected, feedback_signed, feedback_drafted, reflections_expected, reflections_written)
WITH attending AS (
    SELECT a.visit_id, a.mentor_id
    FROM mentor_attendance a JOIN visit v ON v.id = a.visit_id
    WHERE a.present AND v.status = 'held'
    UNION ALL
    SELECT v.id, m.id
    FROM visit v JOIN mentor m ON m.team_id = v.team_id AND m.active
    WHERE v.status = 'held' AND NOT EXISTS (SELECT 1 FROM mentor_attendance a WHERE a.visit_id = v.id AND a.mentor_id = m.id)
), feedback_counts AS (
    SELECT c.visit_id, COUNT(DISTINCT s.mentee_id) AS expected,
           COUNT(DISTINCT CASE WHEN f.status = 'signed' THEN s.mentee_id END) AS signed,
           COUNT(DISTINCT CASE WHEN f.status = 'draft' THEN s.mentee_id END) AS drafted
    FROM attending c
    JOIN visit v ON v.id = c.visit_id
    JOIN assignment s ON s.mentor_id = c.mentor_id AND s.start_date <= v.end_date AND (s.end_date IS NULL OR s.end_date >= v.start_date)
    LEFT JOIN feedback f ON f.visit_id = c.visit_id AND f.mentee_id = s.mentee_id
    GROUP BY c.visit_id
), reflection_counts AS (
    SELECT c.visit_id, COUNT(*) AS expected, COUNT(r.id) AS written
    FROM attending c LEFT JOIN reflection r ON r.visit_id = c.visit_id AND r.mentor_id = c.mentor_id
    GROUP BY c.visit_id
)
SELECT v.id, COALESCE(fc.expected, 0), COALESCE(fc.signed, 0), COALESCE(fc.drafted, 0),
       COALESCE(rc.expected, 0), COALESCE(rc.written, 0)
FROM visit v
LEFT JOIN feedback_counts fc ON fc.visit_id = v.id
LEFT JOIN reflection_counts rc ON rc.visit_id = v.id
WHERE v.status = 'held'
"""


def downgrade():
    op.drop_table('visit_writing')
