"""Read what a page or a PDF says, so a rule's test asserts the row, the date or the sentence rather than
a word that a label, a badge's CSS class or a hint elsewhere on the page also contains."""

import io
import re
from contextlib import contextmanager
from datetime import date, datetime, time
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import time_machine
from pypdf import PdfReader

KIGALI = ZoneInfo("Africa/Kigali")


@contextmanager
def on_day(day: date, at: time = time(9, 0)):
    """The programme's clock stands at `day` (Kigali time) and runs on from there."""
    with time_machine.travel(datetime.combine(day, at, tzinfo=KIGALI), tick=True):
        yield


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class _Reader(HTMLParser):
    """Tables (by class) as rows of cell texts, the targets of POST forms, and the text a reader sees."""

    SKIP = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.post_targets: list[str] = []
        self.paragraphs: list[str] = []
        self.text: list[str] = []
        self._open_tables: list[tuple[str, list[list[str]]]] = []
        self._cell: list[str] | None = None
        self._paragraph: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "table":
            self._open_tables.append((a.get("class") or "", []))
        elif tag == "tr" and self._open_tables:
            self._open_tables[-1][1].append([])
        elif tag in ("td", "th") and self._open_tables:
            self._cell = []
        elif tag == "p":
            self._paragraph = []
        elif tag == "form" and (a.get("method") or "get").lower() == "post":
            self.post_targets.append(a.get("action") or "")
        elif tag in ("button", "input") and (a.get("hx-post") or a.get("data-hx-post")):
            self.post_targets.append(a.get("hx-post") or a.get("data-hx-post"))

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skip = max(self._skip - 1, 0)
        elif tag in ("td", "th") and self._cell is not None and self._open_tables:
            self._open_tables[-1][1][-1].append(squash("".join(self._cell)))
            self._cell = None
        elif tag == "table" and self._open_tables:
            self.tables.append(self._open_tables.pop())
        elif tag == "p" and self._paragraph is not None:
            self.paragraphs.append(squash("".join(self._paragraph)))
            self._paragraph = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._paragraph is not None:
            self._paragraph.append(data)


def read_html(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def table_rows(html: str, css_class: str) -> list[list[str]]:
    """The body rows (cell texts) of the first table whose class list holds `css_class`."""
    for classes, rows in read_html(html).tables:
        if css_class in classes.split():
            return [row for row in rows[1:] if row]
    raise AssertionError(f"no table.{css_class} on the page")


def rows_by_first_cell(html: str, css_class: str) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in table_rows(html, css_class)}


def post_targets(html: str) -> list[str]:
    """Where the page's forms and htmx buttons post to."""
    return read_html(html).post_targets


def paragraphs(html: str) -> list[str]:
    return read_html(html).paragraphs


def visible_text(html: str) -> str:
    return squash(" ".join(read_html(html).text))


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF"), data[:40]
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
