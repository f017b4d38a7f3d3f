"""render_page_or_fragment(): the page or its fragment, and a status that is always an HTTP status."""

import pytest

from blueprints.core.htmx import render_page_or_fragment


@pytest.mark.no_db
def test_a_template_variable_named_status_is_refused_not_sent_as_the_http_status(app):
    with app.test_request_context("/"), pytest.raises(TypeError, match="HTTP status"):
        render_page_or_fragment("errors/error.html", "errors/_error.html", status="active")


@pytest.mark.no_db
def test_the_fragment_goes_to_htmx_and_the_page_to_everyone_else(app):
    context = {"code": 404, "title": "Not found", "message": "Nothing here", "reference": None}
    with app.test_request_context("/", headers={"HX-Request": "true"}):
        fragment = render_page_or_fragment("errors/error.html", "errors/_error.html", status=404, **context)
    with app.test_request_context("/"):
        page = render_page_or_fragment("errors/error.html", "errors/_error.html", status=404, **context)
    assert fragment.status_code == page.status_code == 404
    assert b"<html" not in fragment.data and b"<html" in page.data
    assert "HX-Request" in fragment.vary and "HX-Request" in page.vary
