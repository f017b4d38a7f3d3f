"""People pages: mentees (list, profile, transfers, absences, assignments)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ..core.clock import today
from ..core.errors import EditConflict, RuleBroken, show_on_form
from ..core.extensions import db
from ..core.forms import EmptyForm
from ..core.htmx import htmx_redirect, render_page_or_fragment
from ..core.pagination import paginate
from ..core.permissions import allow
from . import queries, services
from .forms import (
    ABSENCE_KIND_LABELS,
    END_REASON_LABELS,
    STATUS_LABELS,
    TRANSFER_KIND_LABELS,
    AbsenceForm,
    AssignForm,
    EndAssignmentForm,
    MenteeForm,
    NightRotaForm,
    TransferForm,
    select_choices,
)
from .models import Absence, Assignment, Department, Hospital, Mentor, Transfer

bp = Blueprint("people", __name__)

MENTEE_READERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)
MENTEE_EDITORS = (COORDINATOR, HOSPITAL_ADMIN)


def _int_arg(name: str) -> int | None:
    return request.args.get(name, type=int) or None


def user():
    return current_user._get_current_object()


@bp.get("/mentees/")
@allow(*MENTEE_READERS)
def mentees():
    status = request.args.get("status", "active")
    filters = {
        "search": request.args.get("q", "").strip(),
        "department_id": _int_arg("department"),
        "profession_id": _int_arg("profession"),
        "status": status if status in STATUS_LABELS else None,
        "hospital_id": _int_arg("hospital") if current_user.role != HOSPITAL_ADMIN else None,
    }
    page = paginate(queries.mentees_query(user(), **filters))
    return render_page_or_fragment(
        "people/mentees.html", "people/_mentees_table.html",
        page=page, filters=filters, selected_status=status, status_labels=STATUS_LABELS,
        departments=queries.departments(), professions=queries.professions(),
        hospitals=queries.hospitals_for_select() if current_user.role != HOSPITAL_ADMIN else [],
        can_add=current_user.role in MENTEE_EDITORS,
    )


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
        today=today(),
    )


def _mentee_form(form: MenteeForm) -> MenteeForm:
    form.profession_id.choices = select_choices(queries.choices(queries.Profession, queries.Profession.name), blank=_("— choose —"))
    form.department_id.choices = select_choices(queries.choices(Department, Department.name), blank=_("— choose —"))
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
    if current_user.role == COORDINATOR and request.method == "GET":
        form.hospital_id.data = mentee.hospital_id
    if request.method == "GET":
        form.version.data = mentee.version
    if form.validate_on_submit():
        try:
            # Moving hospital is a transfer (it notifies and ends mentorships), never a silent edit.
            services.update_mentee(mentee, version=form.opened_at(), full_name=form.full_name.data.strip(),
                                   profession_id=form.profession_id.data, phone=form.phone.data or "")
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
    form.to_department_id.choices = select_choices(queries.choices(Department, Department.name), blank=_("— choose —"))
    if request.method == "GET":
        form.effective_date.data = today()
    if form.validate_on_submit():
        try:
            transfer = services.log_transfer(
                mentee, kind=form.kind.data, effective_date=form.effective_date.data, reason=form.reason.data or "",
                to_hospital=db.session.get(Hospital, form.to_hospital_id.data) if form.to_hospital_id.data else None,
                to_department=db.session.get(Department, form.to_department_id.data) if form.to_department_id.data else None,
                by=user(),
            )
        except RuleBroken as refusal:
            db.session.rollback()
            show_on_form(form, refusal)
        else:
            db.session.commit()
            flash(services.transfer_sentence(transfer) + " " + _("Their mentors have been told."), "success")
            if queries.can_edit_mentee(user(), mentee) or current_user.role == COORDINATOR:
                return redirect(url_for("people.mentee", mentee_id=mentee.id))
            return redirect(url_for("people.mentees"))
    return render_template("people/transfer_form.html", form=form, mentee=mentee), 422 if form.errors else 200


@bp.post("/transfers/<int:transfer_id>/cancel")
@allow(*MENTEE_EDITORS)
def transfer_cancel(transfer_id: int):
    transfer = db.get_or_404(Transfer, transfer_id)
    if current_user.role != COORDINATOR and transfer.logged_by_id != current_user.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            services.cancel_transfer(transfer, by=user())
        except RuleBroken as refusal:
            db.session.rollback()
            flash(str(refusal.message), "error")
        else:
            db.session.commit()
            flash(_("The transfer is cancelled and the mentee is back where they were."), "success")
    if queries.can_edit_mentee(user(), transfer.mentee):
        return redirect(url_for("people.mentee", mentee_id=transfer.mentee_id))
    return redirect(url_for("people.mentees"))


@bp.post("/mentees/<int:mentee_id>/absences")
@allow(*MENTEE_EDITORS)
def absence_add(mentee_id: int):
    mentee = queries.get_mentee_or_404(mentee_id, user(), action="edit")
    form = AbsenceForm()
    if form.validate_on_submit():
        try:
            services.add_absence(mentee, kind=form.kind.data, start_date=form.start_date.data, end_date=form.end_date.data,
                                 note=form.note.data or "", by=user())
        except RuleBroken as refusal:
            db.session.rollback()
            show_on_form(form, refusal)
        else:
            db.session.commit()
            flash(_("Absence recorded."), "success")
            return htmx_redirect(url_for("people.mentee", mentee_id=mentee.id, _anchor="absences"))
    return render_page_or_fragment("people/absence_page.html", "people/_absence_form.html", status=422,
                                   form=form, mentee=mentee)


@bp.post("/mentees/<int:mentee_id>/night-rota")
@allow(*MENTEE_EDITORS)
def night_rota_add(mentee_id: int):
    mentee = queries.get_mentee_or_404(mentee_id, user(), action="edit")
    form = NightRotaForm()
    if form.validate_on_submit():
        try:
            added = services.add_night_rota(mentee, start=form.start.data, weeks=form.weeks.data,
                                            weekdays=set(form.weekdays.data), note=form.note.data or "", by=user())
        except RuleBroken as refusal:
            db.session.rollback()
            show_on_form(form, refusal)
        else:
            db.session.commit()
            flash(_("Night-shift rota recorded as %(n)s periods.", n=len(added)), "success")
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
        try:
            _assignment, warnings = services.assign(mentor, mentee, form.start_date.data)
        except RuleBroken as refusal:
            db.session.rollback()
            show_on_form(form, refusal)
        else:
            db.session.commit()
            flash(_("%(mentor)s now mentors %(mentee)s.", mentor=mentor.full_name, mentee=mentee.full_name), "success")
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
        try:
            services.end_assignment(assignment, form.end_date.data, form.end_reason.data)
        except RuleBroken as refusal:
            db.session.rollback()
            show_on_form(form, refusal)
        else:
            db.session.commit()
            flash(_("Assignment ended; the history is kept."), "success")
            return redirect(url_for("people.mentee", mentee_id=assignment.mentee_id))
    return render_template("people/assignment_end.html", form=form, assignment=assignment), 422 if form.errors else 200
