"""Signed sheets render once (issue 23 item 4): a signed-off sheet's PDF is stored, per language, the first time it
is asked for, and served from the database afterwards by every app server. The stored copy names the feedback's
version (bumped by every change to the feedback row: the mentee's acknowledgement, reopening, signing off again)
and a fingerprint of the print templates and the language's catalogue, so a changed sheet or template is never
served from the store: it is rendered again and replaces the stored copy. Needs no word from the mentoring area."""

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import select

from ..core.concurrency import upsert
from ..core.extensions import db
from ..core.i18n import DEFAULT_LANGUAGE, known_language
from ..core.models import utcnow
from ..mentoring.models import Feedback
from ..visits.models import Visit
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
    language = known_language(feedback.mentee.preferred_language) or DEFAULT_LANGUAGE
    return SheetKey(feedback.id, language, feedback.version, template_version(language))


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
