"""The visit list and a visit's pages: create, edit, clashes, status and attendance."""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core import limits
from ...core.clock import today
from ...core.errors import EditConflict, RuleBroken, saved
from ...core.extensions import db
from ...core.forms import EmptyForm, select_choices
from ...core.htmx import htmx_redirect, is_htmx, render_page_or_fragment
from ...core.pagination import paginate
from ...core.permissions import allow, user
from ...core.programme import programme_settings
from ...core.roles import COORDINATOR, MENTOR
from ...core.slots import slots
from .. import planning, queries, services, substitutes
from ..attendance import attendance_version
from ..cadence import hospital_cadence
from ..forms import StatusForm, VisitForm, WindowSearchForm
from ..models import VisitStatus
from . import LABELS, READERS, bp, int_arg


@bp.get("/visits/")
@allow(*READERS)
def visits():
    status = request.args.get("status", "")
    filters = {"status": status if status in VisitStatus.labels() else None, "hospital_id": int_arg("hospital")}
    page = paginate(queries.visits_list(user(), **filters))
    context = {"page": page, "filters": filters, **LABELS}
    if not is_htmx():
        context.update(cadence=hospital_cadence(today(), user(), hospital_id=filters["hospital_id"]),
                       hospitals=[(h.id, h.name) for h in queries.hospitals_for_select(user())],
                       can_plan=current_user.role == COORDINATOR)
    return render_page_or_fragment("visits/visits.html", "visits/_visits_table.html", **context)


def _visit_form(form: VisitForm) -> VisitForm:
    hospitals = queries.hospitals_for_select(user())
    form.hospital_id.choices = select_choices([(h.id, h.name) for h in hospitals], blank=_("— choose —"))
    form.team_id.choices = select_choices(queries.teams_for_select(), blank=_("— choose —"))
    form.team_by_hospital = {h.id: h.team_id for h in hospitals}
    return form


def _form_clashes(form: VisitForm, visit_id: int | None = None):
    """Clashes for what the form holds, when it holds enough to check."""
    start = form.start_date.data
    if (form.hospital_id.data and form.team_id.data and start and form.days.data and 1 <= form.days.data <= 14
            and abs((start - today()).days) <= 3 * 366):  # the date rule of services._check_schedule: no date overflow
        return planning.clashes(form.hospital_id.data, form.team_id.data, form.start_date.data, form.days.data,
                                exclude_id=visit_id, today=today())
    return None


@bp.route("/visits/new", methods=["GET", "POST"])
@allow(COORDINATOR)
def visit_new():
    form = _visit_form(VisitForm())
    if request.method == "GET":
        form.days.data = form.days.data or _days_default()
        hospital_id = int_arg("hospital")
        if hospital_id:
            form.hospital_id.data = hospital_id
            form.team_id.data = form.team_by_hospital.get(hospital_id)
        if request.args.get("start"):
            form.start_date.data = _day(request.args["start"])
    if form.validate_on_submit():
        planned = saved(form, lambda: services.create_visit(
            hospital_id=form.hospital_id.data, team_id=form.team_id.data, start_date=form.start_date.data,
            days=form.days.data, notes=form.notes.data or ""), _("Visit planned."))
        if planned:
            return redirect(url_for("visits.visit", visit_id=planned.result.id))
    return render_template("visits/visit_form.html", form=form, visit=None, clashes=_form_clashes(form), **LABELS), \
        422 if form.errors else 200


def _days_default() -> int:
    return programme_settings().visit_days


def _day(value: str) -> date | None:
    """A date sent outside a form (a link's `?start=`, a ticked day); none when not a date between 2000 and 2100."""
    try:
        return limits.parse_day(value)
    except ValueError:
        return None


