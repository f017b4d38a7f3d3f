"""The equipment catalogue (coordinator): add, edit, set norms for and retire items."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...core.errors import saved
from ...core.extensions import db
from ...core.forms import EmptyForm, select_choices
from ...core.permissions import allow, user
from ...core.roles import COORDINATOR
from ...people.models import Hospital
from .. import gap_matrix, queries, services
from ..forms import WARD_LABELS, ItemForm, NormForm
from ..models import EquipmentItem
from . import bp


@bp.get("/catalogue")
@allow(COORDINATOR)
def catalogue():
    items = db.session.scalars(queries.catalogue_query()).all()
    return render_template("equipment/catalogue.html", items=items, ward_labels=WARD_LABELS, empty_form=EmptyForm())


@bp.route("/catalogue/new", methods=["GET", "POST"])
@allow(COORDINATOR)
def item_new():
    form = ItemForm()
    if form.validate_on_submit():
        created = saved(form, lambda: services.create_item(
            ward=form.ward.data, name=form.name.data, unit=form.unit.data or "", required_quantity=form.required_quantity.data,
            critical=form.critical.data, name_translations={"fr": form.name_fr.data or "", "rw": form.name_rw.data or ""}))
        if created:
            flash(_("%(item)s added to the checklist.", item=created.result.display_name), "success")
            return redirect(url_for("equipment.catalogue"))
    return render_template("equipment/item_form.html", form=form, item=None), 422 if form.errors else 200


@bp.route("/catalogue/<int:item_id>", methods=["GET", "POST"])
@allow(COORDINATOR)
def item_edit(item_id: int):
    item = db.get_or_404(EquipmentItem, item_id)
    form = ItemForm(obj=item)
    norm_form = NormForm(formdata=None)
    hospitals = gap_matrix.scoped_hospitals(user())
    norm_form.hospital_id.choices = select_choices((h.id, h.name) for h in hospitals)
    if not form.is_submitted():
        form.name_fr.data, form.name_rw.data = (item.name_translations or {}).get("fr"), (item.name_translations or {}).get("rw")
    if form.validate_on_submit():
        if saved(form, lambda: services.update_item(
                item, ward=form.ward.data, name=form.name.data, unit=form.unit.data or "unit",
                required_quantity=form.required_quantity.data, critical=form.critical.data,
                name_translations={"fr": form.name_fr.data or "", "rw": form.name_rw.data or ""}), _("Saved.")):
            return redirect(url_for("equipment.catalogue"))
    return render_template("equipment/item_form.html", form=form, item=item, norm_form=norm_form,
                           norms=queries.norms_for_item(item.id), hospitals=hospitals, empty_form=EmptyForm()), 422 if form.errors else 200


@bp.post("/catalogue/<int:item_id>/norms")
@allow(COORDINATOR)
def item_norm(item_id: int):
    item = db.get_or_404(EquipmentItem, item_id)
    form = NormForm()
    form.hospital_id.choices = select_choices((h.id, h.name) for h in gap_matrix.scoped_hospitals(user()))
    if form.validate_on_submit():
        saved(None, lambda: services.set_norm(item, db.get_or_404(Hospital, form.hospital_id.data), form.required_quantity.data),
              _("Norm saved."))
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("equipment.item_edit", item_id=item.id))


@bp.post("/catalogue/<int:item_id>/retire")
@allow(COORDINATOR)
def item_retire(item_id: int):
    item = db.get_or_404(EquipmentItem, item_id)
    if EmptyForm().validate_on_submit() and saved(None, lambda: services.update_item(item, retired=not item.retired)):
        flash(_("%(item)s retired: it leaves the checklist, its history stays.", item=item.display_name) if item.retired
              else _("%(item)s is back on the checklist.", item=item.display_name), "info")
    return redirect(url_for("equipment.catalogue"))
