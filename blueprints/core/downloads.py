"""Files handed out as downloads: their names, and the one CSV writer of the app.

A file keeps its real name, accents and all, in RFC 6266's `filename*` (UTF-8, percent-encoded), with a plain
`filename` beside it for older clients where the accents are folded to their letters: 'Espérance' is saved as
'espérance', or 'esperance', never 'esp-rance'.

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
from urllib.parse import quote

from flask import Response

from .formatting import format_instant

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def _slug(text, limit: int) -> str:
    """Letters (of any alphabet) and digits, lower case, every run of anything else one dash."""
    text = unicodedata.normalize("NFC", str(text)).casefold()
    return re.sub(r"[\W_]+", "-", text).strip("-")[:limit].strip("-")


def _ascii(slug: str) -> str:
    """The slug with each accented letter folded to its base letter ('é' → 'e'); other alphabets' letters go."""
    plain = unicodedata.normalize("NFKD", slug).encode("ascii", "ignore").decode()
    return re.sub(r"-{2,}", "-", plain).strip("-")


def safe_name(text: str) -> str:
    """A plain file name with letters, digits and dashes only (nothing a header or a file system could misread);
    accents are folded, not the letters dropped ('Hôpital' → 'hopital')."""
    return _ascii(_slug(text, 80)) or "sheet"


def file_name(*parts) -> str:
    """A name from what the file holds and each filter it was cut by (empty ones left out), so two variants of a
    download never share a name: ('equipment-gaps', 'Southern', '2026-03-01'). Accents are kept: see `attachment`."""
    return "-".join(slug for slug in (_slug(part, 40) for part in parts if part is not None) if slug) or "download"


def attachment(response: Response, name: str, extension: str, inline: bool = False) -> Response:
    """The response as a download (or `inline`, shown by the browser) under `name`, never cached: the real name in
    `filename*` when it has letters beyond ASCII, its folded form in `filename` always."""
    real = _slug(name, 120) or "download"
    plain = _ascii(real) or "download"
    value = f'{"inline" if inline else "attachment"}; filename="{plain}.{extension}"'
    if real != plain:
        value += f"; filename*=UTF-8''{quote(f'{real}.{extension}', safe='')}"
    response.headers["Content-Disposition"] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def _guarded(text: str) -> bool:
    # A text whose apostrophes are followed by a formula start is guarded too, so read_cell can undo exactly one.
    return text.lstrip(GUARD).startswith(FORMULA_STARTS)


_RISKY_FIRST = frozenset((GUARD, *FORMULA_STARTS))  # text starting otherwise is never guarded
_NUMBERS = frozenset((int, float, Decimal))


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
    writer.writerows(map(_safe_row, rows))
    return out.getvalue()


def csv_record(cells: Iterable, end: str = "\r\n") -> str:
    """One record as `csv_text` writes it, each cell through `safe_cell`, ending with `end`: for a download that
    writes the text many of its records share once (`csv_records_response`)."""
    out = io.StringIO()
    csv.writer(out).writerow([safe_cell(cell) for cell in cells])
    # Written with the usual line end and then swapped: the writer quotes a cell holding its line end's characters, so
    # a part ended by a comma would leave a cell holding a line break unquoted.
    return out.getvalue()[:-2] + end


def csv_records_response(name_parts: Iterable, header: Iterable, records: Iterable[str]) -> Response:
    """`csv_response` for records already written (by `csv_record`, or its parts joined), the header first."""
    text = BOM + csv_record(str(cell) for cell in header) + "".join(records)
    return attachment(Response(text, mimetype="text/csv"), file_name(*name_parts), "csv")


def _safe_row(row: Iterable) -> list:
    """`safe_cell` of each cell, with plain numbers, text that cannot start a formula, nothing and days written without a
    call: what most of a national export's 300,000 cells are (issue 23)."""
    return [value if (kind := type(value)) in _NUMBERS or (kind is str and value[:1] not in _RISKY_FIRST)
            else "" if value is None else value.isoformat() if kind is date else safe_cell(value)
            for value in row]


def csv_response(name_parts: Iterable, header: Iterable, rows: Iterable[Iterable]) -> Response:
    """A CSV attachment named by `file_name(*name_parts)`: give it every filter, so each variant has its own name."""
    return attachment(Response(csv_text(header, rows), mimetype="text/csv"), file_name(*name_parts), "csv")
