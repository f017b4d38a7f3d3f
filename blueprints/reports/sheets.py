"""The feedback sheet's data: read from the database into plain values, so the PDF renders with no session open."""

from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..core.clock import today
from ..core.extensions import db
from ..core.formatting import format_month
from ..core.i18n import current_language, in_language
from ..mentoring.forms import CONTACT_LABELS, FOLLOWUP_LABELS, METHOD_LABELS
from ..mentoring.framework import crosses_professions, rating_scale
from ..mentoring.models import ActionItem, ContactSession, Feedback, Skill, SkillRating
from ..people.models import Mentee, Mentor
from ..visits.models import Visit
from .pdf import LANGUAGE_PAGE


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
    acknowledged_at: object = None  # when the mentee read and acknowledged the signed sheet, from their account
    mentee_reply: str = ""  # what they wrote back then
    chart: list[tuple[date, float]] = field(default_factory=list)
    scale: dict[int, str] = field(default_factory=dict)  # level -> its words, for the chart's axis
    contacts: list[tuple[date, str, int, str, str]] = field(default_factory=list)  # sessions since the last visit
    framework: str = ""  # the mentor's profession when the pairing crosses professions (the sheet names the framework)


def sheet_for(feedback: Feedback, visit: Visit) -> Sheet:
    """One mentee's sheet: ratings with the change since their last visit, and their progress so far."""
    return sheets_for([feedback], visit)[0]


def sheets_for(feedbacks: list[Feedback], visit: Visit) -> list[Sheet]:
    """The sheets of some of a visit's feedback, read in a constant number of queries however many mentees:
    the feedback with its mentee, mentor, ratings and action items; the skills rated; every rating of these
    mentees up to this visit (for the change since last time and the chart); the follow-ups; the scale."""
    if not feedbacks:
        return []
    ids = [f.id for f in feedbacks]
    feedbacks = list(db.session.scalars(
        select(Feedback).where(Feedback.id.in_(ids))
        .options(joinedload(Feedback.mentee).joinedload(Mentee.profession),
                 joinedload(Feedback.mentee).joinedload(Mentee.department),
                 joinedload(Feedback.mentor).joinedload(Mentor.profession), selectinload(Feedback.ratings), selectinload(Feedback.action_items))
    ).unique())
    order = {feedback_id: n for n, feedback_id in enumerate(ids)}
    feedbacks.sort(key=lambda f: order[f.id])
    mentee_ids = [f.mentee_id for f in feedbacks]
    scale = rating_scale()
    hospital = visit.hospital.name
    history = db.session.execute(
        select(Feedback.mentee_id, Visit.start_date, SkillRating.skill_id, SkillRating.rating)
        .join(Feedback, Feedback.id == SkillRating.feedback_id).join(Visit, Visit.id == Feedback.visit_id)
        .where(Feedback.mentee_id.in_(mentee_ids), Visit.start_date <= visit.start_date, SkillRating.rating.is_not(None))
        .order_by(Visit.start_date, Visit.id)
    ).all()
    last: dict[int, dict[int, tuple[int, date]]] = {}  # mentee -> skill -> (rating, day) at their last visit before this one
    chart: dict[int, dict[date, list[int]]] = {}  # mentee -> visit day -> ratings
    for mentee_id, day, skill_id, rating in history:
        if day < visit.start_date:
            last.setdefault(mentee_id, {})[skill_id] = (rating, day)
        chart.setdefault(mentee_id, {}).setdefault(day, []).append(rating)
    skill_ids = {r.skill_id for f in feedbacks for r in f.ratings}
    skills = {s.id: s for s in db.session.scalars(select(Skill).where(Skill.id.in_(skill_ids)))} if skill_ids else {}
    contacts = contacts_since_last_visit(mentee_ids, visit)
    followed: dict[int, list[ActionItem]] = {}
    for item in db.session.scalars(select(ActionItem).where(ActionItem.followed_up_in_id.in_(ids))
                                   .order_by(ActionItem.due_date, ActionItem.id)):
        followed.setdefault(item.followed_up_in_id, []).append(item)
    return [_sheet(f, visit, hospital, scale, skills, last.get(f.mentee_id, {}), chart.get(f.mentee_id, {}),
                   followed.get(f.id, []), contacts.get(f.mentee_id, [])) for f in feedbacks]


