"""Core models: the audit trail, programme settings, and the UTC timestamp column type."""

from datetime import UTC, datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, String, Text, TypeDecorator, false
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """An instant stored as naive UTC (SQLite keeps no zone) and always read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC instant is expected")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class AuditEvent(db.Model):
    """One row per change or login; the app only ever inserts these rows."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_at", "at"),
        Index("ix_audit_event_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    username: Mapped[str] = mapped_column(String(80), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None]
    hospital_id: Mapped[int | None] = mapped_column(ForeignKey("hospital.id", ondelete="SET NULL"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str] = mapped_column(String(45), default="")


class Setting(db.Model):
    """A programme setting a coordinator or sysadmin can change without a deploy."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class Notification(db.Model):
    """A message for one user (a transfer that concerns them, a visit coming up); read or unread."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40), default="")
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(255), default="")
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SentAlert(db.Model):
    """A key per alert already sent (an overdue hospital, a visit reminder), so daily jobs send each once."""

    __tablename__ = "sent_alert"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutgoingMail(db.Model):
    """The outbox and the log of sent e-mail: one row per message, written in the transaction that caused it and
    sent by the worker. The key is the message's idempotency key (and its Message-ID): a message is claimed
    (pending -> sending) by one conditional update before the mail server is called, so it is sent at most once."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
        Index("ix_outgoing_mail_status", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The one-click unsubscribe address (its List-Unsubscribe header); empty for a message one cannot refuse.
    unsubscribe_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # The link is a credential (a mentee's one-time sign-in link): cut from the body once sent or given up on.
    secret_link: Mapped[bool] = mapped_column(default=False, server_default=false())


class MessagePreference(db.Model):
    """A person's choice for one kind of message: e-mail and SMS on or off (the app's bell always). No row means the
    role's default (core/dispatch.py). The person is an account, or a mentee record without one."""

    __tablename__ = "message_preference"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (mentee_id IS NULL)", name="one_person"),
        Index("ix_message_preference_user_kind", "user_id", "kind", unique=True),
        Index("ix_message_preference_mentee_kind", "mentee_id", "kind", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    mentee_id: Mapped[int | None] = mapped_column(ForeignKey("mentee.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    email: Mapped[bool]
    sms: Mapped[bool]


class OutgoingSms(db.Model):
    """The SMS outbox and delivery log (blueprints/core/sms.py): one row per message, written in the transaction that
    caused it, sent by the worker no earlier than `not_before` (moved out of quiet hours) and claimed (pending ->
    sending) by one conditional update before the gateway is called, so it is sent at most once."""

    __tablename__ = "outgoing_sms"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
        CheckConstraint("encoding IN ('GSM-7', 'UCS-2')", name="encoding"),
        CheckConstraint("segments >= 1", name="segments"),
        Index("ix_outgoing_sms_status", "status", "not_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    to_number: Mapped[str] = mapped_column(String(16))  # E.164
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40), default="")
    encoding: Mapped[str] = mapped_column(String(5))
    segments: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    gateway: Mapped[str] = mapped_column(String(20), default="")  # who took it: rapidpro, africastalking, log
    answer: Mapped[str] = mapped_column(Text, default="")  # the gateway's reply (its id, or why it refused)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SmsOptOut(db.Model):
    """A number whose owner sent STOP (reported by the gateway): no SMS is queued for it again."""

    __tablename__ = "sms_opt_out"

    number: Mapped[str] = mapped_column(String(16), primary_key=True)  # E.164
    gateway: Mapped[str] = mapped_column(String(20), default="")
    opted_out_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QueueHeartbeat(db.Model):
    """When a worker last ran its every-minute heartbeat task (for /healthz and monitoring)."""

    __tablename__ = "queue_heartbeat"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
