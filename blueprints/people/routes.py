"""People pages: hospitals, teams, mentors and their training log; mentees (list, profile, roster CSV
import and export, transfers, absences, assignments)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..auth.models import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ..core import limits
from ..core.clock import today
from ..core.downloads import csv_response
from ..core.errors import EditConflict, render_error, saved, show_on_form
from ..core.extensions import db
from ..core.forms import EmptyForm
from ..core.htmx import htmx_redirect, is_htmx, render_page_or_fragment
from ..core.pagination import paginate
from ..core.permissions import allow
from ..visits import queries as visit_queries
from . import queries, roster, services
from .forms import (
    ABSENCE_KIND_LABELS,
    END_REASON_LABELS,
    STATUS_LABELS,
    TRANSFER_KIND_LABELS,
    AbsenceForm,
    AssignForm,
    EndAssignmentForm,
    HospitalForm,
    MenteeForm,
    MentorForm,
    NightRotaForm,
    RosterSaveForm,
    RosterUploadForm,
    TeamForm,
    TrainingForm,
    TransferForm,
    select_choices,
)
from .models import Absence, Assignment, Department, Hospital, Mentor, Profession, Team, Transfer
from .transfer_notices import told_sentence

bp = Blueprint("people", __name__)

MENTEE_READERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)
MENTEE_EDITORS = (COORDINATOR, HOSPITAL_ADMIN)
MENTEE_LIST_ARGS = ("q", "hospital", "department", "profession", "status")


def _int_arg(name: str) -> int | None:
    return limits.id_arg(name)


def user():
    return current_user._get_current_object()


def _mentee_filters() -> tuple[dict, str]:
    """The list's filters from the query string, shared by the page, its fragment and the CSV export."""
    status = request.args.get("status", "active")
    filters = {
        "search": request.args.get("q", "").strip(),
        "department_id": _int_arg("department"),
        "profession_id": _int_arg("profession"),
        "status": status if status in STATUS_LABELS else None,
        "hospital_id": _int_arg("hospital") if current_user.role != HOSPITAL_ADMIN else None,
    }
    return filters, status


@bp.get("/mentees/")
@allow(*MENTEE_READERS)
def mentees():
    filters, status = _mentee_filters()
    page = paginate(queries.mentees_query(user(), **filters))
    can_edit = current_user.role in MENTEE_EDITORS
    return render_page_or_fragment(
        "people/mentees.html", "people/_mentees_table.html",
        page=page, filters=filters, status_choice=status, status_labels=STATUS_LABELS,
        departments=queries.departments(), professions=queries.professions(),
        hospitals=queries.hospitals_for_select() if current_user.role != HOSPITAL_ADMIN else [],
        can_add=can_edit,
        export_url=url_for("people.mentees_export", **{k: v for k, v in request.args.items() if k in MENTEE_LIST_ARGS and v})
        if can_edit else None,
        swap_export_link=is_htmx(),
    )


@bp.get("/mentees/export.csv")
@allow(*MENTEE_EDITORS)
def mentees_export():
    """The mentee list as CSV, with the page's filters and scoping (the same query), in one query."""
    filters, _status = _mentee_filters()
    rows = db.session.execute(queries.mentees_query(user(), **filters)).all()
    return csv_response(_export_name(filters), roster.EXPORT_COLUMNS, roster.export_rows(rows, STATUS_LABELS))


def _export_name(filters: dict) -> tuple:
    """The export's file name parts: the hospital (a hospital administrator's own), department, profession,
    status and search it was cut by, and the day."""
    def code(model, key):
        row = db.session.get(model, filters[key]) if filters[key] else None
        return row.code if row else None

    hospital_id = filters["hospital_id"] or current_user.hospital_id
    hospital = db.session.get(Hospital, hospital_id) if hospital_id else None
    return ("mentees", hospital.name if hospital else None, code(Department, "department_id"), code(Profession, "profession_id"),
            filters["status"] or "all", filters["search"], today().isoformat())


