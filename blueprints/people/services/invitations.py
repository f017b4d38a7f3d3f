"""Mentee accounts, made by invitation: a coordinator, the mentee's hospital administrator or their mentor creates a
one-time link (valid INVITATION_DAYS, single use); the mentee opens it and chooses a password. Only the token's hash is
stored. Redeeming is one conditional UPDATE, so of two requests with the same link the database lets one through;
the account itself is unique per mentee (user.mentee_id), so two links cannot make two accounts either."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update

from ...auth.models import User
from ...auth.services import create_user, set_password, update_user
from ...core import audit
from ...core.errors import RuleBroken
from ...core.extensions import db
from ...core.i18n import in_language
from ...core.models import utcnow
from ...core.notify import queue_mail
from ...core.roles import MENTEE
from ..models import Mentee, MenteeInvitation, MenteeStatus

INVITATION_DAYS = 14


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def mentee_username(mentee: Mentee) -> str:
    """`mentee.<record number>`: the name a mentee signs in with, printed on the invitation."""
    return f"mentee.{mentee.id}"


def invite(mentee: Mentee, *, by: User, email: str = "", link_for=None) -> tuple[MenteeInvitation, str]:
    """A new sign-in link for the mentee (earlier open ones stop working); returns it and its secret token, which is
    shown once and never stored. With `email`, the link is mailed after the commit, by the notification mail path."""
    if mentee.status != MenteeStatus.ACTIVE:
        raise RuleBroken("email", _("Only a mentee in the programme can be invited to sign in."))
    now = utcnow()
    revoke_open_invitations(mentee.id, now)
    token = secrets.token_urlsafe(32)
    invitation = MenteeInvitation(mentee_id=mentee.id, token_hash=token_hash(token), email=email.strip(), created_by_id=by.id,
                                  created_at=now, expires_at=now + timedelta(days=INVITATION_DAYS))
    db.session.add(invitation)
    db.session.flush()
    audit.record("mentee.invite", mentee, summary=f"sign-in link made for {mentee.full_name}"
                 + (f", sent to {invitation.email}" if invitation.email else ""), hospital_id=mentee.hospital_id)
    if invitation.email and link_for is not None and current_app.config.get("MAIL_SERVER"):
        # notify()'s outbox: handed to the worker after the commit, so a rolled-back invitation sends nothing.
        # In the mentee's language (the programme's default when theirs is unknown); the link is cut once sent.
        with in_language(mentee.preferred_language):
            message = ngettext("You are invited to sign in to the mentorship programme. Open the link within %(num)s day "
                               "and choose a password.",
                               "You are invited to sign in to the mentorship programme. Open the link within %(num)s days "
                               "and choose a password.", INVITATION_DAYS)
        queue_mail(invitation.email, message, link_for(token), secret_link=True)
    return invitation, token


def revoke_open_invitations(mentee_id: int, now=None) -> int:
    """Stop every unused link of the mentee; returns how many there were."""
    result = db.session.execute(
        update(MenteeInvitation)
        .where(MenteeInvitation.mentee_id == mentee_id, MenteeInvitation.used_at.is_(None), MenteeInvitation.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def redeem(invitation: MenteeInvitation, password: str) -> User:
    """Use the link once: mark it used (only if it still is open, checked by the database in the same statement), then
    make the mentee's account, or give their existing one this password and switch it back on."""
    now = utcnow()
    taken = db.session.execute(
        update(MenteeInvitation)
        .where(MenteeInvitation.id == invitation.id, MenteeInvitation.used_at.is_(None),
               MenteeInvitation.revoked_at.is_(None), MenteeInvitation.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise RuleBroken("password", _("This link has already been used or is no longer valid."))
    mentee = db.session.get(Mentee, invitation.mentee_id)
    account = db.session.scalar(select(User).where(User.mentee_id == mentee.id))
    if account is None:
        account = create_user(username=mentee_username(mentee), display_name=mentee.full_name, role=MENTEE,
                              password=password, mentee_id=mentee.id)
    else:
        if not account.active:
            update_user(account, active=True)
        set_password(account, password, by_admin=True)
    audit.record("mentee.invitation_used", mentee, summary=f"{mentee.full_name} signed in from an invitation",
                 user=account, hospital_id=mentee.hospital_id)
    db.session.flush()
    return account
