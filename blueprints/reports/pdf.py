"""PDF rendering, pure: HTML and the print stylesheet in, PDF bytes out. Nothing here touches the database,
so rendering runs after the request's transaction is over.

WeasyPrint reads local files and fetches URLs by default; `StaticOnlyFetcher` serves `data:` URLs and the
app's own `static/` files and refuses everything else, so text typed by a user can never make the server
read a file or call another host.

WeasyPrint (about 1 s of imports) loads with a worker's first PDF, not at every start: the fetcher class is
made then, and `StaticOnlyFetcher` is looked up through the module's `__getattr__`.

Every PDF is PDF/UA-1: tagged (headings, paragraphs, tables for a screen reader), with the title and language of
its <title> and <html lang>, the title shown by the reader in place of the file name.
"""

import re
import xml.etree.ElementTree as ElementTree
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parents[2]
STATIC_DIR = BASE_DIR / "static"
PRINT_CSS = BASE_DIR / "templates" / "reports" / "pdf" / "print.css"
PRINT_UA_CSS = PRINT_CSS.with_name("ua.css")  # the user-agent stylesheet that goes with print.css
BASE_URL = STATIC_DIR.as_uri() + "/"  # relative URLs in the HTML resolve into static/
_DOCTYPE = re.compile(r"^\s*<!doctype html>", re.IGNORECASE)
PDF_VARIANT = "pdf/ua-1"  # tagged, title and language set; about a tenth more time than an untagged PDF
LANGUAGE_PAGE = "lang-"  # a page named lang-rw holds a part of the document in Kinyarwanda


class RefusedURL(ValueError):
    """A URL the PDF may not fetch; WeasyPrint logs it and leaves the resource out."""


@cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher  # lazy: WeasyPrint is about 1 s of imports, for PDFs only

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

    return StaticOnlyFetcher


def __getattr__(name: str):
    if name == "StaticOnlyFetcher":
        return _fetcher_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _fonts():
    """One font configuration per worker, shared by every stylesheet and every PDF."""
    from weasyprint.text.fonts import FontConfiguration  # lazy: WeasyPrint, for PDFs only

    return FontConfiguration()


@cache
def _stylesheet(path: Path = PRINT_CSS):
    """A print stylesheet, parsed once per worker."""
    from weasyprint import CSS  # lazy: WeasyPrint, for PDFs only

    fonts = _fonts()
    return CSS(filename=str(path), font_config=fonts, url_fetcher=_fetcher_class()()), fonts


@cache
def _html_class(lean: bool):
    """WeasyPrint's HTML, or (`lean`) the same with the print pipeline's own small user-agent stylesheet
    (ua.css, parsed once per worker) in place of WeasyPrint's HTML5 one."""
    from weasyprint import CSS, HTML  # lazy: WeasyPrint, for PDFs only

    if not lean:
        return HTML
    user_agent = [CSS(filename=str(PRINT_UA_CSS), font_config=_fonts(), url_fetcher=_fetcher_class()())]

    class PrintHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return user_agent

    return PrintHTML


def _html(html: str, lean: bool = False):
    if lean and (document := _xhtml(html)) is not None:
        return document
    return _html_class(lean)(string=html, base_url=BASE_URL, url_fetcher=_fetcher_class()())


def _xhtml(html: str):
    """The print templates' HTML read as XML (their markup is well-formed: `<br/>`, quoted attributes, escaped
    text), about 40 times faster than WeasyPrint's HTML5 parser, which took a tenth of a sheet's render. The tree
    is what the HTML5 parser builds for this markup (tags without a namespace, SVG in its own), bar the <tbody>
    it would add, which WeasyPrint adds anyway. None when the text is not well-formed XML (a control character in
    a comment, say): the caller parses it as HTML then. Needs WeasyPrint's HTML attributes (tested)."""
    import cssselect2  # lazy: WeasyPrint's selector library, for PDFs only

    try:
        root = ElementTree.fromstring(_DOCTYPE.sub("", html, count=1))
    except ElementTree.ParseError:
        return None
    if root.tag != "html":
        return None
    document = _html_class(True).__new__(_html_class(True))
    document.base_url = BASE_URL
    document.url_fetcher = _fetcher_class()()
    document.media_type = "print"
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document


def render_pdf(html: str, *, stylesheet: Path | None = PRINT_CSS, title: str | None = None) -> bytes:
    """The one way the app renders a PDF: the HTML (with the given print stylesheet, parsed once per worker, or
    none when the HTML carries its own <style>) through WeasyPrint with `StaticOnlyFetcher`, under `title` when
    given (else its <title>). With print.css goes its small user-agent stylesheet (ua.css); HTML with its own
    <style> gets WeasyPrint's full HTML5 one. One document, so one page numbering (page X of Y) however many
    languages its parts are in (pages named `lang-<code>`, see sheets.py)."""
    fonts = _fonts()
    stylesheets = [_stylesheet(stylesheet)[0]] if stylesheet is not None else []
    options = {"stylesheets": stylesheets, "pdf_variant": PDF_VARIANT}
    document = _html(html, lean=stylesheet == PRINT_CSS).render(font_config=fonts, **options)
    document.metadata.title = title or document.metadata.title
    languages = [_page_language(page) or document.metadata.lang for page in document.pages]
    finisher = None
    if any(language != document.metadata.lang for language in languages):
        finisher = lambda _, pdf: _page_languages(pdf, languages, document.metadata.lang)  # noqa: E731
    return document.write_pdf(finisher=finisher, **options)


def _page_language(page) -> str | None:
    """The language of the part a page holds, from its page name (`lang-<code>`); None for an unnamed page."""
    name = page._page_box.page_type.name or ""  # WeasyPrint's own PDF tagging reads the page box the same way
    return name.removeprefix(LANGUAGE_PAGE) if name.startswith(LANGUAGE_PAGE) else None


def _page_languages(pdf, languages: list[str], language: str) -> None:
    """Each top structure element (a sheet's section, a heading) says the language of its page's part when it is
    not the document's own, so a screen reader reads a Kinyarwanda sheet in a French mentee's visit PDF as
    Kinyarwanda."""
    pages = {bytes(reference): n for n, reference in enumerate(pdf.page_references)}
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    for reference in _object(pdf, root["K"][0])["K"]:
        element = _object(pdf, reference)
        page_language = languages[pages[bytes(element["Pg"])]]
        if page_language and page_language != language:
            element["Lang"] = _pdf_string(page_language)


def _object(pdf, reference):
    return pdf.objects[int(bytes(reference).split()[0])]


def _pdf_string(text: str):
    import pydyf  # lazy: WeasyPrint's PDF writer, for PDFs only

    return pydyf.String(text)


_LONG_RUN = re.compile(r"(\S{40})(?=\S)")


def breakable(text: object) -> str:
    """Text with a zero-width space after every 40 characters of a run without spaces: WeasyPrint lays out a
    word too long for its line again for every line it fills (a 5,000-character one took a second), but breaks at a
    zero-width space like at a space. Words of ordinary text never reach 40 characters."""
    return _LONG_RUN.sub("\\1\u200b", str(text))


def css_string(text: object) -> str:
    """Text for inside a CSS string ("..."): every character but ASCII letters and digits as a CSS escape, so a
    quote, backslash, brace or `</style>` in it can never end the string, the rule or the <style> element."""
    return "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):x} " for c in str(text))
