"""Notifications: a row per recipient, shown under the bell; e-mailed too, as each person chose (dispatch.py).

An e-mail is a row of the outbox (OutgoingMail) written in the transaction that caused it, handed to the job queue
once that transaction commits and sent by the worker: a rolled-back change never sends mail, and no web request
waits for a mail server.
"""

import smtplib
import uuid
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from .extensions import db
from .logs import masked_address, masked_in
from .models import Notification, OutgoingMail, utcnow
from .queue import MESSAGE, every_minute, job, periodic

OUTBOX = "notification_outbox"
MAIL_RETRIES = 5
LOST_AFTER = timedelta(minutes=2)  # pending this long: its job was lost (a worker killed before it ran)
LINK_REMOVED = "[one-time link removed after sending]"  # not shown to users: the outbox is read by operators
STUCK_AFTER = timedelta(minutes=10)  # sending this long: its worker died talking to the mail server


class TryLater(Exception):
    """A message put back for the queue to retry later; the queue logs it, so its text masks the recipient."""


def notify(users, message: "str | Callable[[], str]", *, link: str = "", kind: str = "") -> list[Notification]:
    """Notify each distinct user once, by the bell and the channels they chose for this kind (core/dispatch.py);
    returns the bell's rows added to the session.

    `message` is text, or a function making the text (with `_()` inside), called in each recipient's own language
    (English for those who follow their browser) so the bell and the e-mail speak it whoever caused them."""
    return dispatching.dispatch(users, kind, message, link=link)


def link_to(endpoint: str, **values) -> str:
    """A site-relative link for a message, built with or without a request (CLI and daily jobs)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute(link: str) -> str:
    return f"{current_app.config.get('BASE_URL', '')}{link}" if link else ""


def outgoing(address: str, message: str, link: str, *, body: str = "", unsubscribe_url: str = "",
             secret_link: bool = False) -> OutgoingMail:
    """A message for the outbox, under a fresh idempotency key. A `secret_link` (a credential, always the body's last
    part: such a message has no unsubscribe footer) is kept only until the message is sent or given up on (`scrub`)."""
    text = "\n\n".join(part for part in (message, body, absolute(link)) if part)
    if unsubscribe_url:
        text += "\n\n-- \n" + _("To stop these e-mails, open %(url)s", url=unsubscribe_url)
    return OutgoingMail(key=uuid.uuid4().hex, to_address=address, subject=" ".join(message.split())[:120], body=text,
                        unsubscribe_url=unsubscribe_url, secret_link=bool(link) and secret_link and not unsubscribe_url)


def queue_mail(address: str, message: str, link: str, *, body: str = "", unsubscribe_url: str = "",
               secret_link: bool = False) -> OutgoingMail:
    """Put a message in the outbox, handed to the worker when the transaction commits."""
    mail = outgoing(address, message, link, body=body, unsubscribe_url=unsubscribe_url, secret_link=secret_link)
    db.session.add(mail)
    db.session.info.setdefault(OUTBOX, []).append(mail)
    return mail


def scrub(mail: OutgoingMail) -> None:
    """Cut a secret link from a message that has left or never will: the outbox stays a log of what was sent, but
    no longer opens an account to whoever reads the table or a backup of it."""
    if mail.secret_link:
        mail.body = mail.body.rsplit("\n\n", 1)[0] + "\n\n" + LINK_REMOVED


@event.listens_for(Session, "after_commit")
def _queue_mail(session):
    """Hand the committed messages to the worker; one lost here is queued again by `sweep_outbox`. A savepoint's
    release fires this event too, and is no commit: the messages wait for the outermost one."""
    if _in_savepoint(session):
        return
    outbox = session.info.pop(OUTBOX, None)
    for mail in outbox or ():
        identity = inspect(mail).identity  # known without SQL: none may run in after_commit
        if identity:
            deliver(identity[0])


def _in_savepoint(session) -> bool:
    """The transaction ending is a savepoint (SQLAlchemy has already cleared in_nested_transaction() by then). A flush
    that fails inside a savepoint (insert_once losing a race) rolls back from its own subtransaction, still current
    while the events run: the one ending is the first savepoint or the root above it."""
    transaction = session._transaction  # noqa: SLF001 - still current while its events run
    while transaction is not None and not transaction.nested and transaction._parent is not None:  # noqa: SLF001
        transaction = transaction._parent  # noqa: SLF001
    return transaction is not None and transaction.nested


@event.listens_for(Session, "after_rollback")
def _drop_queued_mail(session):
    """Only the outermost rollback drops the outbox: a savepoint's (insert_once losing a race) keeps the rest."""
    if _in_savepoint(session):
        return
    session.info.pop(OUTBOX, None)


