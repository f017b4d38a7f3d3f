"""Equipment checklists: start one (for a hospital or a visit), count each item, complete it."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ...core.clock import today
from ...core.errors import saved
from ...core.extensions import db
from ...core.forms import EmptyForm
from ...core.htmx import htmx_redirect, render_page_or_fragment
from ...core.permissions import allow, user
from ...core.roles import COORDINATOR, HOSPITAL_ADMIN
from .. import queries, services
from ..forms import WARD_LABELS, CountForm, StartCheckForm
from ..models import EquipmentItem
from . import CHECKERS, READERS, bp


@bp.post("/hospitals/<int:hospital_id>/checks")
@allow(COORDINATOR, HOSPITAL_ADMIN)
def check_start(hospital_id: int):
    hospital = queries.get_equipment_hospital_or_404(hospital_id, user())
    form = StartCheckForm()
    if form.validate_on_submit():
        if started := saved(None, lambda: services.start_check(hospital, form.check_date.data, by=user())):
            return redirect(url_for("equipment.check", check_id=started.result.id))
    else:
        flash(_("Give the date of the check."), "error")
    return redirect(url_for("equipment.hospital", hospital_id=hospital.id))


@bp.route("/visits/<int:visit_id>/check", methods=["GET", "POST"])
@allow(*CHECKERS)
def visit_check(visit_id: int):
    """The equipment check of a visit: opens it when it exists, else offers to start it (the visit page links here)."""
    visit = queries.get_visit_or_404(visit_id, user())
    existing = queries.check_for_visit(visit.id)
    if existing is not None:
        return redirect(url_for("equipment.check", check_id=existing.id))
    can_start = queries.can_start_visit_check(user(), visit, today())
    form = EmptyForm()
    if request.method == "POST":
        if not can_start:
            abort(403)
        if form.validate_on_submit():
            if started := saved(None, lambda: services.start_visit_check(visit, by=user())):
                return redirect(url_for("equipment.check", check_id=started.result.id))
    return render_template("equipment/visit_check.html", visit=visit, can_start=can_start, form=form)


def _checklist(check, override: dict | None = None) -> list[dict]:
    """The rows of a checklist: saved numbers, else the last check's (prefilled), else empty."""
    saved = queries.check_rows(check.id)
    previous = queries.previous_counts(check)
    rows = []
    for item, required in queries.items_for(check.hospital_id):
        if override and override["item"].id == item.id:
            rows.append(override)
            continue
        rows.append(_row(check, item, required, saved.get(item.id), previous.get(item.id)))
    return rows


def _row(check, item, required, saved, previous, form=None, message=None, conflict=False) -> dict:
    if form is None:
        source = saved or (previous[0] if previous else None)
        form = CountForm(formdata=None, prefix=f"i{item.id}", obj=source)
        if source is not None:
            form.reason.data = source.reason or ""
        form.version.data = saved.version if saved else 0
    return {"item": item, "required": required, "form": form, "saved": saved,
            "previous_date": previous[1] if previous else None, "message": message, "conflict": conflict}


@bp.get("/checks/<int:check_id>")
@allow(*READERS)
def check(check_id: int):
    check = queries.get_check_or_404(check_id, user())
    return render_template("equipment/check.html", check=check, rows=_checklist(check), ward_labels=WARD_LABELS,
                           can_edit=queries.can_edit_check(user(), check, today()), empty_form=EmptyForm())


@bp.post("/checks/<int:check_id>/items/<int:item_id>")
@allow(*CHECKERS)
def count_save(check_id: int, item_id: int):
    check = queries.get_check_or_404(check_id, user())
    if not queries.can_edit_check(user(), check, today()):
        abort(403)
    item = db.get_or_404(EquipmentItem, item_id)
    required = queries.norms_for_item(item.id).get(check.hospital_id, item.required_quantity)
    form = CountForm(prefix=f"i{item.id}")
    status, message, count, done = 422, None, None, None
    if form.validate_on_submit():
        try:
            done = saved(form, lambda: services.save_count(
                check, item, available=form.available.data, functional=form.functional.data, reason=form.reason.data,
                note=form.note.data, version=form.version.data, by=user()))
        except services.Conflict as conflict:
            db.session.rollback()
            theirs = conflict.row
            status = 409
            who = theirs.updated_by.display_name if theirs.updated_by else _("someone")
            message = ngettext("%(who)s saved this row meanwhile: %(num)s of %(a)s functional. Your numbers are below; save again "
                               "to replace theirs.", "%(who)s saved this row meanwhile: %(num)s of %(a)s functional. Your numbers "
                               "are below; save again to replace theirs.", theirs.functional, who=who, a=theirs.available)
            form.version.raw_data = None
            form.version.data = theirs.version
            count = theirs
        if done:
            count = done.result
            if not request.headers.get("HX-Request"):
                flash(_("%(item)s saved.", item=item.display_name), "success")
                return redirect(url_for("equipment.check", check_id=check.id, _anchor=f"row-{item.id}"))
            status, message = 200, _("Saved.")
            form = None
    row = _row(check, item, required, count, None, form=form, message=message, conflict=status == 409)
    if form is None:
        row["form"].version.data = count.version
    return render_page_or_fragment("equipment/check.html", "equipment/_count_row.html", status=status,
                                   check=check, row=row, rows=_checklist(check, override=row) if status != 200 else [],
                                   ward_labels=WARD_LABELS, can_edit=True, empty_form=EmptyForm())


@bp.post("/checks/<int:check_id>/complete")
@allow(*CHECKERS)
def check_complete(check_id: int):
    check = queries.get_check_or_404(check_id, user())
    if not queries.can_edit_check(user(), check, today()):
        abort(403)
    if EmptyForm().validate_on_submit():
        completed = saved(None, lambda: services.complete_check(check, by=user()), _("The check is complete."))
        if completed and completed.result:
            flash(_("Never counted at this hospital, so not in this check: %(items)s.",
                    items=", ".join(i.display_name for i in completed.result)), "warning")
    return htmx_redirect(url_for("equipment.check", check_id=check.id))
