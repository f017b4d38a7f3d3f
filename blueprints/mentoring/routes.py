"""Mentoring pages: the feedback form with its autosave, sign-off and reopening, and the skills framework."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ..core.clock import today
from ..core.errors import EditConflict, RuleBroken, show_on_form
from ..core.extensions import db
from ..core.formatting import to_local
from ..core.forms import EmptyForm
from ..core.htmx import htmx_redirect, is_htmx, render_page_or_fragment
from ..core.pagination import paginate
from ..core.permissions import allow
from ..people.forms import select_choices
from ..people.queries import professions
from . import queries, services
from .forms import (
    ACTION_ROWS_BLANK,
    CONTACT_LABELS,
    FOLLOWUP_LABELS,
    METHOD_LABELS,
    FeedbackForm,
    ReopenForm,
    SignForm,
    SkillForm,
    feedback_rows,
)
from .framework import NOT_OBSERVED, rating_scale
from .services import FeedbackInput, FeedbackRefused

bp = Blueprint("mentoring", __name__)

READERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)
LABELS = {"contact_labels": CONTACT_LABELS, "method_labels": METHOD_LABELS, "followup_labels": FOLLOWUP_LABELS,
          "not_observed": NOT_OBSERVED}


def user():
    return current_user._get_current_object()


def _feedback_context(place: queries.FeedbackPlace) -> dict:
    """What the feedback form shows: skills weakest first, last ratings, open action items, the scale."""
    feedback = place.feedback
    rated_ids = [r.skill_id for r in feedback.ratings] if feedback else []
    last = queries.last_ratings(place.mentee.id, place.visit.start_date)
    skills = queries.weakest_first(queries.skills_for(place.mentee.profession, rated_ids), last)
    open_items = queries.open_action_items(place.mentee.id, place.visit, feedback.id if feedback else None)
    return {"place": place, "visit": place.visit, "mentee": place.mentee, "feedback": feedback, "skills": skills,
            "last": last, "open_items": open_items, "scale": rating_scale(), **LABELS}


def _feedback_form(place: queries.FeedbackPlace, formdata=None) -> FeedbackForm:
    feedback = place.feedback
    if formdata is not None:
        return FeedbackForm(formdata=formdata)
    form = FeedbackForm(formdata=None, obj=feedback)
    if feedback is None:
        form.next_visit_date.data = queries.next_visit_date(place.visit)
        form.contact_type.data = "on_site"
    else:
        form.version.data = feedback.version
    return form


def _rows(context: dict, formdata=None) -> dict:
    """The rows as the form shows them: posted values when re-showing a refused form, else the saved ones."""
    feedback = context["feedback"]
    if formdata is not None:
        ratings, actions, followups, _errors = feedback_rows(formdata, [s.id for s in context["skills"]],
                                                            [i.id for i in context["open_items"]])
        actions = [(text, formdata.getlist("action-due")[n] if n < len(formdata.getlist("action-due")) else "")
                   for n, (text, _due) in enumerate(actions)]
    else:
        ratings = {r.skill_id: (r.rating, r.comment) for r in feedback.ratings} if feedback else {}
        actions = [(a.text, a.due_date.isoformat()) for a in feedback.action_items] if feedback else []
        followups = {i.id: i.followup or "" for i in context["open_items"]}
    return {"ratings": ratings, "actions": actions + [("", "")] * ACTION_ROWS_BLANK, "followups": followups}


def _save(place: queries.FeedbackPlace, context: dict, form: FeedbackForm) -> tuple[dict, object]:
    """Validate and save the posted form; returns the errors by field (empty when saved)."""
    errors: dict[str, list] = {name: list(f.errors) for name, f in form._fields.items() if f.errors}
    ratings, actions, followups, raw_errors = feedback_rows(request.form, [s.id for s in context["skills"]],
                                                            [i.id for i in context["open_items"]])
    for name, message in raw_errors.items():
        errors.setdefault(name, []).append(message)
    if errors:
        return errors, None
    values = FeedbackInput(
        contact_type=form.contact_type.data or "", teaching_methods=form.teaching_methods.data or [],
        strengths=form.strengths.data or "", areas_to_improve=form.areas_to_improve.data or "",
        mentee_comment=form.mentee_comment.data or "", cpd_hours=form.cpd_hours.data,
        next_visit_date=form.next_visit_date.data, ratings=ratings, actions=actions, followups=followups,
    )
    try:
        feedback = services.save_feedback(
            place.visit, place.mentee, current_user.mentor_id, place.feedback, form.opened_at(), values,
            scale=context["scale"], skills=context["skills"], open_items=context["open_items"])
    except FeedbackRefused as refusal:
        for problem in refusal.problems:
            errors.setdefault(problem.field, []).append(problem.message)
        return errors, None
    except RuleBroken as refusal:
        return {refusal.field: [refusal.message]}, None
    return {}, feedback


def _form_response(context: dict, form: FeedbackForm, errors: dict, status: int, formdata=None):
    if errors:
        for name, messages in errors.items():
            field = getattr(form, name, None)
            if field is not None and hasattr(field, "errors") and name != "form":
                field.errors = list(messages)
    context.update(form=form, errors=errors, rows=_rows(context, formdata), sign_form=SignForm(formdata=None),
                   reopen_form=ReopenForm(formdata=None))
    if context["feedback"] is not None:
        context["sign_form"].version.data = context["feedback"].version
    return render_page_or_fragment("mentoring/feedback.html", "mentoring/_feedback_form.html", status=status, **context)


@bp.route("/visits/<int:visit_id>/feedback/<int:mentee_id>", methods=["GET", "POST"])
@allow(*READERS)
def feedback(visit_id: int, mentee_id: int):
    place = queries.feedback_or_404(visit_id, mentee_id, user())
    if request.method == "GET":
        context = _feedback_context(place)
        return _form_response(context, _feedback_form(place), {}, 200)
    if not place.can_write:
        return render_template("errors/error.html", code=403, title=_("Not allowed"),
                               message=_("Only the mentee's assigned mentor writes this feedback.")), 403
    context = _feedback_context(place)
    form = _feedback_form(place, request.form)
    form.validate()
    try:
        errors, saved = _save(place, context, form)
    except EditConflict:
        db.session.rollback()
        return _conflict(visit_id, mentee_id, form)
    if errors:
        db.session.rollback()
        return _form_response(context, form, errors, 422, request.form)
    db.session.commit()
    flash(_("Feedback saved as a draft."), "success")
    return htmx_redirect(url_for("mentoring.feedback", visit_id=visit_id, mentee_id=mentee_id))


def _conflict(visit_id: int, mentee_id: int, form: FeedbackForm, autosave: bool = False):
    """Someone saved this feedback after this tab loaded it: keep this tab's text and show theirs is newer."""
    place = queries.feedback_or_404(visit_id, mentee_id, user())
    if autosave:
        return render_template("mentoring/_save_status.html", conflict=True, feedback=place.feedback), 409
    context = _feedback_context(place)
    context["conflict"] = place.feedback
    form.version.data = place.feedback.version if place.feedback else ""
    return _form_response(context, form, {}, 409, request.form)


