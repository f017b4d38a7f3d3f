"""Choosing visit dates: windows of consecutive working days scored by the mentee-days available,
clashes for one visit, and the cadence planner. Data is loaded in a few bulk queries; the scoring
is plain Python over dates, so the planner for the whole programme stays fast."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from flask_babel import get_translations
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from ..core.extensions import db
from ..core.formatting import format_day
from ..core.programme import programme_settings
from ..people.models import Absence, Assignment, Hospital, Mentee, MenteeStatus, Mentor, Team
from . import availability, queries
from .availability import absent_days  # noqa: F401 (read here by name since before the mentees' answers)
from .cadence import next_target
from .models import AvailabilityAnswer, Visit

WINDOW_RADIUS_DAYS = 14


def too_close_days() -> int:
    """Two visits to one hospital closer than half the cadence waste a visit."""
    return programme_settings().cadence_days // 2


@dataclass
class Window:
    start: date
    end: date
    available: int  # mentee-days available
    possible: int  # mentees × days
    distance: int = 0  # days from the target
    mentors_free: int = 0  # the team's mentors away on none of its days
    mentor_count: int = 0

    @property
    def missing(self) -> int:
        return self.possible - self.available


def absent_counts(absent: dict[int, dict[date, str]], mentee_ids) -> dict[date, int]:
    """day → how many of these mentees are away that day."""
    counts: dict[date, int] = defaultdict(int)
    for mentee_id in mentee_ids:
        for day in absent.get(mentee_id, ()):
            counts[day] += 1
    return counts


def is_working_day(day: date, holidays: queries.Holidays) -> bool:
    return day.weekday() < 5 and holidays.name(day) is None


def overlaps(start: date, end: date, ranges) -> bool:
    return any(s <= end and e >= start for s, e in ranges)


def best_windows(
    first: date, last: date, days: int, headcount: int, away: dict[date, int], holidays, busy,
    target: date | None = None, limit: int | None = 3, mentors_away=(),
) -> list[Window]:
    """Windows starting between `first` and `last`: `days` consecutive working days, the team free,
    ranked by the team's mentors free on every day (`mentors_away`: one set of days away per mentor: a window
    without a mentor needs a substitute), then mentee-days available (`headcount` less those `away` each day),
    then closeness to the target, then date."""
    found = []
    start = first
    while start <= last:
        window_days = [start + timedelta(days=n) for n in range(days)]
        end = window_days[-1]
        if all(is_working_day(d, holidays) for d in window_days) and not overlaps(start, end, busy):
            available = sum(headcount - away.get(d, 0) for d in window_days)
            free = sum(1 for off in mentors_away if not any(d in off for d in window_days))
            found.append(Window(start, end, available, headcount * days, abs((start - (target or first)).days), free, len(mentors_away)))
        start += timedelta(days=1)
    found.sort(key=lambda w: (-w.mentors_free, -w.available, w.distance, w.start))
    return found if limit is None else found[:limit]


@dataclass
class Clashes:
    days: list[date]
    # {"mentee", "cells": [kind away or None per day], "available": n, "answers": [the mentee's own answer or None per day],
    #  "overruled": [the administrator's record an own answer overrules, or None], "confirmed": answered every day}
    rows: list[dict]
    team_visits: list[Visit]
    too_close: list[Visit]
    non_working: list[tuple[date, str]]
    alternatives: list[Window]
    available: int
    possible: int
    search_from: date
    search_to: date
    mentor_rows: list[dict] = field(default_factory=list)  # {"mentor", "cells": [kind away or None per day]}
    mentors_available: int = 0  # the team's mentors away on none of the visit's days

    @property
    def any(self) -> bool:
        return bool(self.team_visits or self.too_close or self.non_working or self.available < self.possible
                    or self.mentors_available < len(self.mentor_rows))


def clashes(
    hospital_id: int, team_id: int, start: date, days: int, *, exclude_id: int | None = None, mentees=None, mentors=None,
    search_from: date | None = None, search_to: date | None = None, today: date | None = None,
) -> Clashes:
    """Who is away on each day of a (planned or proposed) visit, mentees and the team's mentors, what else occupies
    the team or the hospital around it, and the three best windows in the search range (±14 days by default)."""
    end = start + timedelta(days=days - 1)
    search_from = search_from or start - timedelta(days=WINDOW_RADIUS_DAYS)
    search_to = search_to or start + timedelta(days=WINDOW_RADIUS_DAYS)
    if today is not None:
        search_from = max(search_from, today + timedelta(days=1))
    close = too_close_days()
    if mentees is None:
        mentees = [m for m, _e, _p in db.session.execute(queries.assigned_mentees(hospital_id, start)).unique().all()]
    if mentors is None:
        mentors = queries.team_mentors(team_id)
    mentee_ids = [m.id for m in mentees]
    span_from = min(start, search_from)
    span_to = max(end, search_to + timedelta(days=days - 1))
    known = availability.merge(queries.availability_between(mentee_ids, [m.id for m in mentors], span_from, span_to))
    absent, own, overruled = known.away, known.own, known.overruled
    nearby = queries.nearby_visits(hospital_id, team_id, min(span_from, start - timedelta(days=close)),
                                   max(span_to, end + timedelta(days=close)), exclude_id)
    holidays = queries.holidays()

    visit_days = [start + timedelta(days=n) for n in range(days)]
    rows = []
    for mentee in mentees:
        cells = [absent.get(mentee.id, {}).get(d) for d in visit_days]
        answers = [own.get(mentee.id, {}).get(d) for d in visit_days]
        rows.append({"mentee": mentee, "cells": cells, "available": sum(1 for c in cells if c is None), "answers": answers,
                     "overruled": [overruled.get(mentee.id, {}).get(d) for d in visit_days],
                     "confirmed": all(a is not None for a in answers)})
    mentor_rows = [{"mentor": m, "cells": [known.mentors_away.get(m.id, {}).get(d) for d in visit_days]} for m in mentors]
    mentors_away = [set(known.mentors_away.get(m.id, {})) for m in mentors]
    team_visits = [v for v in nearby if v.team_id == team_id and v.start_date <= end and v.end_date >= start]
    too_close = [v for v in nearby if v.hospital_id == hospital_id
                 and v.start_date - end < timedelta(days=close) and start - v.end_date < timedelta(days=close)]
    non_working = [(d, holidays.name(d) or _("weekend")) for d in visit_days if not is_working_day(d, holidays)]
    busy = [(v.start_date, v.end_date) for v in nearby if v.team_id == team_id]
    windows = best_windows(search_from, search_to, days, len(mentee_ids), absent_counts(absent, mentee_ids), holidays, busy,
                           target=start, limit=None, mentors_away=mentors_away)
    alternatives = [w for w in windows if w.start != start][:3]  # other windows than the one being looked at
    available = sum(r["available"] for r in rows)
    return Clashes(visit_days, rows, team_visits, too_close, non_working, alternatives, available,
                   len(mentee_ids) * days, search_from, search_to, mentor_rows,
                   sum(1 for r in mentor_rows if not any(r["cells"])))


@dataclass
class Proposal:
    hospital_id: int
    hospital: str
    team_id: int | None
    team: str | None
    target: date
    start: date | None
    end: date | None
    available: int = 0
    possible: int = 0
    reasons: list[str] = field(default_factory=list)


def plan(start_from: date, count: int, hospital_id: int | None = None, days: int | None = None) -> list[Proposal]:
    """Propose the next `count` visits for one hospital or all, at the cadence, each on the best window
    within ±14 days of its target. Six queries whatever the size of the programme."""
    days = days or programme_settings().visit_days
    programme_cadence = programme_settings().cadence_days
    radius = timedelta(days=WINDOW_RADIUS_DAYS)

    latest = func.max(Visit.end_date)  # the last visit is the day it ended, as cadence counts it
    hospitals_q = (
        select(Hospital.id, Hospital.name, Hospital.team_id, Hospital.cadence_days, Team.name.label("team"), latest.label("latest"))
        .outerjoin(Team, Team.id == Hospital.team_id)
        .outerjoin(Visit, (Visit.hospital_id == Hospital.id) & Visit.status.in_(queries.ACTIVE_STATUSES))
        .group_by(Hospital.id, Hospital.name, Hospital.team_id, Hospital.cadence_days, Team.name)
        .order_by(Hospital.name)
    )
    if hospital_id is not None:
        hospitals_q = hospitals_q.where(Hospital.id == hospital_id)
    hospitals = db.session.execute(hospitals_q).all()
    hospital_ids = [h.id for h in hospitals]
    # The last window can start up to (cadence + radius) per proposal after the latest visit already planned.
    base = max([start_from, *(h.latest for h in hospitals if h.latest)])
    cadence = max([programme_cadence, *(h.cadence_days for h in hospitals if h.cadence_days)])
    horizon = base + timedelta(days=(cadence + WINDOW_RADIUS_DAYS) * count + days)

    running = (Assignment.start_date <= start_from) & or_(Assignment.end_date.is_(None), Assignment.end_date >= start_from)
    mentee_rows = db.session.execute(
        select(Mentee.id, Mentee.hospital_id)
        .where(Mentee.hospital_id.in_(hospital_ids), Mentee.status == MenteeStatus.ACTIVE,
               select(Assignment.id).where(Assignment.mentee_id == Mentee.id, running).exists())
    ).all()
    mentees_at: dict[int, list[int]] = defaultdict(list)
    for mentee_id, at in mentee_rows:
        mentees_at[at].append(mentee_id)
    team_ids = {h.team_id for h in hospitals if h.team_id is not None}
    mentors_of: dict[int, list[int]] = defaultdict(list)
    for mentor_id, team_id in db.session.execute(select(Mentor.id, Mentor.team_id).where(Mentor.team_id.in_(team_ids), Mentor.active)):
        mentors_of[team_id].append(mentor_id)
    at_hospitals = select(Mentee.id).where(Mentee.hospital_id.in_(hospital_ids))
    team_mentors = select(Mentor.id).where(Mentor.team_id.in_(team_ids), Mentor.active)
    known = availability.merge(db.session.execute(queries.availability_statement(
        and_(or_(Absence.mentee_id.in_(at_hospitals), Absence.mentor_id.in_(team_mentors)),
             Absence.end_date >= start_from, Absence.start_date <= horizon),
        and_(AvailabilityAnswer.mentee_id.in_(at_hospitals), AvailabilityAnswer.day.between(start_from, horizon)),
    )).all()) if hospital_ids else availability.merge([])
    absent = known.away
    busy: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for team_id, start, end in db.session.execute(
        select(Visit.team_id, Visit.start_date, Visit.end_date)
        .where(Visit.status.in_(queries.ACTIVE_STATUSES), Visit.end_date >= start_from, Visit.start_date <= horizon)
    ):
        busy[team_id].append((start, end))
    holidays = queries.holidays()

    say = _messages()  # translated once: hundreds of proposals would otherwise look up the locale each time
    proposals = []
    away_at: dict[int, dict[date, int]] = {}
    for hospital in hospitals:
        anchor = hospital.latest
        own = hospital.cadence_days or programme_cadence
        for _n in range(count):
            if anchor is None:
                target, why = start_from, say["never"]
            else:
                target, late = next_target(anchor, start_from, own)
                if late:
                    why = say["overdue"] % {"anchor": format_day(anchor)}
                else:
                    why = say["target"](own) % {"target": format_day(target), "num": own, "anchor": format_day(anchor)}
            proposal = Proposal(hospital.id, hospital.name, hospital.team_id, hospital.team, target, None, None, reasons=[why])
            proposals.append(proposal)
            if hospital.team_id is None:
                proposal.reasons.append(say["no_team"])
                break
            mentee_ids = mentees_at.get(hospital.id, [])
            if hospital.id not in away_at:
                away_at[hospital.id] = absent_counts(absent, mentee_ids)
            first = max(target - radius, start_from)
            mentors_away = [set(known.mentors_away.get(m, {})) for m in mentors_of.get(hospital.team_id, [])]
            windows = best_windows(first, target + radius, days, len(mentee_ids), away_at[hospital.id], holidays, busy[hospital.team_id],
                                   target=target, limit=None, mentors_away=mentors_away)
            if not windows:
                proposal.reasons.append(say["no_window"](days) % {"num": days})
                anchor = target
                continue
            best = windows[0]
            nearest = min(windows, key=lambda w: (w.distance, w.start))
            proposal.start, proposal.end = best.start, best.end
            proposal.available, proposal.possible = best.available, best.possible
            proposal.reasons.append(say["available"](best.available) % {
                "num": best.available, "p": best.possible, "mentees": say["mentees"](len(mentee_ids)) % {"num": len(mentee_ids)}})
            if best.mentors_free < best.mentor_count:
                proposal.reasons.append(say["mentors"](best.mentors_free) % {"num": best.mentors_free, "count": best.mentor_count})
            if nearest.available < best.available:
                proposal.reasons.append(say["absences"](nearest.missing) % {"day": format_day(nearest.start), "num": nearest.missing,
                                                                            "here": best.missing})
            elif best.start != target:
                moved = abs((best.start - target).days)
                proposal.reasons.append(say["moved"](moved) % {"num": moved})
            for day in _days(first, target + radius):
                name = holidays.name(day)
                if name:
                    proposal.reasons.append(say["holiday"] % {"name": name, "day": format_day(day)})
            busy[hospital.team_id].append((best.start, best.end))
            anchor = best.end
    return proposals


def _messages() -> dict:
    """Each reason's unfilled text; a reason with a count is a function of the count giving the text of its plural
    form, each form looked up once."""
    t = get_translations()
    return {
        "never": _("Never visited: as soon as possible."),
        "target": cache(lambda n: t.ungettext("Target %(target)s: %(num)s day after the visit of %(anchor)s.",
                                              "Target %(target)s: %(num)s days after the visit of %(anchor)s.", n)),
        "overdue": _("Overdue (last visit %(anchor)s): as soon as possible."),
        "no_team": _("No team visits this hospital yet; assign one first."),
        "no_window": cache(lambda n: t.ungettext(
            "No free window of %(num)s working day within 14 days of the target; choose a date.",
            "No free window of %(num)s working days within 14 days of the target; choose a date.", n)),
        "available": cache(lambda n: t.ungettext("%(num)s of %(p)s mentee-days available (%(mentees)s).",
                                                 "%(num)s of %(p)s mentee-days available (%(mentees)s).", n)),
        "mentees": cache(lambda n: t.ungettext("%(num)s mentee", "%(num)s mentees", n)),
        "absences": cache(lambda n: t.ungettext(
            "The dates nearest the target (%(day)s) would lose %(num)s mentee-day to leave, nights or other absences; "
            "these lose %(here)s.",
            "The dates nearest the target (%(day)s) would lose %(num)s mentee-days to leave, nights or other absences; "
            "these lose %(here)s.", n)),
        "moved": cache(lambda n: t.ungettext(
            "Moved %(num)s day from the target to avoid weekends, public holidays or the team's other visits.",
            "Moved %(num)s days from the target to avoid weekends, public holidays or the team's other visits.", n)),
        "holiday": _("Avoids %(name)s (%(day)s)."),
        "mentors": cache(lambda n: t.ungettext(
            "%(num)s of %(count)s mentors available on every day: the others are on leave or on duty; find a substitute "
            "on the visit's page.",
            "%(num)s of %(count)s mentors available on every day: the others are on leave or on duty; find a substitute "
            "on the visit's page.", n)),
    }


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
