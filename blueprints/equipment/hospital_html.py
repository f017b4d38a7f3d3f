"""One hospital's equipment page: its "Recent checks" and "Gaps now" lists and its checklist table body, written
in Python as the gap matrix's body is (matrix_html.py; why: docs/perf-history.md), each row one f-string.

The markup is what equipment/hospital.html wrote, character for character: the item's name linking to its history,
a critical badge, required / available / functional, the gap as a word and a colour class, the last count's
date and the trend line (or why there is none). Every text from the database or a catalogue goes through
escape(); the rest are ints, fixed class names, URLs built by url_for and the SVG of charts.trend_svg."""

from functools import cache

from flask import url_for
from flask_babel import get_translations
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .matrix_html import day_formatter
from .models import RequestAddressee

DASH = "—"


def recent_checks(checks) -> Markup:
    """The <li> items of "Recent checks": rows of queries.hospital_checks, newest first."""
    check_url = url_for("equipment.check", check_id=0)[:-1]
    t = get_translations()
    visit, hospital = escape(_("visit")), escape(_("hospital"))
    items = cache(lambda n: escape(t.ungettext("%(num)s item", "%(num)s items", n) % {"num": n}))
    complete = f'<span class="badge ok">{escape(_("complete"))}</span>'
    in_progress = f'<span class="badge due">{escape(_("in progress"))}</span>'
    day = day_formatter()
    return Markup("".join([
        f'\n    <li><a href="{check_url}{check.id}">{escape(day(check.check_date))}</a>'
        f'\n      <span class="muted small">{visit if check.visit_id else hospital} · {items(check.rows)}</span>'
        f'\n      {in_progress if check.completed_at is None else complete}</li>\n  '
        for check in checks
    ]))


def gap_list(gaps: list[tuple], requests: dict | None = None, request_url: str | None = None) -> Markup:
    """The <li> items of "Gaps now": (row, sentence, working) triples, worst first; each with its open requests
    (`requests`: item id -> [(addressee, requested on)]) and, for who may log one, a link to (`request_url` + item id)."""
    badge = f'<span class="badge overdue">{escape(_("critical"))}</span> '
    requested = "✉ " + escape(_("requested of %(whom)s on %(date)s"))
    log = escape(_("Log a request"))
    day = day_formatter()

    def follow_up(item_id: int) -> str:
        marks = "".join(f'\n    <span class="small">{requested % {"whom": escape(RequestAddressee(whom).label), "date": escape(day(on))}}</span>'
                        for whom, on in (requests or {}).get(item_id, ()))
        link = f'\n    <a class="small" href="{request_url}{item_id}/requests/new">{log}</a>' if request_url else ""
        return marks + link

    return Markup("".join([
        f'\n  <li class="sev-{row.cell.severity}">{badge if row.item.critical else ""}\n'
        f'    <a href="{row.href}">{escape(sentence)}</a>\n'
        f'    <span class="muted small">({escape(working)})</span>{follow_up(row.item.id)}</li>\n'
        for row, sentence, working in gaps
    ]))


def checklist_body(rows: list, ward_labels: dict) -> Markup:
    """The <tr> rows of the "Current checklist" table's <tbody>, a group header row before each ward's items."""
    badge = f' <span class="badge overdue">{escape(_("critical"))}</span>'
    not_checked, one_count = escape(_("not checked")), escape(_("one count so far"))
    no_trend = f'<span class="muted small">{DASH}</span>'
    one_trend = f'<span class="muted small">{one_count}</span>'
    day = day_formatter()
    out, ward = [], None
    for row in rows:
        item, cell = row.item, row.cell
        if item.ward != ward:
            ward = item.ward
            out.append(f'\n    <tr class="group"><th scope="colgroup" colspan="7">{escape(ward_labels[ward])}</th></tr>')
        functional = cell.functional
        if functional is None:
            state = not_checked
        else:
            state = cell.gap or "✓ 0"
        checked_on = cell.checked_on
        trend = row.trend or (one_trend if checked_on else no_trend)
        out.append(
            f'\n    <tr>\n      <th scope="row"><a href="{row.href}">{escape(row.name)}</a>{badge if item.critical else ""}</th>'
            f'\n      <td class="num">{row.required}</td>'
            f'\n      <td class="num">{DASH if cell.available is None else cell.available}</td>'
            f'\n      <td class="num">{DASH if functional is None else functional}</td>'
            f'\n      <td class="num sev sev-{cell.severity}">{state}</td>'
            f'\n      <td>{escape(day(checked_on)) if checked_on else DASH}</td>'
            f'\n      <td>{trend}</td>\n    </tr>')
    return Markup("".join(out))
