"""The feedback sheet's data: read from the database into plain values, so the PDF renders with no session open."""

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from ..core.clock import today
from ..core.extensions import db
from ..core.i18n import current_language, in_language
from ..mentoring import queries as mentoring
from ..mentoring.forms import CONTACT_LABELS, FOLLOWUP_LABELS, METHOD_LABELS
from ..mentoring.framework import rating_scale
from ..mentoring.models import ActionItem, Feedback
from ..visits.models import Visit


@dataclass
class Sheet:
    mentee: str
    profession: str
    hospital: str
    department: str
    mentor: str
    visit_start: date
    visit_end: date
    signed: bool
    signed_at: object
    contact: str
    methods: list[str]
    ratings: list[dict]
    strengths: str
    areas_to_improve: str
    actions: list[tuple[str, date]]
    followups: list[tuple[str, date, str]]
    mentee_comment: str
    cpd_hours: float | None
    next_visit: date | None
    chart: list[tuple[date, float]] = field(default_factory=list)


def sheet_for(feedback: Feedback, visit: Visit) -> Sheet:
    """One mentee's sheet: ratings with the change since their last visit, and their progress so far."""
    mentee = feedback.mentee
    scale = rating_scale()
    last = mentoring.last_ratings(mentee.id, visit.start_date)
    rows = []
    skills = {s.id: s for s in mentoring.skills_for(mentee.profession, [r.skill_id for r in feedback.ratings])}
    for rating in sorted(feedback.ratings, key=lambda r: (skills[r.skill_id].position if r.skill_id in skills else 0)):
        skill = skills.get(rating.skill_id)
        before = last.get(rating.skill_id)
        change = rating.rating - before if rating.rating is not None and before is not None else None
        rows.append({"skill": skill.display_name if skill else "", "rating": rating.rating,
                     "label": scale.get(rating.rating, "") if rating.rating else "", "before": before,
                     "change": change, "comment": rating.comment})
    followed = db.session.scalars(
        select(ActionItem).where(ActionItem.followed_up_in_id == feedback.id).order_by(ActionItem.due_date)
    ).all()
    by_visit: dict[date, list[int]] = {}
    for day, _skill_id, _name, value in mentoring.progress(mentee.id, until=visit.start_date):
        by_visit.setdefault(day, []).append(value)
    return Sheet(
        mentee=mentee.full_name, profession=mentee.profession.name,
        hospital=visit.hospital.name, department=mentee.department.name if mentee.department else "",
        mentor=feedback.mentor.full_name, visit_start=visit.start_date, visit_end=visit.end_date,
        signed=feedback.signed, signed_at=feedback.signed_at,
        contact=str(CONTACT_LABELS.get(feedback.contact_type, feedback.contact_type)),
        methods=[str(METHOD_LABELS.get(m, m)) for m in feedback.teaching_methods or []],
        ratings=rows, strengths=feedback.strengths, areas_to_improve=feedback.areas_to_improve,
        actions=[(a.text, a.due_date) for a in feedback.action_items],
        followups=[(a.text, a.due_date, str(FOLLOWUP_LABELS.get(a.followup, a.followup))) for a in followed],
        mentee_comment=feedback.mentee_comment, cpd_hours=feedback.cpd_hours, next_visit=feedback.next_visit_date,
        chart=[(day, sum(values) / len(values)) for day, values in sorted(by_visit.items())],
    )


def chart_points(chart: list[tuple[date, float]], width: int = 440, height: int = 120, top: int = 5) -> list[dict]:
    """Where each visit's average rating sits on the progress chart (x along visits, y up the scale)."""
    if not chart:
        return []
    step = (width - 40) / max(len(chart) - 1, 1)
    return [{"x": round(30 + n * step, 1), "y": round(height - 15 - (value - 1) / max(top - 1, 1) * (height - 30), 1),
             "value": round(value, 1), "day": day} for n, (day, value) in enumerate(chart)]


def sheets_html(sheets: list[Sheet]) -> str:
    """The HTML WeasyPrint turns into the sheets' PDF, in the current language: the one template for a sheet, a
    visit and a bulk export."""
    return render_template("reports/pdf/feedback_sheets.html", sheets=sheets, chart_points=chart_points, generated=today(),
                           language=current_language(),
                           programme=current_app.config.get("PROGRAMME_NAME") or _("Clinical mentorship programme"))


def sheets_documents(feedbacks: list[Feedback], visit: Visit | None = None) -> list[str]:
    """Each mentee's sheet in the mentee's preferred language, whatever the reader's own: labels, dates, rating
    words, skill names. Consecutive sheets in one language are one HTML document; the documents become one PDF."""
    htmls = []
    for language, group in groupby(feedbacks, key=lambda f: f.mentee.preferred_language):
        with in_language(language):
            htmls.append(sheets_html([sheet_for(f, visit or f.visit) for f in group]))
    return htmls


def safe_name(text: str) -> str:
    """A file name with letters, digits and dashes only (nothing a header or a file system could misread)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:80] or "sheet"
