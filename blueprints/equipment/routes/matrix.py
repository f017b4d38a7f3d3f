"""The gap matrix (page and CSV), one hospital's equipment page and an item's history there."""

from datetime import date
from functools import cache
from typing import NamedTuple

from flask import current_app, render_template, request, url_for
from flask_babel import get_translations
from flask_babel import gettext as _
from flask_login import current_user

from ...core.clock import today
from ...core.downloads import csv_records_response
from ...core.extensions import db
from ...core.forms import EmptyForm
from ...core.htmx import render_page_or_fragment
from ...core.i18n import current_language, localized_name
from ...core.pagination import paginate_list
from ...core.permissions import allow, user
from ...core.roles import COORDINATOR, HOSPITAL_ADMIN
from ...people.scopes import can_request_equipment
from .. import gap_matrix, queries
from ..charts import trend_points, trend_svg
from ..forms import REASON_LABELS, WARD_LABELS, StartCheckForm
from ..gaps import Cell
from ..hospital_html import checklist_body, gap_list, recent_checks
from ..matrix_csv import csv_header, csv_records
from ..matrix_html import day_formatter, gap_sentence_parts, matrix_body
from ..matrix_html import gap_sentence as _gap_sentence
from ..models import EquipmentItem
from . import READERS, bp, matrix_filters


@bp.get("/")
@allow(*READERS)
def matrix():
    filters = matrix_filters()
    data = gap_matrix.matrix(user(), **filters, one_province="province" not in request.args, requests=True)
    filters["province"] = data.pop("province")
    page = paginate_list(data["rows"], current_app.config["MATRIX_PER_PAGE"])  # worst first: sorted on every cell
    return render_page_or_fragment("equipment/matrix.html", "equipment/_matrix.html", filters=filters, ward_labels=WARD_LABELS,
                                   body=matrix_body(page.items, data["items"], data.pop("requested")), page=page, **data)


@bp.get("/matrix.csv")
@allow(*READERS)
def matrix_csv():
    filters = matrix_filters()
    data = gap_matrix.matrix(user(), **filters)
    name = ("equipment-gaps", filters["province"], filters["ward"], "critical" if filters["critical_only"] else None,
            "by-name" if filters["sort"] == "name" else None, today().isoformat())
    return csv_records_response(name, csv_header(), csv_records(data["rows"], data["items"]))


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
    can_request = can_request_equipment(user(), hospital.id)
    day = day_formatter()
    gaps = sorted(((row, _gap_sentence(row.cell, row.name, hospital.name, parts, day),
                    working(row.cell.functional) % {"num": row.cell.functional, "r": row.cell.required}) for row in rows if row.cell.gap),
                  key=lambda gap: (not gap[0].item.critical, gap[0].cell.gap_since or date.max))
    return render_template(
        "equipment/hospital.html", hospital=hospital, checks=checks, visit=visit, can_start=can_start,
        # only the form the page shows: a mentor's visit checklist, else a coordinator's or administrator's check
        start_form=StartCheckForm(formdata=None, check_date=today()) if can_start and not visit else None,
        empty_form=EmptyForm() if visit else None,
        gaps=gap_list(gaps, {item: marks for (_h, item), marks in queries.open_requests(user(), hospital.id).items()},
                      history_url if can_request else None),
        can_request=can_request, checklist=checklist_body(rows, WARD_LABELS),
    )


@bp.get("/hospitals/<int:hospital_id>/items/<int:item_id>")
@allow(*READERS)
def item_history(hospital_id: int, item_id: int):
    hospital = queries.get_equipment_hospital_or_404(hospital_id, user())
    item = db.get_or_404(EquipmentItem, item_id)
    required = queries.norms_for_item(item.id).get(hospital.id, item.required_quantity)
    rows = queries.hospital_history(hospital.id, item.id).get(item.id, [])
    cell = gap_matrix.cells_from_counts([hospital.id], [item.id]).get((hospital.id, item.id))
    since, checks = (cell.gap_since, cell.gap_checks) if cell else (None, 0)
    return render_template("equipment/item_history.html", hospital=hospital, item=item, required=required, rows=rows,
                           since=since, gap_checks=checks, reason_labels=REASON_LABELS, ward_labels=WARD_LABELS,
                           trend=trend_points([(r[0], r[2]) for r in reversed(rows)], required, width=480, height=90))
