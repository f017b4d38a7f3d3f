"""Accounts. A user has exactly one role; hospital administrators belong to a hospital, mentors to a mentor, mentees to
their mentee record (so the account follows the mentee across transfers)."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core import limits
from ..core.extensions import db
from ..core.models import UTCDateTime, utcnow


class User(UserMixin, db.Model):
    __audited__ = ("username", "display_name", "role", "hospital_id", "mentor_id", "mentee_id", "active")
    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint("role IN ('sysadmin', 'coordinator', 'hospital_admin', 'mentor', 'mentee')", name="role"),
        CheckConstraint("role != 'hospital_admin' OR hospital_id IS NOT NULL", name="hospital_admin_has_hospital"),
        CheckConstraint("role != 'mentor' OR mentor_id IS NOT NULL", name="mentor_has_mentor"),
        CheckConstraint("role != 'mentee' OR mentee_id IS NOT NULL", name="mentee_has_mentee"),
        CheckConstraint("language IS NULL OR language IN ('en', 'fr', 'rw')", name="language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(limits.USERNAME), unique=True)
    display_name: Mapped[str] = mapped_column(String(limits.NAME))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)  # the one coordinator among 32,000 users (scale 10)
    hospital_id: Mapped[int | None] = mapped_column(ForeignKey("hospital.id"), index=True)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentor.id"), unique=True)
    # One account per mentee: two invitations redeemed at once cannot make two (the database refuses the second).
    mentee_id: Mapped[int | None] = mapped_column(ForeignKey("mentee.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped at logout and password change: the Flask-Login id carries it, so old cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    # Secret part of the user's .ics feed URL; regenerating it kills the old URL.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The interface language the user chose ('en', 'fr', 'rw'); None follows the browser's Accept-Language.
    language: Mapped[str | None] = mapped_column(String(5))
    # Where messages reach them (core/dispatch.py); empty falls back to their mentor's or mentee's record.
    email: Mapped[str] = mapped_column(String(limits.EMAIL), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(limits.PHONE), default="", server_default="")  # E.164

    # People's models, named as strings: auth sits below people on the ladder and does not import it.
    hospital: Mapped["Hospital | None"] = relationship("Hospital")  # noqa: F821
    mentor: Mapped["Mentor | None"] = relationship("Mentor")  # noqa: F821
    mentee: Mapped["Mentee | None"] = relationship("Mentee")  # noqa: F821

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class LoginThrottle(db.Model):
    """Failed sign-ins counted in the current window for one key: a username from one client address
    ('pair'), an address across usernames, or a username across addresses (blueprints/auth/throttle.py)."""

    __tablename__ = "login_throttle"
    __table_args__ = (
        CheckConstraint("kind IN ('pair', 'address', 'username')", name="kind"),
        CheckConstraint("failures >= 0", name="failures_not_negative"),
    )

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    username: Mapped[str] = mapped_column(String(80), primary_key=True)  # '' on an address row
    address: Mapped[str] = mapped_column(String(50), primary_key=True)  # '' on a username row; IPv6 as its /64
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(default=0)
    # Pair rows: the user's last successful sign-in from this address, which makes it a known address.
    signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
