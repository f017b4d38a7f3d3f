"""Who hears of a visit, and when: a week and a day before it, and at once when it is postponed or cancelled, the
visiting team's mentors, the hospital's mentees and its administrators. Each reminder goes once per visit, date and
lead time (a SentAlert key taken by one insert): a daily job run twice, or by two workers, sends nothing twice."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from ..core.clock import today as programme_today
from ..core.concurrency import insert_once
from ..core.dispatch import dispatch
from ..core.extensions import db
from ..core.formatting import format_day
from ..core.models import SentAlert
from ..core.notify import link_to
from ..people.queries.hospitals import hospital_admins
from ..people.queries.mentees import hospital_mentee_recipients
from ..people.queries.teams import team_mentor_users
from .models import Visit, VisitStatus

WEEK_BEFORE, DAY_BEFORE = 7, 1
KIGALI = ZoneInfo("Africa/Kigali")
MORNING = time(7)  # the day-before text message waits for the end of the quiet hours


def visit_audience(visit: Visit) -> list:
    """The visiting team's mentors, the hospital's mentees and its administrators (accounts, or mentee records)."""
    return [*team_mentor_users(visit.team_id), *hospital_mentee_recipients(visit.hospital_id),
            *hospital_admins(visit.hospital_id)]


def _once(key: str) -> bool:
    return insert_once(SentAlert(key=key))


def send_visit_reminders(today: date | None = None) -> int:
    """The week-before reminder for visits starting in 2 to 7 days (so one planned late is still announced) and the
    day-before reminder for those starting tomorrow; returns how many visits were announced."""
    today = today or programme_today()
    coming = (VisitStatus.PLANNED, VisitStatus.CONFIRMED)
    visits = db.session.scalars(select(Visit).where(
        Visit.status.in_(coming), Visit.start_date >= today + timedelta(days=DAY_BEFORE),
        Visit.start_date <= today + timedelta(days=WEEK_BEFORE)).order_by(Visit.start_date, Visit.id)).all()
    sent = 0
    for visit in visits:
        ahead = (visit.start_date - today).days
        if ahead == DAY_BEFORE:
            key, message = f"visit-reminder-1:{visit.id}:{visit.start_date.isoformat()}", lambda visit=visit: _(
                "Tomorrow: the mentorship visit to %(hospital)s, %(start)s to %(end)s.",
                hospital=visit.hospital.name, start=format_day(visit.start_date), end=format_day(visit.end_date))
            not_before = datetime.combine(today, MORNING, tzinfo=KIGALI)
        else:
            key, message = f"visit-reminder:{visit.id}:{visit.start_date.isoformat()}", lambda visit=visit: _(
                "Reminder: the mentorship visit to %(hospital)s is from %(start)s to %(end)s.",
                hospital=visit.hospital.name, start=format_day(visit.start_date), end=format_day(visit.end_date))
            not_before = None
        if not _once(key):
            continue
        dispatch(visit_audience(visit), "visit_reminder", message, link=link_to("visits.visit", visit_id=visit.id),
                 sms_not_before=not_before)
        sent += 1
    return sent

