"""Signed sheets are rendered when signed (issue 23 item 4): once a sign-off commits, a job of the queue renders the
sheet in the language it prints in (the mentee's) and stores it, so even its first download is served from the store;
and again once a later change to a stored signed sheet commits (the mentee's acknowledgement and reply print on it),
so the copy the change made stale is replaced on the queue, not at the next download.
The job names the feedback's version after the change and renders nothing when the sheet was reopened or changed
since or its current copy is stored already; failing to queue or to render is logged and never undoes a sign-off or an
acknowledgement (the next download then renders the sheet, as before). Watches the feedback rows themselves, so the
mentoring area needs no word of it."""

import logging

from flask import current_app
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ..core.notify import _in_savepoint
from ..core.queue import BULK, job
from ..mentoring.models import Feedback
from . import stored_sheets
from .models import StoredSheet

log = logging.getLogger(__name__)
SIGNED = "signed_sheets_to_render"  # session.info: feedback id -> its version once signed or changed while signed


@job(priority=BULK, retries=3, retry_delay=30)
def render_signed_sheet(feedback_id: int, version: int) -> bool:
    """Store a just-signed (or just-changed signed) sheet's PDF; True when it was rendered."""
    return stored_sheets.ensure_stored(feedback_id, version)


@event.listens_for(Session, "after_flush")
def _note_sign_offs(session, _context):
    """Remember each feedback signed off in this transaction, and each signed one changed (its row written, its version
    moved) whose stored copy that made stale, with its version after the last flush that changed it; a reopen forgets
    it. A changed sheet never stored is left to its first download: the demo's acknowledgements render nothing."""
    signed = session.info.get(SIGNED, {})
    changed = {}
    for feedback in session.dirty:
        if not isinstance(feedback, Feedback):
            continue
        if not feedback.signed:
            signed.pop(feedback.id, None)
        elif feedback.id in signed or inspect(feedback).attrs.status.history.has_changes():
            signed[feedback.id] = feedback.version
        elif session.is_modified(feedback, include_collections=False):
            changed[feedback.id] = feedback.version
    if changed and current_app.config["SHEETS_RENDER_WHEN_SIGNED"]:
        stored = set(session.scalars(select(StoredSheet.feedback_id).where(StoredSheet.feedback_id.in_(changed))))
        signed.update((feedback_id, version) for feedback_id, version in changed.items() if feedback_id in stored)
    if signed:
        session.info[SIGNED] = signed


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
        except Exception:  # noqa: BLE001 - the sign-off stands; the next download renders the sheet instead
            log.exception("could not queue the rendering of signed sheet %s", feedback_id)


@event.listens_for(Session, "after_rollback")
def _forget_sign_offs(session):
    if not _in_savepoint(session):
        session.info.pop(SIGNED, None)
