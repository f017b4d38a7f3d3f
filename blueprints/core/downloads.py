"""Files handed out as downloads: plain attachment names, and the one CSV writer of the app.

Every CSV starts with a byte-order mark (Excel opens UTF-8 without it as a legacy code page, so 'Hôpital'
comes out 'HÃ´pital') and no cell can run as a formula: text starting with = + - @ TAB or CR gets a
leading apostrophe, as OWASP's CSV injection advice says, so a spreadsheet shows it as text. The roster
import reads a cell back with `read_cell`, so a value survives export and import unchanged.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from flask import Response

from .formatting import format_instant

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def _slug(text, limit: int) -> str:
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower()[:limit].strip("-")


def safe_name(text: str) -> str:
    """A file name with letters, digits and dashes only (nothing a header or a file system could misread);
    accents are dropped, not the letters ('Hôpital' → 'hopital')."""
    return _slug(text, 80) or "sheet"


def file_name(*parts) -> str:
    """A safe attachment name from what the file holds and each filter it was cut by (empty ones left out), so
    two variants of a download never share a name: ('equipment-gaps', 'Southern', '2026-03-01')."""
    return "-".join(slug for slug in (_slug(part, 40) for part in parts if part is not None) if slug) or "download"


def _disposition(response: Response, name: str, extension: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def attachment(response: Response, name: str, extension: str) -> Response:
    """A download under a plain file name, never cached."""
    return _disposition(response, safe_name(name), extension)


def _guarded(text: str) -> bool:
    # A text whose apostrophes are followed by a formula start is guarded too, so read_cell can undo exactly one.
    return text.lstrip(GUARD).startswith(FORMULA_STARTS)


def safe_cell(value) -> str | int | float | Decimal:
    """A cell as a spreadsheet should show it: numbers as numbers, dates as ISO days, instants as people read
    them, and text that could start a formula behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return GUARD + text if _guarded(text) else text


def read_cell(text: str) -> str:
    """The value a cell written by `safe_cell` stands for: one guarding apostrophe is removed."""
    return text[1:] if text.startswith(GUARD) and _guarded(text[1:]) else text


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    """CSV text with a BOM, every cell (header included) through `safe_cell`."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([safe_cell(str(cell)) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def csv_response(name_parts: Iterable, header: Iterable, rows: Iterable[Iterable]) -> Response:
    """A CSV attachment named by `file_name(*name_parts)`: give it every filter, so each variant has its own name."""
    return _disposition(Response(csv_text(header, rows), mimetype="text/csv"), file_name(*name_parts), "csv")
