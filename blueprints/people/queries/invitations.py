"""Reads for mentee invitations and accounts."""

from flask import abort
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import joinedload

from ...auth.models import User
from ...core.extensions import db
from ...core.models import utcnow
from ..models import Mentee, MenteeInvitation, MenteeStatus
from ..scopes import invitable_mentees
from ..services.invitations import token_hash


def get_invitable_mentee_or_404(mentee_id: int, user: User) -> Mentee:
    """The mentee if this user may invite them (404 otherwise, so ids reveal nothing)."""
    mentee = db.session.scalar(select(Mentee).where(Mentee.id == mentee_id, invitable_mentees(user))
                               .options(joinedload(Mentee.hospital)))
    if mentee is None:
        abort(404)
    return mentee


def invitation_by_token(token: str) -> MenteeInvitation | None:
    return db.session.scalar(select(MenteeInvitation).where(MenteeInvitation.token_hash == token_hash(token))
                             .options(joinedload(MenteeInvitation.mentee)))


def why_closed(invitation: MenteeInvitation | None) -> str | None:
    """Why a link opens nothing ('unknown', 'used', 'revoked', 'expired'), or None while it is open."""
    if invitation is None:
        return "unknown"
    if invitation.used_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= utcnow():
        return "expired"
    return None


def mentee_account(mentee_id: int) -> User | None:
    return db.session.scalar(select(User).where(User.mentee_id == mentee_id))


def open_invitation(mentee_id: int) -> MenteeInvitation | None:
    """The mentee's newest link still waiting to be used, if any."""
    return db.session.scalar(
        select(MenteeInvitation)
        .where(MenteeInvitation.mentee_id == mentee_id, MenteeInvitation.used_at.is_(None),
               MenteeInvitation.revoked_at.is_(None), MenteeInvitation.expires_at > utcnow())
        .order_by(MenteeInvitation.created_at.desc()).limit(1))


def may_invite(user: User, mentee: Mentee) -> bool:
    """Asked in SQL whatever the mentee's status, so the profile runs as many statements for a mentee who left."""
    return db.session.scalar(select(Mentee.id).where(Mentee.id == mentee.id, Mentee.status == MenteeStatus.ACTIVE,
                                                      invitable_mentees(user))) is not None


def mentee_accounts(user: User, search: str = "") -> Select:
    """The mentees this user may invite, by name, each with their account (None: never signed in) and the expiry of
    their waiting link (None: none waiting): one row per mentee, paged like the other lists."""
    waiting = (select(func.max(MenteeInvitation.expires_at))
               .where(MenteeInvitation.mentee_id == Mentee.id, MenteeInvitation.used_at.is_(None),
                      MenteeInvitation.revoked_at.is_(None), MenteeInvitation.expires_at > utcnow())
               .correlate(Mentee).scalar_subquery())
    query = (select(Mentee, User, waiting).outerjoin(User, and_(User.mentee_id == Mentee.id))
             .where(invitable_mentees(user), Mentee.status == MenteeStatus.ACTIVE)
             .options(joinedload(Mentee.hospital)).order_by(Mentee.full_name, Mentee.id))
    if search.strip():
        query = query.where(Mentee.full_name.ilike(f"%{search.strip()}%"))
    return query