@bp.route("/mentees/import", methods=["GET", "POST"])
@allow(*MENTEE_EDITORS)
def roster_import():
    """Upload a roster CSV and see every row's problems. Saves nothing: the preview's button does."""
    form = _roster_form(RosterUploadForm())
    check = None
    if form.validate_on_submit():
        hospital = _roster_hospital(form.hospital_id.data if "hospital_id" in form else None)
        try:
            text, encoding = roster.read_upload(form.file.data.stream)
            check = roster.check_roster(text, hospital)
            check.encoding = encoding
        except roster.RosterRefused as refusal:
            show_on_form(form, refusal)
    return _roster_page(form, check)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """A file over the request limit sent to the roster import gets the import page back with the roster's limit;
    anywhere else, the app's error page. (Werkzeug refuses the body before any view reads it.)"""
    if request.endpoint not in ("people.roster_import", "people.roster_import_save") or not current_user.is_authenticated \
            or current_user.role not in MENTEE_EDITORS:
        return render_error(413)
    form = _roster_form(RosterUploadForm(formdata=None))
    form.file.errors = [roster.too_large_message()]
    page, _status = _roster_page(form, None)
    return page, 413


@bp.post("/mentees/import/save")
@allow(*MENTEE_EDITORS)
def roster_import_save():
    """Save a previewed roster all or nothing; its text is checked again, nothing from the browser is trusted."""
    save_form = RosterSaveForm()
    if not save_form.validate_on_submit():
        abort(400)
    hospital_id = save_form.hospital_id.data
    hospital = _roster_hospital(limits.id_or_none(hospital_id))
    form = _roster_form(RosterUploadForm(formdata=None))
    if "hospital_id" in form:
        form.hospital_id.data = hospital.id
    try:
        check = roster.check_for_saving(save_form.content.data, hospital)
    except roster.RosterRefused as refusal:
        show_on_form(form, refusal)
        return _roster_page(form, None)
    if not check.ok or not check.new_rows:
        return _roster_page(form, check)
    added = roster.save_roster(check)
    db.session.commit()
    flash(ngettext("%(num)s mentee added to %(hospital)s.", "%(num)s mentees added to %(hospital)s.", len(added),
                   hospital=hospital.name), "success")
    if current_user.role == COORDINATOR:
        return redirect(url_for("people.mentees", hospital=hospital.id))
    return redirect(url_for("people.mentees"))


def _roster_form(form: RosterUploadForm) -> RosterUploadForm:
    if current_user.role == HOSPITAL_ADMIN:
        del form.hospital_id
    else:
        form.hospital_id.choices = select_choices(queries.hospitals_for_select(), blank=_("— choose —"))
    return form


def _roster_hospital(hospital_id: int | None) -> Hospital:
    """A hospital administrator always imports into their own hospital, whatever was posted."""
    if current_user.role == HOSPITAL_ADMIN:
        return current_user.hospital
    if hospital_id is None:
        abort(404)
    return db.get_or_404(Hospital, hospital_id)


def _roster_page(form: RosterUploadForm, check: "roster.RosterCheck | None"):
    ready = check is not None and check.ok and bool(check.new_rows)
    save_form = RosterSaveForm(formdata=None, content=check.text, hospital_id=check.hospital.id) if ready else None
    status = 200 if (check is not None and check.ok) or (check is None and not form.errors) else 422
    return render_template(
        "people/roster_import.html", form=form, check=check, save_form=save_form, columns=roster.COLUMNS, read_only=roster.READ_ONLY_COLUMNS,
        professions=queries.professions(), departments=queries.departments(),
    ), status


@bp.get("/mentees/<int:mentee_id>")
@allow(*MENTEE_READERS)
def mentee(mentee_id: int):
    mentee = queries.get_mentee_or_404(mentee_id, user())
    history = queries.mentee_history(mentee)
    can_edit = queries.can_edit_mentee(user(), mentee)
    return render_template(
        "people/mentee.html", mentee=mentee, history=history, can_edit=can_edit,
        can_assign=current_user.role == COORDINATOR, absence_labels=ABSENCE_KIND_LABELS,
        end_reason_labels=END_REASON_LABELS, transfer_labels=TRANSFER_KIND_LABELS,
        absence_form=AbsenceForm(formdata=None), rota_form=NightRotaForm(formdata=None), empty_form=EmptyForm(),
        attendance=visit_queries.mentee_attendance_rate(mentee.id),
        today=today(),
    )


