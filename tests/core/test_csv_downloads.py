"""CSV downloads (issue 16, point 10): every CSV the app writes starts with a byte-order mark (Excel reads
the accents as UTF-8), never holds a cell a spreadsheet would run as a formula (OWASP's CSV injection
advice), and is an attachment whose file name says which variant (filters) it holds."""

import csv
import io
import re
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest

from blueprints.core.downloads import BOM as CSV_BOM
from blueprints.core.downloads import csv_record, csv_text, read_cell, safe_cell
from tests.factories import login, make_hospital, make_mentee, make_team, make_user
from tests.security.world import build_world

ROOT = Path(__file__).resolve().parents[2]
BOM = b"\xef\xbb\xbf"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
PAYLOADS = {
    "hyperlink": '=HYPERLINK("http://x.ie","Hô")',  # each under 40 characters: it is also a phone number
    "plus": "+250 788 SUM(A1)",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def sign_in(client, username):
    client.post("/logout")
    assert login(client, username).status_code == 302, f"{username} could not sign in"


def csv_paths(app, ids):
    """Every CSV route in the URL map, built with the world's ids."""
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and ".csv" in rule.rule:
            yield rule.build({a: ids[a] for a in rule.arguments}, append_unknown=False)[1]


def raw_formula_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would read as a formula: a dangerous first character, and not a plain number."""
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell)]


def read_csv(response, where: str) -> list[list[str]]:
    assert response.data.startswith(BOM), f"{where}: no byte-order mark, Excel would garble accents"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8", where
    # A plain name, and the real one (accents kept, percent-encoded) when it differs: tests/reports/test_download_names.py
    assert re.fullmatch(r'attachment; filename="[a-z0-9-]+\.csv"(; filename\*=UTF-8\'\'[a-z0-9%A-F-]+\.csv)?',
                        response.headers["Content-Disposition"]), where
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("name", PAYLOADS)
def test_every_csv_route_has_a_bom_and_no_cell_a_spreadsheet_would_run(app, client, name):
    payload = PAYLOADS[name]
    world = build_world(payload)
    ids = world["ids"]
    served: dict[str, list[list[str]]] = {}
    for username in ("coord.world", "admin.world", "mentor.world", "sys.world"):
        sign_in(client, username)
        for path in csv_paths(app, ids):
            for query in ("", "?status=all", "?province=" + quote(payload[:12])):
                response = client.get(path + query)
                assert response.status_code in (200, 403), f"{username} GET {path}{query} -> {response.status_code}"
                if response.status_code != 200:
                    continue
                where = f"{username} GET {path}{query}"
                rows = read_csv(response, where)
                assert raw_formula_cells(rows) == [], f"{where}: cells a spreadsheet would run"
                served.setdefault(path, []).extend(rows)
    every = {rule.rule for rule in app.url_map.iter_rules() if ".csv" in rule.rule}
    assert set(served) == every, "each CSV route was downloaded by some role"
    # The payload really reached the files, as text: the walk would notice a regression.
    shown = {path for path, rows in served.items() if any(payload in cell for row in rows for cell in row)}
    for must in ("/equipment/matrix.csv", "/mentees/export.csv", "/dashboard/tiles/cadence.csv"):
        assert must in shown, f"{must} never held the payload"
    assert ["'" + payload + " hospital", "'" + payload] in [row[:2] for row in served["/equipment/matrix.csv"]]


def test_the_matrix_csv_reads_accents_in_excel_and_names_stay_text(client):
    make_hospital("Hôpital de Kibuye", province="Iburengerazuba")
    make_hospital('=HYPERLINK("http://evil.example","x")', province="-Province")
    login(client, make_user("coordinator"))
    from blueprints.equipment.services import create_item

    create_item(ward="labour", name="@Bulb", unit="piece", required_quantity=1, critical=False)
    response = client.get("/equipment/matrix.csv?sort=name")
    assert response.data.startswith(BOM)
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8"))))
    names = {row[0].lstrip("\ufeff") for row in rows[1:]}
    assert "Hôpital de Kibuye" in names and "'=HYPERLINK(\"http://evil.example\",\"x\")" in names
    assert {row[1] for row in rows[1:]} >= {"Iburengerazuba", "'-Province"}
    assert "'@Bulb" in {row[3] for row in rows[1:]}


def disposition(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.headers["Content-Disposition"]


def test_each_variant_of_a_csv_has_its_own_file_name(client):
    team = make_team("Team North")
    hospital = make_hospital("Nemba", team=team, province="Northern Province")
    make_mentee(hospital, name="Aline")
    login(client, make_user("coordinator"))
    names = [disposition(client, path) for path in (
        "/equipment/matrix.csv", "/equipment/matrix.csv?province=Northern+Province", "/equipment/matrix.csv?ward=labour",
        "/equipment/matrix.csv?critical=1", "/equipment/matrix.csv?province=Northern+Province&ward=labour&critical=1",
        "/mentees/export.csv", f"/mentees/export.csv?hospital={hospital.id}", "/mentees/export.csv?status=left",
        "/mentees/export.csv?q=aline",
        "/dashboard/tiles/cadence.csv?from=2026-01-01&to=2026-03-31",
        "/dashboard/tiles/cadence.csv?from=2026-01-01&to=2026-03-31&province=Northern+Province",
        "/dashboard/tiles/visits.csv?from=2026-01-01&to=2026-03-31",
    )]
    assert len(set(names)) == len(names), names
    assert "northern-province" in names[1] and "labour" in names[2] and "critical" in names[3]
    assert "nemba" in names[6] and "left" in names[7] and "aline" in names[8]
    assert 'filename="cadence-2026-01-01-to-2026-03-31' in names[9] and "northern-province" in names[10]


@pytest.mark.no_db
def test_only_the_core_helper_writes_csv():
    """One CSV writer (blueprints/core/downloads.py): a CSV written anywhere else would miss the BOM or the guard."""
    pattern = re.compile(r"csv\.(writer|DictWriter)\b|mimetype\s*=\s*[\"']text/csv")
    found = [f"{path.relative_to(ROOT)}:{number}" for path in sorted((ROOT / "blueprints").rglob("*.py"))
             if path.name != "downloads.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert found == []


@pytest.mark.no_db
@pytest.mark.parametrize("value", ["=1+1", "+250 788 000 001", "-Jean", "@home", "\tTab", "\rCR", "'=already", "Aline", "", "'Ntwari"])
def test_a_neutralised_cell_reads_back_as_written(value):
    assert read_cell(safe_cell(value)) == value


@pytest.mark.no_db
def test_numbers_and_dates_are_written_as_spreadsheets_read_them():
    from datetime import date

    rows = list(csv.reader(io.StringIO(csv_text(["n", "day", "text"], [[-3, date(2026, 1, 31), None]]).lstrip("\ufeff"))))
    assert rows == [["n", "day", "text"], ["-3", "2026-01-31", ""]]


@pytest.mark.no_db
def test_every_kind_of_cell_is_written_as_spreadsheets_read_it():
    """Pins what each kind of value becomes (the national exports write 300,000 cells, so the writer has a fast path
    for the plain kinds): numbers as numbers, booleans and enum members as their text, days as ISO, nothing as
    nothing, and text that could start a formula, or that starts with an apostrophe before one, behind an apostrophe."""
    from datetime import date
    from decimal import Decimal

    from markupsafe import Markup

    from blueprints.people.models import MenteeStatus

    values = [0, -3, 2.5, Decimal("1.50"), True, False, None, date(2026, 1, 31), "", "Aline", "'Ntwari", "''=x", "'=x",
              "=1+1", "+250", "-Jean", "@home", "\tTab", "\rCR", "Hôpital", " =spaced", Markup("=<b>"), MenteeStatus.ACTIVE]
    assert [safe_cell(value) for value in values] == [
        0, -3, 2.5, Decimal("1.50"), "True", "False", "", "2026-01-31", "", "Aline", "'Ntwari", "'''=x", "''=x",
        "'=1+1", "'+250", "'-Jean", "'@home", "'\tTab", "'\rCR", "Hôpital", " =spaced", "'=<b>", "active"]
    assert [type(cell) for cell in map(safe_cell, values)][:4] == [int, int, float, Decimal]
    text = csv_text(["n", "text"], [[1, "=a"], [None, "b"]])
    assert text == "\ufeffn,text\r\n1,'=a\r\n,b\r\n"
    written = io.StringIO()
    csv.writer(written).writerow([safe_cell(value) for value in values])
    assert csv_text(["h"], [values]) == "\ufeffh\r\n" + written.getvalue()  # a whole row as cell by cell


@pytest.mark.no_db
def test_a_record_written_in_parts_is_the_one_the_writer_writes_whole():
    """The matrix CSV writes each hospital's and item's text once as the start of many records (issue 23): the
    parts joined must be what `csv_text` writes for the whole row, quotes, guards, numbers, days and nothing alike."""
    row = ["=HYPERLINK(1)", 'say "hi", twice', "Hôpital\nNemba", "", 3, None, date(2026, 1, 2), "-Jean"]
    whole = csv_text(["h"], [row])
    assert whole == CSV_BOM + csv_record(["h"]) + csv_record(row[:2], end=",") + csv_record(row[2:4], end=",") + csv_record(row[4:])


def test_the_matrix_csv_writes_each_cell_as_the_writer_writes_its_record(app):
    """The matrix CSV writes a cell's numbers and days itself, once per different cell (issue 23): every record must be
    the one the CSV writer writes whole, for cells known and not, with and without a gap, shared by rows or not."""
    from types import SimpleNamespace

    from blueprints.equipment.forms import WARD_LABELS
    from blueprints.equipment.gaps import Cell
    from blueprints.equipment.matrix_csv import csv_records

    items = [SimpleNamespace(ward="labour", display_name="=Lits", critical=True),
             SimpleNamespace(ward="neonatal_unit", display_name='CPAP "à bulles", 2', critical=False),
             SimpleNamespace(ward="theatre", display_name="Scales", critical=True)]
    gapped = Cell(2, 3, 0, date(2026, 1, 2), date(2025, 12, 1), 3)
    rows = [{"hospital": SimpleNamespace(name="-Nemba", province="Northern"), "cells": [gapped, Cell(2), None]},
            {"hospital": SimpleNamespace(name="Hôpital, Ruli", province="Sud"),
             "cells": [Cell(1, 1, 1, date(2026, 1, 2)), gapped, Cell(2, 3, 0, date(2026, 1, 2), date(2025, 12, 1), 3)]}]
    with app.test_request_context():
        written = "".join(csv_records(rows, items))
        whole = "".join(
            csv_record([row["hospital"].name, row["hospital"].province, str(WARD_LABELS[item.ward]), item.display_name,
                        "yes" if item.critical else "",
                        *((cell.required, cell.available, cell.functional, cell.gap, cell.checked_on, cell.gap_since,
                           cell.gap_checks) if cell else (None,) * 7)])
            for row in rows for item, cell in zip(items, row["cells"], strict=True))
    assert written == whole
