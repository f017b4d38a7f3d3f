"""The mentoring record: the skills framework, feedback per visit with ratings and action items,
reflections, and self-assessments."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, SmallInteger, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import limits
from ..core.enums import EnumString, LabelledEnum
from ..core.extensions import db
from ..core.i18n import localized_name
from ..core.models import UTCDateTime, utcnow
from ..people.models import Mentee, Mentor, Profession
from ..visits.models import Visit

CONTACT_TYPES = ("on_site", "phone", "virtual")
TEACHING_METHODS = (
    "bedside_teaching", "case_scenario", "simulation", "case_presentation", "ward_round", "mm_audit",
    "debriefing", "emergency_management",
)
FOLLOWUP_STATUSES = ("done", "partly", "not_done")


class FeedbackStatus(LabelledEnum):
    """A mentee's feedback for a held visit: missing until a draft is saved (no row), then signed off."""

    MISSING = "missing", _l("missing"), "overdue"
    DRAFT = "draft", _l("draft"), "due"
    SIGNED = "signed", _l("signed off"), "ok"


class SupportStatus(LabelledEnum):
    """How far coordinators have got with the support a mentor's reflection asks for."""

    OPEN = "open", _l("open"), "overdue"
    IN_PROGRESS = "in_progress", _l("in progress"), "due"
    RESOLVED = "resolved", _l("resolved"), "ok"


class SupportTopic(LabelledEnum):
    """What a mentor's support request is about; the last three concern the visited hospital, whose administrator
    sees and answers them (people/scopes.py, HOSPITAL_SUPPORT_TOPICS)."""

    PROGRAMME = "programme", _l("The programme (training, materials, the team)"), "info"
    STAFFING = "staffing", _l("The hospital: staffing"), "info"
    EQUIPMENT = "equipment", _l("The hospital: equipment"), "info"
    SCHEDULING = "scheduling", _l("The hospital: scheduling"), "info"


