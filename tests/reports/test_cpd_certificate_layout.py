"""The CPD certificate reads as a certificate (issue 20, item 3): the mentee's name large, the hours and the period, a
logbook whose dates stay on one line, signature and stamp boxes inside the margins, the logbook on a page of its own
when long, the totals said once."""

import io

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