@bp.get("/visits/<int:visit_id>")
@allow(*READERS)
def visit(visit_id: int):
    visit = queries.get_visit_or_404(visit_id, user())
    mentors = queries.visit_mentors(visit)
    mentees = queries.visit_mentees(visit)
    search = WindowSearchForm(request.args)
    search_ok = search.validate() if request.args else True
    clashes = None
    if visit.status in queries.UPCOMING_STATUSES:  # clashes and better windows help plan a visit, not read one past
        clashes = planning.clashes(
            visit.hospital_id, visit.team_id, visit.start_date, visit.days, exclude_id=visit.id, mentees=[m["mentee"] for m in mentees],
            mentors=[m["mentor"] for m in mentors if m["mentor"].team_id == visit.team_id and m["mentor"].active],
            search_from=search.search_from.data if search_ok else None, search_to=search.search_to.data if search_ok else None,
            today=today(),
        )
    status_form = StatusForm(formdata=None, version=visit.version)
    arranged = {row["substitute_for"] for row in mentors if row["substitute_for"]}
    return render_template(
        "visits/visit.html", visit=visit, mentors=mentors, mentees=mentees, clashes=clashes, search=search,
        substitutes=substitutes.suggestions(visit, clashes.mentor_rows, arranged) if clashes else {},
        mentor_names={row["mentor"].id: row["mentor"].full_name for row in mentors},
        status_form=status_form, can_edit=queries.can_edit_visit(user()),
        can_attend=queries.can_record_attendance(user(), visit), today=today(), **LABELS,
        **slots.context("visits.visit", visit=visit, user=user(), mentees=mentees, mentors=mentors),  # mentoring: feedback status
    )


@bp.route("/visits/<int:visit_id>/edit", methods=["GET", "POST"])
@allow(COORDINATOR)
def visit_edit(visit_id: int):
    visit = queries.get_visit_or_404(visit_id, user(), action="edit")
    form = _visit_form(VisitForm(obj=visit))
    if request.method == "GET":
        form.version.data = visit.version
    if form.validate_on_submit():
        done = saved(form, lambda: services.update_visit(
            visit, hospital_id=form.hospital_id.data, team_id=form.team_id.data, start_date=form.start_date.data,
            days=form.days.data, notes=form.notes.data or "", version=form.version.data), _("Visit saved."))
        if done:
            return redirect(url_for("visits.visit", visit_id=visit.id))
    return render_template("visits/visit_form.html", form=form, visit=visit, clashes=_form_clashes(form, visit.id), **LABELS), \
        422 if form.errors else 200


@bp.get("/visits/clashes")
@allow(COORDINATOR)
def visit_clashes():
    """The clash panel for the values in the visit form, refreshed by htmx as they change."""
    form = _visit_form(VisitForm(request.args, meta={"csrf": False}))
    form.validate()
    visit_id = int_arg("visit_id")
    return render_template("visits/_clashes.html", clashes=_form_clashes(form, visit_id), editing=True, **LABELS)


@bp.post("/visits/<int:visit_id>/status")
@allow(COORDINATOR)
def visit_status(visit_id: int):
    visit = queries.get_visit_or_404(visit_id, user(), action="edit")
    form = StatusForm()
    if form.validate_on_submit():
        changed = saved(form, lambda: services.change_status(visit, form.status.data, reason=form.reason.data or "",
                                                             new_start_date=form.new_start_date.data, version=form.version.data))
        if changed:
            new_visit = changed.result
            if new_visit is not None:
                flash(_("Visit postponed; the new visit is planned and the team is told."), "success")
                return htmx_redirect(url_for("visits.visit", visit_id=new_visit.id))
            flash(_("Status changed to %(status)s.", status=VisitStatus(form.status.data).label), "success")
            return htmx_redirect(url_for("visits.visit", visit_id=visit.id))
    visit = queries.get_visit_or_404(visit_id, user(), action="edit")
    return render_page_or_fragment("visits/status_page.html", "visits/_status_form.html", status=422,
                                   visit=visit, status_form=form, **LABELS)


