"""Bulk export jobs: a coordinator's request for every feedback sheet of a date range and hospitals as one zip.

The job's whole state lives in this row and its zip in export_chunk rows, so any gunicorn worker (or app server)
can show its progress and serve the zip, and a runner that dies is noticed from its stale heartbeat wherever the
job is next read.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.enums import EnumString, LabelledEnum
from ..core.extensions import db
from ..core.models import UTCDateTime, utcnow


class ExportStatus(LabelledEnum):
    """Where an export job has got to; expired is not stored: a done job whose file is gone or past its day."""

    QUEUED = "queued", _l("Waiting to start"), "info"
    RUNNING = "running", _l("Building"), "due"
    DONE = "done", _l("Ready"), "ok"
    FAILED = "failed", _l("Failed"), "overdue"
    EXPIRED = "expired", _l("Expired"), "muted"


STORED_EXPORT_STATUSES = (ExportStatus.QUEUED, ExportStatus.RUNNING, ExportStatus.DONE, ExportStatus.FAILED)


class ExportJob(db.Model):
    """One bulk export: its parameters, where it has got to, and the file it made (kept a day)."""

    __tablename__ = "export_job"
    __table_args__ = (
        CheckConstraint(ExportStatus.check("status", STORED_EXPORT_STATUSES), name="status"),
        CheckConstraint("date_to >= date_from", name="dates_in_order"),
        CheckConstraint("done >= 0 AND total >= 0", name="counters"),
        Index("ix_export_job_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    date_from: Mapped[date]
    date_to: Mapped[date]
    hospital_ids: Mapped[list] = mapped_column(JSON, default=list)  # empty: every hospital
    signed_only: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ExportStatus] = mapped_column(EnumString(ExportStatus, 10), default=ExportStatus.QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    attempt: Mapped[int] = mapped_column(default=0)  # each run claims the next number; a stale runner's writes miss
    error: Mapped[str] = mapped_column(Text, default="")
    file_name: Mapped[str] = mapped_column(String(200), default="")  # the zip is stored (in export_chunk); '' once deleted
    file_size: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by: Mapped[User | None] = relationship()

    @property
    def active(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    def expired(self, now: datetime | None = None) -> bool:
        return self.status == ExportStatus.DONE and (not self.file_name or (self.expires_at is not None and self.expires_at <= (now or utcnow())))

    def state(self, now: datetime | None = None) -> ExportStatus:
        """The status as the exports page shows it, expired included."""
        return ExportStatus.EXPIRED if self.expired(now) else self.status

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class ExportChunk(db.Model):
    """A piece of a finished export's zip, in order: every app server can serve it, and a download streams it piece
    by piece so a large zip never sits whole in memory. Deleted with its job's expiry."""

    __tablename__ = "export_chunk"

    job_id: Mapped[int] = mapped_column(ForeignKey("export_job.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class StoredSheet(db.Model):
    """A signed feedback sheet's PDF as it was rendered, one per language (issue 23 item 4): served again while the
    feedback's version and the print templates' fingerprint are the ones it was rendered from (reports/stored_sheets.py)."""

    __tablename__ = "stored_sheet"

    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(10), primary_key=True)
    feedback_version: Mapped[int]
    template_version: Mapped[str] = mapped_column(String(16))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
