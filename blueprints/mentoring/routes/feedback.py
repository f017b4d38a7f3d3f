"""The feedback form: open, autosave, sign off and reopen one mentee's feedback for a visit."""

from typing import NamedTuple

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core import limits
from ...core.errors import EditConflict, RuleBroken, saved
from ...core.extensions import db
from ...core.formatting import to_local
from ...core.htmx import htmx_redirect, render_page_or_fragment
from ...core.permissions import allow, user
from ...core.roles import COORDINATOR, MENTOR
from .. import queries, self_assessment_window, services
from ..forms import ACTION_ROWS_BLANK, FeedbackForm, ReopenForm, SignForm, feedback_rows
from ..framework import crosses_professions, rating_scale
from ..models import Feedback
from ..services import FeedbackInput, FeedbackRefused
from . import LABELS, READERS, bp


def _feedback_context(place: queries.FeedbackPlace) -> dict:
    """What the feedback form shows: skills weakest first, last ratings, open action items, the scale, and the mentee's
    own part: their self-ratings and whether they acknowledged the last sheet."""
    feedback = place.feedback
    rated_ids = [r.skill_id for r in feedback.ratings] if feedback else []
    last = queries.last_ratings(place.mentee.id, place.visit.start_date)
    skills = queries.weakest_first(queries.skills_for(place.mentee.profession, rated_ids), last)
    open_items = queries.open_action_items(place.mentee.id, place.visit, feedback.id if feedback else None)
    return {"place": place, "visit": place.visit, "mentee": place.mentee, "feedback": feedback, "skills": skills,
            "last": last, "open_items": open_items, "scale": rating_scale(), **LABELS,
            "self_rated": self_assessment_window.self_ratings_for(place.mentee.id, place.visit),
            "last_sheet": queries.last_signed_sheet(place.mentee.id, place.visit.start_date),
            "crossed": _crossed(place)}


def _crossed(place: queries.FeedbackPlace):
    """The writing mentor's profession when it is not the mentee's (the form then names the framework used)."""
    mentor = place.writer
    if mentor is None or not crosses_professions(place.mentee.profession_id, mentor.profession_id):
        return None
    return mentor.profession


def _feedback_form(place: queries.FeedbackPlace, formdata=None) -> FeedbackForm:
    feedback = place.feedback
    if formdata is not None:
        return FeedbackForm(formdata=formdata)
    form = FeedbackForm(formdata=None, obj=feedback)
    if feedback is None:
        form.next_visit_date.data = place.next_visit
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
    blank = max(0, min(ACTION_ROWS_BLANK, limits.ACTION_ITEMS - len(actions)))
    return {"ratings": ratings, "actions": actions + [("", "")] * blank, "followups": followups}


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


class _Posted(NamedTuple):
    context: dict
    form: FeedbackForm
    errors: dict
    feedback: Feedback | None
    conflict: bool = False


def _save_posted(place: queries.FeedbackPlace) -> _Posted:
    """The posted form checked and saved, one way for saving, autosaving and signing off. The route commits; a refusal
    or an edit conflict (someone saved after this tab loaded it) is rolled back here."""
    context = _feedback_context(place)
    form = _feedback_form(place, request.form)
    form.validate()
    try:
        errors, feedback = _save(place, context, form)
    except EditConflict:
        db.session.rollback()
        return _Posted(context, form, {}, None, conflict=True)
    if errors:
        db.session.rollback()
    return _Posted(context, form, errors, feedback)


def _form_response(context: dict, form: FeedbackForm, errors: dict, status: int, formdata=None):
    if errors:
        for name, messages in errors.items():
            field = getattr(form, name, None)
            if field is not None and hasattr(field, "errors") and name != "form":
                field.errors = list(messages)
    context.update(form=form, errors=errors, rows=_rows(context, formdata), reopen_form=ReopenForm(formdata=None))
    return render_page_or_fragment("mentoring/feedback.html", "mentoring/_feedback_form.html", status=status, **context)