@bp.post("/visits/<int:visit_id>/substitutes")
@allow(COORDINATOR)
def substitute_add(visit_id: int):
    """Arrange a suggested substitute for a team mentor who cannot come (visits/substitutes.py)."""
    visit = queries.get_visit_or_404(visit_id, user(), action="edit")
    if EmptyForm().validate_on_submit():
        saved(None, lambda: substitutes.arrange(visit, mentor_id=limits.id_or_none(request.form.get("mentor_id")),
                                                for_mentor_id=limits.id_or_none(request.form.get("for_mentor_id")), by=user()),
              _("Substitute arranged: they appear with the team on this visit and its attendance."))
    return redirect(url_for("visits.visit", visit_id=visit.id, _anchor="attendance"))


@bp.post("/visits/<int:visit_id>/substitutes/<int:mentor_id>/cancel")
@allow(COORDINATOR)
def substitute_cancel(visit_id: int, mentor_id: int):
    """Take back an arranged substitute (visits/substitutes.py); the visit page asks to confirm first."""
    visit = queries.get_visit_or_404(visit_id, user(), action="edit")
    if EmptyForm().validate_on_submit():
        saved(None, lambda: substitutes.cancel(visit, mentor_id=mentor_id, by=user()),
              _("Substitute cancelled: the suggestions for the absent mentor show again."))
    return redirect(url_for("visits.visit", visit_id=visit.id, _anchor="attendance"))


@bp.route("/visits/<int:visit_id>/attendance", methods=["GET", "POST"])
@allow(COORDINATOR, MENTOR)
def attendance(visit_id: int):
    """Who came on which day. Commits by hand: the service returns every refused row at once, each shown by its row.
    Attendance changed since the form was opened is a conflict (409): the marks posted are shown again, at the new
    version, so saving again replaces the others' marks only by choice."""
    visit = queries.get_visit_or_404(visit_id, user(), action="attendance")
    mentors = queries.visit_mentors(visit)
    mentees = queries.visit_mentees(visit)
    form = EmptyForm()
    errors: dict[str, str] = {}
    general = []
    conflict = False
    if request.method == "POST" and form.validate_on_submit():
        chosen = {}
        for row in mentors:
            value = request.form.get(f"mentor-{row['mentor'].id}", "")
            present = {"present": True, "absent": False}.get(value)
            chosen[row["mentor"].id] = (present, request.form.get(f"mentor-{row['mentor'].id}-reason", ""))
        mentee_days = set()
        for row in mentees:
            for value in request.form.getlist(f"mentee-{row['mentee'].id}"):
                if day := _day(value):
                    mentee_days.add((row["mentee"].id, day))
        try:
            refusals = services.record_attendance(
                visit, mentors=chosen, mentee_days=mentee_days,
                allowed_mentor_ids={r["mentor"].id for r in mentors}, allowed_mentee_ids={r["mentee"].id for r in mentees},
                opened_version=request.form.get("version"))
        except RuleBroken as refusal:
            refusals = [refusal]
        except EditConflict:
            refusals, conflict = [], True
        if not refusals and not conflict:
            db.session.commit()
            flash(_("Attendance saved."), "success")
            return redirect(url_for("visits.visit", visit_id=visit.id, _anchor="attendance"))
        db.session.rollback()
        for refusal in refusals:
            if refusal.field == "attendance":
                general.append(refusal.message)
            else:
                errors[refusal.field] = refusal.message
        visit = queries.get_visit_or_404(visit_id, user(), action="attendance")
        submitted = {"mentors": chosen, "mentee_days": mentee_days}
    else:
        submitted = None
    status = 409 if conflict else 422 if (errors or general) else 200
    return render_template("visits/attendance.html", visit=visit, mentors=mentors, mentees=mentees, form=form, errors=errors,
                           general=general, submitted=submitted, conflict=conflict, version=attendance_version(visit.id),
                           today=today(), **LABELS), status
