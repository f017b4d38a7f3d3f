"""Writes for visits: each validates, changes, audits and flushes; the request commits once, so a
refused step leaves nothing half-saved (the route rolls back)."""

import secrets
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, select

from ..auth.models import User
from ..auth.queries import active_coordinators
from ..core import audit, limits
from ..core.clock import today as programme_today
from ..core.concurrency import insert_once, lock
from ..core.dispatch import dispatch
from ..core.errors import EditConflict, RuleBroken
from ..core.extensions import db
from ..core.formatting import format_day
from ..core.models import SentAlert
from ..core.notify import link_to, notify
from ..core.programme import programme_settings
from ..people.models import Hospital, Mentee, Team
from . import queries, substitutes
from .attendance import attendance_version
from .cadence import CadenceStatus, hospital_cadence
from .models import Holiday, MenteeAttendance, MentorAttendance, Visit, VisitStatus
from .reminders import visit_audience

MAX_DAYS = 14
# Where each status may go next; held, postponed and cancelled are final.
TRANSITIONS = {
    VisitStatus.PLANNED: {VisitStatus.CONFIRMED, VisitStatus.HELD, VisitStatus.POSTPONED, VisitStatus.CANCELLED},
    VisitStatus.CONFIRMED: {VisitStatus.PLANNED, VisitStatus.HELD, VisitStatus.POSTPONED, VisitStatus.CANCELLED},
    VisitStatus.HELD: set(),
    VisitStatus.POSTPONED: set(),
    VisitStatus.CANCELLED: set(),
}


def _check_schedule(hospital_id, team_id, start_date: date | None, days, exclude_id: int | None = None):
    """The rules every date change obeys; returns the loaded hospital and team."""
    hospital = db.session.get(Hospital, hospital_id) if hospital_id else None
    if hospital is None:
        raise RuleBroken("hospital_id", _("Choose a hospital of the programme."))
    team = db.session.get(Team, team_id) if team_id else None
    if team is None:
        raise RuleBroken("team_id", _("Choose a team of the programme."))
    if start_date is None:
        raise RuleBroken("start_date", _("Enter the first day of the visit."))
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise RuleBroken("days", ngettext("A visit lasts %(num)s day.", "A visit lasts 1 to %(num)s days.", MAX_DAYS))
    today = programme_today()
    if abs((start_date - today).days) > 3 * 366:
        raise RuleBroken("start_date", _("The date must be within three years of today."))
    end = start_date + timedelta(days=days - 1)
    busy = queries.team_busy(team.id, start_date, end, exclude_id)
    if busy is not None:
        raise RuleBroken("start_date", _("%(team)s is already at %(hospital)s from %(start)s to %(end)s; a team cannot be in two places on the same day.",
                                         team=team.name, hospital=busy.hospital.name, start=format_day(busy.start_date),
                                         end=format_day(busy.end_date)))
    return hospital, team, end


def create_visit(*, hospital_id, team_id, start_date: date | None, days=None, notes: str = "", status: str = VisitStatus.PLANNED) -> Visit:
    days = programme_settings().visit_days if days is None else days
    hospital, team, end = _check_schedule(hospital_id, team_id, start_date, days)
    if status not in (VisitStatus.PLANNED, VisitStatus.CONFIRMED):
        raise RuleBroken("status", _("A new visit is planned or confirmed."))
    visit = Visit(hospital=hospital, team=team, start_date=start_date, days=days, end_date=end, status=status,
                  status_reason="", notes=(notes or "").strip())
    db.session.add(visit)
    db.session.flush()
    audit.record("visit.create", visit, summary=f"planned a visit of {team.name} to {hospital.name} on {start_date.isoformat()}",
                 after=audit.snapshot(visit), hospital_id=hospital.id)
    return visit


def check_version(visit: Visit, version) -> None:
    """A missing version (None) is refused like an old one: the form cannot show what it would overwrite."""
    if version is None or str(version) != str(visit.version):
        raise RuleBroken("version", _("Someone changed this visit since you opened it. Reload the page to see their change."))


def update_visit(visit: Visit, *, hospital_id, team_id, start_date, days, notes: str = "", version) -> Visit:
    """Move or change a planned or confirmed visit; a held, postponed or cancelled one stays as it was."""
    check_version(visit, version)
    if visit.status not in (VisitStatus.PLANNED, VisitStatus.CONFIRMED):
        raise RuleBroken("start_date", _("A %(status)s visit cannot be changed.", status=_(visit.status)))
    hospital, team, end = _check_schedule(hospital_id, team_id, start_date, days, exclude_id=visit.id)
    before = audit.snapshot(visit)
    visit.hospital, visit.team, visit.start_date, visit.days, visit.end_date = hospital, team, start_date, days, end
    visit.notes = (notes or "").strip()
    db.session.flush()
    audit.record_changes("visit.update", visit, before, summary=f"changed the visit to {hospital.name} of {start_date.isoformat()}", hospital_id=hospital.id)
    return visit


