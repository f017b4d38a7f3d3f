"""A draft sheet's DRAFT watermark fits the page in every language and covers no heading (issue 20, item 2):
"UMUSHINGA" ran off the right edge of a Kinyarwanda sheet, and the watermark sat over the chart's heading."""

import pytest

from blueprints.core.i18n import in_language
from blueprints.reports.sheets import sheets_html

from .layout import boxes, overlaps, render, text_extents
from .sheets_data import full_sheet

pytestmark = pytest.mark.no_db


@pytest.mark.parametrize("ratings", [20, 4])
@pytest.mark.parametrize("language", ["en", "fr", "rw"])
def test_the_draft_watermark_lies_inside_the_page_on_one_line_and_over_no_heading(app, language, ratings):
    sheet = full_sheet(signed=False)
    sheet.ratings = sheet.ratings[:ratings]
    with app.test_request_context(), in_language(language):
        document = render(sheets_html([sheet]))
    page = document.pages[0]
    [watermark] = boxes(page, cls="watermark")
    runs = text_extents(watermark)
    assert runs, "the draft sheet has a watermark"
    assert len({round(r[1]) for r in runs}) == 1, (language, "the word is broken over lines", runs)
    left, right = min(r[0] for r in runs), max(r[2] for r in runs)
    margin = page._page_box.margin_left
    assert margin <= left and right <= page.width - page._page_box.margin_right, (language, left, right, page.width)
    for heading in boxes(page, tag="h2"):
        for run in runs:
            for text in text_extents(heading):
                assert not overlaps(run, text), (language, heading.element.text)


def test_a_signed_sheet_has_no_watermark(app):
    with app.test_request_context():
        document = render(sheets_html([full_sheet(signed=True)]))
    assert not boxes(document.pages[0], cls="watermark")
