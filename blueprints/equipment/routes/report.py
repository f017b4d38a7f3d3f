"""The advocacy report of equipment gaps (page, CSV, PDFs) and the template filter that words a gap."""

from datetime import date, timedelta
from functools import cache
from typing import NamedTuple

from flask import Response, render_template, request
from flask_babel import get_translations, ngettext
from flask_babel import gettext as _

from ...core import limits
from ...core.clock import today
from ...core.downloads import attachment, csv_response, file_name
from ...core.extensions import db
from ...core.formatting import format_day
from ...core.i18n import current_language, localized_name
from ...core.permissions import allow, user
from ...reports.pdf import render_pdf
from .. import gap_matrix, queries
from ..charts import line_points
from ..forms import WARD_LABELS
from ..matrix_html import day_formatter, gap_sentence_parts
from ..matrix_html import gap_sentence as _gap_sentence
from ..models import RequestAddressee, RequestOutcome
from ..report_html import gap_rows
from . import READERS, bp, matrix_filters

REQUESTS_CLOSED_WITHIN = 365  # days: the report's requests are the open ones and those closed in the last year


def _report(hospital_id: int | None, filters: dict | None = None, with_trend: bool = True, one_province: bool = False) -> dict:
    """The gap rows of the matrix's hospitals and items (cut by the matrix's filters), each with how long it has
    lasted: critical items first and the oldest gaps first, or by hospital name when sorted so. The programme's
    trend and the rows' markup only for the page and the PDF (`with_trend`), which draw them. `one_province`: as
    the matrix, past a hundred hospitals and no province asked for, only the first province's gaps and requests."""
    u = user()
    hospital = queries.get_equipment_hospital_or_404(hospital_id, u) if hospital_id is not None else None
    filters = filters or {"province": None, "ward": None, "critical_only": False, "sort": "gap"}
    data = gap_matrix.matrix(u, **filters, one_province=one_province and hospital is None, gaps_only=True)
    filters = {**filters, "province": data["province"]}
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
    requests = queries.report_requests(u, [r["hospital"].id for r in rows], [item.id for item in data["items"]],
                                       today() - timedelta(days=REQUESTS_CLOSED_WITHIN))
    open_by_cell: dict[tuple[int, int], list] = {}
    for record in requests:
        if record.outcome is None:
            open_by_cell.setdefault((record.hospital_id, record.item_id), []).append(record)
    day, whom = day_formatter(), {a: str(a.label) for a in RequestAddressee}
    requested_of = _("requested of %(whom)s on %(date)s")
    for g in gaps:
        g["requests"] = open_by_cell.get((g["hospital"].id, g["item"].id), ())
        g["requested"] = [requested_of % {"whom": whom[r.addressee], "date": day(r.requested_on)} for r in g["requests"]]
    trend = None
    if hospital is None and with_trend:
        changes = gap_matrix.critical_gap_changes(u)
        trend = line_points(gap_matrix.critical_gap_trend(changes, _month_ends(changes[0][0] if changes else None)))
    return {"hospital": hospital, "gaps": gaps, "gap_rows": gap_rows(gaps, WARD_LABELS) if with_trend else None,
            "rows": rows, "trend": trend, "today": today(), "filters": filters,
            "provinces": data["provinces"], "ward_labels": WARD_LABELS, "requests": _request_rows(requests, today(), day, whom),
            "unchecked": [r["hospital"] for r in rows if not r["checked"]]}


class RequestRow(NamedTuple):
    """One request in the report, its texts worked out in Python (hundreds of rows nationally; see matrix_html.py)."""

    gap: str
    whom: str
    reference: str
    requested_on: str
    follow_ups: int
    last_follow_up: str
    answer: str
    note: str
    days: str


