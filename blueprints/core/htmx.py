"""htmx helpers: one place decides whether a request wants a fragment or the whole page."""

from flask import Response, make_response, redirect, render_template, request


def is_htmx() -> bool:
    """A real htmx swap: not a boosted navigation and not a history-restore request (those want pages)."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_fragment(page_template: str, fragment_template: str, /, status: int = 200, **context):
    """Render the fragment alone for htmx, else the page (which includes it); vary the cache on it."""
    if not isinstance(status, int):  # a template variable named `status` would become the HTTP status
        raise TypeError(f"status is the HTTP status code, not {status!r}: give the template variable another name")
    template = fragment_template if is_htmx() else page_template
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def htmx_redirect(url: str) -> Response:
    """After a successful htmx form post, load the next page whole; a plain post gets a 302."""
    if is_htmx():
        response = Response("", status=200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)
