"""Mentoring pages: the feedback form with its autosave, sign-off and reopening, and the skills framework."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.queries import active_coordinators
from ..core import limits
from ..core.clock import today
from ..core.errors import EditConflict, RuleBroken, saved
from ..core.extensions import db
from ..core.formatting import to_local
from ..core.forms import EmptyForm, select_choices
from ..core.htmx import htmx_redirect, is_htmx, render_page_or_fragment
from ..core.models import Setting
from ..core.navigation import menu
from ..core.pagination import paginate
from ..core.permissions import allow, user
from ..core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ..core.slots import slots
from ..people.queries.choices import named_choices, professions
from ..people.queries.mentees import get_mentee_or_404
from ..visits.queries import get_visit_or_404
from . import queries, services
from .forms import (
    ACTION_ROWS_BLANK,
    CONTACT_LABELS,
    FOLLOWUP_LABELS,
    METHOD_LABELS,
    SUPPORT_LABELS,
    FeedbackForm,
    ReflectionForm,
    ReopenForm,
    SelfAssessmentForm,
    SignForm,
    SkillForm,
    SupportForm,
    feedback_rows,
)
from .framework import LANGUAGES, MAX_LEVELS, NOT_OBSERVED, RATING_SCALE_KEY, rating_scale, rating_scale_labels
from .services import FeedbackInput, FeedbackRefused

bp = Blueprint("mentoring", __name__)
menu.add("mentoring.skills", _l("Skills"), 70)
menu.add("mentoring.support_list", _l("Support"), 80)
slots.fill("visits.visit", "mentoring", queries.visit_status_slot)

READERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)
LABELS = {"contact_labels": CONTACT_LABELS, "method_labels": METHOD_LABELS, "followup_labels": FOLLOWUP_LABELS,
          "not_observed": NOT_OBSERVED}


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
    place = queries.feedback_or_404(visit_id, mentee_id, user())
    if request.method == "GET":
        context = _feedback_context(place)
        return _form_response(context, _feedback_form(place), {}, 200)
    if not place.can_write:
        abort(403, _("Only the mentee's assigned mentor writes this feedback."))
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
    if not place.can_write or (place.feedback is None and "contact_type" not in request.form):
        abort(403, _("Only the mentee's assigned mentor signs off feedback."))
    posted = request.form if "contact_type" in request.form else None
    if not request.form.get("sign_confirmed"):  # signing off locks it: refuse, save nothing, keep what was typed
        return _form_response(_feedback_context(place), _feedback_form(place, posted), {"sign_confirmed": [
            _("Tick this box to sign off; until then the feedback stays a draft you can change.")]}, 422, posted)
    form = SignForm()
    try:
        if posted is not None:  # the whole form: save what was typed since the last autosave first
            context = _feedback_context(place)
            full = _feedback_form(place, request.form)
            full.validate()
            errors, saved_feedback = _save(place, context, full)
            if errors:
                db.session.rollback()
                return _form_response(context, full, errors, 422, request.form)
            place.feedback = saved_feedback
            form.version.data = saved_feedback.version
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


# --- skills framework ----------------------------------------------------------------------

@bp.get("/skills/")
@allow(COORDINATOR)
def skills():
    profession_id = limits.id_arg("profession")
    show_retired = request.args.get("retired") == "1"
    page = paginate(queries.skills_query(profession_id, show_retired), per_page=100)
    return render_page_or_fragment(
        "mentoring/skills.html", "mentoring/_skills_table.html", page=page, professions=professions(),
        profession_id=profession_id, show_retired=show_retired, scale=rating_scale(), empty_form=EmptyForm(),
    )


def _skill_form(form: SkillForm) -> SkillForm:
    form.profession_id.choices = select_choices(named_choices(professions()), blank=_("— choose —"))
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
    if skill is not None and not form.is_submitted():
        form.name_fr.data, form.name_rw.data = (skill.name_translations or {}).get("fr"), (skill.name_translations or {}).get("rw")
    if form.validate_on_submit():
        done = saved(form, lambda: services.save_skill(
            skill, profession_id=form.profession_id.data, area=form.area.data or "", name=form.name.data,
            position=form.position.data or 0, translations={"fr": form.name_fr.data or "", "rw": form.name_rw.data or ""}),
            _("Skill saved."))
        if done:
            return htmx_redirect(url_for("mentoring.skills"))
    return render_template("mentoring/skill_form.html", form=form, skill=skill), 422 if form.errors else 200


@bp.post("/skills/<int:skill_id>/retire")
@allow(COORDINATOR)
def skill_retire(skill_id: int):
    skill = queries.get_skill_or_404(skill_id)
    form = EmptyForm()
    if form.validate():
        saved(None, lambda: services.retire_skill(skill, today()), _("Skill retired; its ratings stay in the mentees' history."))
    return htmx_redirect(url_for("mentoring.skills")) if is_htmx() else redirect(url_for("mentoring.skills"))


# --- the rating scale ----------------------------------------------------------------------

LANGUAGE_NAMES = {"en": _l("English"), "fr": _l("French"), "rw": _l("Kinyarwanda")}


def _posted_levels(formdata) -> tuple[list[dict[str, str]], str | None]:
    """The levels a coordinator kept, lowest first, and a refusal when they removed a level below one they kept
    (levels are only removed from the top, so each rating keeps its meaning). The last row is a blank one for
    adding a level: left blank, it adds nothing."""
    rows = []
    for n in range(1, MAX_LEVELS + 2):
        labels = {lang: formdata.get(f"label-{n}-{lang}", "") for lang in LANGUAGES}
        if not any(f"label-{n}-{lang}" in formdata for lang in LANGUAGES):
            break
        removed = formdata.get(f"remove-{n}") == "1"
        blank = not any(v.strip() for v in labels.values())
        rows.append((labels, removed, blank))
    while rows and (rows[-1][1] or rows[-1][2]):  # removed or blank levels at the top go
        rows.pop()
    if any(removed for _labels, removed, _blank in rows):
        return [labels for labels, _removed, _blank in rows], str(
            _("Only the highest levels can be removed, so every existing rating keeps its meaning."))
    return [labels for labels, _removed, _blank in rows], None


@bp.route("/skills/scale", methods=["GET", "POST"])
@allow(COORDINATOR)
def rating_scale_edit():
    """The rating scale: levels 1..N, each labelled in English, French and Kinyarwanda; "not observed" is
    always there besides them."""
    form = EmptyForm()
    errors: dict[str, str] = {}
    status = 200
    levels = [labels for _n, labels in sorted(rating_scale_labels().items())]
    if request.method == "POST" and form.validate():
        levels, refusal = _posted_levels(request.form)
        if refusal:
            errors["form"], status = refusal, 422
        else:
            try:
                services.save_rating_scale(levels, request.form.get("version"))
            except RuleBroken as broken:
                db.session.rollback()
                errors[broken.field], status = str(broken.message), 422
            except EditConflict:
                db.session.rollback()
                errors["form"], status = str(_("Someone changed the rating scale after you opened it. "
                                               "Your labels are still in the form; the scale now saved is shown below.")), 409
            else:
                db.session.commit()
                flash(_("Rating scale saved."), "success")
                return htmx_redirect(url_for("mentoring.rating_scale_edit"))
    elif request.method == "POST":
        errors["form"], status = " ".join(form.csrf_token.errors) or str(_("The form could not be read.")), 400
    setting = db.session.get(Setting, RATING_SCALE_KEY)
    return render_template(
        "mentoring/rating_scale.html", form=form, levels=levels, errors=errors, languages=LANGUAGE_NAMES,
        saved=rating_scale(), version=services.scale_version(setting.value if setting else ""),
        in_use=services.ratings_in_use_above(0), max_levels=MAX_LEVELS,
    ), status


# --- reflections ---------------------------------------------------------------------------

@bp.route("/visits/<int:visit_id>/reflection", methods=["GET", "POST"])
@allow(MENTOR)
def reflection(visit_id: int):
    """The signed-in mentor's own reflection on a visit they attended."""
    visit = get_visit_or_404(visit_id, user())
    if visit.team_id != current_user.mentor.team_id:
        abort(403, _("Reflections are written by the visiting team's mentors."))
    record = queries.reflection_for(visit.id, current_user.mentor_id)
    form = ReflectionForm(obj=record)
    if request.method == "GET" and record is not None:
        form.version.data = record.version
    if request.method == "POST" and form.validate():
        try:
            done = saved(form, lambda: services.save_reflection(
                visit, current_user.mentor_id, record, form.opened_at(),
                {name: getattr(form, name).data for name in services.REFLECTION_FIELDS}), _("Reflection saved."))
        except EditConflict:
            db.session.rollback()
            record = queries.reflection_for(visit.id, current_user.mentor_id)
            form.version.data = record.version if record else ""
            return render_template("mentoring/reflection.html", form=form, visit=visit, conflict=True), 409
        if done:
            return htmx_redirect(url_for("visits.visit", visit_id=visit.id))
    return render_template("mentoring/reflection.html", form=form, visit=visit), 422 if form.errors or form.form_errors else 200


