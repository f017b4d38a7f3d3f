"""The programme's people and places: hospitals, departments, professions, teams, mentors, mentees."""

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.extensions import db

MENTEE_STATUSES = ("active", "completed", "left")
END_REASONS = ("transferred", "completed", "reassigned", "left_service", "other")


class Hospital(db.Model):
    __tablename__ = "hospital"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    district: Mapped[str] = mapped_column(String(80))
    province: Mapped[str] = mapped_column(String(80), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"), index=True)

    team: Mapped["Team | None"] = relationship(back_populates="hospitals")

    def __str__(self) -> str:
        return self.name


class Department(db.Model):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(80))

    def __str__(self) -> str:
        return self.name


class Profession(db.Model):
    """A clinical profession; the five mentor professions make up a team."""

    __tablename__ = "profession"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    is_mentor_profession: Mapped[bool] = mapped_column(default=False)

    def __str__(self) -> str:
        return self.name


class Team(db.Model):
    """Five mentors, one of each mentor profession, visiting one or more hospitals."""

    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    hospitals: Mapped[list[Hospital]] = relationship(back_populates="team", order_by="Hospital.name")
    mentors: Mapped[list["Mentor"]] = relationship(back_populates="team", order_by="Mentor.full_name")

    def __str__(self) -> str:
        return self.name


class Mentor(db.Model):
    __tablename__ = "mentor"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120), index=True)
    profession_id: Mapped[int] = mapped_column(ForeignKey("profession.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"), index=True)
    home_institution: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(default=True)

    profession: Mapped[Profession] = relationship()
    team: Mapped[Team | None] = relationship(back_populates="mentors")

    def __str__(self) -> str:
        return self.full_name


class Mentee(db.Model):
    """A health worker being mentored; their record follows them across hospitals."""

    __tablename__ = "mentee"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'completed', 'left')", name="status"),
        Index("ix_mentee_hospital_status", "hospital_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120), index=True)
    profession_id: Mapped[int] = mapped_column(ForeignKey("profession.id"), index=True)
    hospital_id: Mapped[int | None] = mapped_column(ForeignKey("hospital.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    phone: Mapped[str] = mapped_column(String(40), default="")

    profession: Mapped[Profession] = relationship()
    hospital: Mapped[Hospital | None] = relationship()
    department: Mapped[Department | None] = relationship()

    def __str__(self) -> str:
        return self.full_name


class Assignment(db.Model):
    """A mentor-mentee pairing; ended with a reason, never deleted, so history survives."""

    __tablename__ = "assignment"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
        CheckConstraint(
            "(end_date IS NULL AND end_reason IS NULL) OR (end_date IS NOT NULL AND end_reason IS NOT NULL)",
            name="end_has_reason",
        ),
        UniqueConstraint("mentor_id", "mentee_id", "start_date"),
        Index("ix_assignment_mentee_end", "mentee_id", "end_date"),
        Index("ix_assignment_mentor_end", "mentor_id", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id"))
    mentee_id: Mapped[int] = mapped_column(ForeignKey("mentee.id"))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))

    mentor: Mapped[Mentor] = relationship()
    mentee: Mapped[Mentee] = relationship()

    @property
    def is_active(self) -> bool:
        return self.end_date is None
