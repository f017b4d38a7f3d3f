"""Writes for mentors: add and edit, and their training log."""

from datetime import date

from flask_babel import gettext as _

from ...core import audit
from ...core.clock import today as programme_today
from ...core.errors import RuleBroken
from ...core.extensions import db
from ..models import Mentor, Profession, TrainingRecord


def _mentor_values(values: dict) -> dict:
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    if not values.get("full_name"):
        raise RuleBroken("full_name", _("This field is required."))
    profession = db.session.get(Profession, values.get("profession_id") or 0)
    if profession is None or not profession.is_mentor_profession:
        raise RuleBroken("profession_id", _("Choose one of the mentor professions."))
    values["email"] = (values.get("email") or "").lower()
    return values


def create_mentor(**values) -> Mentor:
    mentor = Mentor(**_mentor_values(values))
    db.session.add(mentor)
    db.session.flush()
    audit.record("mentor.create", mentor, summary=f"added mentor {mentor.full_name}", after=audit.snapshot(mentor))
    return mentor


def update_mentor(mentor: Mentor, **values) -> Mentor:
    values = _mentor_values({**audit.snapshot(mentor), **values})
    before = audit.snapshot(mentor)
    for key, value in values.items():
        setattr(mentor, key, value)
    db.session.flush()
    audit.record_changes("mentor.update", mentor, before, summary=f"updated mentor {mentor.full_name}")
    return mentor


def add_training(mentor: Mentor, *, title: str, course_date: date, hours: float, is_refresher: bool = True,
                 today: date | None = None) -> TrainingRecord:
    """Log a course the mentor attended; only courses that have happened are logged."""
    today = today or programme_today()
    title = title.strip()
    if not title:
        raise RuleBroken("title", _("Enter the title of the course."))
    if course_date > today:
        raise RuleBroken("course_date", _("This course has not happened yet; log it once it has."))
    if not 0 < hours <= 200:
        raise RuleBroken("hours", _("Enter between 0.5 and 200 hours."))
    record = TrainingRecord(mentor=mentor, title=title, course_date=course_date, hours=float(hours), is_refresher=is_refresher)
    db.session.add(record)
    db.session.flush()
    audit.record("training.create", record, summary=f"{mentor.full_name} attended {title}",
                 after={"mentor_id": mentor.id, "title": title, "course_date": course_date.isoformat(),
                        "hours": float(hours), "is_refresher": is_refresher})
    return record
