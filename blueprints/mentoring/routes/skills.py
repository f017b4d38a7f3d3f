"""The skills framework (add, edit, retire a skill) and the rating scale its ratings use."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...core import limits
from ...core.clock import today
from ...core.errors import EditConflict, saved
from ...core.extensions import db
from ...core.forms import EmptyForm, select_choices
from ...core.htmx import htmx_redirect, is_htmx, render_page_or_fragment
from ...core.models import Setting
from ...core.pagination import paginate
from ...core.permissions import allow
from ...core.roles import COORDINATOR
from ...people.queries.choices import named_choices, professions
from .. import queries, services
from ..forms import SkillForm
from ..framework import LANGUAGES, MAX_LEVELS, RATING_SCALE_KEY, rating_scale, rating_scale_labels
from . import bp


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
        form.area_fr.data, form.area_rw.data = (skill.area_translations or {}).get("fr"), (skill.area_translations or {}).get("rw")
    if form.validate_on_submit():
        done = saved(form, lambda: services.save_skill(
            skill, profession_id=form.profession_id.data, area=form.area.data or "", name=form.name.data,
            position=form.position.data or 0, translations={"fr": form.name_fr.data or "", "rw": form.name_rw.data or ""},
            area_translations={"fr": form.area_fr.data or "", "rw": form.area_rw.data or ""}),
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
                if saved(form, lambda: services.save_rating_scale(levels, request.form.get("version")), _("Rating scale saved."),
                         refused=lambda broken: errors.update({broken.field: str(broken.message)})):
                    return htmx_redirect(url_for("mentoring.rating_scale_edit"))
                status = 422
            except EditConflict:
                db.session.rollback()
                errors["form"], status = str(_("Someone changed the rating scale after you opened it. "
                                               "Your labels are still in the form; the scale now saved is shown below.")), 409
    elif request.method == "POST":
        errors["form"], status = " ".join(form.csrf_token.errors) or str(_("The form could not be read.")), 400
    setting = db.session.get(Setting, RATING_SCALE_KEY)
    return render_template(
        "mentoring/rating_scale.html", form=form, levels=levels, errors=errors, languages=LANGUAGE_NAMES,
        saved=rating_scale(), version=services.scale_version(setting.value if setting else ""),
        in_use=services.ratings_in_use_above(0), max_levels=MAX_LEVELS,
    ), status