def change_status(visit: Visit, status: str, *, reason: str = "", new_start_date: date | None = None, version,
                  today: date | None = None) -> Visit | None:
    """Confirm, hold, postpone (to a new visit, linked) or cancel; returns the new visit of a postponement."""
    today = today or programme_today()
    check_version(visit, version)
    reason = (reason or "").strip()
    if status not in TRANSITIONS:
        raise RuleBroken("status", _("Choose a status."))
    if status == visit.status:
        raise RuleBroken("status", _("The visit is already %(status)s.", status=_(status)))
    if status not in TRANSITIONS[visit.status]:
        raise RuleBroken("status", _("A %(old)s visit cannot be marked %(new)s.", old=_(visit.status), new=_(status)))
    if status == VisitStatus.HELD:
        if visit.end_date > today:
            raise RuleBroken("status", _("A visit can be marked held from its last day (%(day)s), not before.", day=format_day(visit.end_date)))
        came = db.session.scalar(select(MentorAttendance.id).where(MentorAttendance.visit_id == visit.id,
                                                                   MentorAttendance.present.is_(True)).limit(1))
        if came is None:
            raise RuleBroken("status", _("Record who came (attendance) before marking the visit held."))
    if status in (VisitStatus.POSTPONED, VisitStatus.CANCELLED) and not reason:
        raise RuleBroken("reason", _("Give the reason the visit is %(status)s.", status=_(status)))
    if status != VisitStatus.POSTPONED and new_start_date is not None:
        new_start_date = None
    before = audit.snapshot(visit)
    new_visit = None
    if status == VisitStatus.POSTPONED:
        if new_start_date is None:
            raise RuleBroken("new_start_date", _("Enter the new date of the visit."))
        if new_start_date < today:
            raise RuleBroken("new_start_date", _("The new date cannot be in the past."))
        if new_start_date == visit.start_date:
            raise RuleBroken("new_start_date", _("Choose a date other than the visit's current one."))
        visit.status, visit.status_reason = status, reason  # frees the team's days before the new visit is checked
        db.session.flush()
        try:
            new_visit = create_visit(hospital_id=visit.hospital_id, team_id=visit.team_id, start_date=new_start_date,
                                     days=visit.days, notes=visit.notes)
        except RuleBroken as refusal:
            raise RuleBroken("new_start_date", refusal.message) from None
        visit.postponed_to = new_visit
    visit.status = status
    visit.status_reason = reason if status in (VisitStatus.POSTPONED, VisitStatus.CANCELLED) else visit.status_reason
    db.session.flush()
    changed_before, changed_after = audit.changes(before, audit.snapshot(visit))
    audit.record(f"visit.{status}", visit, summary=f"visit to {visit.hospital.name} of {visit.start_date.isoformat()} {status}",
                 before=changed_before, after=changed_after, hospital_id=visit.hospital_id)
    if status in (VisitStatus.POSTPONED, VisitStatus.CANCELLED):
        def message() -> str:  # in each mentor's language
            text = _("The visit to %(hospital)s on %(day)s is %(status)s: %(reason)s", hospital=visit.hospital.name,
                     day=format_day(visit.start_date), status=_(status), reason=reason)
            if new_visit is not None:
                text += " " + _("New date: %(day)s.", day=format_day(new_visit.start_date))
            return text

        dispatch(visit_audience(visit), "visit", message, link=link_to("visits.visit", visit_id=(new_visit or visit).id))
    return new_visit


