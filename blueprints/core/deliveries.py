"""The delivery log: every e-mail (OutgoingMail) and SMS (OutgoingSms) the app queued, in one list for the
sysadmin, newest first, with its status, attempts and the server's or gateway's answer."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, String, cast, literal, null, or_, select, union_all

from .enums import LabelledEnum
from .models import OutgoingMail, OutgoingSms

EMAIL, SMS = "email", "sms"
CHANNELS = {EMAIL: _l("E-mail"), SMS: _l("SMS")}


class DeliveryStatus(LabelledEnum):
    PENDING = "pending", _l("Queued"), "info"
    SENDING = "sending", _l("Sending"), "due"
    SENT = "sent", _l("Sent"), "ok"
    FAILED = "failed", _l("Failed"), "overdue"


COLUMNS = ("id", "recipient", "content", "status", "attempts", "answer", "created_at", "sent_at", "gateway", "segments")


def _labelled(channel: str, *columns) -> Select:
    return select(literal(channel, String(5)).label("channel"), *(c.label(n) for c, n in zip(columns, COLUMNS, strict=True)))


def deliveries_query(search: str = "", channel: str = "", status: str = "") -> Select:
    """One row per message of either outbox (channel, id, recipient, content, status, attempts, answer, created,
    sent, gateway, segments), newest first; `search` matches the recipient or the text."""
    mail = _labelled(EMAIL, OutgoingMail.id, OutgoingMail.to_address, OutgoingMail.subject, OutgoingMail.status,
                     OutgoingMail.attempts, OutgoingMail.error, OutgoingMail.created_at, OutgoingMail.sent_at,
                     literal("", String(20)), cast(null(), Integer))
    sms = _labelled(SMS, OutgoingSms.id, OutgoingSms.to_number, OutgoingSms.text, OutgoingSms.status,
                    OutgoingSms.attempts, OutgoingSms.answer, OutgoingSms.created_at, OutgoingSms.sent_at,
                    OutgoingSms.gateway, OutgoingSms.segments)
    if search := search.strip():
        mail = mail.where(or_(OutgoingMail.to_address.icontains(search, autoescape=True),
                              OutgoingMail.subject.icontains(search, autoescape=True)))
        sms = sms.where(or_(OutgoingSms.to_number.icontains(search, autoescape=True),
                            OutgoingSms.text.icontains(search, autoescape=True)))
    if status in DeliveryStatus._value2member_map_:
        mail, sms = mail.where(OutgoingMail.status == status), sms.where(OutgoingSms.status == status)
    parts = {EMAIL: [mail], SMS: [sms]}.get(channel, [mail, sms])
    rows = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    return select(rows).order_by(rows.c.created_at.desc(), rows.c.channel, rows.c.id.desc())
