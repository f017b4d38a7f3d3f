"""Requests for missing equipment: logged from a gap, followed up and resolved, by a coordinator or the hospital's
administrator (people/scopes.py: `equipment_requests_scope`, `can_request_equipment`)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...core import limits
from ...core.clock import today
from ...core.errors import saved
from ...core.extensions import db
from ...core.htmx import render_page_or_fragment
from ...core.pagination import paginate
from ...core.permissions import allow, user
from ...core.roles import COORDINATOR, HOSPITAL_ADMIN
from ...people.scopes import can_request_equipment
from .. import queries, services
from ..forms import FollowUpForm, RequestForm, ResolveForm
from ..models import EquipmentItem, RequestAddressee, RequestOutcome
from . import bp

REQUESTERS = (COORDINATOR, HOSPITAL_ADMIN)


@bp.get("/requests")
@allow(*REQUESTERS)
def requests():
    status = request.args.get("status", "open")
    status = status if status in queries.REQUEST_STATUSES else "open"
    search = request.args.get("q", "").strip()[: limits.TITLE]
    page = paginate(queries.equipment_requests(user(), search, status))
    return render_page_or_fragment("equipment/requests.html", "equipment/_requests_table.html", page=page, q=search,
                                   status_filter=status, today=today())


@bp.route("/hospitals/<int:hospital_id>/items/<int:item_id>/requests/new", methods=["GET", "POST"])
@allow(*REQUESTERS)
def request_new(hospital_id: int, item_id: int):
    hospital = queries.get_equipment_hospital_or_404(hospital_id, user())
    if not can_request_equipment(user(), hospital.id):
        abort(403)
    item = db.get_or_404(EquipmentItem, item_id)
    form = RequestForm(requested_on=today()) if request.method == "GET" else RequestForm()
    if form.validate_on_submit():
        done = saved(form, lambda: services.log_request(
            hospital, item, addressee=form.addressee.data, requested_on=form.requested_on.data, by=user(),
            addressee_name=form.addressee_name.data or "", reference=form.reference.data or "", note=form.note.data or ""),
            _("Request logged."))
        if done:
            return redirect(url_for("equipment.request_detail", request_id=done.result.id))
    return render_template("equipment/request_form.html", form=form, hospital=hospital, item=item,
                           open_requests=queries.open_requests(user(), hospital.id).get((hospital.id, item.id), []),
                           addressees=RequestAddressee), 422 if form.errors else 200


@bp.get("/requests/<int:request_id>")
@allow(*REQUESTERS)
def request_detail(request_id: int):
    record = queries.get_request_or_404(request_id, user())
    return _detail(record, FollowUpForm(formdata=None, followed_up_on=today()),
                   ResolveForm(formdata=None, resolved_on=today()))


def _detail(record, follow_up_form, resolve_form, status: int = 200):
    return render_template("equipment/request.html", record=record, follow_up_form=follow_up_form,
                           resolve_form=resolve_form, today=today(), outcomes=RequestOutcome), status


@bp.post("/requests/<int:request_id>/follow-ups")
@allow(*REQUESTERS)
def request_follow_up(request_id: int):
    record = queries.get_request_or_404(request_id, user())
    form = FollowUpForm()
    if form.validate_on_submit() and saved(form, lambda: services.add_follow_up(
            record, followed_up_on=form.followed_up_on.data, note=form.note.data or "", by=user()), _("Follow-up added.")):
        return redirect(url_for("equipment.request_detail", request_id=record.id))
    record = queries.get_request_or_404(request_id, user())
    return _detail(record, form, ResolveForm(formdata=None, resolved_on=today()), 422)


@bp.post("/requests/<int:request_id>/resolve")
@allow(*REQUESTERS)
def request_resolve(request_id: int):
    record = queries.get_request_or_404(request_id, user())
    form = ResolveForm()
    if form.validate_on_submit() and saved(form, lambda: services.resolve_request(
            record, outcome=form.outcome.data, resolved_on=form.resolved_on.data, note=form.resolution_note.data or "",
            by=user())):
        flash(_("Request closed: %(outcome)s.", outcome=record.outcome.label), "success")
        return redirect(url_for("equipment.request_detail", request_id=record.id))
    record = queries.get_request_or_404(request_id, user())
    return _detail(record, FollowUpForm(formdata=None, followed_up_on=today()), form, 422)