@bp.get("/reflections/support")
@allow(COORDINATOR)
def support_list():
    """What mentors asked of the programme or the hospital, tracked until resolved."""
    status = request.args.get("status", "open")
    page = paginate(queries.support_requests(status if status in SUPPORT_LABELS else None))
    return render_page_or_fragment("mentoring/support.html", "mentoring/_support_table.html", page=page, status_filter=status,
                                   support_labels=SUPPORT_LABELS, owners=_owners(), empty_form=EmptyForm())


def _owners() -> list[tuple[int, str]]:
    return [(u.id, u.display_name) for u in active_coordinators()]


@bp.post("/reflections/<int:reflection_id>/support")
@allow(COORDINATOR)
def support_update(reflection_id: int):
    record = queries.get_reflection_or_404(reflection_id, user())
    form = SupportForm()
    form.support_owner_id.choices = select_choices(_owners(), blank=_("— nobody yet —"))
    if form.validate():
        if not saved(None, lambda: services.update_support(record, form.support_status.data, form.support_owner_id.data),
                     _("Support request updated.")):
            return redirect(url_for("mentoring.support_list")), 303
    return htmx_redirect(url_for("mentoring.support_list"))


# --- self-assessments ----------------------------------------------------------------------

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
        if not form.errors and not errors:
            try:
                services.add_self_assessment(mentee, assessed_on=form.assessed_on.data, learning_needs=form.learning_needs.data or "",
                                             ratings=ratings, scale=scale, skill_ids={s.id for s in skills}, by=user())
            except RuleBroken as refusal:
                db.session.rollback()
                errors[refusal.field] = [refusal.message]
            else:
                db.session.commit()
                flash(_("Self-assessment saved."), "success")
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
