"""Visits: a team at a hospital for a few consecutive days, and who came."""

from datetime import date, datetime, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import limits
from ..core.enums import EnumString, LabelledEnum
from ..core.extensions import db
from ..core.models import UTCDateTime, utcnow
from ..people.models import Hospital, Mentee, Mentor, Team


class VisitStatus(LabelledEnum):
    """Where a visit stands; held, postponed and cancelled are final."""

    PLANNED = "planned", _l("Planned"), "muted"
    CONFIRMED = "confirmed", _l("Confirmed"), "muted"
    HELD = "held", _l("Held"), "ok"
    POSTPONED = "postponed", _l("Postponed"), "overdue"
    CANCELLED = "cancelled", _l("Cancelled"), "overdue"


class Visit(db.Model):
    """`end_date` is kept with `start_date` and `days` so date-range queries need no arithmetic in SQL."""

    __audited__ = ("hospital_id", "team_id", "start_date", "days", "status", "status_reason", "postponed_to_id", "notes")
    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint(VisitStatus.check("status"), name="status"),
        CheckConstraint("days BETWEEN 1 AND 14", name="days"),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint("status NOT IN ('postponed', 'cancelled') OR status_reason != ''", name="reason_for_postponed_or_cancelled"),
        Index("ix_visit_team_dates", "team_id", "start_date", "end_date"),
        Index("ix_visit_hospital_dates", "hospital_id", "start_date"),
        Index("ix_visit_dates", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospital.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    start_date: Mapped[date]
    days: Mapped[int] = mapped_column(SmallInteger, default=3)
    end_date: Mapped[date]
    status: Mapped[VisitStatus] = mapped_column(EnumString(VisitStatus, 20), default=VisitStatus.PLANNED)
    status_reason: Mapped[str] = mapped_column(String(limits.REASON), default="")
    # Indexed: each visit page asks which visit was postponed to this one (a scan of 13,582 visits at scale 10).
    postponed_to_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id", ondelete="SET NULL"), index=True)
    notes: Mapped[str] = mapped_column(String(limits.VISIT_NOTES), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    hospital: Mapped[Hospital] = relationship()
    team: Mapped[Team] = relationship()
    postponed_to: Mapped["Visit | None"] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def day_dates(self) -> list[date]:
        return [self.start_date + timedelta(days=n) for n in range(self.days)]


class MentorAttendance(db.Model):
    """Whether a team mentor came to a visit; an absent mentor gives a reason (a missed visit)."""

    __tablename__ = "mentor_attendance"
    __table_args__ = (UniqueConstraint("visit_id", "mentor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id"), index=True)
    present: Mapped[bool]
    reason: Mapped[str] = mapped_column(String(limits.ATTENDANCE_REASON), default="")

    mentor: Mapped[Mentor] = relationship()


class MenteeAttendance(db.Model):
    """A mentee present on one day of a visit (one row per present day)."""

    __tablename__ = "mentee_attendance"
    __table_args__ = (UniqueConstraint("visit_id", "mentee_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("mentee.id"), index=True)
    day: Mapped[date]

    mentee: Mapped[Mentee] = relationship()


class Holiday(db.Model):
    """A public holiday: every year on month/day when `year` is empty, else once."""

    __audited__ = ("name", "month", "day", "year")
    __tablename__ = "holiday"
    __table_args__ = (UniqueConstraint("month", "day", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[int] = mapped_column(SmallInteger)
    day: Mapped[int] = mapped_column(SmallInteger)
    year: Mapped[int | None] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(limits.NAME))

    @property
    def display_name(self) -> str:
        """The name in the reader's language: Rwanda's fixed holidays are in the catalogues (visits/defaults.py,
        N_), a holiday added later shows as it was typed."""
        return gettext(self.name)


class DayAnswer(LabelledEnum):
    """A mentee's own answer for one day of a coming visit; "leave" and "nights" carry the absence kinds' values so the
    clash grid and the planner read them as they read the administrator's records."""

    THERE = "there", _l("I will be there"), "ok"
    LEAVE = "annual_leave", _l("On leave"), "due"
    NIGHTS = "night_shift", _l("On nights"), "due"


class AvailabilityAnswer(db.Model):
    """What a mentee said of one day (visits/availability.py): one answer per mentee per day, changed in place, so
    two phones posting at once leave one row. It outranks the administrator's absence record for that day."""

    __tablename__ = "availability_answer"
    __table_args__ = (
        CheckConstraint(DayAnswer.check("answer"), name="answer"),
        UniqueConstraint("mentee_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("mentee.id"))
    day: Mapped[date]
    answer: Mapped[DayAnswer] = mapped_column(EnumString(DayAnswer, 20))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VisitSubstitute(db.Model):
    """A mentor from another team coming to a visit in place of a team mentor who cannot (visits/substitutes.py): one
    per absent mentor per visit. The substitute then appears with the team on the visit and its attendance, so the
    attendance records who came."""

    __tablename__ = "visit_substitute"
    __table_args__ = (
        UniqueConstraint("visit_id", "for_mentor_id"),
        UniqueConstraint("visit_id", "mentor_id"),
        CheckConstraint("mentor_id != for_mentor_id", name="not_themself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id"), index=True)
    for_mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id"))
    arranged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    arranged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    mentor: Mapped[Mentor] = relationship(foreign_keys=[mentor_id])
    for_mentor: Mapped[Mentor] = relationship(foreign_keys=[for_mentor_id])
