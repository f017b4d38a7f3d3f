"""A mentee's own pages, phone first: their self-assessment before a visit, their signed feedback sheets (read,
acknowledge, reply) and their action items (done or partly done, with a note). Each row is found through the mentee scopes, so another mentee's id is 404."""

from datetime import timedelta

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ...core.clock import today
from ...core.errors import saved
from ...core.extensions import db
from ...core.navigation import menu
from ...core.permissions import allow, user
from ...core.roles import MENTEE
from .. import own_queries, own_services, queries, self_assessment_window, services
from ..forms import MENTEE_STATUS_LABELS, AcknowledgeForm, ActionProgressForm, SelfAssessmentForm
from ..framework import NOT_OBSERVED, rating_scale
from . import LABELS, bp

menu.add("mentoring.my_self_assessment", _l("Before the visit"), 60)
menu.add("mentoring.my_sheets", _l("My feedback"), 62)
menu.add("mentoring.my_actions", _l("My action items"), 64)


@bp.get("/me/feedback/")
@allow(MENTEE)
def my_sheets():
    return render_template("mentoring/my_sheets.html", sheets=db.session.scalars(own_queries.my_sheets(user())).all())


@bp.route("/me/feedback/<int:feedback_id>", methods=["GET", "POST"])
@allow(MENTEE)
def my_sheet(feedback_id: int):
    feedback = own_queries.my_sheet_or_404(feedback_id, user())
    form = AcknowledgeForm()
    if form.validate_on_submit() and saved(form, lambda: own_services.acknowledge(feedback, form.reply.data or ""),
                                           _("Thank you: the sheet is marked read and acknowledged.")):
        return redirect(url_for("mentoring.my_sheet", feedback_id=feedback.id))
    return render_template("mentoring/my_sheet.html", feedback=feedback, form=form, visit=feedback.visit,
                           skills=queries.skills_for(feedback.mentee.profession, keep_ids=[r.skill_id for r in feedback.ratings]),
                           scale=rating_scale(), open_items=[], **LABELS), 422 if form.errors else 200


def _my_actions_page(refused: ActionProgressForm | None = None, refused_id: int | None = None) -> str:
    """The mentee's action items, each with its own form holding what they said last; a refused one shows what was
    posted, with its messages by their fields."""
    items = db.session.scalars(own_queries.my_action_items(user())).all()
    forms = {item.id: refused if item.id == refused_id else
             ActionProgressForm(formdata=None, data={"status": item.mentee_status, "note": item.mentee_note})
             for item in items}
    return render_template("mentoring/my_actions.html", items=items, forms=forms, status_labels=MENTEE_STATUS_LABELS, **LABELS)


@bp.get("/me/action-items/")
@allow(MENTEE)
def my_actions():
    return _my_actions_page()


@bp.post("/me/action-items/<int:action_item_id>")
@allow(MENTEE)
def my_action(action_item_id: int):
    item = own_queries.my_action_item_or_404(action_item_id, user())
    form = ActionProgressForm()
    if form.validate_on_submit() and saved(form, lambda: own_services.report_progress(item, form.status.data, form.note.data or ""),
                                           _("Saved. Your mentor sees it at the next visit.")):
        return redirect(url_for("mentoring.my_actions"))
    return _my_actions_page(form, item.id), 422


@bp.route("/me/self-assessment", methods=["GET", "POST"])
@allow(MENTEE)
def my_self_assessment():
    """The mentee's own ratings for their profession's framework, open in the fortnight before their next visit."""
    mentee = user().mentee
    visit = self_assessment_window.next_visit(mentee, today())
    open_now = self_assessment_window.is_open(visit, today())
    skills = queries.skills_for(mentee.profession) if open_now else []
    scale = rating_scale()
    form = SelfAssessmentForm()
    del form.assessed_on  # today, always: the window is what the mentor reads it against
    errors: dict[str, list] = {}
    if request.method == "POST" and open_now and form.validate():
        ratings = {}
        for skill in skills:
            raw = request.form.get(f"rating-{skill.id}", "")
            ratings[skill.id] = int(raw) if raw.isdigit() else None
        if saved(form, lambda: services.add_self_assessment(
                mentee, assessed_on=today(), learning_needs=form.learning_needs.data or "", ratings=ratings, scale=scale,
                skill_ids={skill.id for skill in skills}, by=user()),
                _("Thank you: your mentor will see your self-assessment at the visit."),
                refused=lambda refusal: errors.__setitem__(refusal.field, [refusal.message])):
            return redirect(url_for("dashboard.home"))
    elif request.method == "POST" and not open_now:
        errors["form"] = [ngettext("The self-assessment opens %(num)s day before your next visit.",
                                     "The self-assessment opens %(num)s days before your next visit.", self_assessment_window.WINDOW_DAYS)]
    return render_template("mentoring/my_self_assessment.html", form=form, mentee=mentee, visit=visit, open_now=open_now,
                           opens_on=visit.start_date - timedelta(days=self_assessment_window.WINDOW_DAYS) if visit else None,
                           skills=skills, scale=scale, errors=errors, posted=request.form,
                           not_observed=NOT_OBSERVED), 422 if errors or form.errors else 200
