"""Roster CSV: check an import row by row before anything is saved, save it all or nothing, and
give the mentee list's rows for the CSV export (written by core.downloads, which spreadsheets open safely).

The checked text travels back to the browser for the "Save" button and is checked again when it
returns, so nothing the browser sends is trusted.
"""

import csv
import io
from dataclasses import dataclass, field

import charset_normalizer
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ..core import audit, limits
from ..core.concurrency import lock
from ..core.downloads import read_cell
from ..core.errors import RuleBroken
from ..core.extensions import db
from ..core.i18n import DEFAULT_LANGUAGE, LANGUAGES, in_language
from . import phones
from .models import Department, Hospital, Mentee, Profession
from .services import mentees as mentee_services

COLUMNS = ("full_name", "profession", "department", "phone", "language")
REQUIRED_COLUMNS = ("full_name", "profession", "department")
# The export writes the import's columns and then these, which the import accepts and ignores (a mentee imported
# is active, unassigned and at the hospital chosen on the form), so an export imports back unchanged.
READ_ONLY_COLUMNS = ("hospital", "status", "mentor")
EXPORT_COLUMNS = COLUMNS + READ_ONLY_COLUMNS
HEADER_ALIASES = {"name": "full_name"}  # the export's header before issue 17
DELIMITERS = (",", ";", "\t")


class RosterRefused(RuleBroken):
    """The file as a whole cannot be read (size, encoding, header); the message says what to do."""

    def __init__(self, message):
        super().__init__("file", message)


@dataclass
class RosterRow:
    number: int  # the row number a spreadsheet shows (the header is row 1)
    full_name: str
    profession_text: str
    department_text: str
    phone: str
    language_text: str = ""
    language: str | None = None  # the code, once the cell is understood
    already_here: bool = False  # the hospital has this mentee: left out, not an error
    profession: Profession | None = None
    department: Department | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class RosterCheck:
    hospital: Hospital
    text: str
    rows: list[RosterRow]
    encoding: str | None = None  # how the uploaded bytes were read, e.g. "Windows-1252"

    @property
    def rows_with_errors(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.rows_with_errors

    @property
    def new_rows(self) -> list[RosterRow]:
        return [row for row in self.rows if not row.already_here]

    @property
    def already_here(self) -> int:
        return len(self.rows) - len(self.new_rows)


def size_limit() -> int:
    return current_app.config["ROSTER_MAX_BYTES"]


def too_large_message():
    kilobytes = max(1, round(size_limit() / 1024))
    return _("The file is larger than %(kb)s KB. Split it into smaller files and import them one after the other.", kb=kilobytes)


def read_upload(stream) -> tuple[str, str]:
    """The uploaded file as text and the name of the encoding it was read in, refusing files over the size limit."""
    raw = stream.read(size_limit() + 1)
    if len(raw) > size_limit():
        raise RosterRefused(too_large_message())
    return decode(raw)


# The encodings an office's spreadsheet saves CSV in for English, French and Kinyarwanda (all written in the
# Latin alphabet), by the names their "Save as" dialogs use. charset-normalizer chooses among these only: left to
# every code page it reads 'Théogène' as Central European 'Théogčne' (cp1250), which no office here uses.
ENCODING_NAMES = {"utf_8": "UTF-8", "utf_16": "UTF-16", "cp1252": "Windows-1252", "mac_roman": "Mac Roman"}


def decode(raw: bytes) -> tuple[str, str]:
    """UTF-8 when the bytes are UTF-8 (with or without a BOM), else the encoding charset-normalizer finds
    (French Excel saves "CSV (separator: semicolon)" as Windows-1252)."""
    save_as = _("In Excel choose File › Save As › “CSV UTF-8 (Comma delimited)” (LibreOffice: Save As › Text CSV, "
                "character set Unicode (UTF-8)), then upload that file.")
    if raw.startswith(b"PK\x03\x04"):
        raise RosterRefused(_("This is a spreadsheet workbook, not a CSV file.") + " " + save_as)
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf_8"
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(raw, cp_isolation=list(ENCODING_NAMES)).best()
        if best is None:
            raise RosterRefused(_("This file is not text that can be read, so names would come out wrong.") + " " + save_as) from None
        text, encoding = str(best), best.encoding
    if "\x00" in text:
        raise RosterRefused(_("This file is not saved as CSV UTF-8.") + " " + save_as)
    return text, ENCODING_NAMES.get(encoding, encoding)


def _normalise_header(cell: str) -> str:
    name = "_".join(read_cell(cell.strip()).lower().replace("-", " ").split())
    return HEADER_ALIASES.get(name, name)


def _delimiter(first_line: str) -> str:
    """Comma, or the semicolon a French-language Excel writes, or tab: whichever the header uses most."""
    return max(DELIMITERS, key=first_line.count) if any(d in first_line for d in DELIMITERS) else ","


def normalise(text: str) -> str:
    """One newline convention: browsers send a form's text back with CRLF, so size and rows stay the same."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header's column names and the non-blank data rows (with their spreadsheet row numbers)."""
    if len(text.encode("utf-8")) > size_limit():
        raise RosterRefused(too_large_message())
    if not text.strip():
        raise RosterRefused(_("The file is empty. Put the column names on the first row and one mentee per row below."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]))
    max_rows = current_app.config["ROSTER_MAX_ROWS"]
    try:
        header = [_normalise_header(cell) for cell in next(reader)]
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == max_rows:
                raise RosterRefused(ngettext("The file has more than %(num)s row. Split it into smaller files and import them "
                                             "one after the other.", "The file has more than %(num)s rows. Split it into "
                                             "smaller files and import them one after the other.", max_rows))
            rows.append((number, cells))
    except csv.Error as error:
        raise RosterRefused(_("The file could not be read as CSV (%(detail)s).", detail=str(error))) from None
    _check_header(header)
    if not rows:
        raise RosterRefused(_("The file has no mentees: put one mentee per row under the header row."))
    return header, rows


