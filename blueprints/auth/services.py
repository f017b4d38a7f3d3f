"""Writes for accounts: sign-in, sign-out, creating and changing users. Each audits and flushes."""

from functools import cache

from flask import session
from flask_login import login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..core import audit
from ..core.extensions import db
from ..core.models import utcnow
from . import throttle
from .models import User
from .sessions import start_session
from .throttle import LoginThrottled


@cache
def _dummy_hash() -> str:
    """Checked against when the username is unknown, so both failures take the same time; made on first use
    (a scrypt hash costs a few hundred ms of CPU, which every worker's start would otherwise pay)."""
    return generate_password_hash("not-a-real-password")


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == normalise_username(username)))


def authenticate(username: str, password: str, remote_addr: str | None) -> User | None:
    """The user for these credentials, or None; unknown user, wrong password and inactive look alike.

    Raises LoginThrottled, without checking the password, when a sign-in counter is full (throttle.py).
    """
    name = normalise_username(username)[:80]
    address = throttle.client_address(remote_addr)
    try:
        throttle.count_attempt(name, address)
    except LoginThrottled as refusal:
        audit.record("login.throttled", summary=THROTTLE_SUMMARIES[refusal.reason], username=name)
        raise
    user = find_user(username)
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        audit.record("login.failure", summary="unknown user", username=name)
        return None
    if not user.check_password(password or "") or not user.active:
        reason = "wrong password" if user.active else "inactive account"
        audit.record("login.failure", user, summary=reason, user=user)
        return None
    throttle.forget_attempt(name, address)
    return user


THROTTLE_SUMMARIES = {
    throttle.PAIR: "too many failed attempts for this username from this address",
    throttle.ADDRESS: "too many failed attempts from this address",
    throttle.USERNAME: "username slowed after many failed attempts from elsewhere",
}


def sign_in(user: User) -> None:
    """Start a fresh session (nothing from before the login survives) and record the login."""
    session.clear()
    login_user(user)
    session.permanent = True
    start_session()
    user.last_login_at = utcnow()
    audit.record("login.success", user, user=user)
    db.session.flush()


def sign_out(user: User) -> None:
    """End this session and every copy of it: the session version in the login id changes."""
    user.session_version += 1
    audit.record("logout", user, user=user)
    db.session.flush()
    logout_user()
    session.clear()


def create_user(
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    hospital_id: int | None = None,
    mentor_id: int | None = None,
    mentee_id: int | None = None,
    password_hash: str | None = None,
) -> User:
    user = User(
        username=normalise_username(username),
        display_name=display_name.strip(),
        role=role,
        hospital_id=hospital_id,
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        active=True,
    )
    if password_hash:
        user.password_hash = password_hash
    else:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, summary=f"created {user.username} ({role})", after=audit.snapshot(user))
    return user


def update_user(user: User, **values) -> User:
    before = audit.snapshot(user)
    for key, value in values.items():
        setattr(user, key, value)
    if user.role != "hospital_admin":
        user.hospital_id = None
    if user.role != "mentor":
        user.mentor_id = None
    if user.role != "mentee":
        user.mentee_id = None
    user.username = normalise_username(user.username)
    after = audit.snapshot(user)
    changed_before, changed_after = audit.changes(before, after)
    if changed_after:
        if "active" in changed_after or "role" in changed_after:
            user.session_version += 1  # a deactivated or re-roled user is signed out everywhere
        audit.record("user.update", user, summary=f"updated {user.username}", before=changed_before, after=changed_after)
    db.session.flush()
    return user


def set_password(user: User, password: str, *, by_admin: bool) -> None:
    """Change a password (never audited in clear) and end the user's other sessions.

    A user changing their own password stays signed in here, on the new session version.
    """
    user.set_password(password)
    user.session_version += 1
    action = "user.password_reset" if by_admin else "user.password_change"
    audit.record(action, user, summary=f"password changed for {user.username}")
    db.session.flush()
    if not by_admin:
        login_user(user)