def _request_rows(requests: list[queries.ReportRequest], on: date, day, whom: dict) -> list[RequestRow]:
    """The report's request rows: every open request and those closed lately, with days open or days to answer."""
    t = get_translations()
    open_for = cache(lambda n: t.ungettext("%(num)s day open", "%(num)s days open", n) % {"num": n})
    answered = cache(lambda n: t.ungettext("answered in %(num)s day", "answered in %(num)s days", n) % {"num": n})
    outcome = {o: str(o.label) for o in RequestOutcome}
    reference, last, none_yet = _("Ref. %(ref)s"), _("last %(date)s"), _("none yet")
    language = current_language()
    names: dict[int, str] = {}
    rows = []
    for r in requests:
        name = names.get(r.item_id) or names.setdefault(r.item_id, localized_name(r.item_name, r.item_name_translations, language))
        is_open = r.outcome is None
        rows.append(RequestRow(
            f"{r.hospital_name} · {name}", whom[r.addressee] + (f" · {r.addressee_name}" if r.addressee_name else ""),
            reference % {"ref": r.reference} if r.reference else "", day(r.requested_on), r.follow_ups,
            last % {"date": day(r.last_follow_up)} if r.last_follow_up else "",
            none_yet if is_open else f"{outcome[r.outcome]}, {day(r.resolved_on)}", r.resolution_note,
            open_for(r.days_open(on)) if is_open else answered(r.days_open(on))))
    return rows


def _month_ends(first: date | None) -> list[date]:
    """Month ends from the first count (`first`) to today (at most five years)."""
    if first is None:
        return []
    end = today()
    start = max(first, date(end.year - 5, end.month, 1))
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        following = date(year + (month == 12), month % 12 + 1, 1)
        months.append(min(date.fromordinal(following.toordinal() - 1), end))
        year, month = following.year, following.month
    return months


@bp.get("/report")
@allow(*READERS)
def report():
    return render_template("equipment/report.html", **_report(limits.id_arg("hospital"), matrix_filters(),
                                                              one_province="province" not in request.args))


@bp.get("/report.csv")
@allow(*READERS)
def report_csv():
    filters = matrix_filters()
    context = _report(None, filters, with_trend=False)
    header = [_("Hospital"), _("Province"), _("Ward"), _("Item"), _("Critical"), _("Required"), _("Functional"), _("Gap"),
              _("Gap since"), _("Checks with the gap"), _("How long"), _("Open requests")]
    wards = {ward: str(label) for ward, label in WARD_LABELS.items()}
    yes = _("yes")
    rows = ([g["hospital"].name, g["hospital"].province, wards[g["item"].ward], g["item"].display_name,
             yes if g["item"].critical else "", g["cell"].required, g["cell"].functional, g["cell"].gap,
             g["cell"].gap_since, g["cell"].gap_checks, g["duration"], _requests_text(g["requests"], context["today"])]
            for g in context["gaps"])
    name = ("equipment-gap-report", filters["province"], filters["ward"], "critical" if filters["critical_only"] else None,
            "by-name" if filters["sort"] == "name" else None, today().isoformat())
    return csv_response(name, header, rows)


def _requests_text(requests, on: date) -> str:
    """'Ministry of Health, 2 Mar 2026, ref. MoH/45 (100 days open)' for each open request of a gap."""
    return "; ".join(
        _("%(whom)s, %(date)s%(ref)s (%(age)s)", whom=r.addressee.label, date=format_day(r.requested_on),
          ref=", " + _("ref. %(ref)s", ref=r.reference) if r.reference else "",
          age=ngettext("%(num)s day open", "%(num)s days open", r.days_open(on)))
        for r in requests)


@bp.get("/report.pdf")
@allow(*READERS)
def report_pdf():
    filters = matrix_filters()
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
    return attachment(response, f"{name}-{today().isoformat()}", "pdf")


@bp.app_template_filter("gap_sentence")
def gap_sentence(cell, item, hospital) -> str:
    """'no functional Bubble CPAP at Nemba since 12 Mar 2025, 8 checks' (or the shortfall when some work)."""
    return _gap_sentence(cell, item.display_name, hospital.name, gap_sentence_parts())
