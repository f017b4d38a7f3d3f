"""The feedback sheet as a document a nurse keeps (issue 20, item 1): a header saying who, where and when; ratings
in words with how they moved; skills grouped by area; a chart across the page with the scale's words and months;
and a full national sheet still on one A4 page in every language."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from blueprints.core.i18n import in_language
from blueprints.reports.pdf import render_pdf
from blueprints.reports.sheets import sheets_html

from .layout import boxes, render
from .sheets_data import full_sheet

pytestmark = pytest.mark.no_db


def _html(app, language="en", signed=True, **changes) -> str:
    sheet = full_sheet(signed=signed, language=language)
    for name, value in changes.items():
        setattr(sheet, name, value)
    with app.test_request_context(), in_language(language):
        return sheets_html([sheet])


def _text(app, **kwargs) -> str:
    reader = PdfReader(io.BytesIO(render_pdf(_html(app, **kwargs))))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.parametrize("signed", [True, False])
@pytest.mark.parametrize("language", ["en", "fr", "rw"])
def test_a_full_national_sheet_is_one_a4_page_in_every_language(app, language, signed):
    document = render(_html(app, language, signed))
    assert len(document.pages) == 1
    assert boxes(document.pages[0], cls="signatures"), "the signature block is on the page"


def test_the_header_names_programme_hospital_visit_dates_and_profession(app):
    text = _text(app)
    for said in ("Clinical mentorship programme", "Amina Uwase", "Midwife", "Nemba District Hospital",
                 "21 Jun 2026 – 23 Jun 2026"):
        assert said in text, said


def test_each_rating_says_what_it_means_and_how_it_moved_since_it_was_last_rated(app):
    text = _text(app)
    assert "Rating — change since the visit of 12 Mar 2026" in text  # the day every change below counts from
    assert "3 · needs some help — down 2" in text  # 5 at the visit of 12 March
    assert "4 · competent — up 1" in text
    assert "2 · needs much help — no change" in text
    assert "4 · competent — first rating" in text
    assert "→" not in text and "(5" not in text


def test_a_rating_last_given_before_the_last_visit_names_its_own_day(app):
    sheet = full_sheet()
    sheet.ratings[0]["since"] = date(2025, 12, 4)
    with app.test_request_context():
        text = " ".join(PdfReader(io.BytesIO(render_pdf(sheets_html([sheet])))).pages[0].extract_text().split())
    assert "3 · needs some help — down 2 since 4 Dec" in text and "change since the visit of 12 Mar 2026" in text


def test_the_ratings_are_grouped_by_skill_area_in_the_frameworks_order(app):
    page = render(_html(app)).pages[0]
    areas = [box.element.text for box in boxes(page, tag="h3")]
    assert areas == ["Antenatal care", "Labour and birth", "Newborn care"]
    tops = {box.element.text: box.position_y for box in boxes(page, tag="h3")}
    skills = {box.element.text: box.position_y for box in boxes(page, cls="skill")}
    assert tops["Antenatal care"] < skills["Plans the birth with the woman and her family"] < tops["Labour and birth"]
    assert tops["Newborn care"] < skills["Starts kangaroo mother care for a small baby"]


@pytest.mark.parametrize("language", ["en", "rw"])
def test_the_chart_spans_the_text_width_with_the_scales_words_months_and_the_skills_that_moved_most(app, language):
    from blueprints.mentoring.framework import DEFAULT_RATING_SCALE

    page = render(_html(app, language)).pages[0]
    [chart] = [box for box in page._page_box.descendants() if getattr(box, "element_tag", None) == "{http://www.w3.org/2000/svg}svg"
               or (box.element is not None and box.element.get("class") == "chart")][:1]
    content = page.width - page._page_box.margin_left - page._page_box.margin_right
    assert chart.width >= 0.99 * content
    text = _text(app, language=language)
    for level, words in DEFAULT_RATING_SCALE.items():
        assert f"{level} · {words[language]}" in text
    if language == "en":
        assert "Jul 2025" in text and "Jun 2026" in text  # months with their year, not "Jul 25"
        assert "Measures blood pressure and checks for pre-eclampsia signs (down 2)" in text
        assert "Recognises postpartum haemorrhage and calls for help (up 2)" in text