def _sheet(feedback: Feedback, visit: Visit, hospital: str, scale: dict[int, str], skills: dict[int, Skill],
           last: dict[int, tuple[int, date]], by_visit: dict[date, list[int]], followed: list[ActionItem],
           contacts: list[tuple[date, str, int, str, str]]) -> Sheet:
    mentee = feedback.mentee
    rows = []
    for rating in sorted(feedback.ratings, key=lambda r: (skills[r.skill_id].position if r.skill_id in skills else 0)):
        skill = skills.get(rating.skill_id)
        before, since = last.get(rating.skill_id, (None, None))
        change = rating.rating - before if rating.rating is not None and before is not None else None
        rows.append({"area": skill.area_display_name if skill else "", "skill": skill.display_name if skill else "", "rating": rating.rating,
                     "label": scale.get(rating.rating, "") if rating.rating else "", "before": before,
                     "change": change, "since": since, "comment": rating.comment})
    return Sheet(
        mentee=mentee.full_name, profession=mentee.profession.display_name,
        hospital=hospital, department=mentee.department.display_name if mentee.department else "",
        mentor=feedback.mentor.full_name, visit_start=visit.start_date, visit_end=visit.end_date,
        signed=feedback.signed, signed_at=feedback.signed_at,
        contact=str(CONTACT_LABELS.get(feedback.contact_type, feedback.contact_type)),
        methods=[str(METHOD_LABELS.get(m, m)) for m in feedback.teaching_methods or []],
        ratings=rows, strengths=feedback.strengths, areas_to_improve=feedback.areas_to_improve,
        actions=[(a.text, a.due_date) for a in feedback.action_items],
        followups=[(a.text, a.due_date, str(FOLLOWUP_LABELS.get(a.followup, a.followup))) for a in followed],
        mentee_comment=feedback.mentee_comment, cpd_hours=feedback.cpd_hours, next_visit=feedback.next_visit_date,
        acknowledged_at=feedback.acknowledged_at if feedback.signed else None, mentee_reply=feedback.mentee_reply or "",
        chart=[(day, sum(values) / len(values)) for day, values in sorted(by_visit.items())], scale=scale,
        contacts=contacts, framework=(feedback.mentor.profession.display_name
                   if crosses_professions(mentee.profession_id, feedback.mentor.profession_id) else ""),
    )


SHEET_CONTACTS = 8  # the latest sessions a sheet lists, so it stays on its page


def contacts_since_last_visit(mentee_ids: list[int], visit: Visit) -> dict[int, list[tuple[date, str, int, str, str]]]:
    """Each mentee's contact sessions after the start of their previous visit with feedback and before this visit
    (all before it when this is their first), oldest first, the latest SHEET_CONTACTS (one query)."""
    previous = (select(func.max(Visit.start_date)).join(Feedback, Feedback.visit_id == Visit.id)
                .where(Feedback.mentee_id == ContactSession.mentee_id, Visit.start_date < visit.start_date)
                .scalar_subquery())
    found: dict[int, list] = {}
    for mentee_id, day, mode, minutes, topic, follow_up in db.session.execute(
            select(ContactSession.mentee_id, ContactSession.held_on, ContactSession.mode, ContactSession.minutes,
                   ContactSession.topic, ContactSession.follow_up)
            .where(ContactSession.mentee_id.in_(mentee_ids), ContactSession.held_on < visit.start_date,
                   or_(previous.is_(None), ContactSession.held_on >= previous))
            .order_by(ContactSession.held_on, ContactSession.id)):
        found.setdefault(mentee_id, []).append((day, str(mode.label), minutes, topic, follow_up))
    return {mentee_id: rows[-SHEET_CONTACTS:] for mentee_id, rows in found.items()}


def change_words(change: int) -> str:
    """'up 2', 'down 1', 'no change': a change of rating in words, never a sign a reader could take for the rating."""
    if change > 0:
        return ngettext("up %(num)d", "up %(num)d", change)
    if change < 0:
        return ngettext("down %(num)d", "down %(num)d", -change)
    return _("no change")


def rating_words(row: dict, previous: date | None = None) -> str:
    """'3 · needs some help — down 2': the level, its words, and how it moved since it was last rated; the day of
    that rating only when it is not `previous` (the last visit, named once above the ratings), without its year,
    so the words fit beside the skill in every language ('— up 1 since 4 Dec')."""
    if not row["rating"]:
        return _("not observed")
    said = f"{row['rating']} · {row['label']}" if row["label"] else str(row["rating"])
    if row["change"] is None:
        first = _("first rating")
        return f"{said} — {first}"
    change = change_words(row["change"])
    if row.get("since") is None or row.get("since") == previous:
        return f"{said} — {change}"
    return f"{said} — " + _("%(change)s since %(date)s", change=change, date=format_month(row["since"], "d MMM"))


