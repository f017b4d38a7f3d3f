"""Reads for accounts."""

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload

from ..core.extensions import db
from ..core.roles import COORDINATOR
from .models import User


def users_query(search: str = "", role: str = "") -> Select:
    query = select(User).options(joinedload(User.hospital), joinedload(User.mentor)).order_by(User.username)
    if search:
        like = f"%{search.strip().lower()}%"
        query = query.where(or_(User.username.ilike(like), User.display_name.ilike(like)))
    if role:
        query = query.where(User.role == role)
    return query


def load_user_by_session_id(session_id: str) -> User | None:
    """Resolve the Flask-Login id `<user id>:<session version>`; a stale version means signed out."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def active_coordinators() -> list[User]:
    """Everyone told of programme-wide events (overdue hospitals, transfers between hospitals), by name."""
    return list(db.session.scalars(select(User).where(User.role == COORDINATOR, User.active).order_by(User.display_name)))
