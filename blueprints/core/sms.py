"""SMS: `queue_sms` writes a message to the outbox (OutgoingSms) in the caller's transaction; once that transaction
commits the message is handed to the job queue, and the worker sends it through the configured gateway
(core/sms_gateways.py) no earlier than its time and never in quiet hours (core/quiet_hours.py). No gateway is
called in a web request, a rolled-back change sends nothing, and a message is claimed before the gateway is called,
so a worker killed after the gateway took it never sends it again (`sweep_sms` marks it failed, not resent).
"""

import uuid
from datetime import datetime, timedelta

import phonenumbers
from flask import current_app
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from .extensions import db
from .logs import masked_in, masked_number
from .models import OutgoingSms, SmsOptOut, utcnow
from .notify import TryLater, _in_savepoint, claim
from .queue import MESSAGE, every_minute, job, periodic
from .quiet_hours import first_time_allowed
from .sms_gateways import GatewayRefused, gateway
from .sms_segments import normalise, segments

OUTBOX = "sms_outbox"
SMS_RETRIES = 5
LOST_AFTER = timedelta(minutes=2)  # pending this long past its time: its job was lost
STUCK_AFTER = timedelta(minutes=10)  # sending this long: its worker died talking to the gateway


def e164(number: str) -> str | None:
    """`number` if it is a valid number written in E.164 (+250788123456), else None."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return formatted if formatted == number else None


def opted_out(number: str) -> bool:
    return db.session.get(SmsOptOut, number) is not None


def queue_sms(number: str, text: str, *, kind: str, not_before: datetime | None = None) -> OutgoingSms | None:
    """Add an SMS to the outbox in the caller's transaction; it is sent by the worker after the outermost commit, at
    `not_before` (UTC, aware; default now) or, if that falls in quiet hours, at their end. The text is normalised
    (typographic apostrophes made ASCII: core/sms_segments.py) and its encoding and segments stored.

    Returns None, and logs why, for a number that is not valid E.164 or whose owner opted out (STOP)."""
    if e164(number) is None:
        current_app.logger.warning("SMS (%s) not queued: %s is not a valid E.164 number", kind, masked_number(number))
        return None
    if opted_out(number):
        current_app.logger.info("SMS (%s) not queued: %s opted out", kind, masked_number(number))
        return None
    text = normalise(text)
    counted = segments(text)
    now = utcnow()
    when = first_time_allowed(max(not_before or now, now))
    sms = OutgoingSms(key=uuid.uuid4().hex, to_number=number, text=text, kind=kind, encoding=counted.encoding,
                      segments=counted.count, not_before=when, created_at=now)
    db.session.add(sms)
    db.session.info.setdefault(OUTBOX, []).append(sms)
    return sms


def record_opt_out(number: str, gateway_name: str) -> bool:
    """Record that `number` opted out (STOP); False if it already had. Flushes, the caller commits."""
    if opted_out(number):
        return False
    db.session.add(SmsOptOut(number=number, gateway=gateway_name))
    db.session.flush()
    current_app.logger.info("SMS opt-out recorded for %s (%s)", masked_number(number), gateway_name)
    return True


def _hand_over(sms_id: int, when: datetime | None) -> None:
    if when is not None and when > utcnow():
        deliver_sms.schedule(args=(sms_id,), eta=when)
    else:
        deliver_sms(sms_id)


@event.listens_for(Session, "after_commit")
def _queue_sms(session):
    """Hand the committed messages to the worker (each at its time); one lost here is queued again by `sweep_sms`."""
    if _in_savepoint(session):
        return
    for sms in session.info.pop(OUTBOX, None) or ():
        identity = inspect(sms).identity  # known without SQL: none may run in after_commit
        if identity:
            _hand_over(identity[0], inspect(sms).dict.get("not_before"))


@event.listens_for(Session, "after_rollback")
def _drop_queued_sms(session):
    if _in_savepoint(session):
        return
    session.info.pop(OUTBOX, None)


def _record_sent(sms: OutgoingSms, gateway_name: str, answer: str) -> None:
    sms.status, sms.sent_at, sms.gateway, sms.answer = "sent", utcnow(), gateway_name, answer[:2000]
    db.session.commit()


@job(priority=MESSAGE, retries=SMS_RETRIES)
def deliver_sms(sms_id: int) -> str:
    """Send one SMS of the outbox. Before its time or in quiet hours it is scheduled again for when it may go; a
    gateway that refuses it (4xx) marks it failed with the gateway's answer; a network error or a 5xx puts it back as
    pending and raises, so the queue retries it later (10 s, 20 s, 40 s...) until the last attempt marks it failed."""
    sms = db.session.get(OutgoingSms, sms_id)
    if sms is None or sms.status != "pending":
        return "not pending"
    now = utcnow()
    when = first_time_allowed(max(sms.not_before, now))
    if when > now:
        if when != sms.not_before:
            sms.not_before = when
        db.session.commit()
        deliver_sms.schedule(args=(sms_id,), eta=when)
        return "waiting"
    if opted_out(sms.to_number):
        sms.status, sms.answer = "failed", "not sent: the number opted out (STOP) after the message was queued"
        db.session.commit()
        return "opted out"
    db.session.rollback()
    sms = claim(OutgoingSms, sms_id)
    if sms is None:
        return "not pending"
    sender = gateway()
    try:
        answer = sender.send(sms.to_number, sms.text)
    except GatewayRefused as refused:
        current_app.logger.warning("SMS %s refused by %s: %s", sms.key, sender.name,
                                   masked_in(str(refused), number=sms.to_number))
        sms.status, sms.gateway, sms.answer, sms.claimed_at = "failed", sender.name, str(refused)[:2000], None
        if refused.opted_out:
            record_opt_out(sms.to_number, sender.name)
        db.session.commit()
        return "failed"
    except OSError as error:  # the network, a timeout, or the gateway's 5xx (GatewayUnavailable)
        told = masked_in(str(error), number=sms.to_number)
        current_app.logger.warning("SMS %s not sent by %s (attempt %s): %s", sms.key, sender.name, sms.attempts, told)
        final = sms.attempts > SMS_RETRIES
        sms.status, sms.gateway, sms.answer, sms.claimed_at = ("failed" if final else "pending"), sender.name, \
            str(error)[:2000], None
        db.session.commit()
        if final:
            return "failed"
        raise TryLater(told) from None
    _record_sent(sms, sender.name, answer)
    return "sent"


def sweep_sms(now: datetime | None = None) -> int:
    """Queue again the messages a lost job left pending past their time; a message claimed by a worker that died
    while talking to the gateway is marked failed, not sent again (the gateway may have taken it)."""
    now = now or utcnow()
    db.session.execute(
        update(OutgoingSms).where(OutgoingSms.status == "sending", OutgoingSms.claimed_at < now - STUCK_AFTER)
        .values(status="failed", answer="the worker stopped while sending; not resent, as it may have gone")
        .execution_options(synchronize_session=False))
    db.session.commit()
    lost = db.session.scalars(select(OutgoingSms.id).where(  # tried ones wait in the queue's schedule for their retry
        OutgoingSms.status == "pending", OutgoingSms.attempts == 0, OutgoingSms.not_before < now - LOST_AFTER)).all()
    db.session.rollback()
    for sms_id in lost:
        deliver_sms(sms_id)
    return len(lost)


@periodic(every_minute())
def sweep_sms_every_minute() -> int:
    return sweep_sms()
