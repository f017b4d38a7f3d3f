"""The print pipeline's shortcuts (issue 5, Performance) change nothing a reader sees: the sheet's HTML is read as
XML, giving the same PDF as WeasyPrint's HTML5 parser, and falls back to that parser when it is not well-formed;
the page footer's words, in the sheet's <style>, cannot break out of their CSS string."""

import io

from pypdf import PdfReader
from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.mentoring.models import Feedback
from blueprints.reports import pdf
from blueprints.reports.sheets import sheets_documents

from .test_feedback_pdf import signed_feedback_with_history


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _sheet_html(client, world, app) -> str:
    signed_feedback_with_history(client, world)
    feedback = db.session.scalar(select(Feedback).where(Feedback.visit_id == world["visit"].id,
                                                        Feedback.mentee_id == world["mentee"].id))
    with app.test_request_context():
        return sheets_documents([feedback], feedback.visit)[0]


def test_the_sheet_is_well_formed_xml_so_it_skips_the_html5_parser_with_the_same_pdf(client, world, app):
    html = _sheet_html(client, world, app)
    assert pdf._xhtml(html) is not None  # a `<br>` or an unquoted attribute in the template would make it None
    css, fonts = pdf._stylesheet()
    by_html5 = pdf._html_class(True)(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.StaticOnlyFetcher())
    fast, slow = pdf.render_pdf(html), by_html5.write_pdf(stylesheets=[css], font_config=fonts)
    assert _text(fast) == _text(slow) and "Amina Uwase" in _text(fast) and "Read the PPH protocol" in _text(fast)
    assert len(fast) == len(slow)


def test_html_that_is_not_well_formed_xml_is_parsed_as_html():
    html = ('<!doctype html><html lang="en"><head><meta charset="utf-8"></head>'
            '<body><p>Calm under pressure<br>next line</p></body></html>')
    assert pdf._xhtml(html) is None  # an unclosed <meta> and <br>
    text = _text(pdf.render_pdf(html))
    assert "Calm" in text and "next line" in text


def test_footer_words_are_escaped_inside_their_css_string():
    assert pdf.css_string('Page "}</style><img src=x>') == (
        "Page\\20 \\22 \\7d \\3c \\2f style\\3e \\3c img\\20 src\\3d x\\3e ")
    assert pdf.css_string("Urupapuro 1 kuri") == "Urupapuro\\20 1\\20 kuri"
