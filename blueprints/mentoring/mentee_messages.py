"""What mentees are told, by the bell (with an account) and by e-mail and SMS as they chose: their self-assessment
is open before a visit, a feedback sheet is signed and ready to read, an action item falls due. Each is sent once
(a SentAlert key taken by one insert), so a daily job run twice sends nothing twice."""

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ..core.clock import today as programme_today
from ..core.concurrency import insert_once
from ..core.dispatch import dispatch
from ..core.extensions import db
from ..core.formatting import format_day
from ..core.models import SentAlert
from ..core.notify import link_to
from ..people.models import Mentee
from ..people.queries.mentees import hospital_mentee_recipients, mentee_recipients
from ..visits.models import Visit
from .models import ActionItem, Feedback
from .self_assessment_window import COMING, WINDOW_DAYS

ACTION_DUE_AHEAD = 3  # days before an action item's due date its mentee is reminded


def _once(key: str) -> bool:
    return insert_once(SentAlert(key=key))


def sheet_signed(feedback: Feedback) -> None:
    """Tell the mentee, once per sheet, that it is signed and theirs to read."""
    if not _once(f"sheet-signed:{feedback.id}"):
        return
    visit = db.session.get(Visit, feedback.visit_id)
    dispatch(mentee_recipients([db.session.get(Mentee, feedback.mentee_id)]), "sheet_signed",
             lambda: _("Your feedback sheet from the visit of %(day)s is signed: you can read it now.",
                       day=format_day(visit.start_date)),
             link=link_to("mentoring.my_sheet", feedback_id=feedback.id))


def send_mentee_messages(today: date | None = None) -> int:
    """Self-assessments that opened (a visit within WINDOW_DAYS) and action items due within ACTION_DUE_AHEAD days;
    returns how many messages went (one per visit or item, to however many mentees)."""
    today = today or programme_today()
    sent = 0
    visits = db.session.scalars(select(Visit).where(Visit.status.in_(COMING), Visit.start_date >= today,
                                                    Visit.start_date <= today + timedelta(days=WINDOW_DAYS))
                                .order_by(Visit.start_date, Visit.id)).all()
    for visit in visits:
        if not _once(f"self-assessment-open:{visit.id}:{visit.start_date.isoformat()}"):
            continue
        dispatch(hospital_mentee_recipients(visit.hospital_id), "self_assessment",
                 lambda visit=visit: _("Your self-assessment is open until the visit of %(day)s: rate yourself before it.",
                                       day=format_day(visit.start_date)),
                 link=link_to("mentoring.my_self_assessment"))
        sent += 1
    items = db.session.scalars(select(ActionItem).where(
        ActionItem.followup.is_(None), ActionItem.mentee_status.is_(None), ActionItem.due_date >= today,
        ActionItem.due_date <= today + timedelta(days=ACTION_DUE_AHEAD)).order_by(ActionItem.due_date, ActionItem.id)).all()
    for item in items:
        if not _once(f"action-due:{item.id}:{item.due_date.isoformat()}"):
            continue
        dispatch(mentee_recipients([db.session.get(Mentee, item.mentee_id)]), "action_item_due",
                 lambda item=item: _("Your action item is due on %(day)s: %(text)s", day=format_day(item.due_date),
                                     text=item.text),
                 link=link_to("mentoring.my_action", action_item_id=item.id))
        sent += 1
    return sent
