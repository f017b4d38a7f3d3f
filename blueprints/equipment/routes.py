"""Equipment pages: the gap matrix, one hospital, an item's history, checklists, the catalogue, the report."""

from datetime import date
from functools import cache
from typing import NamedTuple

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_translations, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core import limits
from ..core.clock import today
from ..core.downloads import attachment, csv_response, file_name
from ..core.errors import saved
from ..core.extensions import db
from ..core.forms import EmptyForm, select_choices
from ..core.htmx import htmx_redirect, render_page_or_fragment
from ..core.i18n import current_language, localized_name
from ..core.navigation import menu
from ..core.permissions import allow, user
from ..core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ..people.models import Hospital
from ..reports.pdf import render_pdf
from . import queries, services
from .charts import line_points, trend_points, trend_svg
from .forms import REASON_LABELS, WARD_LABELS, CountForm, ItemForm, NormForm, StartCheckForm
from .gaps import Cell
from .hospital_html import checklist_body, gap_list, recent_checks
from .matrix_html import day_formatter, gap_sentence_parts, matrix_body
from .matrix_html import gap_sentence as _gap_sentence
from .models import EquipmentItem

bp = Blueprint("equipment", __name__, url_prefix="/equipment")
menu.add("equipment.matrix", _l("Equipment"), 100, roles=(COORDINATOR, HOSPITAL_ADMIN))  # not in a mentor's bar, who may still open it

READERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)
CHECKERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)


def _matrix_filters() -> dict:
    ward = request.args.get("ward", "")
    return {
        "province": request.args.get("province", "").strip() or None,
        "ward": ward if ward in WARD_LABELS else None,
        "critical_only": request.args.get("critical") == "1",
        "sort": "name" if request.args.get("sort") == "name" else "gap",
    }


@bp.get("/")
@allow(*READERS)
def matrix():
    filters = _matrix_filters()
    data = queries.matrix(user(), **filters)
    return render_page_or_fragment("equipment/matrix.html", "equipment/_matrix.html", filters=filters, ward_labels=WARD_LABELS,
                                   body=matrix_body(data["rows"], data["items"]), **data)


@bp.get("/matrix.csv")
@allow(*READERS)
def matrix_csv():
    filters = _matrix_filters()
    data = queries.matrix(user(), **filters)
    header = [_("Hospital"), _("Province"), _("Ward"), _("Item"), _("Critical"), _("Required"), _("Available"),
              _("Functional"), _("Gap"), _("Last checked"), _("Gap since"), _("Checks with the gap")]
    wards = {ward: str(label) for ward, label in WARD_LABELS.items()}  # translated once, not once per row
    yes = _("yes")
    rows = (
        [row["hospital"].name, row["hospital"].province, wards[item.ward], item.display_name, yes if item.critical else "",
         *((cell.required, cell.available, cell.functional, cell.gap, cell.checked_on, cell.gap_since, cell.gap_checks)
           if cell is not None else ("",) * 7)]
        for row in data["rows"] for item, cell in zip(data["items"], row["cells"], strict=True)
    )
    name = ("equipment-gaps", filters["province"], filters["ward"], "critical" if filters["critical_only"] else None,
            "by-name" if filters["sort"] == "name" else None, today().isoformat())
    return csv_response(name, header, rows)


class ChecklistRow(NamedTuple):
    """One item on a hospital's page, worked out in the route (a tuple: attribute lookups in Jinja are direct)."""

    item: object         # a row of queries.hospital_items: id, ward, critical, …
    name: str            # in the reader's language
    required: int
    cell: object         # gaps.Cell
    href: str            # the item's history at this hospital
    trend: object        # Markup of the SVG trend line, or None with fewer than two counts


