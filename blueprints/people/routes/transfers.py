"""Transfer pages: log a mentee's move, read it from either hospital, cancel a mistaken one; the receiving side sets
the department and asks for a mentor."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.clock import today
from ...core.errors import saved
from ...core.extensions import db
from ...core.forms import EmptyForm, select_choices
from ...core.models import utcnow
from ...core.permissions import allow, user
from ...core.roles import COORDINATOR, HOSPITAL_ADMIN
from ..forms import ArrivalDepartmentForm, TransferForm
from ..models import Department, Hospital, Transfer
from ..queries import choices as choice_queries
from ..queries import hospitals as hospital_queries
from ..queries import mentees as mentee_queries
from ..queries import transfers as transfer_queries
from ..scopes import is_receiving_admin
from ..services import transfers as transfer_services
from ..transfer_corrections import correction_refusal
from ..transfer_notices import told_on_record, told_sentence
from . import bp
from .mentees import MENTEE_EDITORS


@bp.route("/mentees/<int:mentee_id>/transfer", methods=["GET", "POST"])
@allow(*MENTEE_EDITORS)
def mentee_transfer(mentee_id: int):
    mentee = mentee_queries.get_mentee_or_404(mentee_id, user(), action="edit")
    form = TransferForm()
    form.to_hospital_id.choices = select_choices(
        [(i, n) for i, n in hospital_queries.hospitals_for_select() if i != mentee.hospital_id], blank=_("— choose —"))
    form.to_department_id.choices = select_choices(choice_queries.named_choices(choice_queries.departments()), blank=_("— choose —"))
    if request.method == "GET":
        form.effective_date.data = today()
    if form.validate_on_submit():
        logged = saved(form, lambda: transfer_services.log_transfer(
            mentee, kind=form.kind.data, effective_date=form.effective_date.data, reason=form.reason.data or "",
            to_hospital=db.session.get(Hospital, form.to_hospital_id.data) if form.to_hospital_id.data else None,
            to_department=db.session.get(Department, form.to_department_id.data) if form.to_department_id.data else None,
            by=user(),
        ))
        if logged:
            moved = logged.result
            flash(transfer_services.transfer_sentence(moved) + " " + told_sentence(told_on_record(moved)), "success")
            if mentee_queries.can_edit_mentee(user(), mentee) or current_user.role == COORDINATOR:
                return redirect(url_for("people.mentee", mentee_id=mentee.id))
            # The mentee has left the administrator's sight; the transfer itself has not.
            return redirect(url_for("people.transfer", transfer_id=moved.id))
    return render_template("people/transfer_form.html", form=form, mentee=mentee), 422 if form.errors else 200


@bp.post("/transfers/<int:transfer_id>/cancel")
@allow(*MENTEE_EDITORS)
def transfer_cancel(transfer_id: int):
    transfer = db.get_or_404(Transfer, transfer_id)
    if current_user.role != COORDINATOR and transfer.logged_by_id != current_user.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        saved(None, lambda: transfer_services.cancel_transfer(transfer, by=user()),
              _("The transfer is cancelled and the mentee is back where they were."))
    if mentee_queries.can_edit_mentee(user(), transfer.mentee):
        return redirect(url_for("people.mentee", mentee_id=transfer.mentee_id))
    return redirect(url_for("people.transfer", transfer_id=transfer.id))


@bp.get("/transfers/<int:transfer_id>")
@allow(*MENTEE_EDITORS)
def transfer(transfer_id: int):
    """The transfer itself, for both hospitals' administrators: what moved where, who logged it and who was told."""
    transfer = transfer_queries.get_transfer_or_404(transfer_id, user())
    return _transfer_page(transfer, _department_form(ArrivalDepartmentForm(formdata=None), transfer))


def _department_form(form: ArrivalDepartmentForm, transfer: Transfer) -> ArrivalDepartmentForm:
    listed = transfer.to_hospital.departments if transfer.to_hospital else []
    form.department_id.choices = select_choices(choice_queries.named_choices(listed or choice_queries.departments()),
                                                blank=_("— choose —"))
    if form.department_id.data is None:
        form.department_id.data = transfer.to_department_id
    return form


def _transfer_page(transfer: Transfer, department_form: ArrivalDepartmentForm, status: int = 200):
    me = user()
    open_ = transfer.cancelled_at is None and (transfer_queries.last_transfer(transfer.mentee_id) or transfer).id == transfer.id
    receiving = open_ and transfer.kind == "hospital" and (
        is_receiving_admin(me, transfer) or me.role == COORDINATOR)
    people = {u.id: u for u in transfer_queries.users_by_id([transfer.logged_by_id, transfer.mentor_requested_by_id])}
    return render_template(
        "people/transfer.html", transfer=transfer, sentence=transfer_services.transfer_sentence(transfer),
        told=_told_text(transfer), logged_by=people.get(transfer.logged_by_id),
        requested_by=people.get(transfer.mentor_requested_by_id),
        can_read_mentee=bool(mentee_queries.readable_mentee_ids(me, [transfer.mentee_id])),
        can_cancel=open_ and correction_refusal(transfer, me, utcnow()) is None,
        can_set_department=receiving, can_request_mentor=receiving and is_receiving_admin(me, transfer),
        department_form=department_form, empty_form=EmptyForm(),
    ), status


def _told_text(transfer: Transfer) -> str | None:
    told = told_on_record(transfer)
    return told_sentence(told) if told is not None else None


@bp.post("/transfers/<int:transfer_id>/department")
@allow(*MENTEE_EDITORS)
def transfer_department(transfer_id: int):
    """The receiving administrator (or a coordinator) names the department the mentee works in at their hospital."""
    transfer = transfer_queries.get_transfer_or_404(transfer_id, user())
    if current_user.role != COORDINATOR and not is_receiving_admin(user(), transfer):
        abort(403)
    form = _department_form(ArrivalDepartmentForm(), transfer)
    if form.validate_on_submit():
        department = db.get_or_404(Department, form.department_id.data)
        saved(None, lambda: transfer_services.set_arrival_department(transfer, department, by=user()),
              _("%(name)s will work in %(department)s.", name=transfer.mentee.full_name, department=department.display_name))
        return redirect(url_for("people.transfer", transfer_id=transfer.id))
    return _transfer_page(transfer, form, 422)


@bp.post("/transfers/<int:transfer_id>/request-mentor")
@allow(HOSPITAL_ADMIN)
def transfer_request_mentor(transfer_id: int):
    """The receiving administrator asks the coordinators and the visiting team for a mentor, once."""
    transfer = transfer_queries.get_transfer_or_404(transfer_id, user())
    if not is_receiving_admin(user(), transfer):
        abort(403)
    if EmptyForm().validate_on_submit():
        saved(None, lambda: transfer_services.request_mentor(transfer, by=user()),
              _("The coordinator and the team visiting %(hospital)s are asked for a mentor.", hospital=transfer.to_hospital.name))
    return redirect(url_for("people.transfer", transfer_id=transfer.id))
