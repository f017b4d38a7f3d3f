"""How long a gap has lasted, as a duration ("14 months, 13 checks"), in the matrix, the hospital page, the gap report,
its CSV and its PDF (issue 17, item 9)."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from blueprints.core.clock import today
from blueprints.core.formatting import format_day, format_month
from blueprints.core.i18n import in_language
from tests.conftest import count_queries
from tests.equipment.helpers import item, make_check, world
from tests.factories import login, make_hospital, make_user


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, 28))


@pytest.fixture
def w():
    """Nemba: no functional Bubble CPAP for 14 months over 13 checks. Byumba: Scales short for 20 days over 2 checks."""
    data = world()
    now = today()
    since = months_before(now, 14)
    make_check(data["nemba"], since - timedelta(days=30), {"Bubble CPAP": (2, 2)})
    step = (now - since) / 12
    for n in range(13):
        make_check(data["nemba"], since + step * n if n < 12 else now, {"Bubble CPAP": (1, 0)})
    make_check(data["byumba"], now - timedelta(days=20), {"Scales": (2, 1)})
    make_check(data["byumba"], now, {"Scales": (2, 1)})
    data["since"] = since
    return data


def row_of(html: str, *texts: str) -> str:
    """The one table row or list item that holds every text."""
    rows = [r for r in re.findall(r"<(?:tr|li)\b.*?</(?:tr|li)>", html, re.S) if all(t in r for t in texts)]
    assert len(rows) == 1, (texts, rows)
    return rows[0]


def test_a_gaps_duration_is_the_months_from_its_first_check_to_today_and_the_checks_that_saw_it(app):
    from blueprints.equipment.gaps import gap_duration

    assert gap_duration(date(2025, 3, 12), 13, date(2026, 5, 20)) == "14 months, 13 checks"
    assert gap_duration(date(2026, 5, 12), 1, date(2026, 6, 11)) == "30 days, 1 check"
    assert gap_duration(date(2026, 4, 30), 2, date(2026, 5, 31)) == "1 month, 2 checks"


def test_the_matrix_cell_says_how_long_the_gap_has_lasted(client, w):
    login(client, w["coordinator"])
    page = client.get("/equipment/").data.decode()
    nemba = row_of(page, ">Nemba</a>")
    cell = next(c for c in nemba.split("<td") if f"/items/{item('Bubble CPAP').id}\"" in c)
    assert "14 months, 13 checks" in cell


def test_the_hospital_page_says_how_long_each_gap_has_lasted(client, w):
    login(client, w["coordinator"])
    page = client.get(f"/equipment/hospitals/{w['nemba'].id}").data.decode()
    assert "14 months, 13 checks" in row_of(page, "no functional Bubble CPAP")


def test_the_duration_reads_in_french_and_kinyarwanda(client, w):
    login(client, make_user("coordinator", language="fr"))
    assert "14 mois, 13 inventaires" in client.get("/equipment/").data.decode()
    login(client, make_user("coordinator", language="rw"))
    assert "amezi 14, amagenzura 13" in client.get("/equipment/").data.decode()


def test_the_gap_report_says_how_long_each_gap_has_lasted_and_filters_as_the_matrix_does(client, w):
    login(client, w["coordinator"])
    page = client.get("/equipment/report").data.decode()
    assert "14 months, 13 checks" in row_of(page, "Nemba", "Bubble CPAP")
    assert "20 days, 2 checks" in row_of(page, "Byumba", "Scales")
    critical = client.get("/equipment/report?critical=1").data.decode()
    assert "Nemba" in critical and "Scales" not in critical
    southern = client.get("/equipment/report?province=Southern+Province").data.decode()
    assert "Scales" in southern and "Bubble CPAP" not in southern.split("<tbody>")[1]
    assert 'href="/equipment/report.csv?province=Southern+Province"' in southern


def test_the_gap_report_csv_has_the_duration_in_the_row_and_the_filters(client, w):
    login(client, w["coordinator"])
    response = client.get("/equipment/report.csv")
    assert response.status_code == 200 and "equipment-gap-report" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    cpap = next(r for r in rows if r["Hospital"] == "Nemba" and r["Item"] == "Bubble CPAP")
    assert cpap["How long"] == "14 months, 13 checks" and cpap["Gap since"] == w["since"].isoformat()
    filtered = client.get("/equipment/report.csv?ward=paediatric").data.decode("utf-8-sig")
    assert [r["Item"] for r in csv.DictReader(io.StringIO(filtered))] == ["Scales"]


def test_the_gap_report_pdf_says_how_long_each_gap_has_lasted(client, w):
    login(client, w["coordinator"])
    response = client.get("/equipment/report.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    nemba = " ".join(text[text.index("Nemba ★ Bubble CPAP"):text.index("Byumba")].split())  # its row, however wrapped
    assert "14 months, 13 checks" in nemba


def test_the_gap_report_names_the_hospitals_not_yet_checked_not_those_checked_without_a_gap(client, w):
    """The report reads only the cells with a gap (and one more a hospital, to know it was checked)."""
    kibuye = make_hospital("Kibuye", team=w["team_a"], province="Western Province")
    make_hospital("Gitwe", team=w["team_b"], province="Southern Province")
    make_check(kibuye, today(), {"Bubble CPAP": (2, 2), "Scales": (3, 3)})
    login(client, w["coordinator"])
    page = client.get("/equipment/report").get_data(as_text=True)
    assert "Not yet checked: Gitwe." in page
    assert "Kibuye" not in page.split("<h2>Gaps</h2>")[1]


def test_the_gap_report_page_and_csv_run_a_constant_number_of_queries(client, w):
    login(client, w["coordinator"])
    with count_queries() as few_page:
        client.get("/equipment/report")
    with count_queries() as few_csv:
        client.get("/equipment/report.csv")
    for n in range(30):
        make_check(w["byumba"], today() - timedelta(days=60 + n), {"Oxygen source": (2, n % 2), "Pulse oximeter": (3, 1)})
    with count_queries() as many_page:
        assert "Oxygen source" in client.get("/equipment/report").data.decode()
    with count_queries() as many_csv:
        assert "Pulse oximeter" in client.get("/equipment/report.csv").data.decode("utf-8-sig")
    assert len(many_page) == len(few_page) and len(many_csv) == len(few_csv) <= 5


def _pdf_text(response) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages).split())


def test_the_gap_reports_trend_chart_names_its_ends_in_months_and_counts_of_critical_gaps(client, w):
    """Issue 20, item 4: not '31 Mar 2025: 0' but the month and the count in words."""
    login(client, w["coordinator"])
    with in_language("en"):
        month = format_month(w["since"] - timedelta(days=30), "MMM yyyy")  # the first check, when nothing was short
        now = format_month(today(), "MMM yyyy")
    text = _pdf_text(client.get("/equipment/report.pdf"))
    assert f"{month}: no critical gap" in text and f"{now}: 1 critical gap" in text
    assert ": 0" not in text and f"{format_day(today())}: 1" not in text


def test_the_gap_reports_trend_chart_speaks_french(client, w):
    w["coordinator"].language = "fr"
    login(client, w["coordinator"])
    with in_language("fr"):
        now = format_month(today(), "MMM yyyy")
    assert f"{now} : 1 manque critique" in _pdf_text(client.get("/equipment/report.pdf"))
