"""Equipment: catalogue items with a norm, per-hospital norm overrides, checks and their counted rows."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import limits
from ..core.enums import EnumString, LabelledEnum
from ..core.extensions import db
from ..core.i18n import localized_name
from ..core.models import UTCDateTime, utcnow
from ..people.models import Hospital

WARDS = ("labour", "newborn_corner", "neonatal_unit", "theatre", "paediatric")
REASONS = ("broken", "no_spare_part", "no_consumables", "nobody_trained")


class EquipmentItem(db.Model):
    """A kind of device every hospital should have, `required_quantity` of them unless a norm overrides it.

    Retired items leave the checklist and the matrix but keep their counted history.
    """

    __audited__ = ("ward", "name", "unit", "required_quantity", "critical", "retired", "name_translations")
    __tablename__ = "equipment_item"
    __table_args__ = (
        CheckConstraint("ward IN ('labour', 'newborn_corner', 'neonatal_unit', 'theatre', 'paediatric')", name="ward"),
        CheckConstraint("required_quantity >= 0", name="required_not_negative"),
        UniqueConstraint("ward", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ward: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(limits.TITLE))
    # The name in the other languages, {"fr": "…", "rw": "…"}; English is `name`.
    name_translations: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    unit: Mapped[str] = mapped_column(String(limits.UNIT), default="unit")
    required_quantity: Mapped[int] = mapped_column(default=1)
    critical: Mapped[bool] = mapped_column(default=False)
    retired: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the current language (English when it has no translation)."""
        return localized_name(self.name, self.name_translations)


