"""Signed sheets are rendered when signed (issue 23 item 4): once a sign-off commits, a job of the queue renders the
sheet in the language it prints in (the mentee's) and stores it, so even its first download is served from the store.
The job names the feedback's version at sign-off and renders nothing when the sheet was reopened since or its current
copy is stored already; failing to queue or to render is logged and never undoes a sign-off (the first download then
renders the sheet, as before). Watches the feedback rows themselves, so the mentoring area needs no word of it."""

import logging

from flask import current_app
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..core.notify import _in_savepoint
from ..core.queue import job
from ..mentoring.models import Feedback
from . import stored_sheets

log = logging.getLogger(__name__)
SIGNED = "signed_sheets_to_render"  # session.info: feedback id -> its version once signed in this transaction


@job(retries=3, retry_delay=30)
def render_signed_sheet(feedback_id: int, version: int) -> bool:
    """Store a just-signed sheet's PDF; True when it was rendered."""
    return stored_sheets.ensure_stored(feedback_id, version)


@event.listens_for(Session, "after_flush")
def _note_sign_offs(session, _context):
    """Remember each feedback signed off in this transaction, with its version after the last flush that changed it
    (a later change of it in the same transaction moves the version; a reopen forgets it)."""
    signed = session.info.get(SIGNED, {})
    for feedback in session.dirty:
        if not isinstance(feedback, Feedback):
            continue
        if feedback.signed and (feedback.id in signed or inspect(feedback).attrs.status.history.has_changes()):
            session.info.setdefault(SIGNED, signed)[feedback.id] = feedback.version
        else:
            signed.pop(feedback.id, None)


@event.listens_for(Session, "after_commit")
def _render_sign_offs(session):
    if _in_savepoint(session):
        return
    signed = session.info.pop(SIGNED, None)
    if not signed or not current_app.config["SHEETS_RENDER_WHEN_SIGNED"]:
        return
    for feedback_id, version in signed.items():
        try:
            render_signed_sheet(feedback_id, version)
        except Exception:  # noqa: BLE001 - the sign-off stands; the first download renders the sheet instead
            log.exception("could not queue the rendering of signed sheet %s", feedback_id)


@event.listens_for(Session, "after_rollback")
def _forget_sign_offs(session):
    if not _in_savepoint(session):
        session.info.pop(SIGNED, None)
