"""Reads owned by core: the audit trail (newest first, filtered by person, hospital, kind of change and
local day) and a user's notifications."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from .extensions import db
from .models import AuditEvent, Notification

# Kind of change (the select on the page) -> the action prefixes it covers.
AUDIT_KINDS = {
    "login": (_l("Sign-ins and sign-outs"), ("login", "logout")),
    "user": (_l("Users"), ("user",)),
    "mentee": (_l("Mentees"), ("mentee",)),
    "assignment": (_l("Assignments"), ("assignment",)),
    "transfer": (_l("Transfers"), ("transfer",)),
    "absence": (_l("Absences"), ("absence",)),
    "training": (_l("Mentor training"), ("training",)),
    "hospital": (_l("Hospitals"), ("hospital",)),
    "team": (_l("Teams"), ("team",)),
    "mentor": (_l("Mentors"), ("mentor",)),
    "roster": (_l("Roster imports"), ("roster",)),
    "feedback": (_l("Feedback"), ("feedback",)),
    "mentoring": (_l("Skills, self-assessments, reflections"), ("skill", "self_assessment", "reflection")),
    "export": (_l("Bulk exports"), ("export",)),
}


def _hospitals():
    """The people area's hospital table, by the name AuditEvent's foreign key gives it: the kernel imports no area."""
    return db.metadata.tables["hospital"]


def hospitals_for_filter() -> list[tuple[int, str]]:
    """(id, name) of every hospital, in name order, for the audit page's filter."""
    hospital = _hospitals()
    return [(row.id, row.name) for row in db.session.execute(select(hospital.c.id, hospital.c.name).order_by(hospital.c.name))]


def local_midnight(day: date) -> datetime:
    """The UTC instant a programme day begins, so a date filter means the day people lived, not UTC's."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def audit_query(
    person: str = "",
    hospital_id: int | None = None,
    kind: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> Select:
    """Audit rows with their hospital's name, newest first; `date_to` includes that whole day."""
    hospital = _hospitals()
    query = (
        select(AuditEvent, hospital.c.name.label("hospital_name"))
        .outerjoin(hospital, hospital.c.id == AuditEvent.hospital_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if person:
        query = query.where(AuditEvent.username.icontains(person.strip(), autoescape=True))
    if hospital_id:
        query = query.where(AuditEvent.hospital_id == hospital_id)
    if kind in AUDIT_KINDS:
        prefixes = AUDIT_KINDS[kind][1]
        query = query.where(or_(*(
            or_(AuditEvent.action == prefix, AuditEvent.action.startswith(prefix + ".", autoescape=True)) for prefix in prefixes
        )))
    if date_from:
        query = query.where(AuditEvent.at >= local_midnight(date_from))
    if date_to:
        query = query.where(AuditEvent.at < local_midnight(date_to + timedelta(days=1)))
    return query



def notifications_for(user_id: int) -> Select:
    return select(Notification).where(Notification.user_id == user_id).order_by(Notification.created_at.desc(), Notification.id.desc())


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )


def get_notification_or_404(notification_id: int, user_id: int) -> Notification:
    """Only the recipient can see or mark a notification; anyone else gets 404."""
    return db.first_or_404(select(Notification).where(Notification.id == notification_id, Notification.user_id == user_id))
