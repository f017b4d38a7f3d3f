"""Mentor pages: the list, a mentor's page and training log, adding and editing."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...core.clock import today
from ...core.errors import saved
from ...core.extensions import db
from ...core.forms import EmptyForm, select_choices
from ...core.htmx import htmx_redirect, render_page_or_fragment
from ...core.pagination import paginate
from ...core.permissions import allow, user
from ...core.programme import programme_settings
from ...core.roles import COORDINATOR, MENTOR
from ...core.slots import slots
from ..forms import END_REASON_LABELS, MentorAbsenceForm, MentorForm, TrainingForm
from ..mentor_load import MIN_MENTEES, mentees_to_take_on, under_used
from ..models import Mentor, Team
from ..queries import choices as choice_queries
from ..queries import mentors as mentor_queries
from ..queries import teams as team_queries
from ..services import mentors as mentor_services
from . import bp, int_arg


def _overdue_mentor_ids(mentors, facts: dict, day) -> set[int]:
    """Active mentors whose last refresher is older than the interval (or who never had one)."""
    return {m.id for m in mentors if m.active and mentor_queries.refresher_overdue(facts.get(m.id, {}).get("last_refresher"), day)}


@bp.get("/mentors/")
@allow(COORDINATOR)
def mentors():
    day = today()
    filters = {
        "search": request.args.get("q", "").strip(),
        "profession_id": int_arg("profession"),
        "team_id": int_arg("team"),
        "overdue": request.args.get("overdue") == "1",
    }
    page = paginate(mentor_queries.mentors_query(filters["search"], filters["profession_id"], filters["team_id"],
                                          overdue_on=day if filters["overdue"] else None))
    facts = mentor_queries.mentor_facts(m.id for m in page.items)
    return render_page_or_fragment(
        "people/mentors.html", "people/_mentors_table.html",
        page=page, filters=filters, facts=facts, overdue=_overdue_mentor_ids(page.items, facts, day),
        few_mentees={m.id for m in page.items if under_used(facts.get(m.id, {}).get("active_mentees"), m)}, min_mentees=MIN_MENTEES,
        professions=team_queries.mentor_professions(), teams=choice_queries.choices(Team, Team.name),
    )


@bp.get("/mentors/<int:mentor_id>")
@allow(COORDINATOR, MENTOR)
def mentor(mentor_id: int):
    mentor = mentor_queries.get_mentor_or_404(mentor_id, user())
    day = today()
    assignments = db.session.scalars(mentor_queries.mentor_assignments(mentor.id)).all()
    last_refresher = max((t.course_date for t in mentor.trainings if t.is_refresher), default=None)
    few = under_used(sum(1 for a in assignments if a.is_active), mentor)
    return render_template(
        "people/mentor.html", mentor=mentor, last_refresher=last_refresher,
        refresher_overdue=mentor.active and mentor_queries.refresher_overdue(last_refresher, day),
        interval=programme_settings().refresher_interval_days,
        active=[a for a in assignments if a.is_active], past=[a for a in assignments if not a.is_active],
        can_manage=current_user.role == COORDINATOR, end_reason_labels=END_REASON_LABELS,
        **slots.context("people.mentor", mentor=mentor),  # visits: the attendance summary
        form=TrainingForm(formdata=None, course_date=day),
        absences=db.session.scalars(mentor_queries.mentor_absences(mentor.id, day)).all(),
        few_mentees=few, min_mentees=MIN_MENTEES, to_take_on=mentees_to_take_on(mentor) if few else [],
        can_record_absence=current_user.role == COORDINATOR or current_user.mentor_id == mentor.id,
        absence_form=MentorAbsenceForm(formdata=None), empty_form=EmptyForm(), today=day,
    )


def _mentor_form(form: MentorForm) -> MentorForm:
    form.profession_id.choices = select_choices(choice_queries.named_choices(team_queries.mentor_professions()), blank=_("— choose —"))
    form.team_id.choices = select_choices(choice_queries.choices(Team, Team.name), blank=_("— no team yet —"))
    return form


def _mentor_values(form: MentorForm) -> dict:
    return {"full_name": form.full_name.data, "profession_id": form.profession_id.data, "team_id": form.team_id.data,
            "home_institution": form.home_institution.data or "", "phone": form.phone.data or "",
            "email": form.email.data or "", "active": form.active.data}


def _flash_mentor_warnings(mentor: Mentor) -> None:
    """After a save: the team's make-up for this mentor's profession, and mentees left without a mentor."""
    if mentor.team is not None:
        for warning in team_queries.team_warnings(mentor.team.mentors, [mentor.profession]):
            flash(f"{mentor.team.name}: {warning}", "warning")
    if not mentor.active:
        n = mentor_queries.active_mentee_count(mentor.id)
        if n:
            flash(ngettext("%(name)s still has %(num)d active mentee: assign them another mentor from their page.",
                           "%(name)s still has %(num)d active mentees: assign them another mentor from their pages.",
                           n, name=mentor.full_name), "warning")


@bp.route("/mentors/new", methods=["GET", "POST"])
@allow(COORDINATOR)
def mentor_new():
    form = _mentor_form(MentorForm())
    if request.method == "GET":
        form.team_id.data = int_arg("team")
    if form.validate_on_submit():
        if created := saved(form, lambda: mentor_services.create_mentor(**_mentor_values(form))):
            mentor = created.result
            flash(_("%(name)s added.", name=mentor.full_name), "success")
            _flash_mentor_warnings(mentor)
            return redirect(url_for("people.mentor", mentor_id=mentor.id))
    return render_template("people/mentor_form.html", form=form, mentor=None), 422 if form.errors else 200


@bp.route("/mentors/<int:mentor_id>/edit", methods=["GET", "POST"])
@allow(COORDINATOR)
def mentor_edit(mentor_id: int):
    mentor = mentor_queries.get_mentor_or_404(mentor_id, user(), action="edit")
    form = _mentor_form(MentorForm(obj=mentor))
    if form.validate_on_submit():
        if saved(form, lambda: mentor_services.update_mentor(mentor, **_mentor_values(form)), _("Saved.")):
            _flash_mentor_warnings(mentor)
            return redirect(url_for("people.mentor", mentor_id=mentor.id))
    return render_template("people/mentor_form.html", form=form, mentor=mentor), 422 if form.errors else 200


@bp.post("/mentors/<int:mentor_id>/trainings")
@allow(COORDINATOR)
def training_add(mentor_id: int):
    mentor = mentor_queries.get_mentor_or_404(mentor_id, user(), action="edit")
    form = TrainingForm()
    if form.validate_on_submit():
        if saved(form, lambda: mentor_services.add_training(mentor, title=form.title.data, course_date=form.course_date.data,
                                                     hours=float(form.hours.data), is_refresher=form.is_refresher.data),
                 _("Course recorded in %(name)s's training log.", name=mentor.full_name)):
            return htmx_redirect(url_for("people.mentor", mentor_id=mentor.id, _anchor="training"))
    return render_page_or_fragment("people/training_page.html", "people/_training_form.html", status=422,
                                   form=form, mentor=mentor)