def _mentee_form(form: MenteeForm) -> MenteeForm:
    form.profession_id.choices = select_choices(queries.named_choices(queries.professions()), blank=_("— choose —"))
    form.department_id.choices = select_choices(queries.named_choices(queries.departments()), blank=_("— choose —"))
    if current_user.role == HOSPITAL_ADMIN:
        form.hospital_id.choices = select_choices(queries.choices(Hospital, Hospital.name, Hospital.id == current_user.hospital_id))
        form.hospital_id.data = current_user.hospital_id
    else:
        form.hospital_id.choices = select_choices(queries.hospitals_for_select(), blank=_("— choose —"))
    return form


@bp.route("/mentees/new", methods=["GET", "POST"])
@allow(*MENTEE_EDITORS)
def mentee_new():
    form = _mentee_form(MenteeForm())
    if form.validate_on_submit():
        mentee = services.create_mentee(
            full_name=form.full_name.data.strip(), profession_id=form.profession_id.data,
            hospital_id=form.hospital_id.data, department_id=form.department_id.data, phone=form.phone.data or "",
            preferred_language=form.preferred_language.data,
        )
        db.session.commit()
        flash(_("%(name)s added.", name=mentee.full_name), "success")
        return redirect(url_for("people.mentee", mentee_id=mentee.id))
    return render_template("people/mentee_form.html", form=form, mentee=None), 422 if form.errors else 200


@bp.route("/mentees/<int:mentee_id>/edit", methods=["GET", "POST"])
@allow(*MENTEE_EDITORS)
def mentee_edit(mentee_id: int):
    mentee = queries.get_mentee_or_404(mentee_id, user(), action="edit")
    form = _mentee_form(MenteeForm(obj=mentee))
    # Where a mentee works changes only by a transfer (it notifies and ends mentorships), never here.
    del form.hospital_id, form.department_id
    if request.method == "GET":
        form.version.data = mentee.version
    if form.validate_on_submit():
        try:
            services.update_mentee(mentee, version=form.opened_at(), full_name=form.full_name.data.strip(),
                                   profession_id=form.profession_id.data, phone=form.phone.data or "",
                                   preferred_language=form.preferred_language.data)
            db.session.commit()
        except EditConflict:
            db.session.rollback()
            mentee = queries.get_mentee_or_404(mentee_id, user(), action="edit")
            form.version.data = mentee.version
            return render_template("people/mentee_form.html", form=form, mentee=mentee, conflict=mentee), 409
        flash(_("Saved."), "success")
        return redirect(url_for("people.mentee", mentee_id=mentee.id))
    return render_template("people/mentee_form.html", form=form, mentee=mentee), 422 if form.errors else 200


@bp.route("/mentees/<int:mentee_id>/transfer", methods=["GET", "POST"])
@allow(*MENTEE_EDITORS)
def mentee_transfer(mentee_id: int):
    mentee = queries.get_mentee_or_404(mentee_id, user(), action="edit")
    form = TransferForm()
    form.to_hospital_id.choices = select_choices(
        [(i, n) for i, n in queries.hospitals_for_select() if i != mentee.hospital_id], blank=_("— choose —"))
    form.to_department_id.choices = select_choices(queries.named_choices(queries.departments()), blank=_("— choose —"))
    if request.method == "GET":
        form.effective_date.data = today()
    if form.validate_on_submit():
        logged = saved(form, lambda: services.log_transfer(
            mentee, kind=form.kind.data, effective_date=form.effective_date.data, reason=form.reason.data or "",
            to_hospital=db.session.get(Hospital, form.to_hospital_id.data) if form.to_hospital_id.data else None,
            to_department=db.session.get(Department, form.to_department_id.data) if form.to_department_id.data else None,
            by=user(),
        ))
        if logged:
            moved = logged.result
            flash(services.transfer_sentence(moved) + " " + told_sentence(moved.told), "success")
            if queries.can_edit_mentee(user(), mentee) or current_user.role == COORDINATOR:
                return redirect(url_for("people.mentee", mentee_id=mentee.id))
            # The mentee has left the administrator's sight: their hospital's transfers out list the move.
            return redirect(url_for("people.hospital", hospital_id=moved.from_hospital_id, _anchor="transfers"))
    return render_template("people/transfer_form.html", form=form, mentee=mentee), 422 if form.errors else 200