@bp.get("/hospitals/<int:hospital_id>")
@allow(*READERS)
def hospital(hospital_id: int):
    hospital = queries.get_equipment_hospital_or_404(hospital_id, user())
    items = queries.hospital_items(hospital.id)
    trends = queries.hospital_trends(hospital.id)
    # Worked out once per row here rather than in the template (60 rows nationally): the item's name in the
    # reader's language, its current cell, its history link, and its trend line as SVG markup (coordinates
    # shared through `memo`).
    label, parts = _("%(item)s: functional count at each check"), gap_sentence_parts()
    t = get_translations()
    working = cache(lambda n: t.ungettext("%(num)s of %(r)s required working", "%(num)s of %(r)s required working", n))
    history_url = url_for("equipment.item_history", hospital_id=hospital.id, item_id=0)[:-1]
    language, memo = current_language(), {}
    rows = []
    for item in items:
        name, required = localized_name(item.name, item.name_translations, language), item.required
        cell = Cell(required, item.available, item.functional, item.checked_on, item.gap_since, item.gap_checks or 0)
        rows.append(ChecklistRow(item, name, required, cell, f"{history_url}{item.id}",
                                 trend_svg(trend_points(trends.get(item.id, ()), required, memo=memo), label % {"item": name})))
    checks = recent_checks(queries.hospital_checks(hospital.id))
    visit = queries.current_team_visit(user(), hospital.id, today())
    can_start = current_user.role in (COORDINATOR, HOSPITAL_ADMIN)
    day = day_formatter()
    gaps = sorted(((row, _gap_sentence(row.cell, row.name, hospital.name, parts, day),
                    working(row.cell.functional) % {"num": row.cell.functional, "r": row.cell.required}) for row in rows if row.cell.gap),
                  key=lambda gap: (not gap[0].item.critical, gap[0].cell.gap_since or date.max))
    return render_template(
        "equipment/hospital.html", hospital=hospital, checks=checks, visit=visit, can_start=can_start,
        # only the form the page shows: a mentor's visit checklist, else a coordinator's or administrator's check
        start_form=StartCheckForm(formdata=None, check_date=today()) if can_start and not visit else None,
        empty_form=EmptyForm() if visit else None,
        gaps=gap_list(gaps), checklist=checklist_body(rows, WARD_LABELS),
    )


@bp.get("/hospitals/<int:hospital_id>/items/<int:item_id>")
@allow(*READERS)
def item_history(hospital_id: int, item_id: int):
    hospital = queries.get_equipment_hospital_or_404(hospital_id, user())
    item = db.get_or_404(EquipmentItem, item_id)
    required = queries.norms_for_item(item.id).get(hospital.id, item.required_quantity)
    rows = queries.hospital_history(hospital.id, item.id).get(item.id, [])
    cell = queries.cells_from_counts([hospital.id], [item.id]).get((hospital.id, item.id))
    since, checks = (cell.gap_since, cell.gap_checks) if cell else (None, 0)
    return render_template("equipment/item_history.html", hospital=hospital, item=item, required=required, rows=rows,
                           since=since, gap_checks=checks, reason_labels=REASON_LABELS, ward_labels=WARD_LABELS,
                           trend=trend_points([(r[0], r[2]) for r in reversed(rows)], required, width=480, height=90))


# --- checks ------------------------------------------------------------------------------------

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


# --- catalogue (coordinator) -------------------------------------------------------------------

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
    hospitals = queries.scoped_hospitals(user())
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
    form.hospital_id.choices = select_choices((h.id, h.name) for h in queries.scoped_hospitals(user()))
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


# --- the advocacy report -----------------------------------------------------------------------