def claim(outbox, message_id: int):
    """Take a pending message of an outbox (OutgoingMail, OutgoingSms) for this worker: one conditional update, so
    two workers never both send it."""
    claimed = db.session.execute(
        update(outbox).where(outbox.id == message_id, outbox.status == "pending")
        .values(status="sending", claimed_at=utcnow(), attempts=outbox.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return db.session.get(outbox, message_id) if claimed else None


@job(priority=MESSAGE, retries=MAIL_RETRIES)
def deliver(mail_id: int) -> str:
    """Send one message of the outbox. A mail server that is down puts it back as pending and raises, so the queue
    retries it later (10 s, 20 s, 40 s...); after the last attempt it is marked failed and logged."""
    mail = claim(OutgoingMail, mail_id)
    if mail is None:
        return "not pending"
    config = current_app.config
    if not config.get("MAIL_SERVER"):  # MAIL_TO_LOG: the demo shows its messages in the worker's log
        current_app.logger.warning("e-mail to %s: %s\n%s", masked_address(mail.to_address), mail.subject,
                                   mail.body)  # shown at the default level
        mail.status, mail.sent_at, mail.error = "sent", utcnow(), "printed to the log: no MAIL_SERVER"
        scrub(mail)
        db.session.commit()
        return "logged"
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=30) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            message = EmailMessage()
            message["From"] = config.get("MAIL_FROM", "mentorship@localhost")
            message["To"] = mail.to_address
            message["Subject"] = mail.subject
            message["Message-ID"] = f"<{mail.key}@mentorship>"
            if mail.unsubscribe_url.startswith(("https://", "http://")):  # RFC 2369/8058 (an absolute address only)
                message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
                message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
            message.set_content(mail.body)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        told = masked_in(str(error), address=mail.to_address)
        current_app.logger.warning("notification e-mail %s not sent (attempt %s): %s", mail.key, mail.attempts, told)
        final = mail.attempts > MAIL_RETRIES
        mail.status, mail.error, mail.claimed_at = ("failed" if final else "pending"), str(error)[:2000], None
        if final:
            scrub(mail)
        db.session.commit()
        if final:
            return "failed"
        raise TryLater(told) from None
    mail.status, mail.sent_at, mail.error = "sent", utcnow(), ""
    scrub(mail)
    db.session.commit()
    return "sent"


def sweep_outbox(now=None) -> int:
    """Queue again the messages a lost job left pending; a message claimed by a worker that died in the middle of
    talking to the mail server is marked failed, not sent again (it may have gone: nothing is sent twice)."""
    now = now or utcnow()
    stuck = (OutgoingMail.status == "sending", OutgoingMail.claimed_at < now - STUCK_AFTER)
    for mail in db.session.scalars(select(OutgoingMail).where(*stuck, OutgoingMail.secret_link)):
        scrub(mail)
    db.session.flush()
    db.session.execute(
        update(OutgoingMail).where(*stuck)
        .values(status="failed", error="the worker stopped while sending; not resent, as it may have gone")
        .execution_options(synchronize_session=False))
    db.session.commit()
    lost = db.session.scalars(select(OutgoingMail.id).where(  # tried ones wait in the queue's schedule for their retry
        OutgoingMail.status == "pending", OutgoingMail.attempts == 0, OutgoingMail.created_at < now - LOST_AFTER)).all()
    db.session.rollback()
    for mail_id in lost:
        deliver(mail_id)
    return len(lost)


@periodic(every_minute())
def sweep_outbox_every_minute() -> int:
    return sweep_outbox()


# Last, as a module reference: dispatch.py (and sms.py, which it calls) read this module's outbox and savepoint check,
# so each of the three modules imports whole whichever of them is imported first.
from . import dispatch as dispatching  # noqa: E402