@bp.route("/visits/<int:visit_id>/feedback/<int:mentee_id>", methods=["GET", "POST"])
@allow(*READERS)
def feedback(visit_id: int, mentee_id: int):
    """Open or save a draft. Commits by hand: the form's, the rows' and the service's refusals are shown together."""
    place = queries.feedback_or_404(visit_id, mentee_id, user())
    if request.method == "GET":
        context = _feedback_context(place)
        return _form_response(context, _feedback_form(place), {}, 200)
    if not place.can_write:
        abort(403, _("Only the mentee's assigned mentor writes this feedback."))
    posted = _save_posted(place)
    if posted.conflict:
        return _conflict(visit_id, mentee_id, posted.form)
    if posted.errors:
        return _form_response(posted.context, posted.form, posted.errors, 422, request.form)
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
    """The draft saving itself as the mentor types: a small status fragment with the new version. Commits by hand:
    the form's, the rows' and the service's refusals are answered together."""
    place = queries.feedback_or_404(visit_id, mentee_id, user())
    if not place.can_write:
        return render_template("mentoring/_save_status.html", refused=_("Only the mentee's assigned mentor writes this feedback.")), 403
    posted = _save_posted(place)
    if posted.conflict:
        return _conflict(visit_id, mentee_id, posted.form, autosave=True)
    if posted.errors:
        messages = [m for ms in posted.errors.values() for m in ms]
        return render_template("mentoring/_save_status.html", refused=" ".join(str(m) for m in messages)), 422
    db.session.commit()
    return render_template("mentoring/_save_status.html", feedback=posted.feedback,
                           saved_at=to_local(posted.feedback.updated_at).strftime("%H:%M"))


@bp.post("/visits/<int:visit_id>/feedback/<int:mentee_id>/sign")
@allow(MENTOR)
def feedback_sign(visit_id: int, mentee_id: int):
    """Sign off, saving what was typed first. Commits by hand: that save's refusals are shown together, as on saving."""
    place = queries.feedback_or_404(visit_id, mentee_id, user())
    back = url_for("mentoring.feedback", visit_id=visit_id, mentee_id=mentee_id)
    if not place.can_write or (place.feedback is None and "contact_type" not in request.form):
        abort(403, _("Only the mentee's assigned mentor signs off feedback."))
    posted = request.form if "contact_type" in request.form else None
    if not request.form.get("sign_confirmed"):  # signing off locks it: refuse, save nothing, keep what was typed
        return _form_response(_feedback_context(place), _feedback_form(place, posted), {"sign_confirmed": [
            _("Tick this box to sign off; until then the feedback stays a draft you can change.")]}, 422, posted)
    form = SignForm()
    try:
        if posted is not None:  # the whole form: save what was typed since the last autosave first
            draft = _save_posted(place)
            if draft.conflict:
                raise EditConflict
            if draft.errors:
                return _form_response(draft.context, draft.form, draft.errors, 422, request.form)
            place.feedback = draft.feedback
            form.version.data = draft.feedback.version
        services.sign_feedback(place.feedback, form.opened_at(), user())
    except EditConflict:
        db.session.rollback()
        flash(_("The draft changed since this page was loaded; check it and sign again."), "error")
        return redirect(back), 303
    except RuleBroken as refusal:
        db.session.rollback()
        place = queries.feedback_or_404(visit_id, mentee_id, user())
        posted = request.form if "contact_type" in request.form else None
        return _form_response(_feedback_context(place), _feedback_form(place, posted), {"form": [refusal.message]}, 422, posted)
    db.session.commit()
    flash(_("Feedback signed off."), "success")
    return htmx_redirect(back)


@bp.post("/visits/<int:visit_id>/feedback/<int:mentee_id>/reopen")
@allow(COORDINATOR)
def feedback_reopen(visit_id: int, mentee_id: int):
    place = queries.feedback_or_404(visit_id, mentee_id, user())
    if place.feedback is None:
        abort(404, _("No feedback to reopen."))
    form = ReopenForm()
    if form.validate():
        if saved(form, lambda: services.reopen_feedback(place.feedback, form.reason.data),
                 _("Feedback reopened; the mentor can change it and sign it off again.")):
            return htmx_redirect(url_for("mentoring.feedback", visit_id=visit_id, mentee_id=mentee_id))
    context = _feedback_context(place)
    context_form = _feedback_form(place)
    context["reopen_errors"] = form.reason.errors or form.form_errors
    return _form_response(context, context_form, {"reason": form.reason.errors or form.form_errors}, 422)
