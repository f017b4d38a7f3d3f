"""The CPD certificate reads as a certificate (issue 20, item 3): the mentee's name large, the hours and the period, a
logbook whose dates stay on one line, signature and stamp boxes inside the margins, the logbook on a page of its own
when long, the totals said once."""

import io
import re
import subprocess
from dataclasses import replace

import pytest
from pypdf import PdfReader

from blueprints.core.i18n import in_language
from blueprints.reports.cpd import cpd_certificate_html
from blueprints.reports.pdf import render_pdf

from .layout import boxes, extent, render, text_extents
from .sheets_data import certificate

pytestmark = pytest.mark.no_db


def _html(app, visits=6, language="en") -> str:
    with app.test_request_context(), in_language(language):
        return cpd_certificate_html(certificate(visits), generated=certificate(1).rows[0]["start"])


def test_the_name_is_the_largest_text_and_the_hours_and_period_are_on_the_certificate(app):
    page = render(_html(app)).pages[0]
    [name] = boxes(page, cls="name")
    sizes = [box.style["font_size"] for box in page._page_box.descendants() if box.element is not None]
    assert name.style["font_size"] == max(sizes) and name.element.text == "Amina Uwase"
    text = " ".join(PdfReader(io.BytesIO(render_pdf(_html(app)))).pages[0].extract_text().split())
    assert "Total CPD hours in 2026: 27 · Visits: 6" in text and "6 Jan 2026 – 8 Jun 2026" in text
    assert text.count("27") == 1  # the total once, not again under the logbook


@pytest.mark.parametrize("language", ["en", "fr", "rw"])
def test_signature_and_stamp_boxes_lie_inside_the_margins_and_the_logbooks_dates_stay_on_one_line(app, language):
    page = render(_html(app, language=language)).pages[0]
    box = page._page_box
    inside = (box.margin_left, box.margin_top, page.width - box.margin_right, page.height - box.margin_bottom)
    for cls in ("sign", "stamp"):
        [found] = boxes(page, cls=cls)
        left, top, right, bottom = extent(found)
        assert inside[0] <= left and right <= inside[2] + 0.5 and inside[1] <= top and bottom <= inside[3], (cls, language)
    for cell in boxes(page, cls="nowrap"):
        runs = text_extents(cell)
        assert len({round(r[1]) for r in runs}) == 1, (language, [r for r in runs])
        assert max(r[2] for r in runs) <= cell.position_x + cell.margin_width() + 0.5, language  # not into the next column


def test_a_long_logbook_goes_on_the_next_page_and_a_short_one_stays(app):
    assert len(render(_html(app, visits=8)).pages) == 1
    long = render(_html(app, visits=20))
    assert len(long.pages) == 2
    assert boxes(long.pages[0], cls="stamp") and not boxes(long.pages[0], cls="logbook")
    assert boxes(long.pages[1], cls="logbook")


def _visits_and_contacts(visits: int, contacts: int):
    """A certificate of `visits` signed-off visits and `contacts` phone sessions between them, too long for one page."""
    base = certificate(visits + contacts)
    rows = [dict(row, hospital="—", contact="Phone", end=row["start"], hours=1.0) if n >= visits else row
            for n, row in enumerate(base.rows)]
    return replace(base, rows=rows, visits=visits, contacts=contacts, total_hours=sum(row["hours"] for row in rows))


CASES = {  # what the logbook lists: (visits, contact sessions), the sentence on the certificate, the logbook's heading
    "visits": ((12, 0), "The logbook of these visits is on the next page.", "Mentoring visits (logbook)"),
    "contacts": ((0, 12), "The logbook of these contact sessions is on the next page.", "Contact sessions (logbook)"),
    "both": ((6, 6), "The logbook of these visits and contact sessions is on the next page.",
             "Mentoring visits and contact sessions (logbook)"),
}
COUNTED = {"visits": "Visits: 12", "contacts": "Contact sessions: 12", "both": "Visits: 6 · Contact sessions: 6"}


@pytest.mark.parametrize("case", CASES)
def test_the_certificate_says_its_logbook_holds_the_visits_the_contact_sessions_or_both(app, tmp_path, case):
    """Read back from the PDF (poppler's pdftotext): the certificate's page names what the next page lists, and the
    next page's heading names it too."""
    (visits, contacts), sentence, heading = CASES[case]
    with app.test_request_context(), in_language("en"):
        html = cpd_certificate_html(_visits_and_contacts(visits, contacts), generated=certificate(1).rows[0]["start"])
    (tmp_path / "cpd.pdf").write_bytes(render_pdf(html))
    text = subprocess.run(["pdftotext", str(tmp_path / "cpd.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    first, second = (" ".join(page.split()) for page in text.split("\f")[:-1])  # pdftotext ends each page with a form feed
    assert [said for _, said, _ in CASES.values() if said in first] == [sentence]
    counted = first.split("Total CPD hours in 2026: ", 1)[1]
    assert counted.split(" ", 1)[1].startswith("· " + COUNTED[case]) and "Visits: 0" not in first
    assert [named for _, _, named in CASES.values() if named in second] == [heading]


def test_the_logbooks_sentence_and_heading_are_translated_for_each_case(app):
    """French and Kinyarwanda say each case in their own words: three different sentences and headings, none English."""
    said = {}
    for case, ((visits, contacts), _, _) in CASES.items():
        for language in ("en", "fr", "rw"):
            with app.test_request_context(), in_language(language):
                html = cpd_certificate_html(_visits_and_contacts(visits, contacts))
            statements = re.findall(r'<p class="statement">(.*?)</p>', html, re.S)
            said[case, language] = (statements[-1], re.search(r"<h2>(.*?)</h2>", html, re.S).group(1))
    for language in ("fr", "rw"):
        for part in (0, 1):
            assert len({said[case, language][part] for case in CASES}) == 3, language
            assert all(said[case, language][part] != said[case, "en"][part] for case in CASES), language
    heading = said["contacts", "fr"][1].lower()
    assert "séances de contact" in heading and "visites" not in heading
