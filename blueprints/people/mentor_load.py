"""A mentor with fewer than MIN_MENTEES active mentees is under-used (after a transfer out, say): the mentor list and
page flag them, and their page suggests mentees to take on: active mentees at a hospital their team visits who have
no mentor now, those of the mentor's own profession first."""

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload

from ..core.extensions import db
from .models import Assignment, Hospital, Mentee, MenteeStatus, Mentor

MIN_MENTEES = 2
SUGGESTED = 3


def under_used(active_mentees: int | None, mentor: Mentor) -> bool:
    return mentor.active and (active_mentees or 0) < MIN_MENTEES


def mentees_to_take_on(mentor: Mentor) -> list[Mentee]:
    """Up to three mentees the mentor could take on; none without a team."""
    if mentor.team_id is None:
        return []
    mentored = exists().where(Assignment.mentee_id == Mentee.id, Assignment.end_date.is_(None))
    return list(db.session.scalars(
        select(Mentee).join(Hospital, Hospital.id == Mentee.hospital_id)
        .where(Hospital.team_id == mentor.team_id, Mentee.status == MenteeStatus.ACTIVE, ~mentored)
        .options(joinedload(Mentee.hospital), joinedload(Mentee.profession))
        .order_by(or_(Mentee.profession_id != mentor.profession_id, Mentee.profession_id.is_(None)), Mentee.full_name, Mentee.id)
        .limit(SUGGESTED)))