class EquipmentNorm(db.Model):
    """A hospital's own required quantity for an item (a bigger maternity needs more labour monitors)."""

    __tablename__ = "equipment_norm"
    __table_args__ = (
        UniqueConstraint("hospital_id", "item_id"),
        CheckConstraint("required_quantity >= 0", name="required_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospital.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("equipment_item.id", ondelete="CASCADE"), index=True)
    required_quantity: Mapped[int]

    hospital: Mapped[Hospital] = relationship()
    item: Mapped[EquipmentItem] = relationship()


class EquipmentCheck(db.Model):
    """The equipment counted at one hospital on one date, during a visit or by the hospital administrator."""

    __tablename__ = "equipment_check"
    __table_args__ = (
        Index("ix_equipment_check_hospital_date", "hospital_id", "check_date"),
        UniqueConstraint("visit_id"),
        # One open date-only check per hospital and date: starting it again (or in parallel) opens that one.
        Index("uq_equipment_check_open_dated", "hospital_id", "check_date", unique=True,
              sqlite_where=text("visit_id IS NULL AND completed_at IS NULL"),
              postgresql_where=text("visit_id IS NULL AND completed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospital.id"))
    check_date: Mapped[date]
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id", ondelete="SET NULL"))
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    hospital: Mapped[Hospital] = relationship()
    visit = relationship("Visit")
    checked_by = relationship("User", foreign_keys=[checked_by_id])
    completed_by = relationship("User", foreign_keys=[completed_by_id])

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class EquipmentCount(db.Model):
    """One item in one check: how many there are, how many work, and why the others do not.

    `version` lets two people saving the same row see a conflict instead of a silent overwrite.
    """

    __audited__ = ("available", "functional", "reason", "note")
    __tablename__ = "equipment_count"
    __table_args__ = (
        UniqueConstraint("check_id", "item_id"),
        CheckConstraint("available >= 0", name="available_not_negative"),
        CheckConstraint("functional >= 0", name="functional_not_negative"),
        CheckConstraint("functional <= available", name="functional_not_above_available"),
        CheckConstraint(
            "reason IS NULL OR reason IN ('broken', 'no_spare_part', 'no_consumables', 'nobody_trained')", name="reason"
        ),
        Index("ix_equipment_count_item", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("equipment_check.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("equipment_item.id"))
    available: Mapped[int]
    functional: Mapped[int]
    reason: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(limits.SHORT_TEXT), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    check: Mapped[EquipmentCheck] = relationship()
    item: Mapped[EquipmentItem] = relationship()
    updated_by = relationship("User", foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": version}


class EquipmentStatus(db.Model):
    """The current state of one item at one hospital, kept by `status.refresh_status` whenever a count, a
    check, a norm or an item's required quantity changes: the last count, the quantity required now, and
    since when and over how many checks any gap has lasted. The matrix, its CSV and the dashboard read this
    one row per cell instead of five years of counts; it is always derivable from the counts."""

    __tablename__ = "equipment_status"
    __table_args__ = (
        UniqueConstraint("hospital_id", "item_id"),
        Index("ix_equipment_status_item", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospital.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("equipment_item.id", ondelete="CASCADE"))
    required: Mapped[int]
    available: Mapped[int]
    functional: Mapped[int]
    checked_on: Mapped[date]
    gap_since: Mapped[date | None]
    gap_checks: Mapped[int] = mapped_column(default=0)


class EquipmentGapChange(db.Model):
    """A day on which an item's gap at a hospital began or ended, kept by `status.refresh_status` with the status
    rows: `delta` is +1 (a gap began), -1 (it ended) or 0 (the first count found none, or a gap came and went that
    day). The report's trend of critical gaps sums these per day instead of reading five years of counts; like the
    status, it is always derivable from the counts (`gap_matrix.gap_changes_from_counts`)."""

    __tablename__ = "equipment_gap_change"
    __table_args__ = (
        UniqueConstraint("hospital_id", "item_id", "changed_on"),
        CheckConstraint("delta BETWEEN -1 AND 1", name="delta_one_step"),
        # The trend reads the critical items' rows from this index alone (half the time of a scan at scale 10).
        Index("ix_equipment_gap_change_item", "item_id", "changed_on", "delta", "hospital_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospital.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("equipment_item.id", ondelete="CASCADE"))
    changed_on: Mapped[date]
    delta: Mapped[int]


class RequestAddressee(LabelledEnum):
    """Whom a request for missing equipment is made to."""

    HOSPITAL = "hospital", _l("Hospital management"), "info"
    DISTRICT = "district", _l("District"), "info"
    PARTNER = "partner", _l("Partner"), "info"
    MINISTRY = "ministry", _l("Ministry of Health"), "info"


class RequestOutcome(LabelledEnum):
    """How a request ended; a request without one is open."""

    DELIVERED = "delivered", _l("Delivered"), "ok"
    PARTLY = "partly", _l("Partly delivered"), "due"
    REFUSED = "refused", _l("Refused"), "overdue"
    WITHDRAWN = "withdrawn", _l("Withdrawn"), "muted"


class EquipmentRequest(db.Model):
    """A gap taken to someone who can fill it (the hospital's management, the district, a partner, the ministry):
    when, under which reference, the follow-ups, and how it ended. One open request per gap and addressee, so a
    second one is a follow-up of the first."""

    __audited__ = ("addressee", "addressee_name", "requested_on", "reference", "note", "outcome", "resolved_on",
                   "resolution_note")
    __tablename__ = "equipment_request"
    __table_args__ = (
        CheckConstraint(RequestAddressee.check("addressee"), name="addressee"),
        CheckConstraint(f"outcome IS NULL OR {RequestOutcome.check('outcome')}", name="outcome"),
        CheckConstraint("(outcome IS NULL) = (resolved_on IS NULL)", name="resolved_with_outcome"),
        CheckConstraint("resolved_on IS NULL OR resolved_on >= requested_on", name="resolved_not_before_requested"),
        Index("uq_equipment_request_open", "hospital_id", "item_id", "addressee", unique=True,
              sqlite_where=text("outcome IS NULL"), postgresql_where=text("outcome IS NULL")),
        Index("ix_equipment_request_requested_on", "requested_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospital.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("equipment_item.id", ondelete="CASCADE"), index=True)
    addressee: Mapped[RequestAddressee] = mapped_column(EnumString(RequestAddressee, 10))
    addressee_name: Mapped[str] = mapped_column(String(limits.NAME), default="")  # "Musanze district", "UNICEF"
    requested_on: Mapped[date]
    reference: Mapped[str] = mapped_column(String(limits.SHORT_NAME), default="")  # the letter's number
    note: Mapped[str] = mapped_column(String(limits.SHORT_TEXT), default="")
    outcome: Mapped[RequestOutcome | None] = mapped_column(EnumString(RequestOutcome, 10))
    resolved_on: Mapped[date | None]
    resolution_note: Mapped[str] = mapped_column(String(limits.SHORT_TEXT), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    hospital: Mapped[Hospital] = relationship()
    item: Mapped[EquipmentItem] = relationship()
    created_by = relationship("User", foreign_keys=[created_by_id])
    follow_ups: Mapped[list["EquipmentRequestFollowUp"]] = relationship(
        back_populates="request", order_by="EquipmentRequestFollowUp.followed_up_on, EquipmentRequestFollowUp.id",
        cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_open(self) -> bool:
        return self.outcome is None

    def days_open(self, today: date) -> int:
        """The request's age: to today while open, to its resolution after."""
        return ((self.resolved_on or today) - self.requested_on).days


class EquipmentRequestFollowUp(db.Model):
    """One chase of a request: a call, a letter, a meeting, and what was said."""

    __tablename__ = "equipment_request_follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("equipment_request.id", ondelete="CASCADE"), index=True)
    followed_up_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(limits.SHORT_TEXT))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[EquipmentRequest] = relationship(back_populates="follow_ups")
    created_by = relationship("User", foreign_keys=[created_by_id])