def record_attendance(visit: Visit, *, mentors: dict[int, tuple[bool | None, str]], mentee_days: set[tuple[int, date]],
                      allowed_mentor_ids, allowed_mentee_ids, opened_version: str | None,
                      today: date | None = None) -> list[RuleBroken]:
    """Replace the attendance of the mentors and mentees the form showed (`allowed_*_ids`): each mentor present or
    absent with a reason, each mentee's days. Anyone else's rows are history and stay as they are.

    Returns the refusals (field names `mentor-<id>`); nothing is changed when there are any. Raises EditConflict when
    the attendance changed since the form was opened (`opened_version`, attendance_version) and this save would
    change it again; a save that leaves it as it is (a double click, the same marks from two phones) is no conflict.
    """
    today = today or programme_today()
    if visit.status in (VisitStatus.POSTPONED, VisitStatus.CANCELLED):
        raise RuleBroken("attendance", _("A %(status)s visit has no attendance.", status=_(visit.status)))
    if visit.start_date > today:
        raise RuleBroken("attendance", _("Attendance is recorded from the first day of the visit (%(day)s).", day=format_day(visit.start_date)))
    refusals = []
    for mentor_id, (present, reason) in mentors.items():
        if mentor_id not in allowed_mentor_ids:
            refusals.append(RuleBroken(f"mentor-{mentor_id}", _("This mentor is not on the visiting team.")))
        elif present is False and not reason.strip():
            refusals.append(RuleBroken(f"mentor-{mentor_id}", _("Give the reason this mentor did not come.")))
        elif present is False and (len(reason) > limits.ATTENDANCE_REASON or "\n" in reason or "\r" in reason):
            refusals.append(RuleBroken(f"mentor-{mentor_id}", ngettext("Give the reason on one line, in at most %(num)s character.",
                                                                       "Give the reason on one line, in at most %(num)s characters.",
                                                                       limits.ATTENDANCE_REASON)))
    visit_days = set(visit.day_dates)
    for mentee_id, day in mentee_days:
        if mentee_id not in allowed_mentee_ids or day not in visit_days or day > today:
            refusals.append(RuleBroken(f"mentee-{mentee_id}", _("Presence can only be recorded on the visit's days up to today.")))
    if refusals:
        return refusals
    lock(visit)  # parallel saves replace the rows one after the other, each deleting what the one before it added
    gone = substitutes.taken_back(visit, [mid for mid, (present, _reason) in mentors.items() if present is not None])
    if gone:
        return [RuleBroken(f"mentor-{mid}", _("This substitute was taken back after the form was opened.")) for mid in sorted(gone)]
    recorded = attendance_version(visit.id)
    db.session.execute(delete(MentorAttendance).where(MentorAttendance.visit_id == visit.id,
                                                      MentorAttendance.mentor_id.in_(list(allowed_mentor_ids))))
    db.session.execute(delete(MenteeAttendance).where(MenteeAttendance.visit_id == visit.id,
                                                      MenteeAttendance.mentee_id.in_(list(allowed_mentee_ids))))
    db.session.add_all(MentorAttendance(visit_id=visit.id, mentor_id=mid, present=present, reason="" if present else reason.strip())
                       for mid, (present, reason) in mentors.items() if present is not None)
    db.session.add_all(MenteeAttendance(visit_id=visit.id, mentee_id=mid, day=day) for mid, day in sorted(mentee_days))
    db.session.flush()
    if (opened_version or "") != recorded and attendance_version(visit.id) != recorded:
        raise EditConflict
    audit.record("visit.attendance", visit, summary=f"attendance of the visit to {visit.hospital.name} of {visit.start_date.isoformat()}",
                 after={"mentors": {str(k): v[0] for k, v in mentors.items()}, "mentee_days": len(mentee_days)},
                 hospital_id=visit.hospital_id)
    return []


def save_plan(rows: list[dict]) -> list[Visit]:
    """Create the confirmed proposals, all or none: the first refusal names its row."""
    created = []
    for index, row in enumerate(rows):
        try:
            created.append(create_visit(hospital_id=row["hospital_id"], team_id=row["team_id"], start_date=row["start_date"]))
        except RuleBroken as refusal:
            raise RuleBroken(f"rows-{index}-start_date", refusal.message) from None
    return created


def regenerate_calendar_token(user: User) -> str:
    """A new secret feed URL; the old one stops working at once."""
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.flush()
    audit.record("calendar.token", user, summary=f"new calendar feed address for {user.username}", user=user)
    return user.calendar_token


def _once(key: str) -> bool:
    """True the first time a key is seen (and remembers it, in one insert a parallel run cannot repeat); False after."""
    return insert_once(SentAlert(key=key))


def notify_overdue_hospitals(today: date | None = None) -> int:
    """Tell the coordinators once when a hospital becomes overdue (once per last held visit)."""
    today = today or programme_today()
    coordinators = active_coordinators()
    sent = 0
    for row in hospital_cadence(today):
        if row.status != CadenceStatus.OVERDUE or not _once(f"overdue:{row.hospital_id}:{row.last_held.isoformat()}"):
            continue
        notify(coordinators, lambda row=row: ngettext("%(hospital)s is overdue: its last visit ended %(num)s day ago (%(day)s).",
                                                      "%(hospital)s is overdue: its last visit ended %(num)s days ago (%(day)s).",
                                                      row.days_since, hospital=row.hospital, day=format_day(row.last_held)),
               link=link_to("visits.visits", hospital=row.hospital_id), kind="overdue")
        sent += 1
    return sent


def mentees_by_id(ids) -> dict[int, Mentee]:
    return {m.id: m for m in db.session.scalars(select(Mentee).where(Mentee.id.in_(list(ids))))} if ids else {}


def add_holiday(*, name: str, month: int, day: int, year: int | None) -> Holiday:
    """A public holiday the planner avoids; one per date (yearly, or in one year)."""
    taken = db.session.scalar(select(Holiday).where(Holiday.month == month, Holiday.day == day,
                                                    Holiday.year.is_(None) if year is None else Holiday.year == year))
    if taken is not None:
        raise RuleBroken("day", _("%(name)s is already on this date.", name=taken.name))
    holiday = Holiday(name=name.strip(), month=month, day=day, year=year)
    db.session.add(holiday)
    db.session.flush()
    audit.record("holiday.create", holiday, summary=f"holiday {holiday.name}", after=audit.snapshot(holiday))
    return holiday


def delete_holiday(holiday: Holiday) -> None:
    audit.record("holiday.delete", holiday, summary=f"removed holiday {holiday.name}", before=audit.snapshot(holiday))
    db.session.delete(holiday)
    db.session.flush()
