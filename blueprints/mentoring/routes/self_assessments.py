"""A mentee's self-assessment, and their record (ratings, action items, reflections) that it feeds."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _

from ...core.clock import today
from ...core.errors import saved
from ...core.htmx import htmx_redirect, render_page_or_fragment
from ...core.permissions import allow, user
from ...core.roles import HOSPITAL_ADMIN, MENTOR
from ...people.queries.mentees import get_mentee_or_404
from .. import queries, services
from ..forms import SelfAssessmentForm
from ..framework import NOT_OBSERVED, rating_scale
from . import READERS, bp


@bp.route("/mentees/<int:mentee_id>/self-assessments/new", methods=["GET", "POST"])
@allow(MENTOR, HOSPITAL_ADMIN)
def self_assessment_new(mentee_id: int):
    mentee = get_mentee_or_404(mentee_id, user())
    if not queries.can_enter_self_assessment(user(), mentee):
        abort(403, _("The mentee's mentor or their hospital's administrator enters self-assessments."))
    skills = queries.skills_for(mentee.profession)
    scale = rating_scale()
    form = SelfAssessmentForm()
    if request.method == "GET":
        form.assessed_on.data = today()
    errors: dict[str, list] = {}
    ratings = {}
    if request.method == "POST":
        form.validate()
        for skill in skills:
            raw = request.form.get(f"rating-{skill.id}", "")
            try:
                ratings[skill.id] = int(raw) if raw else None
            except ValueError:
                errors[f"rating-{skill.id}"] = [_("A rating is a number on the scale.")]
        if not form.errors and not errors and saved(
                form, lambda: services.add_self_assessment(
                    mentee, assessed_on=form.assessed_on.data, learning_needs=form.learning_needs.data or "",
                    ratings=ratings, scale=scale, skill_ids={skill.id for skill in skills}, by=user()),
                _("Self-assessment saved."), refused=lambda refusal: errors.update({refusal.field: [refusal.message]})):
            return htmx_redirect(url_for("people.mentee", mentee_id=mentee.id))
    status = 422 if (form.errors or errors) else 200
    return render_template("mentoring/self_assessment_form.html", form=form, mentee=mentee, skills=skills, scale=scale,
                           errors=errors, posted=request.form, not_observed=NOT_OBSERVED), status


@bp.get("/mentees/<int:mentee_id>/mentoring")
@allow(*READERS)
def mentee_record(mentee_id: int):
    """The mentee page's mentoring section (loaded into the page by htmx; a page of its own without JavaScript)."""
    mentee = get_mentee_or_404(mentee_id, user())
    return render_page_or_fragment("mentoring/mentee_record.html", "mentoring/_mentee_record.html", mentee=mentee,
                                   record=queries.mentee_record(mentee, user()))
