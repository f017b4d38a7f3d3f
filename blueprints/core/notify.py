"""Notifications: a row per recipient, shown under the bell; e-mailed too when SMTP is configured.

E-mails are queued on the session and sent only after the transaction commits, so a rolled-back
change never sends mail and no network I/O happens inside a transaction.
"""

import smtplib
from collections.abc import Callable
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db
from .i18n import DEFAULT_LANGUAGE, in_language
from .models import Notification

OUTBOX = "notification_outbox"


def link_to(endpoint: str, **values) -> str:
    """A site-relative link for a notification, built with or without a request (CLI and daily jobs)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def notify(users, message: "str | Callable[[], str]", *, link: str = "", kind: str = "") -> list[Notification]:
    """Notify each distinct user once; returns the rows added to the session.

    `message` is text, or a function making the text (with `_()` inside), called in each recipient's own language
    (English for those who follow their browser) so the bell and the e-mail speak it whoever caused them."""
    rows, seen, texts = [], set(), {}
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        language = getattr(user, "language", None) or DEFAULT_LANGUAGE
        if language not in texts:
            with in_language(language):
                texts[language] = message() if callable(message) else str(message)
        rows.append(Notification(user_id=user.id, message=texts[language], link=link, kind=kind))
        email = getattr(getattr(user, "mentor", None), "email", "") or ""
        if email and current_app.config.get("MAIL_SERVER"):
            db.session.info.setdefault(OUTBOX, []).append((email, texts[language], link))
    db.session.add_all(rows)
    return rows


@event.listens_for(Session, "after_commit")
def _send_queued_mail(session):
    outbox = session.info.pop(OUTBOX, None)
    if outbox:
        send_mail(outbox)


@event.listens_for(Session, "after_rollback")
def _drop_queued_mail(session):
    session.info.pop(OUTBOX, None)


def send_mail(outbox) -> None:
    """Best effort: a mail server that is down is logged, never an error for the user."""
    config = current_app.config
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            for address, message, link in outbox:
                mail = EmailMessage()
                mail["From"] = config.get("MAIL_FROM", "mentorship@localhost")
                mail["To"] = address
                mail["Subject"] = message[:120]
                mail.set_content(message + (f"\n\n{config.get('BASE_URL', '')}{link}" if link else ""))
                smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning("notification e-mail not sent: %s", error)
