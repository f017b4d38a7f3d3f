"""Reads owned by core: a user's notifications."""

from sqlalchemy import Select, func, select

from .extensions import db
from .models import Notification


def notifications_for(user_id: int) -> Select:
    return select(Notification).where(Notification.user_id == user_id).order_by(Notification.created_at.desc(), Notification.id.desc())


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )


def get_notification_or_404(notification_id: int, user_id: int) -> Notification:
    """Only the recipient can see or mark a notification; anyone else gets 404."""
    return db.first_or_404(select(Notification).where(Notification.id == notification_id, Notification.user_id == user_id))
