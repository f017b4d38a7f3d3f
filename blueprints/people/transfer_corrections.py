"""Who may cancel a mistaken transfer: whoever logged it, for 7 days (time to notice a slip) and only until the
receiving side builds on it; a coordinator at any time."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, or_, select

from ..core.extensions import db
from ..core.models import AuditEvent
from ..core.roles import COORDINATOR
from .models import Assignment, Transfer

CORRECTION_DAYS = 7


def receiving_side_acted(transfer: Transfer) -> bool:
    """Whether the receiving hospital has built on a move to it, as the data shows it:

    - its administrator set the department or requested a mentor on the transfer page (`received_at`);
    - a mentor was assigned to the mentee from the move's date on (an assignment starting on or after it);
    - the mentee's record was edited at the receiving hospital since the move was logged (a `mentee.update`
      audit row carrying that hospital).

    Only a move to another hospital has a receiving side."""
    if transfer.kind != "hospital":
        return False
    if transfer.received_at is not None:
        return True
    assigned = exists().where(Assignment.mentee_id == transfer.mentee_id, Assignment.start_date >= transfer.effective_date)
    edited = exists().where(AuditEvent.action == "mentee.update", AuditEvent.object_type == "mentee",
                            AuditEvent.object_id == transfer.mentee_id, AuditEvent.hospital_id == transfer.to_hospital_id,
                            AuditEvent.at >= transfer.logged_at)
    return bool(db.session.scalar(select(or_(assigned, edited))))


def correction_refusal(transfer: Transfer, by, now: datetime) -> str | None:
    """Why `by` may not cancel the transfer now, or None when they may."""
    if by.role == COORDINATOR:
        return None
    if transfer.logged_by_id != by.id:
        return _("Only the person who logged this transfer or a coordinator can correct it.")
    if now - transfer.logged_at > timedelta(days=CORRECTION_DAYS):
        return ngettext("Only a coordinator can cancel a transfer logged more than %(num)d day ago.",
                        "Only a coordinator can cancel a transfer logged more than %(num)d days ago.", CORRECTION_DAYS)
    if receiving_side_acted(transfer):
        return _("%(hospital)s has already acted on this transfer; only a coordinator can cancel it now.",
                 hospital=transfer.to_hospital.name)
    return None