@bp.post("/transfers/<int:transfer_id>/cancel")
@allow(*MENTEE_EDITORS)
def transfer_cancel(transfer_id: int):
    transfer = db.get_or_404(Transfer, transfer_id)
    if current_user.role != COORDINATOR and transfer.logged_by_id != current_user.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        saved(None, lambda: services.cancel_transfer(transfer, by=user()),
              _("The transfer is cancelled and the mentee is back where they were."))
    if queries.can_edit_mentee(user(), transfer.mentee):
        return redirect(url_for("people.mentee", mentee_id=transfer.mentee_id))
    return redirect(url_for("people.mentees"))


@bp.post("/mentees/<int:mentee_id>/absences")
@allow(*MENTEE_EDITORS)
def absence_add(mentee_id: int):
    mentee = queries.get_mentee_or_404(mentee_id, user(), action="edit")
    form = AbsenceForm()
    if form.validate_on_submit():
        if saved(form, lambda: services.add_absence(mentee, kind=form.kind.data, start_date=form.start_date.data,
                                                    end_date=form.end_date.data, note=form.note.data or "", by=user()),
                 _("Absence recorded.")):
            return htmx_redirect(url_for("people.mentee", mentee_id=mentee.id, _anchor="absences"))
    return render_page_or_fragment("people/absence_page.html", "people/_absence_form.html", status=422,
                                   form=form, mentee=mentee)


@bp.post("/mentees/<int:mentee_id>/night-rota")
@allow(*MENTEE_EDITORS)
def night_rota_add(mentee_id: int):
    mentee = queries.get_mentee_or_404(mentee_id, user(), action="edit")
    form = NightRotaForm()
    if form.validate_on_submit():
        added = saved(form, lambda: services.add_night_rota(mentee, start=form.start.data, weeks=form.weeks.data,
                                                            weekdays=set(form.weekdays.data), note=form.note.data or "", by=user()))
        if added:
            flash(ngettext("Night-shift rota recorded as %(num)s period.", "Night-shift rota recorded as %(num)s periods.",
                           len(added.result)), "success")
            return htmx_redirect(url_for("people.mentee", mentee_id=mentee.id, _anchor="absences"))
    return render_page_or_fragment("people/rota_page.html", "people/_rota_form.html", status=422,
                                   form=form, mentee=mentee)


@bp.post("/absences/<int:absence_id>/delete")
@allow(*MENTEE_EDITORS)
def absence_delete(absence_id: int):
    absence = db.get_or_404(Absence, absence_id)
    mentee = queries.get_mentee_or_404(absence.mentee_id, user(), action="edit")
    if EmptyForm().validate_on_submit():
        services.delete_absence(absence)
        db.session.commit()
        flash(_("Absence removed (kept in the audit trail)."), "info")
    return redirect(url_for("people.mentee", mentee_id=mentee.id, _anchor="absences"))


@bp.route("/mentees/<int:mentee_id>/assign", methods=["GET", "POST"])
@allow(COORDINATOR)
def mentee_assign(mentee_id: int):
    mentee = queries.get_mentee_or_404(mentee_id, user(), action="edit")
    form = AssignForm()
    form.mentor_id.choices = select_choices(queries.mentors_for_select(mentee.hospital_id), blank=_("— choose —"))
    if request.method == "GET":
        form.start_date.data = today()
    if form.validate_on_submit():
        mentor = db.get_or_404(Mentor, form.mentor_id.data)
        assigned = saved(form, lambda: services.assign(mentor, mentee, form.start_date.data),
                         _("%(mentor)s now mentors %(mentee)s.", mentor=mentor.full_name, mentee=mentee.full_name))
        if assigned:
            _assignment, warnings = assigned.result
            for warning in warnings:
                flash(warning, "warning")
            return redirect(url_for("people.mentee", mentee_id=mentee.id))
    return render_template("people/assign_form.html", form=form, mentee=mentee), 422 if form.errors else 200


