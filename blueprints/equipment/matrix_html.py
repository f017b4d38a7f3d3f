"""The gap matrix's table body, written in Python, one f-string a cell, with every translated string, URL prefix
and item name worked out and escaped once per request (why not a Jinja loop: docs/perf-history.md).

The markup is what the template wrote: a row header per hospital, and per cell a class for the colour plus text
that says the same without colour (a mark ✗ ! ✓ ? and functional / required), a link to that item's history at
that hospital, and for a gap the sentence saying how long it has lasted (shown on hover or keyboard focus, read
by screen readers as part of the cell)."""

from functools import cache

from flask import url_for
from flask_babel import get_translations
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..core.clock import today
from ..core.formatting import format_day
from .gaps import gap_duration

MARKS = {"none": "✗", "short": "!", "ok": "✓"}


def gap_sentence_parts() -> tuple:
    """The sentence's translated templates, unformatted, to fill in many times: the one without a count as text, the
    one with a count as a function of the count giving its plural form's text (each form looked up once), the
    sentence itself, and the gap's duration as a function of (since, checks), each pair worked out once."""
    t, now = get_translations(), today()
    return (_("no functional %(item)s"),
            cache(lambda n: t.ungettext("%(num)s %(item)s short", "%(num)s %(item)s short", n)),
            _("%(what)s at %(hospital)s since %(date)s (%(duration)s)"),
            cache(lambda since, checks: gap_duration(since, checks, now, t)))


def gap_sentence(cell, item_name: str, hospital_name: str, parts: tuple, day=format_day) -> str:
    """'no functional Bubble CPAP at Nemba since 12 Mar 2025 (14 months, 13 checks)' (or the shortfall when some
    work); '' without a gap."""
    if cell is None or not cell.gap:
        return ""
    none, short, sentence, duration = parts
    what = none % {"item": item_name} if cell.functional == 0 else short(cell.gap) % {"num": cell.gap, "item": item_name}
    return sentence % {"what": what, "hospital": hospital_name, "date": day(cell.gap_since),
                       "duration": duration(cell.gap_since, cell.gap_checks)}


def day_formatter():
    """format_day for one request, each date written once (format_day looks the language up on every call)."""
    days: dict = {}

    def day(value) -> str:
        text = days.get(value)
        if text is None:
            text = days[value] = format_day(value)
        return text

    return day


def matrix_body(rows: list[dict], items: list, requested=frozenset()) -> Markup:
    """The <tr> rows of the matrix's <tbody> (see the module's docstring); a gap in `requested` (hospital id, item id)
    has an open request, marked ✉."""
    parts = gap_sentence_parts()
    request_open = escape(_("request open"))
    requested_mark = f' <span class="req" title="{request_open}">✉<span class="visually-hidden">{request_open}</span></span>'
    t = get_translations()
    critical = cache(lambda n: t.ungettext("%(num)s critical", "%(num)s critical", n))
    no_check = escape(_("no check yet"))
    unknown = f'<td class="sev sev-unknown"><span aria-hidden="true">?</span><span class="visually-hidden">{escape(_("not checked"))}</span></td>'
    names = [item.display_name for item in items]
    item_ids = [item.id for item in items]
    hospital_url = url_for("equipment.hospital", hospital_id=0)[:-1]
    history_url = url_for("equipment.item_history", hospital_id=0, item_id=0)
    prefix, middle = history_url[: history_url.index("/0/")], history_url[history_url.index("/0/") + 2 : -1]
    day = day_formatter()
    out = []
    for row in rows:
        hospital = row["hospital"]
        name = hospital.name
        base = f"{prefix}/{hospital.id}{middle}"
        out.append(f'<tr><th scope="row" class="rowhead"><a href="{hospital_url}{hospital.id}">{escape(name)}</a> '
                   f'<span class="muted small">{escape(hospital.province)}</span></th>'
                   f'<td class="num"><strong>{row["total_gap"]}</strong>')
        if row["critical_gaps"]:
            out.append(f' <span class="small">({escape(critical(row["critical_gaps"]) % {"num": row["critical_gaps"]})})</span>')
        if not row["checked"]:
            out.append(f' <span class="muted small">{no_check}</span>')
        out.append("</td>")
        for cell, item_id, item_name in zip(row["cells"], item_ids, names, strict=True):
            if cell is None:
                out.append(unknown)
                continue
            severity = cell.severity
            link = f'<td class="sev sev-{severity}"><a href="{base}{item_id}">{MARKS.get(severity, "?")} {cell.functional}/{cell.required}</a>'
            if cell.gap:
                mark = requested_mark if (hospital.id, item_id) in requested else ""
                out.append(f'{link}{mark}<span class="cell-detail">{escape(gap_sentence(cell, item_name, name, parts, day))}</span></td>')
            else:
                out.append(f"{link}</td>")
        out.append("</tr>\n")
    return Markup("".join(out))
