"""PDF rendering for the equipment report: HTML in, PDF bytes out, and nothing fetched from anywhere.

The report's CSS and charts are inline, so the fetcher refuses every URL: a note typed by a user
can never make the server read a file or call another host. (Moves to blueprints/reports when
that blueprint lands with the feedback sheets.)

WeasyPrint is imported with the first report a worker makes, not at every start (about 1 s of imports).
"""


from functools import cache


@cache
def _no_fetching():
    """A URLFetcher that refuses every URL (its class made once, when WeasyPrint is first imported)."""
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"the report fetches nothing ({url[:60]})")

    return NoFetching


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url="about:blank", url_fetcher=_no_fetching()()).write_pdf()
