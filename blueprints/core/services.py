"""Writes owned by core: marking notifications read."""

from sqlalchemy import update

from .extensions import db
from .models import Notification, utcnow


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
