"""A mentee's account lives while the mentee is in the programme: whatever changes their status away from active (a
transfer out of the programme, leaving service, completing), their account is switched off, signed out everywhere and
their open invitation links stop working, in the same flush. A later invitation switches the account back on."""

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..core import audit
from ..core.models import utcnow
from .models import Mentee, MenteeInvitation, MenteeStatus


def left_programme(session: Session) -> list[Mentee]:
    """Mentees in this flush whose status just changed away from active."""
    leaving = []
    for obj in session.dirty:
        if isinstance(obj, Mentee):
            history = inspect(obj).attrs.status.history
            if history.has_changes() and obj.status != MenteeStatus.ACTIVE:
                leaving.append(obj)
    return leaving


@event.listens_for(Session, "before_flush")
def _end_accounts_of_leavers(session: Session, flush_context, instances) -> None:
    leaving = left_programme(session)
    if not leaving:
        return
    ids = [mentee.id for mentee in leaving]
    now = utcnow()
    with session.no_autoflush:
        for account in session.scalars(select(User).where(User.mentee_id.in_(ids), User.active)):
            account.active = False
            account.session_version += 1
            audit.record("user.update", account, summary=f"deactivated {account.username}: the mentee left the programme",
                         before={"active": True}, after={"active": False})
        for invitation in session.scalars(select(MenteeInvitation).where(
                MenteeInvitation.mentee_id.in_(ids), MenteeInvitation.used_at.is_(None), MenteeInvitation.revoked_at.is_(None))):
            invitation.revoked_at = now
