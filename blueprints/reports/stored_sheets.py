"""Signed sheets render once (issue 23 item 4): a signed-off sheet's PDF is stored, per language, by the job queue
when it is signed (reports/prerender.py) or else the first time it is asked for, and served from the database
afterwards by every app server. The stored copy names the feedback's
version (bumped by every change to the feedback row: the mentee's acknowledgement, reopening, signing off again)
and a fingerprint of the print templates and the language's catalogue, so a changed sheet or template is never
served from the store: it is rendered again and replaces the stored copy. Needs no word from the mentoring area."""

import hashlib
from dataclasses import astuple, dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import Select, select

from ..core.concurrency import upsert
from ..core.extensions import db
from ..core.i18n import DEFAULT_LANGUAGE, known_language
from ..core.models import utcnow
from ..mentoring.models import Feedback, FeedbackStatus
from ..people.models import Mentee
from ..visits.models import Visit
from . import queries
from .models import StoredSheet
from .pdf import BASE_DIR, PRINT_CSS, PRINT_UA_CSS, render_pdf
from .sheets import visit_sheets_html

TEMPLATES = BASE_DIR / "templates" / "reports" / "pdf"
TEMPLATE_FILES = (TEMPLATES / "feedback_sheets.html", TEMPLATES / "_sheets.html", TEMPLATES / "_page_footer.html", PRINT_CSS,
                  PRINT_UA_CSS)


@cache
def template_version(language: str) -> str:
    """What a sheet in `language` is printed from: the print templates and the language's compiled catalogue."""
    digest = hashlib.sha256()
    for path in (*TEMPLATE_FILES, BASE_DIR / "translations" / language / "LC_MESSAGES" / "messages.mo"):
        digest.update(path.read_bytes() if Path(path).is_file() else b"-")
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class SheetKey:
    feedback_id: int
    language: str
    version: int
    template: str


def key_for(feedback: Feedback) -> SheetKey:
    """The stored copy a signed sheet is served from: its feedback, the mentee's language (the sheet prints in it),
    the feedback's version and the templates'."""
    return _key(feedback.id, feedback.mentee.preferred_language, feedback.version)


def _key(feedback_id: int, preferred_language: str | None, version: int) -> SheetKey:
    language = known_language(preferred_language) or DEFAULT_LANGUAGE
    return SheetKey(feedback_id, language, version, template_version(language))


def stored_pdf(key: SheetKey) -> bytes | None:
    return db.session.scalar(select(StoredSheet.data).where(
        StoredSheet.feedback_id == key.feedback_id, StoredSheet.language == key.language,
        StoredSheet.feedback_version == key.version, StoredSheet.template_version == key.template))


def store(key: SheetKey, data: bytes) -> None:
    """Keep the PDF for `key`, replacing an older copy of the sheet in that language (two downloads rendering the
    same sheet at once both write; the last one stays, and both wrote the same)."""
    values = {"feedback_version": key.version, "template_version": key.template, "data": data, "rendered_at": utcnow()}
    db.session.execute(upsert(StoredSheet).values(feedback_id=key.feedback_id, language=key.language, **values)
                       .on_conflict_do_update(index_elements=["feedback_id", "language"], set_=values))


def signed_sheet_pdf(feedback: Feedback, visit: Visit) -> bytes:
    """One signed sheet's PDF: the stored copy, else rendered now (after the read transaction ended) and stored; the
    caller commits."""
    key = key_for(feedback)
    if (data := stored_pdf(key)) is not None:
        return data
    html = visit_sheets_html([feedback], visit)
    db.session.rollback()  # every value is read; nothing holds a transaction open while rendering
    data = render_pdf(html)
    store(key, data)
    return data


def ensure_stored(feedback_id: int, version: int | None = None) -> bool:
    """Render and store a signed sheet ahead of its first download (the job queue's work); False, with nothing
    rendered, when its current copy is already stored, or the feedback is gone, not signed, or no longer at `version`
    (reopened since the job was asked for). A sheet changed while it rendered is not stored: its copy would never be
    served."""
    feedback = queries.feedback_for_sheet(feedback_id)
    if feedback is None or not feedback.signed or version not in (None, feedback.version):
        db.session.rollback()
        return False
    key = key_for(feedback)
    if stored_pdf(key) is not None:
        db.session.rollback()
        return False
    html = visit_sheets_html([feedback], feedback.visit)
    db.session.rollback()  # no transaction stays open while rendering
    data = render_pdf(html)
    if db.session.scalar(select(Feedback.version).where(Feedback.id == feedback_id,
                                                        Feedback.status == FeedbackStatus.SIGNED)) != key.version:
        db.session.rollback()
        return False
    store(key, data)
    db.session.commit()
    return True


def to_render(feedback_ids: Select) -> tuple[set[int], set[int]]:
    """The signed sheets among `feedback_ids` (a select of ids), and those of them whose current copy is not stored:
    what a bulk export has to render."""
    ids = feedback_ids.order_by(None).scalar_subquery()
    stored = {tuple(row) for row in db.session.execute(
        select(StoredSheet.feedback_id, StoredSheet.language, StoredSheet.feedback_version, StoredSheet.template_version)
        .where(StoredSheet.feedback_id.in_(ids)))}
    signed = db.session.execute(
        select(Feedback.id, Mentee.preferred_language, Feedback.version).join(Mentee, Mentee.id == Feedback.mentee_id)
        .where(Feedback.id.in_(ids), Feedback.status == FeedbackStatus.SIGNED)).all()
    unstored = {feedback_id for feedback_id, language, version in signed if astuple(_key(feedback_id, language, version)) not in stored}
    return {feedback_id for feedback_id, _language, _version in signed}, unstored
