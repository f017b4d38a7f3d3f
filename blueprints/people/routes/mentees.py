"""Mentee pages: the list, its CSV export and roster import, the profile, adding and editing."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ...core import limits
from ...core.clock import today
from ...core.downloads import csv_response
from ...core.errors import EditConflict, render_error, saved, show_on_form
from ...core.extensions import db
from ...core.forms import EmptyForm, select_choices
from ...core.htmx import is_htmx, render_page_or_fragment
from ...core.pagination import paginate
from ...core.permissions import allow, user
from ...core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ...core.slots import slots
from .. import roster
from ..forms import (
    END_REASON_LABELS,
    AbsenceForm,
    MenteeForm,
    NightRotaForm,
    RosterSaveForm,
    RosterUploadForm,
)
from ..models import Department, Hospital, MenteeStatus, Profession
from ..queries import choices as choice_queries
from ..queries import hospitals as hospital_queries
from ..queries import invitations as invitation_queries
from ..queries import mentees as mentee_queries
from ..services import mentees as mentee_services
from . import bp, int_arg

MENTEE_READERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)


MENTEE_EDITORS = (COORDINATOR, HOSPITAL_ADMIN)


MENTEE_LIST_ARGS = ("q", "hospital", "department", "profession", "status")


def _mentee_filters() -> tuple[dict, str]:
    """The list's filters from the query string, shared by the page, its fragment and the CSV export."""
    status = request.args.get("status", "active")
    filters = {
        "search": request.args.get("q", "").strip(),
        "department_id": int_arg("department"),
        "profession_id": int_arg("profession"),
        "status": status if status in MenteeStatus.labels() else None,
        "hospital_id": int_arg("hospital") if current_user.role != HOSPITAL_ADMIN else None,
    }
    return filters, status


@bp.get("/mentees/")
@allow(*MENTEE_READERS)
def mentees():
    filters, status = _mentee_filters()
    page = paginate(mentee_queries.mentees_query(user(), **filters))
    can_edit = current_user.role in MENTEE_EDITORS
    return render_page_or_fragment(
        "people/mentees.html", "people/_mentees_table.html",
        page=page, filters=filters, status_choice=status, status_labels=MenteeStatus.labels(),
        departments=choice_queries.departments(), professions=choice_queries.professions(),
        hospitals=hospital_queries.hospitals_for_select() if current_user.role != HOSPITAL_ADMIN else [],
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
    rows = db.session.execute(mentee_queries.mentees_export_query(user(), **filters)).all()
    return csv_response(_export_name(filters), roster.EXPORT_COLUMNS, roster.export_rows(rows, MenteeStatus.texts()))


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
    added = saved(form, lambda: roster.save_roster(check))
    if not added:
        return _roster_page(form, check)
    flash(ngettext("%(num)s mentee added to %(hospital)s.", "%(num)s mentees added to %(hospital)s.", len(added.result),
                   hospital=hospital.name), "success")
    if current_user.role == COORDINATOR:
        return redirect(url_for("people.mentees", hospital=hospital.id))
    return redirect(url_for("people.mentees"))


def _roster_form(form: RosterUploadForm) -> RosterUploadForm:
    if current_user.role == HOSPITAL_ADMIN:
        del form.hospital_id
    else:
        form.hospital_id.choices = select_choices(hospital_queries.hospitals_for_select(), blank=_("— choose —"))
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
        professions=choice_queries.professions(), departments=choice_queries.departments(),
    ), status


@bp.get("/mentees/<int:mentee_id>")
@allow(*MENTEE_READERS)
def mentee(mentee_id: int):
    mentee = mentee_queries.get_mentee_or_404(mentee_id, user())
    history = mentee_queries.mentee_history(mentee)
    can_edit = mentee_queries.can_edit_mentee(user(), mentee)
    return render_template(
        "people/mentee.html", mentee=mentee, history=history, can_edit=can_edit,
        can_assign=current_user.role == COORDINATOR, end_reason_labels=END_REASON_LABELS,
        absence_form=AbsenceForm(formdata=None), rota_form=NightRotaForm(formdata=None), empty_form=EmptyForm(),
        can_invite=invitation_queries.may_invite(user(), mentee),
        **slots.context("people.mentee", mentee=mentee),  # visits: the attendance rate
        today=today(),
    )


def _mentee_form(form: MenteeForm) -> MenteeForm:
    form.profession_id.choices = select_choices(choice_queries.named_choices(choice_queries.professions()), blank=_("— choose —"))
    form.department_id.choices = select_choices(choice_queries.named_choices(choice_queries.departments()), blank=_("— choose —"))
    if current_user.role == HOSPITAL_ADMIN:
        form.hospital_id.choices = select_choices(choice_queries.choices(Hospital, Hospital.name, Hospital.id == current_user.hospital_id))
        form.hospital_id.data = current_user.hospital_id
    else:
        form.hospital_id.choices = select_choices(hospital_queries.hospitals_for_select(), blank=_("— choose —"))
    return form


@bp.route("/mentees/new", methods=["GET", "POST"])
@allow(*MENTEE_EDITORS)
def mentee_new():
    form = _mentee_form(MenteeForm())
    if form.validate_on_submit() and (added := saved(form, lambda: mentee_services.create_mentee(
            full_name=form.full_name.data.strip(), profession_id=form.profession_id.data,
            hospital_id=form.hospital_id.data, department_id=form.department_id.data, phone=form.phone.data or "",
            email=(form.email.data or "").strip(), preferred_language=form.preferred_language.data))):
        flash(_("%(name)s added.", name=added.result.full_name), "success")
        return redirect(url_for("people.mentee", mentee_id=added.result.id))
    return render_template("people/mentee_form.html", form=form, mentee=None), 422 if form.errors else 200


@bp.route("/mentees/<int:mentee_id>/edit", methods=["GET", "POST"])
@allow(*MENTEE_EDITORS)
def mentee_edit(mentee_id: int):
    mentee = mentee_queries.get_mentee_or_404(mentee_id, user(), action="edit")
    form = _mentee_form(MenteeForm(obj=mentee))
    # Where a mentee works changes only by a transfer (it notifies and ends mentorships), never here.
    del form.hospital_id, form.department_id
    if request.method == "GET":
        form.version.data = mentee.version
    if form.validate_on_submit():
        try:
            done = saved(form, lambda: mentee_services.update_mentee(
                mentee, version=form.opened_at(), full_name=form.full_name.data.strip(), profession_id=form.profession_id.data,
                phone=form.phone.data or "", email=(form.email.data or "").strip(),
                preferred_language=form.preferred_language.data), _("Saved."))
        except EditConflict:
            db.session.rollback()
            mentee = mentee_queries.get_mentee_or_404(mentee_id, user(), action="edit")
            form.version.data = mentee.version
            return render_template("people/mentee_form.html", form=form, mentee=mentee, conflict=mentee), 409
        if done:
            return redirect(url_for("people.mentee", mentee_id=mentee.id))
    return render_template("people/mentee_form.html", form=form, mentee=mentee), 422 if form.errors else 200