@bp.post("/visits/<int:visit_id>/feedback/<int:mentee_id>/autosave")
@allow(MENTOR)
def feedback_autosave(visit_id: int, mentee_id: int):
    """The draft saving itself as the mentor types: a small status fragment with the new version."""
    place = queries.feedback_or_404(visit_id, mentee_id, user())
    if not place.can_write:
        return render_template("mentoring/_save_status.html", refused=_("Only the mentee's assigned mentor writes this feedback.")), 403
    context = _feedback_context(place)
    form = _feedback_form(place, request.form)
    form.validate()
    try:
        errors, saved = _save(place, context, form)
    except EditConflict:
        db.session.rollback()
        return _conflict(visit_id, mentee_id, form, autosave=True)
    if errors:
        db.session.rollback()
        messages = [m for ms in errors.values() for m in ms]
        return render_template("mentoring/_save_status.html", refused=" ".join(str(m) for m in messages)), 422
    db.session.commit()
    return render_template("mentoring/_save_status.html", feedback=saved, saved_at=to_local(saved.updated_at).strftime("%H:%M"))


@bp.post("/visits/<int:visit_id>/feedback/<int:mentee_id>/sign")
@allow(MENTOR)
def feedback_sign(visit_id: int, mentee_id: int):
    place = queries.feedback_or_404(visit_id, mentee_id, user())
    back = url_for("mentoring.feedback", visit_id=visit_id, mentee_id=mentee_id)
    if not place.can_write or place.feedback is None:
        return render_template("errors/error.html", code=403, title=_("Not allowed"),
                               message=_("Only the mentee's assigned mentor signs off saved feedback.")), 403
    form = SignForm()
    try:
        services.sign_feedback(place.feedback, form.opened_at(), user())
    except EditConflict:
        db.session.rollback()
        flash(_("The draft changed since this page was loaded; check it and sign again."), "error")
        return redirect(back), 303
    except RuleBroken as refusal:
        db.session.rollback()
        context = _feedback_context(place)
        return _form_response(context, _feedback_form(place), {"form": [refusal.message]}, 422)
    db.session.commit()
    flash(_("Feedback signed off."), "success")
    return htmx_redirect(back)


