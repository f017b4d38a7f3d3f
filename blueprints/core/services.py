"""Writes owned by core: marking notifications read, saving the programme settings."""

from flask_babel import gettext as _
from sqlalchemy import select, update

from . import audit, dispatch
from .errors import RuleBroken
from .extensions import db
from .models import Notification, Setting, utcnow
from .programme import BOUNDS, NAMES, PREFIX, ProgrammeSettings, forget_programme_settings, programme_settings, range_message


def mark_read(notifications) -> None:
    now = utcnow()
    for notification in notifications:
        if notification.read_at is None:
            notification.read_at = now
    db.session.flush()


def mark_all_read(user_id: int) -> None:
    db.session.execute(
        update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None)).values(read_at=utcnow())
    )


def set_language(user, language: str | None) -> None:
    """Remember the interface language on the reader's account; None follows the browser again."""
    user.language = language


def save_message_preferences(user, *, email: str, phone: str, chosen: dict[str, tuple[bool, bool]]) -> None:
    """A person's contact details and, per kind of message, e-mail and SMS on or off (kinds their role may receive)."""
    before = {"email": user.email, "phone": user.phone}
    user.email, user.phone = email.strip(), phone
    for kind, item in dispatch.kinds_for(user.role):
        wants_email, wants_sms = chosen.get(kind, (False, False))
        dispatch.choose(user, kind, email=wants_email, sms=wants_sms and item.sms_offered)
    changed_before, changed_after = audit.changes(before, {"email": user.email, "phone": user.phone})
    audit.record("user.messages", user, summary=f"message preferences of {user.username}", before=changed_before,
                 after=changed_after, user=user)


def save_programme_settings(values: dict[str, int]) -> ProgrammeSettings:
    """Save the programme settings (each within its bounds, the overdue limit longer than the cadence), audit the ones
    that changed, and let the rest of this request read them at once."""
    for name, (low, high) in BOUNDS.items():
        value = values.get(name)
        if not isinstance(value, int) or not low <= value <= high:
            raise RuleBroken(name, str(range_message(name)))
    if values["overdue_after_days"] <= values["cadence_days"]:
        raise RuleBroken("overdue_after_days", _("The overdue limit must be longer than the days between visits."))
    before = programme_settings().as_dict()
    saved = {s.key: s for s in db.session.scalars(select(Setting).where(Setting.key.startswith(PREFIX)))}
    for name in NAMES:
        if PREFIX + name in saved:
            saved[PREFIX + name].value = str(values[name])
        else:
            db.session.add(Setting(key=PREFIX + name, value=str(values[name])))
    db.session.flush()
    forget_programme_settings()
    after = programme_settings().as_dict()
    changed_before, changed_after = audit.changes(before, after)
    if changed_after:
        audit.record("programme_settings.update", None, summary="programme settings: " + ", ".join(changed_after),
                     before=changed_before, after=changed_after)
    return programme_settings()