@bp.route("/assignments/<int:assignment_id>/end", methods=["GET", "POST"])
@allow(COORDINATOR)
def assignment_end(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    form = EndAssignmentForm()
    if request.method == "GET":
        form.end_date.data = today()
    if form.validate_on_submit():
        if saved(form, lambda: services.end_assignment(assignment, form.end_date.data, form.end_reason.data),
                 _("Assignment ended; the history is kept.")):
            return redirect(url_for("people.mentee", mentee_id=assignment.mentee_id))
    return render_template("people/assignment_end.html", form=form, assignment=assignment), 422 if form.errors else 200


# --- hospitals -----------------------------------------------------------------------------

HOSPITAL_READERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)


@bp.get("/hospitals/")
@allow(*HOSPITAL_READERS)
def hospitals():
    search = request.args.get("q", "").strip()
    province = request.args.get("province", "").strip()
    page = paginate(queries.hospitals_query(user(), search, province))
    ids = [h.id for h in page.items]
    return render_page_or_fragment(
        "people/hospitals.html", "people/_hospitals_table.html",
        page=page, q=search, province=province, provinces=queries.provinces(user()),
        mentee_counts=queries.active_mentee_counts(ids), turnover=queries.turnover(today(), ids),
        can_manage=current_user.role == COORDINATOR,
    )


@bp.get("/hospitals/<int:hospital_id>")
@allow(*HOSPITAL_READERS)
def hospital(hospital_id: int):
    hospital = queries.get_hospital_or_404(hospital_id, user())
    day = today()
    transfers_in = db.session.scalars(queries.hospital_transfers(hospital.id, "in")).all()
    transfers_out = db.session.scalars(queries.hospital_transfers(hospital.id, "out")).all()
    absences = db.session.scalars(queries.upcoming_absences(hospital.id, day)).all()
    shown = [t.mentee_id for t in (*transfers_in, *transfers_out)] + [a.mentee_id for a in absences]
    return render_template(
        "people/hospital.html", hospital=hospital, departments=queries.mentees_by_department(hospital),
        mentors=[m for m in hospital.team.mentors if m.active] if hospital.team else [],
        transfers_in=transfers_in, transfers_out=transfers_out, absences=absences,
        turnover=queries.turnover(day, [hospital.id]).get(hospital.id, 0),
        readable_mentees=queries.readable_mentee_ids(user(), shown),
        cadence=visit_queries.hospital_cadence(day, user(), hospital_id=hospital.id),
        can_manage=current_user.role == COORDINATOR, transfer_labels=TRANSFER_KIND_LABELS, absence_labels=ABSENCE_KIND_LABELS,
        cancellable=queries.cancellable_transfers(user(), transfers_out), empty_form=EmptyForm(),
    )


def _hospital_form(form: HospitalForm) -> HospitalForm:
    form.department_ids.choices = queries.named_choices(queries.departments())
    form.team_id.choices = select_choices(queries.choices(Team, Team.name), blank=_("— no team yet —"))
    return form


def _hospital_values(form: HospitalForm) -> dict:
    return {"name": form.name.data, "district": form.district.data, "province": form.province.data,
            "department_ids": form.department_ids.data, "team_id": form.team_id.data}


@bp.route("/hospitals/new", methods=["GET", "POST"])
@allow(COORDINATOR)
def hospital_new():
    form = _hospital_form(HospitalForm())
    if request.method == "GET":
        form.department_ids.data = [value for value, _label in form.department_ids.choices]
    if form.validate_on_submit():
        if created := saved(form, lambda: services.create_hospital(**_hospital_values(form))):
            hospital = created.result
            flash(_("%(name)s added.", name=hospital.name), "success")
            return redirect(url_for("people.hospital", hospital_id=hospital.id))
    return render_template("people/hospital_form.html", form=form, hospital=None,
                           provinces=queries.provinces(user())), 422 if form.errors else 200


@bp.route("/hospitals/<int:hospital_id>/edit", methods=["GET", "POST"])
@allow(COORDINATOR)
def hospital_edit(hospital_id: int):
    hospital = queries.get_hospital_or_404(hospital_id, user(), action="edit")
    form = _hospital_form(HospitalForm(obj=hospital))
    if request.method == "GET":
        form.department_ids.data = [d.id for d in hospital.departments]
    if form.validate_on_submit():
        if saved(form, lambda: services.update_hospital(hospital, **_hospital_values(form)), _("Saved.")):
            return redirect(url_for("people.hospital", hospital_id=hospital.id))
    return render_template("people/hospital_form.html", form=form, hospital=hospital,
                           provinces=queries.provinces(user())), 422 if form.errors else 200


