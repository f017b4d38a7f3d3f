"""Transfer pages: log a mentee's move and cancel a mistaken one."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.clock import today
from ...core.errors import saved
from ...core.extensions import db
from ...core.forms import EmptyForm, select_choices
from ...core.permissions import allow, user
from ...core.roles import COORDINATOR
from ..forms import TransferForm
from ..models import Department, Hospital, Transfer
from ..queries import choices as choice_queries
from ..queries import hospitals as hospital_queries
from ..queries import mentees as mentee_queries
from ..services import transfers as transfer_services
from ..transfer_notices import told_sentence
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
            flash(transfer_services.transfer_sentence(moved) + " " + told_sentence(moved.told), "success")
            if mentee_queries.can_edit_mentee(user(), mentee) or current_user.role == COORDINATOR:
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
        saved(None, lambda: transfer_services.cancel_transfer(transfer, by=user()),
              _("The transfer is cancelled and the mentee is back where they were."))
    if mentee_queries.can_edit_mentee(user(), transfer.mentee):
        return redirect(url_for("people.mentee", mentee_id=transfer.mentee_id))
    return redirect(url_for("people.mentees"))
