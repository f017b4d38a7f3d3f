"""Writes a mentee makes from their own account: acknowledging a signed sheet with a reply, and saying how far
they got with an action item. The mentor's record stays theirs: these add beside it, never change it."""

from flask_babel import gettext as _

from ..core import audit
from ..core.errors import RuleBroken
from ..core.extensions import db
from ..core.models import utcnow
from . import sheet_items  # noqa: F401  its listeners keep each sheet's item counts
from .models import ActionItem, Feedback

MENTEE_STATUSES = ("done", "partly")


def acknowledge(feedback: Feedback, reply: str) -> Feedback:
    """Mark the sheet read and acknowledged (once: the first date stays), keeping the mentee's reply."""
    if feedback.acknowledged_at is not None:
        raise RuleBroken("reply", _("You have already acknowledged this sheet."))
    feedback.acknowledged_at = utcnow()
    feedback.mentee_reply = reply.strip()
    db.session.flush()
    audit.record("feedback.acknowledge", feedback, summary=f"{feedback.mentee.full_name} acknowledged their feedback sheet",
                 hospital_id=feedback.visit.hospital_id)
    return feedback


def report_progress(item: ActionItem, status: str, note: str) -> ActionItem:
    """The mentee's word on an action item; the mentor still follows it up at the next visit."""
    if status not in MENTEE_STATUSES:
        raise RuleBroken("status", _("Choose done or partly done."))
    if item.followup is not None:
        raise RuleBroken("status", _("Your mentor has already followed this item up."))
    item.mentee_status, item.mentee_note, item.mentee_updated_at = status, note.strip(), utcnow()
    db.session.flush()
    audit.record("action_item.mentee_progress", item, summary=f"mentee marked an action item {status}")
    return item