def _report(hospital_id: int | None, filters: dict | None = None, with_trend: bool = True) -> dict:
    """The gap rows of the matrix's hospitals and items (cut by the matrix's filters), each with how long it has
    lasted: critical items first and the oldest gaps first, or by hospital name when sorted so. The programme's
    trend (a read of every critical count) only for the page and the PDF, which draw it."""
    u = user()
    hospital = queries.get_equipment_hospital_or_404(hospital_id, u) if hospital_id is not None else None
    filters = filters or {"province": None, "ward": None, "critical_only": False, "sort": "gap"}
    data = queries.matrix(u, **filters)
    rows = [r for r in data["rows"] if hospital is None or r["hospital"].id == hospital.id]
    duration = gap_sentence_parts()[3]
    gaps = [
        {"hospital": r["hospital"], "item": item, "cell": cell, "duration": duration(cell.gap_since, cell.gap_checks)}
        for r in rows for item, cell in zip(data["items"], r["cells"], strict=True) if cell is not None and cell.gap
    ]
    if filters["sort"] == "name":
        gaps.sort(key=lambda g: (g["hospital"].name, not g["item"].critical, g["cell"].gap_since or date.max, g["item"].name))
    else:
        gaps.sort(key=lambda g: (not g["item"].critical, g["cell"].gap_since or date.max, g["hospital"].name, g["item"].name))
    trend = None
    if hospital is None and with_trend:
        history = queries.critical_history(u)
        trend = line_points(queries.critical_gap_trend(history, _month_ends(history)))
    return {"hospital": hospital, "gaps": gaps, "rows": rows, "trend": trend, "today": today(), "filters": filters,
            "provinces": data["provinces"], "ward_labels": WARD_LABELS,
            "unchecked": [r["hospital"] for r in rows if not r["checked"]]}


def _month_ends(history) -> list[date]:
    """Month ends from the first count to today (at most five years)."""
    if not history:
        return []
    end = today()
    start = max(history[0][2], date(end.year - 5, end.month, 1))
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        following = date(year + (month == 12), month % 12 + 1, 1)
        months.append(min(date.fromordinal(following.toordinal() - 1), end))
        year, month = following.year, following.month
    return months


@bp.get("/report")
@allow(*READERS)
def report():
    return render_template("equipment/report.html", **_report(limits.id_arg("hospital"), _matrix_filters()))


@bp.get("/report.csv")
@allow(*READERS)
def report_csv():
    filters = _matrix_filters()
    context = _report(None, filters, with_trend=False)
    header = [_("Hospital"), _("Province"), _("Ward"), _("Item"), _("Critical"), _("Required"), _("Functional"), _("Gap"),
              _("Gap since"), _("Checks with the gap"), _("How long")]
    wards = {ward: str(label) for ward, label in WARD_LABELS.items()}
    yes = _("yes")
    rows = ([g["hospital"].name, g["hospital"].province, wards[g["item"].ward], g["item"].display_name,
             yes if g["item"].critical else "", g["cell"].required, g["cell"].functional, g["cell"].gap,
             g["cell"].gap_since, g["cell"].gap_checks, g["duration"]] for g in context["gaps"])
    name = ("equipment-gap-report", filters["province"], filters["ward"], "critical" if filters["critical_only"] else None,
            "by-name" if filters["sort"] == "name" else None, today().isoformat())
    return csv_response(name, header, rows)


@bp.get("/report.pdf")
@allow(*READERS)
def report_pdf():
    filters = _matrix_filters()
    name = file_name("equipment-gap-report", filters["province"], filters["ward"],
                     "critical" if filters["critical_only"] else None, "by-name" if filters["sort"] == "name" else None)
    return _pdf_response(_report(None, filters), name)


@bp.get("/hospitals/<int:hospital_id>/report.pdf")
@allow(*READERS)
def hospital_report_pdf(hospital_id: int):
    context = _report(hospital_id)
    return _pdf_response(context, f"equipment-gap-report-{context['hospital'].name}")


def _pdf_response(context: dict, name: str) -> Response:
    html = render_template("equipment/report_pdf.html", **context)
    db.session.rollback()  # every value is read; nothing below holds a transaction open while rendering
    response = Response(render_pdf(html, stylesheet=None), mimetype="application/pdf")  # its CSS is inline
    return attachment(response, f"{name}-{today().isoformat()}", "pdf", inline=True)


@bp.app_template_filter("gap_sentence")
def gap_sentence(cell, item, hospital) -> str:
    """'no functional Bubble CPAP at Nemba since 12 Mar 2025, 8 checks' (or the shortfall when some work)."""
    return _gap_sentence(cell, item.display_name, hospital.name, gap_sentence_parts())