# --- teams ---------------------------------------------------------------------------------

def _overdue_mentor_ids(mentors, facts: dict, day) -> set[int]:
    """Active mentors whose last refresher is older than the interval (or who never had one)."""
    return {m.id for m in mentors if m.active and queries.refresher_overdue(facts.get(m.id, {}).get("last_refresher"), day)}


@bp.get("/teams/")
@allow(COORDINATOR)
def teams():
    page = paginate(queries.teams_query())
    professions = queries.mentor_professions()
    mentors = [m for team in page.items for m in team.mentors]
    return render_template(
        "people/teams.html", page=page, professions=professions,
        warnings={team.id: queries.team_warnings(team.mentors, professions) for team in page.items},
        overdue=_overdue_mentor_ids(mentors, queries.mentor_facts(m.id for m in mentors), today()),
    )


@bp.get("/teams/<int:team_id>")
@allow(COORDINATOR)
def team(team_id: int):
    team = queries.get_team_or_404(team_id)
    professions = queries.mentor_professions()
    facts = queries.mentor_facts(m.id for m in team.mentors)
    return render_template(
        "people/team.html", team=team, warnings=queries.team_warnings(team.mentors, professions),
        facts=facts, overdue=_overdue_mentor_ids(team.mentors, facts, today()),
    )


def _team_form(form: TeamForm, team: Team | None) -> TeamForm:
    form.hospital_ids.choices = [
        (hospital_id, _("%(hospital)s (now visited by %(team)s)", hospital=name, team=team_name)
         if team_name and (team is None or team_name != team.name) else name)
        for hospital_id, name, team_name in queries.hospitals_with_teams()
    ]
    return form


@bp.route("/teams/new", methods=["GET", "POST"])
@allow(COORDINATOR)
def team_new():
    form = _team_form(TeamForm(), None)
    if form.validate_on_submit():
        if created := saved(form, lambda: services.create_team(name=form.name.data, hospital_ids=form.hospital_ids.data)):
            team = created.result
            flash(_("%(name)s created. Now add its five mentors.", name=team.name), "success")
            return redirect(url_for("people.team", team_id=team.id))
    return render_template("people/team_form.html", form=form, team=None), 422 if form.errors else 200


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@allow(COORDINATOR)
def team_edit(team_id: int):
    team = queries.get_team_or_404(team_id)
    form = _team_form(TeamForm(obj=team), team)
    if request.method == "GET":
        form.hospital_ids.data = [h.id for h in team.hospitals]
    if form.validate_on_submit():
        if saved(form, lambda: services.update_team(team, name=form.name.data, hospital_ids=form.hospital_ids.data),
                 _("Saved.")):
            return redirect(url_for("people.team", team_id=team.id))
    return render_template("people/team_form.html", form=form, team=team), 422 if form.errors else 200


# --- mentors -------------------------------------------------------------------------------

@bp.get("/mentors/")
@allow(COORDINATOR)
def mentors():
    day = today()
    filters = {
        "search": request.args.get("q", "").strip(),
        "profession_id": _int_arg("profession"),
        "team_id": _int_arg("team"),
        "overdue": request.args.get("overdue") == "1",
    }
    page = paginate(queries.mentors_query(filters["search"], filters["profession_id"], filters["team_id"],
                                          overdue_on=day if filters["overdue"] else None))
    facts = queries.mentor_facts(m.id for m in page.items)
    return render_page_or_fragment(
        "people/mentors.html", "people/_mentors_table.html",
        page=page, filters=filters, facts=facts, overdue=_overdue_mentor_ids(page.items, facts, day),
        professions=queries.mentor_professions(), teams=queries.choices(Team, Team.name),
    )