class Skill(db.Model):
    """A competency of one profession's framework; retired skills keep their ratings and history."""

    __audited__ = ("profession_id", "area", "name", "position", "retired_on", "name_translations", "area_translations")
    __tablename__ = "skill"
    __table_args__ = (UniqueConstraint("profession_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profession_id: Mapped[int] = mapped_column(ForeignKey("profession.id"), index=True)
    area: Mapped[str] = mapped_column(String(limits.SHORT_NAME), default="")
    name: Mapped[str] = mapped_column(String(limits.TITLE))
    # The name in the other languages, {"fr": "…", "rw": "…"}; English is `name`.
    name_translations: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    # The area in the other languages, as `name_translations` is the name's.
    area_translations: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    position: Mapped[int] = mapped_column(default=0)
    retired_on: Mapped[date | None]

    profession: Mapped[Profession] = relationship()

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the current language (English when it has no translation)."""
        return localized_name(self.name, self.name_translations)

    @property
    def area_display_name(self) -> str:
        """The area in the current language (English when it has no translation)."""
        return localized_name(self.area, self.area_translations)


class Feedback(db.Model):
    """One mentor's written assessment of one mentee for one held visit; a draft until signed off."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("visit_id", "mentee_id"),
        CheckConstraint(FeedbackStatus.check("status", (FeedbackStatus.DRAFT, FeedbackStatus.SIGNED)), name="status"),
        CheckConstraint("cpd_hours IS NULL OR (cpd_hours >= 0 AND cpd_hours <= 100)", name="cpd_hours"),
        Index("ix_feedback_mentee", "mentee_id"),
        Index("ix_feedback_mentor", "mentor_id"),
        # A visit's feedback read from the index alone: the writing tile reads the mentee and status of a year of
        # visits' feedback (22,106 rows of 116,144 at scale 10) without visiting the table (issue 23).
        Index("ix_feedback_visit_mentee_status", "visit_id", "mentee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"))
    mentee_id: Mapped[int] = mapped_column(ForeignKey("mentee.id"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id"))
    contact_type: Mapped[str] = mapped_column(String(20), default="on_site")
    teaching_methods: Mapped[list] = mapped_column(JSON, default=list)
    strengths: Mapped[str] = mapped_column(String(limits.LONG_TEXT), default="")
    areas_to_improve: Mapped[str] = mapped_column(String(limits.LONG_TEXT), default="")
    mentee_comment: Mapped[str] = mapped_column(String(limits.LONG_TEXT), default="")
    cpd_hours: Mapped[float | None]
    next_visit_date: Mapped[date | None]
    status: Mapped[FeedbackStatus] = mapped_column(EnumString(FeedbackStatus, 10), default=FeedbackStatus.DRAFT)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # The mentee's own acts on the signed sheet, from their account (mentoring/own_services.py).
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mentee_reply: Mapped[str] = mapped_column(String(limits.LONG_TEXT), default="", server_default="")
    # Its action items and those the mentee marked done, kept by sheet_items.py for the engagement tile (issue 23).
    item_count: Mapped[int] = mapped_column(default=0, server_default="0")
    closed_item_count: Mapped[int] = mapped_column(default=0, server_default="0")

    visit: Mapped[Visit] = relationship()
    mentee: Mapped[Mentee] = relationship()
    mentor: Mapped[Mentor] = relationship()
    ratings: Mapped[list["SkillRating"]] = relationship(back_populates="feedback", cascade="all, delete-orphan")
    action_items: Mapped[list["ActionItem"]] = relationship(
        back_populates="feedback", cascade="all, delete-orphan", foreign_keys="ActionItem.feedback_id",
        order_by="ActionItem.id",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def signed(self) -> bool:
        return self.status == FeedbackStatus.SIGNED


class SkillRating(db.Model):
    """A skill observed at a visit: a rating on the programme's scale (empty: not observed) and a comment."""

    __tablename__ = "skill_rating"
    __table_args__ = (UniqueConstraint("feedback_id", "skill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id"), index=True)
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(String(limits.RATING_COMMENT), default="")

    feedback: Mapped[Feedback] = relationship(back_populates="ratings")
    skill: Mapped[Skill] = relationship()


class ActionItem(db.Model):
    """A goal set in feedback with a due date, followed up (done, partly, not done) at a later visit."""

    __tablename__ = "action_item"
    __table_args__ = (
        CheckConstraint("followup IS NULL OR followup IN ('done', 'partly', 'not_done')", name="followup"),
        CheckConstraint("mentee_status IS NULL OR mentee_status IN ('done', 'partly')", name="mentee_status"),
        Index("ix_action_item_mentee_open", "mentee_id", "followup"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("mentee.id"))
    text: Mapped[str] = mapped_column(String(limits.ACTION_ITEM))
    due_date: Mapped[date]
    followup: Mapped[str | None] = mapped_column(String(10))
    followed_up_in_id: Mapped[int | None] = mapped_column(ForeignKey("feedback.id", ondelete="SET NULL"), index=True)
    # What the mentee says of it before the next visit (done or partly, with a note); the mentor's `followup` decides.
    mentee_status: Mapped[str | None] = mapped_column(String(10))
    mentee_note: Mapped[str] = mapped_column(String(limits.ACTION_ITEM), default="", server_default="")
    mentee_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    feedback: Mapped[Feedback] = relationship(back_populates="action_items", foreign_keys=[feedback_id])


class Reflection(db.Model):
    """One mentor's reflection form for one visit."""

    __tablename__ = "reflection"
    __table_args__ = (
        UniqueConstraint("visit_id", "mentor_id"),
        CheckConstraint(SupportStatus.check("support_status"), name="support_status"),
        CheckConstraint(SupportTopic.check("support_topic"), name="support_topic"),
        # The support requests only (those asking nothing are 'open' too): the follow-up list counts and pages the
        # 890 open of 56,000 reflections at ten times national scale through it, not a scan of all (issue 23).
        Index("ix_reflection_support_asked", "support_status", "visit_id",
              sqlite_where=text("support_needed != ''"), postgresql_where=text("support_needed != ''")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id"), index=True)
    went_well: Mapped[str] = mapped_column(String(limits.LONG_TEXT), default="")
    challenges: Mapped[str] = mapped_column(String(limits.LONG_TEXT), default="")
    mentees_absent: Mapped[str] = mapped_column(String(limits.LONG_TEXT), default="")
    equipment_problems: Mapped[str] = mapped_column(String(limits.LONG_TEXT), default="")
    support_needed: Mapped[str] = mapped_column(String(limits.LONG_TEXT), default="")
    support_status: Mapped[SupportStatus] = mapped_column(EnumString(SupportStatus, 12), default=SupportStatus.OPEN)
    support_owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    support_topic: Mapped[SupportTopic] = mapped_column(EnumString(SupportTopic, 12), default=SupportTopic.PROGRAMME,
                                                        server_default=SupportTopic.PROGRAMME.value)
    support_answer: Mapped[str] = mapped_column(String(limits.LONG_TEXT), default="", server_default="")
    support_answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    support_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    mentor: Mapped[Mentor] = relationship()

    __mapper_args__ = {"version_id_col": version}


class VisitWriting(db.Model):
    """What a held visit's attending mentors owe in writing, kept by `writing.refresh_writing` whenever a flush
    changes what it counts: feedback expected (mentees assigned to them on a day of the visit), signed and drafted,
    reflections expected and written. The coordinator's writing tile and the weekly summary read one row a visit
    instead of working out five years of attendance, assignments and feedback; it is always derivable from them
    (`writing.writing_counts`)."""

    __tablename__ = "visit_writing"

    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True)
    feedback_expected: Mapped[int]
    feedback_signed: Mapped[int]
    feedback_drafted: Mapped[int]
    reflections_expected: Mapped[int]
    reflections_written: Mapped[int]


class SelfAssessment(db.Model):
    """A mentee's own ratings of their profession's skills, entered on their behalf; can be repeated."""

    __tablename__ = "self_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("mentee.id"), index=True)
    assessed_on: Mapped[date]
    learning_needs: Mapped[str] = mapped_column(String(limits.LONG_TEXT), default="")
    ratings: Mapped[dict] = mapped_column(JSON, default=dict)  # skill id (as text) -> rating
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContactMode(LabelledEnum):
    """How a mentor reached a mentee between visits."""

    PHONE = "phone", _l("Phone"), "info"
    VIDEO = "video", _l("Video"), "info"
    MESSAGE = "message", _l("Message"), "info"


class ContactSession(db.Model):
    """A phone, video or message session between a mentor and their mentee between visits; counts toward CPD hours."""

    __audited__ = ("mentee_id", "mentor_id", "held_on", "mode", "minutes", "topic", "follow_up")
    __tablename__ = "contact_session"
    __table_args__ = (
        CheckConstraint(ContactMode.check("mode"), name="mode"),
        CheckConstraint("minutes >= 1 AND minutes <= 240", name="minutes"),
        Index("ix_contact_session_mentee_day", "mentee_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("mentee.id"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id"), index=True)
    held_on: Mapped[date]
    mode: Mapped[ContactMode] = mapped_column(EnumString(ContactMode, 10))
    minutes: Mapped[int] = mapped_column(SmallInteger)
    topic: Mapped[str] = mapped_column(String(limits.TITLE))
    follow_up: Mapped[str] = mapped_column(String(limits.ACTION_ITEM), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    mentor: Mapped[Mentor] = relationship()
