"""The gap rule as the equipment reports print it (not a `%PDF` header): required minus functional at the last
check, never below zero, since the first of the consecutive checks that found it; one row per item with a gap."""

import re
from datetime import date

import pytest

from tests.equipment.helpers import make_check, world
from tests.factories import login
from tests.meaning import on_day, pdf_text

TODAY = date(2026, 3, 10)


@pytest.fixture
def w():
    w = world()
    make_check(w["nemba"], date(2025, 11, 3), {"Bubble CPAP": (2, 2), "Incubator": (2, 2)})
    make_check(w["nemba"], date(2026, 1, 12), {"Bubble CPAP": (2, 2), "Incubator": (1, 1)})
    make_check(w["nemba"], date(2026, 3, 2), {"Bubble CPAP": (1, 0), "Incubator": (1, 1), "Oxygen concentrator": (6, 6)})
    make_check(w["byumba"], date(2026, 3, 3), {"Bubble CPAP": (5, 5)})  # a spare at Byumba cancels nobody's gap
    return w


def gap_rows(text: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index("Hospital Item Required Functional Gap Since How long") + 1
    body = " ".join(lines[start:next(n for n in range(start, len(lines)) if lines[n].startswith("★ critical item"))])
    return re.split(r" (?=(?:Nemba|Byumba) )", body)  # a row may wrap over lines in the PDF; one string per hospital row


def report(client, w, path: str) -> str:
    with on_day(TODAY):
        login(client, w["coordinator"])
        response = client.get(path)
    assert response.status_code == 200
    return pdf_text(response.data)


def test_the_hospital_report_prints_each_gap_since_the_first_check_that_found_it(client, w):
    text = report(client, w, f"/equipment/hospitals/{w['nemba'].id}/report.pdf")
    assert "Equipment gaps as of 10 Mar 2026" in text
    assert gap_rows(text) == [
        "Nemba ★ Bubble CPAP Neonatal unit 2 0 2 2 Mar 2026 8 days, 1 check",  # critical first; the gap is one check old
        "Nemba Incubator Neonatal unit 2 1 1 12 Jan 2026 1 month, 2 checks",  # short by one since January (all there in November)
    ]


def test_the_programme_report_lists_only_items_with_a_gap(client, w):
    text = report(client, w, "/equipment/report.pdf")
    assert gap_rows(text) == [
        "Nemba ★ Bubble CPAP Neonatal unit 2 0 2 2 Mar 2026 8 days, 1 check",
        "Nemba Incubator Neonatal unit 2 1 1 12 Jan 2026 1 month, 2 checks",
    ]
    assert "Byumba" not in "\n".join(gap_rows(text))
