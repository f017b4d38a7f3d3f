"""The advocacy report's gap rows, written in Python as the matrix's body is (docs/benchmarks.md, "Why some pages are
written in Python"): each name, ward and date escaped or formatted once per request, each row one f-string."""

from markupsafe import Markup, escape

from .matrix_html import day_formatter


def gap_rows(gaps: list[dict], ward_labels: dict) -> Markup:
    """The <tr> rows of the report's gap table (the page's and the PDF's): hospital, item (★ when critical) with its
    ward and any open request, required, functional, gap, since and how long."""
    day = day_formatter()
    wards = {ward: escape(label) for ward, label in ward_labels.items()}
    items: dict[int, str] = {}
    hospitals: dict[int, str] = {}
    out = []
    for g in gaps:
        item, cell, hospital = g["item"], g["cell"], g["hospital"]
        label = items.get(item.id)
        if label is None:
            name = escape(item.display_name)
            shown = f"<strong>★ {name}</strong>" if item.critical else name
            label = items[item.id] = f'{shown} <span class="muted small">{wards[item.ward]}</span>'
        hospital_name = hospitals.get(hospital.id)
        if hospital_name is None:
            hospital_name = hospitals[hospital.id] = escape(hospital.name)
        requested = "".join(f'<br><span class="small">✉ {escape(text)}</span>' for text in g["requested"]) if g["requested"] else ""
        out.append(f'\n    <tr><td>{hospital_name}</td>\n      <td>{label}{requested}</td>\n'
                   f'      <td class="num">{cell.required}</td><td class="num">{cell.functional}</td><td class="num"><strong>{cell.gap}</strong></td>\n'
                   f'      <td class="nowrap">{escape(day(cell.gap_since))}</td><td class="nowrap">{escape(g["duration"])}</td></tr>\n  ')
    return Markup("".join(out))