@bp.get("/mentors/<int:mentor_id>")
@allow(COORDINATOR, MENTOR)
def mentor(mentor_id: int):
    mentor = queries.get_mentor_or_404(mentor_id, user())
    day = today()
    assignments = db.session.scalars(queries.mentor_assignments(mentor.id)).all()
    last_refresher = max((t.course_date for t in mentor.trainings if t.is_refresher), default=None)
    return render_template(
        "people/mentor.html", mentor=mentor, last_refresher=last_refresher,
        refresher_overdue=mentor.active and queries.refresher_overdue(last_refresher, day),
        interval=current_app.config["REFRESHER_INTERVAL_DAYS"],
        active=[a for a in assignments if a.is_active], past=[a for a in assignments if not a.is_active],
        can_manage=current_user.role == COORDINATOR, end_reason_labels=END_REASON_LABELS,
        attendance=visit_queries.mentor_attendance_summary(mentor.id),
        form=TrainingForm(formdata=None, course_date=day),
    )


def _mentor_form(form: MentorForm) -> MentorForm:
    form.profession_id.choices = select_choices(queries.named_choices(queries.mentor_professions()), blank=_("— choose —"))
    form.team_id.choices = select_choices(queries.choices(Team, Team.name), blank=_("— no team yet —"))
    return form


def _mentor_values(form: MentorForm) -> dict:
    return {"full_name": form.full_name.data, "profession_id": form.profession_id.data, "team_id": form.team_id.data,
            "home_institution": form.home_institution.data or "", "phone": form.phone.data or "",
            "email": form.email.data or "", "active": form.active.data}


def _flash_mentor_warnings(mentor: Mentor) -> None:
    """After a save: the team's make-up for this mentor's profession, and mentees left without a mentor."""
    if mentor.team is not None:
        for warning in queries.team_warnings(mentor.team.mentors, [mentor.profession]):
            flash(f"{mentor.team.name}: {warning}", "warning")
    if not mentor.active:
        n = queries.active_mentee_count(mentor.id)
        if n:
            flash(ngettext("%(name)s still has %(num)d active mentee: assign them another mentor from their page.",
                           "%(name)s still has %(num)d active mentees: assign them another mentor from their pages.",
                           n, name=mentor.full_name), "warning")


@bp.route("/mentors/new", methods=["GET", "POST"])
@allow(COORDINATOR)
def mentor_new():
    form = _mentor_form(MentorForm())
    if request.method == "GET":
        form.team_id.data = _int_arg("team")
    if form.validate_on_submit():
        if created := saved(form, lambda: services.create_mentor(**_mentor_values(form))):
            mentor = created.result
            flash(_("%(name)s added.", name=mentor.full_name), "success")
            _flash_mentor_warnings(mentor)
            return redirect(url_for("people.mentor", mentor_id=mentor.id))
    return render_template("people/mentor_form.html", form=form, mentor=None), 422 if form.errors else 200


@bp.route("/mentors/<int:mentor_id>/edit", methods=["GET", "POST"])
@allow(COORDINATOR)
def mentor_edit(mentor_id: int):
    mentor = queries.get_mentor_or_404(mentor_id, user(), action="edit")
    form = _mentor_form(MentorForm(obj=mentor))
    if form.validate_on_submit():
        if saved(form, lambda: services.update_mentor(mentor, **_mentor_values(form)), _("Saved.")):
            _flash_mentor_warnings(mentor)
            return redirect(url_for("people.mentor", mentor_id=mentor.id))
    return render_template("people/mentor_form.html", form=form, mentor=mentor), 422 if form.errors else 200


@bp.post("/mentors/<int:mentor_id>/trainings")
@allow(COORDINATOR)
def training_add(mentor_id: int):
    mentor = queries.get_mentor_or_404(mentor_id, user(), action="edit")
    form = TrainingForm()
    if form.validate_on_submit():
        if saved(form, lambda: services.add_training(mentor, title=form.title.data, course_date=form.course_date.data,
                                                     hours=float(form.hours.data), is_refresher=form.is_refresher.data),
                 _("Course recorded in %(name)s's training log.", name=mentor.full_name)):
            return htmx_redirect(url_for("people.mentor", mentor_id=mentor.id, _anchor="training"))
    return render_page_or_fragment("people/training_page.html", "people/_training_form.html", status=422,
                                   form=form, mentor=mentor)
