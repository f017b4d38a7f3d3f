"""A mentee's own answer for each day of their hospital's next visit ("I will be there / on leave / on nights").

Which wins: the mentee's answer outranks the administrator's absence record for the days it covers. The mentee
answers about one visit day, first hand and usually after the rota was typed; the administrator's record still shows
beside it in the clash grid when the two disagree, so the administrator can correct the rota or ask."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from ..core import audit
from ..core.concurrency import upsert
from ..core.errors import RuleBroken
from ..core.extensions import db
from ..core.models import utcnow
from ..people.models import AbsenceKind, Mentee
from .models import AvailabilityAnswer, DayAnswer, Visit
from .queries import UPCOMING_STATUSES


class Span(NamedTuple):
    mentee_id: int  # the person's id: a mentee's, or a mentor's for a mentor's absence (absent_days reads this name)
    kind: str
    start_date: date
    end_date: date
    own: bool


def absent_days(absences) -> dict[int, dict[date, str]]:
    """mentee id → {day: kind of absence}, from Absence rows or (mentee_id, kind, start_date, end_date) tuples."""
    out: dict[int, dict[date, str]] = defaultdict(dict)
    one = timedelta(days=1)
    for absence in absences:
        days = out[absence.mentee_id]
        day, end, kind = absence.start_date, absence.end_date, absence.kind
        while day <= end:
            if day not in days:
                days[day] = kind
            day += one
    return out


def next_visit(mentee: Mentee, today: date) -> Visit | None:
    """The next planned or confirmed visit at the mentee's hospital that has a day still to come."""
    if mentee.hospital_id is None:
        return None
    return db.session.scalar(select(Visit).where(Visit.hospital_id == mentee.hospital_id, Visit.status.in_(UPCOMING_STATUSES),
                                                 Visit.end_date >= today).order_by(Visit.start_date, Visit.id).limit(1))


def answerable_visit_or_404(visit_id: int, mentee: Mentee, today: date) -> Visit:
    """A coming visit at the mentee's own hospital; any other visit id is not found for them."""
    visit = db.session.scalar(select(Visit).where(Visit.id == visit_id, Visit.hospital_id == mentee.hospital_id,
                                                  Visit.status.in_(UPCOMING_STATUSES), Visit.end_date >= today))
    if visit is None or mentee.hospital_id is None:
        abort(404)
    return visit


def my_answers(mentee_id: int, days: list[date]) -> dict[date, DayAnswer]:
    return dict(db.session.execute(select(AvailabilityAnswer.day, AvailabilityAnswer.answer)
                                   .where(AvailabilityAnswer.mentee_id == mentee_id, AvailabilityAnswer.day.in_(days))).all())


def answer_days(mentee: Mentee, visit: Visit, answers: dict[date, str], today: date) -> int:
    """Save the mentee's answer for each day given (a day left blank keeps its earlier answer). One row per mentee and
    day, written with an upsert so two posts at once cannot make two. Refuses, saving nothing, a day outside the visit,
    a day already past or an answer that is not one of the three. Returns how many days were answered."""
    choices = {member.value for member in DayAnswer}
    for day, answer in answers.items():
        if day not in visit.day_dates:
            raise RuleBroken("form", _("That day is not a day of this visit."))
        if answer not in choices:
            raise RuleBroken(f"day-{day.isoformat()}", _("Choose one of the three answers."))
        if day < today:
            raise RuleBroken(f"day-{day.isoformat()}", _("That day has passed; it can no longer be answered."))
    if not answers:
        raise RuleBroken("form", _("Answer for at least one day."))
    now = utcnow()
    statement = upsert(AvailabilityAnswer).values(
        [{"mentee_id": mentee.id, "day": day, "answer": answer, "answered_at": now} for day, answer in sorted(answers.items())])
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["mentee_id", "day"], set_={"answer": statement.excluded.answer, "answered_at": statement.excluded.answered_at}))
    audit.record("availability.answer", visit, summary=f"{mentee.full_name} answered for {len(answers)} day(s)",
                 after={day.isoformat(): answer for day, answer in sorted(answers.items())}, hospital_id=visit.hospital_id)
    return len(answers)


@dataclass
class Availability:
    """Who is away on each day, once the mentees' own answers have won: mentee id → {day: kind} (`away`), mentor id →
    {day: kind} (`mentors_away`), the mentees' own answers (`own`) and the administrator's records an own answer
    overrules (`overruled`, the disagreements the clash grid shows)."""

    away: dict[int, dict[date, str]]
    mentors_away: dict[int, dict[date, str]]
    own: dict[int, dict[date, str]]
    overruled: dict[int, dict[date, str]]


def merge(rows) -> Availability:
    """From the rows of queries.availability_statement: (mentee_id, mentor_id, kind, start_date, end_date, own)."""
    recorded, answered, mentors = [], [], []
    for mentee_id, mentor_id, kind, start, end, own in rows:
        if own:
            answered.append(Span(mentee_id, DayAnswer(kind), start, end, True))
        elif mentor_id is not None:
            mentors.append(Span(mentor_id, AbsenceKind(kind), start, end, False))
        else:
            recorded.append(Span(mentee_id, AbsenceKind(kind), start, end, False))
    away, own = absent_days(recorded), absent_days(answered)
    overruled: dict[int, dict[date, str]] = {}
    for mentee_id, days in own.items():
        mine = away[mentee_id]
        for day, answer in days.items():
            kept = mine.pop(day, None)
            if kept is not None and kept != answer:
                overruled.setdefault(mentee_id, {})[day] = kept
            if answer != DayAnswer.THERE:
                mine[day] = answer
    return Availability(away, absent_days(mentors), own, overruled)
