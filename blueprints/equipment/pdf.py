"""PDF rendering for the equipment report: HTML in, PDF bytes out, and nothing fetched from anywhere.

The report's CSS and charts are inline, so the fetcher refuses every URL: a note typed by a user
can never make the server read a file or call another host. (Moves to blueprints/reports when
that blueprint lands with the feedback sheets.)
"""

from weasyprint import HTML
from weasyprint.urls import URLFetcher


class NoFetching(URLFetcher):
    def fetch(self, url, headers=None):
        raise ValueError(f"the report fetches nothing ({url[:60]})")


def render_pdf(html: str) -> bytes:
    return HTML(string=html, base_url="about:blank", url_fetcher=NoFetching()).write_pdf()
