"""The pages a phone keeps for the ward (issue 21): for a mentor, their current and next visits with each one's
attendance form and equipment check, and the feedback forms they still have to write (held visits of the last
WRITING_DAYS); for a hospital administrator (only on a device they said is theirs: offline.js asks), their hospital's
open equipment checks. Nothing for anyone else. Every page listed is one this user may open, of their own hospitals
(tests/security/test_access_walk.py walks them)."""

from datetime import date, timedelta

from flask import url_for
from sqlalchemy import select

from ..auth.models import User
from ..core.extensions import db
from ..core.roles import HOSPITAL_ADMIN, MENTOR
from ..equipment.models import EquipmentCheck
from ..equipment.queries import check_for_visit
from ..mentoring.followup import my_feedback_to_write
from ..people.scopes import readable_visits
from ..visits.models import Visit, VisitStatus
from ..visits.queries import can_record_attendance, mine_condition

OPEN_STATUSES = (VisitStatus.PLANNED, VisitStatus.CONFIRMED, VisitStatus.HELD)
NEXT_VISITS = 1  # after the current ones: enough for the next ward round, not a programme's history
WRITING_DAYS = 30  # feedback of a held visit is often written in the weeks after it


def bedside_visits(user: User, today: date) -> list[Visit]:
    """The mentor's visits under way today, then the next one to come."""
    mine = (select(Visit).where(mine_condition(user), readable_visits(user), Visit.status.in_(OPEN_STATUSES),
                                Visit.end_date >= today).order_by(Visit.start_date, Visit.id))
    current = list(db.session.scalars(mine.where(Visit.start_date <= today)))
    upcoming = list(db.session.scalars(mine.where(Visit.start_date > today).limit(NEXT_VISITS)))
    return current + upcoming


def bedside_urls(user: User, today: date) -> list[str]:
    """The paths to keep on this user's phone, each once, in the order a ward round needs them."""
    urls: list[str] = []
    if user.role == MENTOR and user.mentor_id:
        for visit in bedside_visits(user, today):
            urls.append(url_for("visits.visit", visit_id=visit.id))
            if can_record_attendance(user, visit):
                urls.append(url_for("visits.attendance", visit_id=visit.id))
            check = check_for_visit(visit.id)
            if check is not None:
                urls.append(url_for("equipment.check", check_id=check.id))
        for visit, mentee_id, _name, _status in db.session.execute(
                my_feedback_to_write(user, today - timedelta(days=WRITING_DAYS), today)):
            urls.append(url_for("visits.visit", visit_id=visit.id))
            urls.append(url_for("mentoring.feedback", visit_id=visit.id, mentee_id=mentee_id))
    elif user.role == HOSPITAL_ADMIN and user.hospital_id:
        open_checks = db.session.scalars(select(EquipmentCheck.id).where(
            EquipmentCheck.hospital_id == user.hospital_id, EquipmentCheck.completed_at.is_(None)).order_by(EquipmentCheck.id))
        urls.extend(url_for("equipment.check", check_id=check_id) for check_id in open_checks)
    return list(dict.fromkeys(urls))
