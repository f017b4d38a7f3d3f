"""Every printed document, rendered to images as a reader sees it, against reference images (issue 20, item 6): the
feedback sheet in en, fr and rw, draft and signed; a visit's PDF of several sheets; the CPD certificate, short and long;
the gap report. A page differing from its reference in more than a small share of its pixels fails, and so does any
word printed outside the page's margins (poppler's pdftotext -bbox). The data are fixed (explicit dates, the page
footer's day pinned), so the images are the same on every run and any day.

After a deliberate change of a document's look, look at the new images and regenerate the references:
    UPDATE_REFERENCE_IMAGES=1 .venv/bin/python -m pytest -n 0 tests/reports/test_visual_regression.py
(poppler-utils' pdftoppm and pdftotext, from `make test`'s Debian packages)."""

import os
import re
import subprocess
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import render_template
from PIL import Image, ImageChops

from blueprints.core.i18n import in_language
from blueprints.reports.cpd import cpd_certificate_html
from blueprints.reports.pdf import render_pdf
from blueprints.reports.sheets import sheets_document, sheets_html, sheets_part

from .sheets_data import certificate, full_sheet

pytestmark = pytest.mark.no_db

REFERENCE = Path(__file__).parent / "reference"
UPDATE = os.environ.get("UPDATE_REFERENCE_IMAGES") == "1"
PRINTED = date(2026, 6, 24)  # the footer's "Generated" day
DPI = 50  # enough to see a layout change; small files
CHANGED_PIXEL = 48  # a pixel differs when a channel moves by more than this (anti-aliasing moves a little)
TOLERANCE = 0.003  # the share of a page's pixels that may differ (a font's hinting on another machine)
MARGIN_PT = 14 / 25.4 * 72  # every document's side margins are at least 14 mm
EDGE_PT = 5 / 25.4 * 72  # and nothing, the page footer included, within 5 mm of the top or bottom edge


def _sheets(app, monkeypatch, language: str, signed: bool) -> bytes:
    monkeypatch.setattr("blueprints.reports.sheets.today", lambda: PRINTED)
    with app.test_request_context(), in_language(language):
        return render_pdf(sheets_html([full_sheet(signed=signed, language=language)]))


def _visit(app, monkeypatch) -> bytes:
    monkeypatch.setattr("blueprints.reports.sheets.today", lambda: PRINTED)
    parts = []
    with app.test_request_context():
        for language, names in (("en", ["Amina Uwase", "Grace Mukamana"]), ("rw", ["Espérance Uwimana"])):
            with in_language(language):
                parts.append(sheets_part([full_sheet(signed=n % 2 == 0, mentee=name, language=language)
                                          for n, name in enumerate(names)], first=not parts))
        return render_pdf(sheets_document(parts), title="Feedback sheets · Nemba District Hospital · 21 Jun 2026")


def _certificate(app, visits: int, language: str = "en") -> bytes:
    with app.test_request_context(), in_language(language):
        return render_pdf(cpd_certificate_html(certificate(visits), generated=PRINTED))


def _gap_report(app) -> bytes:
    from blueprints.equipment.charts import line_points
    from blueprints.equipment.forms import WARD_LABELS
    from blueprints.equipment.report_html import gap_rows

    def gap(hospital, item, ward, critical, required, functional, since, duration):
        return {"hospital": SimpleNamespace(id=hash(hospital), name=hospital), "duration": duration, "requested": [],
                "item": SimpleNamespace(id=hash(item), display_name=item, critical=critical, ward=ward),
                "cell": SimpleNamespace(required=required, functional=functional, gap=required - functional, gap_since=since)}

    ward = next(iter(WARD_LABELS))
    gaps = [gap("Nemba District Hospital", "Bubble CPAP", ward, True, 2, 0, date(2025, 4, 10), "14 months, 13 checks"),
            gap("Byumba District Hospital", "Oxygen concentrator", ward, True, 3, 1, date(2025, 11, 2), "7 months, 5 checks"),
            gap("Kabgayi District Hospital", "Scales", ward, False, 2, 1, date(2026, 5, 21), "20 days, 2 checks")]
    trend = line_points([(date(2025, month, 28), count) for month, count in ((3, 0), (6, 2), (9, 3), (12, 2))]
                        + [(date(2026, 6, 10), 2)])
    with app.test_request_context():
        html = render_template("equipment/report_pdf.html", hospital=None, gaps=gaps, gap_rows=gap_rows(gaps, WARD_LABELS),
                               trend=trend, today=date(2026, 6, 10),
                               ward_labels=WARD_LABELS, unchecked=[SimpleNamespace(name="Kirehe District Hospital")],
                               demo_banner=lambda: False)
    return render_pdf(html, stylesheet=None)


DOCUMENTS = {
    **{f"sheet-{language}-{state}": (lambda app, mp, language=language, state=state: _sheets(app, mp, language, state == "signed"))
       for language in ("en", "fr", "rw") for state in ("draft", "signed")},
    "visit": _visit,
    "cpd-certificate": lambda app, mp: _certificate(app, 6),
    "cpd-certificate-long-fr": lambda app, mp: _certificate(app, 20, "fr"),
    "gap-report": lambda app, mp: _gap_report(app),
}


def _pages(pdf: bytes, out: Path) -> list[Path]:
    (out / "doc.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(out / "doc.pdf"), str(out / "page")], check=True)
    return sorted(out.glob("page-*.png"))


def _words_outside_margins(pdf_path: Path) -> list[str]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    width, height = float(page.group(1)), float(page.group(2))
    outside = []
    for x0, y0, x1, y1, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html):
        x0, y0, x1, y1 = map(float, (x0, y0, x1, y1))
        if x0 < MARGIN_PT - 1 or x1 > width - MARGIN_PT + 1 or y0 < EDGE_PT or y1 > height - EDGE_PT:
            outside.append(f"{word} ({x0:.0f},{y0:.0f})-({x1:.0f},{y1:.0f})")
    return outside


def _differing(reference: Path, page: Path) -> float:
    with Image.open(reference) as want, Image.open(page) as got:
        if want.size != got.size:
            return 1.0
        difference = ImageChops.difference(want.convert("L"), got.convert("L"))
        changed = sum(difference.point(lambda v: 255 if v > CHANGED_PIXEL else 0).histogram()[255:])
        return changed / (want.size[0] * want.size[1])


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_document_looks_as_its_reference_and_prints_nothing_outside_its_margins(app, monkeypatch, tmp_path, name):
    pdf = DOCUMENTS[name](app, monkeypatch)
    pages = _pages(pdf, tmp_path)
    assert not _words_outside_margins(tmp_path / "doc.pdf"), name
    references = sorted((path for path in REFERENCE.glob(f"{name}-*.png") if re.fullmatch(rf"{re.escape(name)}-\d+\.png", path.name)),
                        key=lambda path: int(path.stem.rsplit("-", 1)[1]))
    if UPDATE:
        for old in references:
            old.unlink()
        REFERENCE.mkdir(exist_ok=True)
        for n, page in enumerate(pages, 1):
            (REFERENCE / f"{name}-{n}.png").write_bytes(page.read_bytes())
        return
    assert len(references) == len(pages), f"{name}: {len(pages)} pages, the reference has {len(references)}"
    for reference, page in zip(references, pages, strict=True):
        share = _differing(reference, page)
        if share > TOLERANCE:
            (tmp_path / reference.name).write_bytes(page.read_bytes())
        assert share <= TOLERANCE, f"{reference.name}: {share:.2%} of the pixels differ (now: {tmp_path / reference.name})"