def _check_header(header: list[str]) -> None:
    problems = []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems.append(ngettext("Missing column: %(names)s.", "Missing columns: %(names)s.", len(missing), names=", ".join(missing)))
    unknown = [c for c in header if c and c not in COLUMNS + READ_ONLY_COLUMNS]
    if unknown:
        problems.append(ngettext("Unknown column: %(names)s.", "Unknown columns: %(names)s.", len(unknown), names=", ".join(unknown)))
    doubled = sorted({c for c in header if c and header.count(c) > 1})
    if doubled:
        problems.append(_("Column given twice: %(names)s.", names=", ".join(doubled)))
    if problems:
        problems.append(_("The first row must name the columns %(columns)s (phone and language may be left out).", columns=", ".join(COLUMNS)))
        raise RosterRefused(" ".join(problems))


def _same_person_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _lookup(model) -> dict[str, object]:
    """Professions or departments by code and by name, as stored and in each of the app's languages (the
    catalogues'), case-insensitively: a file is read the same whatever language its uploader reads the app in."""
    items = db.session.scalars(select(model)).all()
    table = {}
    for language in LANGUAGES:
        with in_language(language):
            table.update({item.display_name.casefold(): item for item in items})
    for item in items:
        table[item.name.casefold()] = item
        table[item.code.casefold()] = item
    return table


