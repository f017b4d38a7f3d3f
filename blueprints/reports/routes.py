"""PDF feedback sheets: one mentee's sheet for a visit, and every sheet of a visit in one PDF. Same access
rules as the pages; the data is read first, the transaction ended, and only then the PDF rendered."""

import re

from flask import Blueprint, Response, abort, current_app, render_template
from flask_login import current_user

from ..auth.models import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ..core.clock import today
from ..core.extensions import db
from ..core.permissions import allow
from ..mentoring import queries as mentoring
from ..visits.queries import get_visit_or_404
from .sheets import chart_points, sheet_for

bp = Blueprint("reports", __name__)

READERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)


def safe_name(text: str) -> str:
    """A file name with letters, digits and dashes only (nothing a header or a file system could misread)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:80] or "sheet"


def _pdf(sheets, name: str) -> Response:
    html = render_template("reports/pdf/feedback_sheets.html", sheets=sheets, chart_points=chart_points,
                           generated=today(), programme=current_app.config.get("PROGRAMME_NAME", "Clinical mentorship programme"))
    db.session.rollback()  # every value is read; nothing below holds a transaction open while rendering
    from .pdf import render_pdf  # WeasyPrint (about 1 s of imports) loads with a worker's first PDF, not at every start
    response = Response(render_pdf(html), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_name(name)}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/visits/<int:visit_id>/feedback/<int:mentee_id>.pdf")
@allow(*READERS)
def feedback_pdf(visit_id: int, mentee_id: int):
    place = mentoring.feedback_or_404(visit_id, mentee_id, current_user._get_current_object())
    if place.feedback is None:
        abort(404)
    sheet = sheet_for(place.feedback, place.visit)
    return _pdf([sheet], f"feedback-{place.mentee.full_name}-{place.visit.start_date.isoformat()}")


@bp.get("/visits/<int:visit_id>/feedback.pdf")
@allow(*READERS)
def visit_feedback_pdf(visit_id: int):
    user = current_user._get_current_object()
    visit = get_visit_or_404(visit_id, user)
    feedbacks = db.session.scalars(mentoring.visit_feedbacks(visit, user)).all()
    if not feedbacks:
        abort(404)
    sheets = [sheet_for(f, visit) for f in feedbacks]
    return _pdf(sheets, f"feedback-{visit.hospital.name}-{visit.start_date.isoformat()}")