def previous_visit(rows: list[dict]) -> date | None:
    """The last earlier visit at which any of these skills was rated: the day most changes are counted from."""
    return max((row["since"] for row in rows if row.get("since")), default=None)


def areas(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """The ratings by skill area, in the framework's order (a skill without an area under 'Other skills')."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row.get("area") or "", []).append(row)
    return [(area or (_("Other skills") if len(groups) > 1 else ""), group) for area, group in groups.items()]


def movers(rows: list[dict], count: int = 3) -> list[dict]:
    """The skills whose rating moved most since they were last rated, largest move first (ties in framework order)."""
    moved = [row for row in rows if row["change"]]
    return sorted(moved, key=lambda row: -abs(row["change"]))[:count]


def chart_points(chart: list[tuple[date, float]], width: int = 440, height: int = 120, top: int = 5, left: int = 30,
                 right: int = 10, above: int = 15, below: int = 15) -> list[dict]:
    """Where each visit's average rating sits on the progress chart (x along visits from `left` to `width - right`,
    y up the scale from `height - below` to `above`)."""
    if not chart:
        return []
    step = (width - left - right) / max(len(chart) - 1, 1)
    return [{"x": round(left + n * step, 1), "y": level_y(value, height, top, above, below), "value": round(value, 1), "day": day}
            for n, (day, value) in enumerate(chart)]


def level_y(value: float, height: int, top: int, above: int, below: int) -> float:
    return round(height - below - (value - 1) / max(top - 1, 1) * (height - above - below), 1)


def labelled(points: list[dict], most: int = 6) -> list[dict]:
    """The points whose month is written under the chart: all of a few, else `most` spread evenly, first and last in."""
    if len(points) <= most:
        return points
    return [points[round(n * (len(points) - 1) / (most - 1))] for n in range(most)]


WATERMARK_WIDTH_PT = 440  # of the text width's 510, so the word stands clear of both margins
WATERMARK_MAX_PT = 90


def watermark_pt(word: str) -> int:
    """The draft watermark's font size for its word in the sheet's language: 90 pt, or less for a long word
    ('UMUSHINGA') so it fits on one line across the page. DejaVu Sans Bold capitals are at most 0.85 em wide."""
    return min(WATERMARK_MAX_PT, int(WATERMARK_WIDTH_PT / (0.85 * max(len(word), 1))))


@dataclass
class SheetsPart:
    """One language's sheets of a PDF, rendered in it: the footer rule and the sections, on pages named for it."""
    language: str
    sheets: list[Sheet]
    footer: Markup
    body: Markup


def sheets_part(sheets: list[Sheet], first: bool = True) -> SheetsPart:
    """The sheets in the current language: labels, dates, rating words."""
    language = current_language()
    context = {"generated": today(), "language": language, "page_name": f"{LANGUAGE_PAGE}{language}"}
    body = render_template("reports/pdf/_sheets.html", sheets=sheets, first=first, chart_points=chart_points,
                           watermark_pt=watermark_pt, level_y=level_y, labelled=labelled, rating_words=rating_words,
                           previous_visit=previous_visit, areas=areas, movers=movers, change_words=change_words,
                           programme=current_app.config.get("PROGRAMME_NAME") or _("Clinical mentorship programme"),
                           **context)
    return SheetsPart(language, sheets, Markup(render_template("reports/pdf/_page_footer.html", **context)), Markup(body))


def sheets_document(parts: list[SheetsPart]) -> str:
    """The HTML WeasyPrint turns into one PDF of the parts' sheets, each part in its language, titled in the first's."""
    with in_language(parts[0].language):
        return render_template("reports/pdf/feedback_sheets.html", parts=parts)


def sheets_html(sheets: list[Sheet]) -> str:
    """The sheets' PDF's HTML in the current language: the one template for a sheet, a visit and a bulk export."""
    return sheets_document([sheets_part(sheets)])


def visit_sheets_html(feedbacks: list[Feedback], visit: Visit) -> str:
    """Each mentee's sheet of a visit in the mentee's preferred language, whatever the reader's own: labels, dates,
    rating words, skill names. Consecutive sheets in one language are read together (a constant number of queries)
    and are one part of the one document, so the PDF numbers its pages once (page X of Y) across languages."""
    parts = []
    for language, group in groupby(feedbacks, key=lambda f: f.mentee.preferred_language):
        with in_language(language):
            parts.append(sheets_part(sheets_for(list(group), visit), first=not parts))
    return sheets_document(parts)
