"""Bulk export jobs: a coordinator's request for every feedback sheet of a date range and hospitals as one zip.

The job's whole state lives in this row, so any gunicorn worker (or app server) can show its progress, and a
runner that dies is noticed from its stale heartbeat wherever the job is next read.
"""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..core.extensions import db
from ..core.models import UTCDateTime, utcnow

EXPORT_STATUSES = ("queued", "running", "done", "failed")


class ExportJob(db.Model):
    """One bulk export: its parameters, where it has got to, and the file it made (kept a day)."""

    __tablename__ = "export_job"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
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
    status: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    attempt: Mapped[int] = mapped_column(default=0)  # each run claims the next number; a stale runner's writes miss
    error: Mapped[str] = mapped_column(Text, default="")
    file_name: Mapped[str] = mapped_column(String(200), default="")  # under the exports folder; '' once deleted
    file_size: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by: Mapped[User | None] = relationship()

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    def expired(self, now: datetime | None = None) -> bool:
        return self.status == "done" and (not self.file_name or (self.expires_at is not None and self.expires_at <= (now or utcnow())))

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