@bp.post("/visits/<int:visit_id>/feedback/<int:mentee_id>/reopen")
@allow(COORDINATOR)
def feedback_reopen(visit_id: int, mentee_id: int):
    place = queries.feedback_or_404(visit_id, mentee_id, user())
    if place.feedback is None:
        return render_template("errors/error.html", code=404, title=_("Not found"), message=_("No feedback to reopen.")), 404
    form = ReopenForm()
    if form.validate():
        try:
            services.reopen_feedback(place.feedback, form.reason.data)
        except RuleBroken as refusal:
            db.session.rollback()
            show_on_form(form, refusal)
        else:
            db.session.commit()
            flash(_("Feedback reopened; the mentor can change it and sign it off again."), "success")
            return htmx_redirect(url_for("mentoring.feedback", visit_id=visit_id, mentee_id=mentee_id))
    context = _feedback_context(place)
    context_form = _feedback_form(place)
    context["reopen_errors"] = form.reason.errors or form.form_errors
    return _form_response(context, context_form, {"reason": form.reason.errors or form.form_errors}, 422)


# --- skills framework ----------------------------------------------------------------------

@bp.get("/skills/")
@allow(COORDINATOR)
def skills():
    profession_id = request.args.get("profession", type=int) or None
    show_retired = request.args.get("retired") == "1"
    page = paginate(queries.skills_query(profession_id, show_retired), per_page=100)
    return render_page_or_fragment(
        "mentoring/skills.html", "mentoring/_skills_table.html", page=page, professions=professions(),
        profession_id=profession_id, show_retired=show_retired, scale=rating_scale(), empty_form=EmptyForm(),
    )


def _skill_form(form: SkillForm) -> SkillForm:
    form.profession_id.choices = select_choices([(p.id, p.name) for p in professions()], blank=_("— choose —"))
    return form


@bp.route("/skills/new", methods=["GET", "POST"])
@allow(COORDINATOR)
def skill_new():
    return _skill_edit(None)


@bp.route("/skills/<int:skill_id>/edit", methods=["GET", "POST"])
@allow(COORDINATOR)
def skill_edit(skill_id: int):
    return _skill_edit(queries.get_skill_or_404(skill_id))


def _skill_edit(skill):
    form = _skill_form(SkillForm(obj=skill))
    if form.validate_on_submit():
        try:
            services.save_skill(skill, profession_id=form.profession_id.data, area=form.area.data or "",
                                name=form.name.data, position=form.position.data or 0)
        except RuleBroken as refusal:
            db.session.rollback()
            show_on_form(form, refusal)
        else:
            db.session.commit()
            flash(_("Skill saved."), "success")
            return htmx_redirect(url_for("mentoring.skills"))
    return render_template("mentoring/skill_form.html", form=form, skill=skill), 422 if form.errors else 200


@bp.post("/skills/<int:skill_id>/retire")
@allow(COORDINATOR)
def skill_retire(skill_id: int):
    skill = queries.get_skill_or_404(skill_id)
    form = EmptyForm()
    if form.validate():
        try:
            services.retire_skill(skill, today())
        except RuleBroken as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
        else:
            db.session.commit()
            flash(_("Skill retired; its ratings stay in the mentees' history."), "success")
    return htmx_redirect(url_for("mentoring.skills")) if is_htmx() else redirect(url_for("mentoring.skills"))
