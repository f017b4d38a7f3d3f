"""The programme's people and places: hospitals, departments, professions, teams, mentors, mentees."""

from datetime import date, datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, String, Table, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import limits
from ..core.enums import EnumString, LabelledEnum
from ..core.extensions import db
from ..core.models import UTCDateTime, utcnow
from ..core.programme import BOUNDS

END_REASONS = ("transferred", "completed", "reassigned", "left_service", "other")


class MenteeStatus(LabelledEnum):
    """Whether a mentee is still being mentored; only active mentees are planned for and counted."""

    ACTIVE = "active", _l("Active"), "ok"
    COMPLETED = "completed", _l("Completed mentoring"), "muted"
    LEFT = "left", _l("Left"), "muted"


class TransferKind(LabelledEnum):
    """Where a transfer takes a mentee; the last two end their mentoring."""

    DEPARTMENT = "department", _l("To another department of this hospital"), "info"
    HOSPITAL = "hospital", _l("To another programme hospital"), "info"
    OUT_OF_PROGRAMME = "out_of_programme", _l("Out of the programme (another facility)"), "muted"
    LEFT_SERVICE = "left_service", _l("Leaving service"), "muted"


class AbsenceKind(LabelledEnum):
    """Why a mentee or a mentor is away; every kind keeps them off a visit's days. Home-hospital duty is a mentor's
    only (their own hospital's rota)."""

    ANNUAL_LEAVE = "annual_leave", _l("Annual leave"), "due"
    NIGHT_SHIFT = "night_shift", _l("Night shift"), "due"
    SICK_LEAVE = "sick_leave", _l("Sick leave"), "due"
    TRAINING = "training", _l("Training away"), "due"
    HOME_DUTY = "home_duty", _l("Home-hospital duty"), "due"


MENTEE_ABSENCE_KINDS = tuple(kind for kind in AbsenceKind if kind != AbsenceKind.HOME_DUTY)


