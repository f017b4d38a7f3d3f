"""PDF rendering, pure: HTML and the print stylesheet in, PDF bytes out. Nothing here touches the database,
so rendering runs after the request's transaction is over.

WeasyPrint reads local files and fetches URLs by default; `StaticOnlyFetcher` serves `data:` URLs and the
app's own `static/` files and refuses everything else, so text typed by a user can never make the server
read a file or call another host.
"""

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

BASE_DIR = Path(__file__).resolve().parents[2]
STATIC_DIR = BASE_DIR / "static"
PRINT_CSS = BASE_DIR / "templates" / "reports" / "pdf" / "print.css"
BASE_URL = STATIC_DIR.as_uri() + "/"  # relative URLs in the HTML resolve into static/


class RefusedURL(ValueError):
    """A URL the PDF may not fetch; WeasyPrint logs it and leaves the resource out."""


class StaticOnlyFetcher(URLFetcher):
    """Serves `data:` URLs and files under static/; refuses any other file, http(s)://, and everything else."""

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve()
            if not parts.netloc and path.is_relative_to(STATIC_DIR.resolve()) and path.is_file():
                return super().fetch(path.as_uri(), headers)
        raise RefusedURL(f"the PDF fetches only data: URLs and static files ({url[:60]})")


@cache
def _fonts() -> FontConfiguration:
    """One font configuration per worker, shared by every stylesheet and every PDF."""
    return FontConfiguration()


@cache
def _stylesheet(path: Path = PRINT_CSS) -> tuple[CSS, FontConfiguration]:
    """A print stylesheet, parsed once per worker."""
    fonts = _fonts()
    return CSS(filename=str(path), font_config=fonts, url_fetcher=StaticOnlyFetcher()), fonts


def render_pdf(html: str, *, stylesheet: Path | None = PRINT_CSS) -> bytes:
    """The one way the app renders a PDF: the HTML (with the given print stylesheet, parsed once per worker, or
    none when the HTML carries its own <style>) through WeasyPrint with `StaticOnlyFetcher`."""
    fonts = _fonts()
    stylesheets = [_stylesheet(stylesheet)[0]] if stylesheet is not None else []
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(stylesheets=stylesheets, font_config=fonts)


def render_pdf_parts(htmls: list[str]) -> bytes:
    """Several HTML documents (each rendered in its own language, say) as one PDF, their pages in order."""
    if len(htmls) == 1:
        return render_pdf(htmls[0])
    stylesheet, fonts = _stylesheet()
    documents = [HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
                 .render(stylesheets=[stylesheet], font_config=fonts) for html in htmls]
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()