def check_roster(text: str, hospital: Hospital) -> RosterCheck:
    """Every row with its errors (missing or unknown values, duplicates in the file), and the mentees the hospital
    already has (same name and profession, whatever their status) marked to be left out, so an export imports
    back as "nothing new". Three queries, however long the file."""
    if "\x00" in text:  # the save form's text comes from the browser: the same rule as an uploaded file
        raise RosterRefused(_("This file is not saved as CSV UTF-8."))
    text = normalise(text)
    header, raw_rows = parse(text)
    professions, departments = _lookup(Profession), _lookup(Department)
    existing = {
        (_same_person_key(name), profession_id)
        for name, profession_id in db.session.execute(
            select(Mentee.full_name, Mentee.profession_id).where(Mentee.hospital_id == hospital.id)
        )
    }
    seen: dict[tuple[str, int], int] = {}
    rows = []
    for number, cells in raw_rows:
        # read_cell: a value the export guarded ("'-Jean") comes back as it was ("-Jean").
        values = {column: (read_cell(cells[i].strip()) if i < len(cells) else "") for i, column in enumerate(header) if column}
        row = RosterRow(number=number, full_name=" ".join(values.get("full_name", "").split()),
                        profession_text=values.get("profession", ""), department_text=values.get("department", ""),
                        phone=values.get("phone", ""), language_text=values.get("language", ""))
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            row.errors.append(_("This row has more cells than there are columns."))
        for index, column in enumerate(header):
            if not column and index < len(cells) and cells[index].strip():
                row.errors.append(_("“%(value)s” is in column %(column)s, which has no name in the first row: name the column "
                                    "or move the value.", value=cells[index].strip(), column=index + 1))
        if not row.full_name:
            row.errors.append(_("Name missing."))
        elif len(row.full_name) > limits.NAME:
            row.errors.append(ngettext("Name longer than %(num)s character.", "Name longer than %(num)s characters.", limits.NAME))
        row.profession = professions.get(row.profession_text.casefold())
        if not row.profession_text:
            row.errors.append(_("Profession missing."))
        elif row.profession is None:
            row.errors.append(_("Unknown profession “%(value)s”.", value=row.profession_text))
        row.department = departments.get(row.department_text.casefold())
        if not row.department_text:
            row.errors.append(_("Department missing."))
        elif row.department is None:
            row.errors.append(_("Unknown department “%(value)s”.", value=row.department_text))
        try:
            row.phone = phones.to_e164(row.phone)
            phone_error = None
        except ValueError as error:
            phone_error = str(error)
        row.language = _language_of(row.language_text)
        if row.language is None:
            row.errors.append(_("Unknown language “%(value)s”: write en, fr or rw, or leave it empty for English.",
                                value=row.language_text))
        if row.full_name and row.profession is not None:
            key = (_same_person_key(row.full_name), row.profession.id)
            if key in seen:
                row.errors.append(_("Same name and profession as row %(n)s.", n=seen[key]))
            else:
                seen[key] = number
                row.already_here = key in existing
        if phone_error and not row.already_here:  # a row left out is not refused for the phone on the record
            row.errors.append(phone_error)
        rows.append(row)
    return RosterCheck(hospital=hospital, text=text, rows=rows)


# A roster's language cell: the code, or the language's name in English, French or itself; empty is English.
LANGUAGE_NAMES = {
    "": DEFAULT_LANGUAGE, "en": "en", "english": "en", "anglais": "en", "icyongereza": "en",
    "fr": "fr", "french": "fr", "français": "fr", "francais": "fr", "igifaransa": "fr",
    "rw": "rw", "kinyarwanda": "rw", "ikinyarwanda": "rw", "kin": "rw",
}


def _language_of(text: str) -> str | None:
    return LANGUAGE_NAMES.get(text.strip().casefold())


def check_for_saving(text: str, hospital: Hospital) -> RosterCheck:
    """`check_roster` with the hospital locked until the request commits: the same roster saved twice at once is
    checked one save after the other, so the second finds the first one's mentees ("Already a mentee") instead
    of adding them again. (Same name and profession is a rule of imports only, so no unique index holds it.)"""
    lock(hospital)
    return check_roster(text, hospital)


def save_roster(check: RosterCheck) -> list[Mentee]:
    """Add every new mentee of a checked roster (each audited) and one audit row for the import; the ones the
    hospital already has are left as they are. All or nothing: refuses a check with errors; the caller commits once."""
    if not check.ok:
        raise ValueError("a roster with errors is never saved")
    mentees = [
        mentee_services.create_mentee(full_name=row.full_name, profession_id=row.profession.id, hospital_id=check.hospital.id,
                                      department_id=row.department.id, phone=row.phone, preferred_language=row.language)
        for row in check.new_rows
    ]
    audit.record("roster.import", check.hospital, summary=f"imported {len(mentees)} mentee{'' if len(mentees) == 1 else 's'} into {check.hospital.name}",
                 after={"mentees": len(mentees)}, hospital_id=check.hospital.id)
    return mentees


def export_rows(rows, status_labels):
    """The mentee list's rows (EXPORT_COLUMNS) for the CSV export, from `queries.mentees_export_query`."""
    names: dict[tuple[type, str], str] = {}

    def said(kind, name: str | None) -> str:
        """A profession's or department's name in the reader's language, looked up once per export, not per mentee."""
        if name is None:
            return ""
        key = (kind, name)
        if key not in names:
            names[key] = kind.name_in_language(name)
        return names[key]

    for full_name, profession, department, phone, language, hospital, status, mentor_name in rows:
        yield (
            full_name,
            said(Profession, profession),
            said(Department, department),
            phone or "",
            language,
            hospital or "",
            status_labels.get(status, status),
            mentor_name or "",
        )
