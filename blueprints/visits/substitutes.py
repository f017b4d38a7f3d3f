"""When a team mentor cannot come to a visit: who could come instead, arranging them and taking that back.

A substitute has the absent mentor's profession (the mentees are rated by a peer of their mentor's profession), is
active, belongs to another team, is not away on any day of the visit and their own team has no visit then. Mentors
of a neighbouring team (one visiting a hospital in the same province) come first: the shortest journey."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..core import audit
from ..core.concurrency import lock
from ..core.errors import RuleBroken
from ..core.extensions import db
from ..people.models import Absence, Hospital, Mentor, Team
from .models import MentorAttendance, Visit, VisitSubstitute
from .queries import ACTIVE_STATUSES

PER_MENTOR = 3


@dataclass
class Suggestion:
    mentor: Mentor
    team: str
    neighbouring: bool


def _candidates(visit: Visit, profession_ids: set[int]):
    """Mentors who could stand in at this visit, neighbouring teams first, in one statement."""
    province = select(Hospital.province).where(Hospital.id == visit.hospital_id).scalar_subquery()
    neighbouring = exists().where(Hospital.team_id == Mentor.team_id, Hospital.province == province)
    away = exists().where(Absence.mentor_id == Mentor.id, Absence.start_date <= visit.end_date, Absence.end_date >= visit.start_date)
    busy = exists().where(Visit.team_id == Mentor.team_id, Visit.id != visit.id, Visit.status.in_(ACTIVE_STATUSES),
                          Visit.start_date <= visit.end_date, Visit.end_date >= visit.start_date)
    return (select(Mentor, Team.name, neighbouring.label("neighbouring")).join(Team, Team.id == Mentor.team_id)
            .where(Mentor.active, Mentor.profession_id.in_(profession_ids), Mentor.team_id != visit.team_id, ~away, ~busy)
            .options(joinedload(Mentor.profession))
            .order_by(neighbouring.desc(), Mentor.full_name, Mentor.id))


def suggestions(visit: Visit, mentor_rows: list[dict], arranged: set[int]) -> dict[int, list[Suggestion]]:
    """Absent mentor id → up to three substitutes, for each team mentor away on a day of the visit who has none
    arranged yet (`arranged`: the ids of mentors already replaced). No query when nobody is missing."""
    missing = [row["mentor"] for row in mentor_rows if any(row["cells"]) and row["mentor"].id not in arranged]
    if not missing:
        return {}
    found: dict[int, list[Suggestion]] = {}
    rows = db.session.execute(_candidates(visit, {m.profession_id for m in missing})).unique().all()
    for mentor in missing:
        found[mentor.id] = [Suggestion(m, team, bool(near)) for m, team, near in rows if m.profession_id == mentor.profession_id][:PER_MENTOR]
    return found


def arrange(visit: Visit, *, mentor_id: int, for_mentor_id: int, by=None) -> VisitSubstitute:
    """Record that `mentor_id` comes in place of `for_mentor_id`. Refused unless the substitute is one the rule above
    allows and the replaced mentor is on the visiting team; one substitute per absent mentor (a unique constraint,
    so two coordinators arranging at once leave one)."""
    replaced = db.session.get(Mentor, for_mentor_id) if for_mentor_id else None
    if replaced is None or replaced.team_id != visit.team_id:
        raise RuleBroken("form", _("Only a mentor of the visiting team can be replaced."))
    allowed = {m.id for m, _team, _near in db.session.execute(_candidates(visit, {replaced.profession_id})).unique().all()}
    if mentor_id not in allowed:
        raise RuleBroken("form", _("This mentor cannot stand in: another profession or team, away, or busy with their own team."))
    substitute = VisitSubstitute(visit_id=visit.id, mentor_id=mentor_id, for_mentor_id=for_mentor_id, arranged_by_id=getattr(by, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(substitute)
    except IntegrityError as error:
        raise RuleBroken("form", _("A substitute is already arranged for this mentor.")) from error
    audit.record("visit.substitute", visit, summary=f"{substitute.mentor.full_name} in place of {replaced.full_name}",
                 after={"mentor_id": mentor_id, "for_mentor_id": for_mentor_id}, hospital_id=visit.hospital_id)
    return substitute


def cancel(visit: Visit, *, mentor_id: int | None, by=None) -> VisitSubstitute:
    """Take back the substitute `mentor_id` arranged for this visit: the absent mentor's suggestions show again.
    Refused once the substitute's attendance at the visit is recorded, so the attendance keeps saying who came. Under
    the visit's lock, as attendance is saved (services.record_attendance), so the two never interleave."""
    lock(visit)
    substitute = db.session.scalar(select(VisitSubstitute).where(VisitSubstitute.visit_id == visit.id,
                                                                 VisitSubstitute.mentor_id == mentor_id))
    if substitute is None:
        raise RuleBroken("form", _("This substitute is not arranged for this visit (any more)."))
    marked = select(MentorAttendance.id).where(MentorAttendance.visit_id == visit.id, MentorAttendance.mentor_id == mentor_id)
    if db.session.scalar(marked) is not None:
        raise RuleBroken("form", _("%(name)s's attendance at this visit is recorded: the substitute stays, so the attendance says who came.",
                                   name=substitute.mentor.full_name))
    audit.record("visit.substitute_cancel", visit, hospital_id=visit.hospital_id, user=by,
                 summary=f"{substitute.mentor.full_name} no longer in place of {substitute.for_mentor.full_name}",
                 before={"mentor_id": substitute.mentor_id, "for_mentor_id": substitute.for_mentor_id})
    db.session.delete(substitute)
    db.session.flush()
    return substitute


def taken_back(visit: Visit, mentor_ids) -> set[int]:
    """Of these mentors, those from another team with neither a substitute arrangement at this visit nor a mark there:
    a substitute cancelled after the attendance form was opened (read under the visit's lock)."""
    mentor_ids = list(mentor_ids)
    if not mentor_ids:
        return set()
    arranged = select(VisitSubstitute.id).where(VisitSubstitute.visit_id == visit.id, VisitSubstitute.mentor_id == Mentor.id)
    marked = select(MentorAttendance.id).where(MentorAttendance.visit_id == visit.id, MentorAttendance.mentor_id == Mentor.id)
    return set(db.session.scalars(select(Mentor.id).where(Mentor.id.in_(mentor_ids), Mentor.team_id != visit.team_id,
                                                          ~arranged.exists(), ~marked.exists())))