hospital_department = Table(
    "hospital_department",
    db.metadata,
    Column("hospital_id", ForeignKey("hospital.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("department.id", ondelete="CASCADE"), primary_key=True),
)


class Hospital(db.Model):
    __audited__ = ("name", "district", "province", "team_id", "department_ids", "cadence_days")
    __tablename__ = "hospital"
    __table_args__ = (CheckConstraint("cadence_days IS NULL OR cadence_days BETWEEN {} AND {}".format(*BOUNDS["cadence_days"]),
                                      name="cadence_days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(limits.NAME), unique=True)
    district: Mapped[str] = mapped_column(String(limits.SHORT_NAME))
    province: Mapped[str] = mapped_column(String(limits.SHORT_NAME), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"), index=True)
    cadence_days: Mapped[int | None]  # its own days between visits; None: the programme's (core/programme.py)

    team: Mapped["Team | None"] = relationship(back_populates="hospitals")
    departments: Mapped[list["Department"]] = relationship(secondary=hospital_department, order_by="Department.name")

    def __str__(self) -> str:
        return self.name

    @property
    def department_ids(self) -> list[int]:
        return sorted(department.id for department in self.departments)


class SeededName:
    """A department's or profession's name in the reader's language: the seeded ones are in the catalogues
    (people/defaults.py, N_), any other shows as it was typed."""

    @property
    def display_name(self) -> str:
        return self.name_in_language(self.name)

    @staticmethod
    def name_in_language(name: str) -> str:
        """`display_name` of a name read as a plain column (the mentee export reads no objects)."""
        return gettext(name)


class Department(SeededName, db.Model):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(80))

    def __str__(self) -> str:
        return self.name


class Profession(SeededName, db.Model):
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

    __audited__ = ("name", "hospital_ids")
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(limits.SHORT_NAME), unique=True)

    hospitals: Mapped[list[Hospital]] = relationship(back_populates="team", order_by="Hospital.name")
    mentors: Mapped[list["Mentor"]] = relationship(back_populates="team", order_by="Mentor.full_name")

    def __str__(self) -> str:
        return self.name

    @property
    def hospital_ids(self) -> list[int]:
        return sorted(hospital.id for hospital in self.hospitals)


class Mentor(db.Model):
    __audited__ = ("full_name", "profession_id", "team_id", "home_institution", "phone", "email", "active")
    __tablename__ = "mentor"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(limits.NAME), index=True)
    profession_id: Mapped[int] = mapped_column(ForeignKey("profession.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"), index=True)
    home_institution: Mapped[str] = mapped_column(String(limits.NAME), default="")
    phone: Mapped[str] = mapped_column(String(limits.PHONE), default="")
    email: Mapped[str] = mapped_column(String(limits.EMAIL), default="")
    active: Mapped[bool] = mapped_column(default=True)

    profession: Mapped[Profession] = relationship()
    team: Mapped[Team | None] = relationship(back_populates="mentors")
    trainings: Mapped[list["TrainingRecord"]] = relationship(
        back_populates="mentor", order_by="TrainingRecord.course_date.desc()", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.full_name


class Mentee(db.Model):
    """A health worker being mentored; their record follows them across hospitals."""

    __audited__ = ("full_name", "profession_id", "hospital_id", "department_id", "status", "phone", "email", "preferred_language")
    __tablename__ = "mentee"
    __table_args__ = (
        CheckConstraint(MenteeStatus.check("status"), name="status"),
        CheckConstraint("preferred_language IN ('en', 'fr', 'rw')", name="preferred_language"),
        Index("ix_mentee_hospital_status", "hospital_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(limits.NAME), index=True)
    profession_id: Mapped[int] = mapped_column(ForeignKey("profession.id"), index=True)
    hospital_id: Mapped[int | None] = mapped_column(ForeignKey("hospital.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    status: Mapped[MenteeStatus] = mapped_column(EnumString(MenteeStatus, 20), default=MenteeStatus.ACTIVE)
    phone: Mapped[str] = mapped_column(String(limits.PHONE), default="")
    email: Mapped[str] = mapped_column(String(limits.EMAIL), default="", server_default="")
    # The language their feedback sheets and certificates are printed in, whoever prints them.
    preferred_language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    profession: Mapped[Profession] = relationship()
    hospital: Mapped[Hospital | None] = relationship()
    department: Mapped[Department | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

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


class Transfer(db.Model):
    """A mentee moving to another department or hospital, or leaving, on an effective date.

    The mentee's current hospital and department change when the date arrives (at once when it
    has already come); a transfer logged for a future date waits, `applied_at` empty, until then.
    """

    __audited__ = ("mentee_id", "kind", "effective_date", "from_hospital_id", "from_department_id", "to_hospital_id",
                   "to_department_id", "reason")
    __tablename__ = "transfer"
    __table_args__ = (
        CheckConstraint(TransferKind.check("kind"), name="kind"),
        CheckConstraint("kind NOT IN ('department', 'hospital') OR to_hospital_id IS NOT NULL", name="move_has_destination"),
        Index("ix_transfer_from_hospital_date", "from_hospital_id", "effective_date"),
        Index("ix_transfer_to_hospital_date", "to_hospital_id", "effective_date"),
        Index("ix_transfer_mentee_date", "mentee_id", "effective_date"),
        # One move waits for its date at a time: parallel or repeated posts cannot queue several.
        Index("uq_transfer_pending_mentee", "mentee_id", unique=True,
              sqlite_where=text("applied_at IS NULL AND cancelled_at IS NULL"),
              postgresql_where=text("applied_at IS NULL AND cancelled_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("mentee.id"))
    kind: Mapped[TransferKind] = mapped_column(EnumString(TransferKind, 20))
    effective_date: Mapped[date]
    reason: Mapped[str] = mapped_column(String(limits.REASON), default="")
    from_hospital_id: Mapped[int | None] = mapped_column(ForeignKey("hospital.id"))
    from_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    to_hospital_id: Mapped[int | None] = mapped_column(ForeignKey("hospital.id"))
    to_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who `transfer_notices` told when it was logged ([{"role", "place", "user_ids"}]); empty for older transfers.
    told: Mapped[list | None] = mapped_column(JSON)
    # The receiving administrator's own acts on it (`transfer_receiving`): the department set, a mentor requested.
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mentor_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mentor_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    mentee: Mapped[Mentee] = relationship()
    from_hospital: Mapped[Hospital | None] = relationship(foreign_keys=[from_hospital_id])
    from_department: Mapped[Department | None] = relationship(foreign_keys=[from_department_id])
    to_hospital: Mapped[Hospital | None] = relationship(foreign_keys=[to_hospital_id])
    to_department: Mapped[Department | None] = relationship(foreign_keys=[to_department_id])

    @property
    def leaves_hospital(self) -> bool:
        return self.kind != TransferKind.DEPARTMENT


class Absence(db.Model):
    """A mentee or a mentor away (leave, nights, sickness, training, a mentor's home-hospital duty) for a date range;
    visits are planned around these. Exactly one of the two people is named."""

    __audited__ = ("mentee_id", "mentor_id", "kind", "start_date", "end_date", "note")
    __tablename__ = "absence"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint(AbsenceKind.check("kind"), name="kind"),
        CheckConstraint("(mentee_id IS NULL AND mentor_id IS NOT NULL) OR (mentee_id IS NOT NULL AND mentor_id IS NULL)",
                        name="one_person"),
        Index("ix_absence_mentee_dates", "mentee_id", "start_date", "end_date"),
        Index("ix_absence_mentor_dates", "mentor_id", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int | None] = mapped_column(ForeignKey("mentee.id"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("mentor.id"))
    kind: Mapped[AbsenceKind] = mapped_column(EnumString(AbsenceKind, 20))
    start_date: Mapped[date]
    end_date: Mapped[date]
    note: Mapped[str] = mapped_column(String(limits.NOTE), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    mentee: Mapped[Mentee | None] = relationship()
    mentor: Mapped[Mentor | None] = relationship()

    @property
    def person(self) -> "Mentee | Mentor":
        return self.mentee or self.mentor


class TrainingRecord(db.Model):
    """A course a mentor attended; refreshers are due every few months."""

    __tablename__ = "training_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(limits.TITLE))
    course_date: Mapped[date]
    hours: Mapped[float] = mapped_column(default=0)
    is_refresher: Mapped[bool] = mapped_column(default=True)

    mentor: Mapped[Mentor] = relationship(back_populates="trainings")


class MenteeInvitation(db.Model):
    """A one-time sign-in link for a mentee (people/services/invitations.py): only the token's hash is kept, so the
    table read by anyone never opens an account; used, revoked or past `expires_at`, it opens nothing."""

    __tablename__ = "mentee_invitation"
    __table_args__ = (
        CheckConstraint("expires_at > created_at", name="expires_after_created"),
        CheckConstraint("used_at IS NULL OR revoked_at IS NULL", name="used_or_revoked"),
        Index("ix_mentee_invitation_mentee", "mentee_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("mentee.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the link's secret
    email: Mapped[str] = mapped_column(String(limits.EMAIL), default="")  # where the link was sent, if anywhere
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    mentee: Mapped[Mentee] = relationship()
