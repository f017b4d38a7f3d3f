"""Gaps: required minus functional, how long they last, the matrix, scoping everywhere, constant query counts."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.formatting import format_day
from blueprints.equipment import gap_matrix, queries
from blueprints.equipment.gaps import gap
from blueprints.equipment.models import EquipmentItem, EquipmentNorm
from tests.conftest import count_queries
from tests.equipment.helpers import item, make_check, world
from tests.factories import login, make_hospital
from tests.meaning import visible_text


@pytest.fixture
def w():
    return world()


@pytest.mark.no_db
def test_a_gap_is_required_minus_functional_never_below_zero():
    assert gap(2, 0) == 2 and gap(2, 5) == 0 and gap(0, 0) == 0


def test_a_gap_lasts_from_the_first_of_the_consecutive_checks_that_found_it(w):
    for on, functional in ((date(2025, 3, 1), 2), (date(2025, 5, 1), 1), (date(2025, 7, 1), 0), (date(2025, 9, 1), 0)):
        make_check(w["nemba"], on, {"Bubble CPAP": (2, functional)})
    cell = gap_matrix.cells_from_counts([w["nemba"].id], [item("Bubble CPAP").id])[(w["nemba"].id, item("Bubble CPAP").id)]
    assert (cell.required, cell.gap_since, cell.gap_checks) == (2, date(2025, 5, 1), 3)
    make_check(w["nemba"], date(2025, 11, 1), {"Bubble CPAP": (2, 2)})
    cell = gap_matrix.cells_from_counts([w["nemba"].id], [item("Bubble CPAP").id])[(w["nemba"].id, item("Bubble CPAP").id)]
    assert (cell.gap_since, cell.gap_checks) == (None, 0)


def test_the_matrix_says_how_long_the_gap_has_lasted_and_the_cell_opens_its_history(client, w):
    start = date(2025, 3, 12)
    make_check(w["nemba"], start - timedelta(days=60), {"Bubble CPAP": (2, 2)})
    for n in range(8):
        make_check(w["nemba"], start + timedelta(days=60 * n), {"Bubble CPAP": (1, 0)})
    login(client, w["coordinator"])
    page = client.get("/equipment/").data
    assert re.search(rb"no functional Bubble CPAP at Nemba since 12 Mar 2025 \(\d+ months, 8 checks\)", page)
    cpap = item("Bubble CPAP")
    history = client.get(f"/equipment/hospitals/{w['nemba'].id}/items/{cpap.id}").data
    assert b"No functional Bubble CPAP at Nemba since 12 Mar 2025, 8 checks." in history
    assert b"<svg" in history and b"<script" not in history.split(b"<main")[1]


def test_a_hospital_norm_overrides_the_default_requirement(client, w):
    monitor = item("CTG / fetal monitor (labour monitor)")
    db.session.add(EquipmentNorm(hospital_id=w["nemba"].id, item_id=monitor.id, required_quantity=6))
    make_check(w["nemba"], today(), {monitor.name: (1, 1)})
    login(client, w["coordinator"])
    assert b"! 1/6" in client.get("/equipment/").data


def test_the_matrix_filters_by_province_ward_and_critical_and_sorts_worst_first(client, w):
    make_check(w["nemba"], today(), {"Bubble CPAP": (0, 0), "MUAC tapes": (10, 10)})
    make_check(w["byumba"], today(), {"Bubble CPAP": (2, 2), "Scales": (0, 0)})
    login(client, w["coordinator"])
    page = client.get("/equipment/").data.decode()
    assert page.index(">Nemba<") < page.index(">Byumba<")  # total gap 2 before 2, critical first
    assert ">Byumba<" not in client.get("/equipment/?province=Northern+Province").data.decode()
    neonatal = client.get("/equipment/?ward=neonatal_unit", headers={"HX-Request": "true"}).data
    assert b"Bubble CPAP" in neonatal and b"MUAC tapes" not in neonatal and b"<html" not in neonatal
    critical = client.get("/equipment/?critical=1").data
    assert b"Bubble CPAP" in critical and b"Scales" not in critical
    by_name = client.get("/equipment/?sort=name").data.decode()
    assert by_name.index(">Byumba<") < by_name.index(">Nemba<")


def test_cells_carry_text_as_well_as_colour(client, w):
    make_check(w["nemba"], today(), {"Bubble CPAP": (0, 0), "Oxygen source": (1, 1)})
    login(client, w["coordinator"])
    page = client.get("/equipment/").data.decode()
    assert 'class="sev sev-none"' in page and "✗ 0/2" in page and "✓ 1/1" in page and "not checked" in page
    assert 'class="table-wrap pin-head matrix-wrap"' in page


def test_each_matrix_cell_says_its_gap_once_without_a_title_and_names_are_escaped(client, w):
    """A national matrix is 2,520 cells: a gap's sentence is written once (read with the cell, shown on hover or
    focus), not repeated in a title; the table body is written in Python, so names must still be escaped."""
    w["nemba"].name = "Nemba <b>&</b>"
    make_check(w["nemba"], today() - timedelta(days=30), {"Bubble CPAP": (0, 0), "Oxygen source": (1, 1)})
    login(client, w["coordinator"])
    page = client.get("/equipment/").data.decode()
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("no functional Bubble CPAP at Nemba &lt;b&gt;&amp;&lt;/b&gt; since") == 1
    assert 'class="cell-detail"' in body and "title=" not in body and "<b>" not in body
    cpap = item("Bubble CPAP")
    assert f'href="/equipment/hospitals/{w["nemba"].id}/items/{cpap.id}">✗ 0/' in body
    assert f'<a href="/equipment/hospitals/{w["nemba"].id}">Nemba &lt;b&gt;' in body


def test_the_hospital_page_escapes_item_and_hospital_names(client, w):
    """The hospital page's checklist rows and gap list are written in Python (hospital_html.py): names from the
    database and the catalogue must still come out escaped, in the row, the gap sentence and the trend's label."""
    w["nemba"].name = "Nemba <b>&</b>"
    cpap = item("Bubble CPAP")
    cpap.name = "CPAP <i>\"x\"</i>"
    make_check(w["nemba"], today() - timedelta(days=90), {cpap.name: (1, 1)})
    make_check(w["nemba"], today() - timedelta(days=30), {cpap.name: (0, 0)})
    login(client, w["admin"])
    page = client.get(f"/equipment/hospitals/{w['nemba'].id}").data.decode()
    main = page.split("<main", 1)[1]
    assert "<b>" not in main and "<i>" not in main
    href = f'href="/equipment/hospitals/{w["nemba"].id}/items/{cpap.id}"'
    assert f'<th scope="row"><a {href}>CPAP &lt;i&gt;&#34;x&#34;&lt;/i&gt;</a> <span class="badge overdue">critical</span></th>' in main
    assert f"<a {href}>no functional CPAP &lt;i&gt;&#34;x&#34;&lt;/i&gt; at Nemba &lt;b&gt;&amp;&lt;/b&gt; since" in main
    assert 'aria-label="CPAP &lt;i&gt;&#34;x&#34;&lt;/i&gt;: functional count at each check"' in main


def test_the_hospital_page_says_for_each_item_and_check_what_the_counts_say(client, w):
    """Each checklist row: required, available, functional, the gap (or ✓ 0, or not checked), the last count's
    date and a trend line (or one count so far, or —); recent checks say who counted, how many items, whether done."""
    login(client, w["coordinator"])
    empty = client.get(f"/equipment/hospitals/{w['byumba'].id}").data.decode()
    assert "No check yet." in empty and "No gap in the last counts." in empty and "not checked" in empty
    first, second = today() - timedelta(days=90), today() - timedelta(days=30)
    make_check(w["nemba"], first, {"Bubble CPAP": (2, 2)})
    make_check(w["nemba"], second, {"Bubble CPAP": (3, 1), "Oxygen source": (1, 1)}, visit=w["visit"], complete=False)
    page = client.get(f"/equipment/hospitals/{w['nemba'].id}").data.decode()
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = {re.search(r'items/(\d+)">', row).group(1): row for row in body.split("<tr>")[1:]}
    cpap, oxygen = rows[str(item("Bubble CPAP").id)], rows[str(item("Oxygen source").id)]
    cells = r'<td class="num">{}</td>\s*<td class="num">{}</td>\s*<td class="num">{}</td>\s*<td class="num sev sev-{}">{}</td>\s*<td>{}</td>'
    assert re.search(cells.format(2, 3, 1, "short", 1, re.escape(format_day(second))), cpap)
    assert '<polyline points="3.0,3.0 157.0,' in cpap and 'aria-label="Bubble CPAP: functional count at each check"' in cpap
    assert re.search(cells.format(1, 1, 1, "ok", "✓ 0", re.escape(format_day(second))), oxygen) and "one count so far" in oxygen
    never = next(row for key, row in rows.items() if key not in (str(item("Bubble CPAP").id), str(item("Oxygen source").id)))
    assert re.search(cells.format(r"\d+", "—", "—", "unknown", "not checked", "—"), never) and '<span class="muted small">—</span>' in never
    assert body.count('<tr class="group">') == len({i.ward for i, _r in queries.items_for()})
    recent = page.split('id="checks-heading"', 1)[1].split("</section>", 1)[0]
    assert recent.count("<li>") == 2 and recent.index(format_day(second)) < recent.index(format_day(first))
    assert "visit · 2 items" in recent and "hospital · 1 item" in recent
    assert recent.count('<span class="badge due">in progress</span>') == 1 and recent.count('<span class="badge ok">complete</span>') == 1
    gaps = page.split("<h2>Gaps now</h2>", 1)[1].split("<h2>", 1)[0]
    assert gaps.count("<li ") == 1 and "1 Bubble CPAP short at Nemba since" in gaps and "(1 of 2 required working)" in gaps


def test_a_retired_item_leaves_the_matrix_and_keeps_its_history(client, w):
    make_check(w["nemba"], today(), {"Bubble CPAP": (0, 0)})
    cpap = item("Bubble CPAP")
    login(client, w["coordinator"])
    assert client.post(f"/equipment/catalogue/{cpap.id}/retire").status_code == 302
    assert b"Bubble CPAP" not in client.get("/equipment/", headers={"HX-Request": "true"}).data
    assert b"Never counted" not in client.get(f"/equipment/hospitals/{w['nemba'].id}/items/{cpap.id}").data


def test_only_coordinators_edit_the_catalogue(client, w):
    login(client, w["admin"])
    assert client.get("/equipment/catalogue").status_code == 403
    client.post("/logout")
    login(client, w["coordinator"])
    assert client.get("/equipment/catalogue").status_code == 200
    response = client.post("/equipment/catalogue/new", data={"ward": "neonatal_unit", "name": "Bubble CPAP", "required_quantity": "1"})
    assert response.status_code == 422 and b"already has an item with this name" in response.data
    assert client.post("/equipment/catalogue/new", data={"ward": "neonatal_unit", "name": "Bilirubin meter", "unit": "device",
                                                         "required_quantity": "1"}).status_code == 302


def test_a_hospital_administrator_sees_only_their_hospital_in_pages_fragments_csv_and_pdf(client, w):
    make_check(w["nemba"], today(), {"Bubble CPAP": (0, 0)})
    make_check(w["byumba"], today(), {"Bubble CPAP": (0, 0)})
    login(client, w["admin"])
    for path in ("/equipment/", "/equipment/?ward=neonatal_unit", "/equipment/matrix.csv", "/equipment/report"):
        body = client.get(path, headers={"HX-Request": "true"} if "ward" in path else {}).data
        assert b"Nemba" in body and b"Byumba" not in body, path
    byumba = w["byumba"].id
    for path in (f"/equipment/hospitals/{byumba}", f"/equipment/hospitals/{byumba}/report.pdf",
                 f"/equipment/hospitals/{byumba}/items/{item('Bubble CPAP').id}", f"/equipment/report?hospital={byumba}"):
        assert client.get(path).status_code == 404, path
    assert client.get(f"/equipment/hospitals/{w['nemba'].id}").status_code == 200


def test_a_mentor_sees_only_the_hospitals_their_team_visits(client, w):
    make_check(w["byumba"], today(), {"Bubble CPAP": (0, 0)})
    login(client, w["mentor_a"])
    body = client.get("/equipment/").data
    assert b"Nemba" in body and b"Byumba" not in body
    assert client.get(f"/equipment/hospitals/{w['byumba'].id}").status_code == 404
    assert b"Byumba" not in client.get("/equipment/matrix.csv").data


def test_the_hospital_page_shows_gaps_and_a_server_drawn_trend(client, w):
    make_check(w["nemba"], today() - timedelta(days=120), {"Oxygen source": (1, 1)})
    make_check(w["nemba"], today() - timedelta(days=60), {"Oxygen source": (1, 0)})
    make_check(w["nemba"], today(), {"Oxygen source": (1, 0)})
    login(client, w["admin"])
    page = client.get(f"/equipment/hospitals/{w['nemba'].id}").data.decode()
    assert "no functional Oxygen source at Nemba since" in page and "2 checks" in page
    assert "<polyline" in page and "<script" not in page.split("<main")[1]


def add_checks(hospitals, n, start):
    names = ["Bubble CPAP", "Oxygen source", "Pulse oximeter", "Scales"]
    for i in range(n):
        make_check(hospitals[i % len(hospitals)], start + timedelta(days=i),
                   {name: (2, (i + k) % 3) for k, name in enumerate(names)})


@pytest.mark.parametrize("role", ["coordinator", "hospital_admin", "mentor"])
def test_the_matrix_runs_at_most_5_queries_whatever_the_data(client, w, role):
    hospitals = [w["nemba"], w["byumba"], make_hospital("Ruli"), make_hospital("Gitwe")]
    add_checks(hospitals, 10, date(2024, 1, 1))
    user = {"coordinator": w["coordinator"], "hospital_admin": w["admin"], "mentor": w["mentor_a"]}[role]
    login(client, user)
    with count_queries() as few:
        client.get("/equipment/")
    add_checks(hospitals, 90, date(2025, 1, 1))
    with count_queries() as many:
        response = client.get("/equipment/?critical=1")
    assert response.status_code == 200
    assert len(many) == len(few) <= 5


def test_the_hospital_page_and_csv_run_a_constant_number_of_queries(client, w):
    login(client, w["coordinator"])
    add_checks([w["nemba"]], 10, date(2024, 1, 1))
    with count_queries() as few_page:
        client.get(f"/equipment/hospitals/{w['nemba'].id}")
    with count_queries() as few_csv:
        client.get("/equipment/matrix.csv")
    add_checks([w["nemba"]], 90, date(2025, 1, 1))
    with count_queries() as many_page:
        assert client.get(f"/equipment/hospitals/{w['nemba'].id}").status_code == 200
    with count_queries() as many_csv:
        client.get("/equipment/matrix.csv")
    assert len(many_page) == len(few_page) <= 8
    assert len(many_csv) == len(few_csv) <= 5


def test_equal_cells_of_the_matrix_are_one_object(w):
    """Issue 23: at ten times national scale the matrix's 25,200 cells hold 6,033 different states; each is made once,
    and a cell is read-only, so equal cells are one object (the CSV writes each one's numbers once)."""
    make_check(w["nemba"], date(2025, 1, 1), {"Bubble CPAP": (2, 1), "Scales": (2, 2)})
    make_check(w["byumba"], date(2025, 1, 1), {"Bubble CPAP": (2, 1), "Scales": (2, 0)})
    data = gap_matrix.matrix(w["coordinator"])
    column = {item.name: k for k, item in enumerate(data["items"])}
    nemba, byumba = (next(row["cells"] for row in data["rows"] if row["hospital"].id == w[name].id) for name in ("nemba", "byumba"))
    assert nemba[column["Bubble CPAP"]] is byumba[column["Bubble CPAP"]]
    assert nemba[column["Scales"]] is not byumba[column["Scales"]]
    assert (nemba[column["Scales"]].gap, byumba[column["Scales"]].gap) == (0, item("Scales").required_quantity)


def test_only_the_matrix_page_reads_the_open_requests(client, w):
    """The page marks the gaps with an open request; the CSV, the report (which lists the requests themselves), the
    dashboard's tiles and the weekly summary do not join them to 25,200 cells (issue 23)."""
    make_check(w["nemba"], today(), {"Bubble CPAP": (0, 0)})
    login(client, w["coordinator"])
    with count_queries() as page:
        client.get("/equipment/")
    with count_queries() as download:
        assert client.get("/equipment/matrix.csv").status_code == 200
    assert any("equipment_request" in statement for statement in page)
    assert not any("equipment_request" in statement for statement in download)
    assert gap_matrix.matrix(w["coordinator"])["requested"] is None


def test_the_matrix_csv_names_each_item_once_whatever_the_hospitals(client, w, monkeypatch):
    """Issue 23: the national CSV looked up an item's name 25,200 times (once per cell) for 60 items."""
    from blueprints.equipment import models

    hospitals = [w["nemba"], w["byumba"], make_hospital("Ruli"), make_hospital("Gitwe")]
    add_checks(hospitals, 4, date(2025, 1, 1))
    looked_up, localized_name = [], models.localized_name
    monkeypatch.setattr(models, "localized_name", lambda name, *args: looked_up.append(name) or localized_name(name, *args))
    login(client, w["coordinator"])
    lines = client.get("/equipment/matrix.csv").data.decode("utf-8-sig").splitlines()
    items = db.session.scalar(select(func.count(EquipmentItem.id)).where(EquipmentItem.retired.is_(False)))
    assert len(lines) == 1 + 4 * items and any(",Bubble CPAP," in line for line in lines)
    assert len(looked_up) == items


def test_a_national_matrix_opens_on_one_province_with_every_province_one_choice_away(client, w, monkeypatch):
    """Issue 23: 420 hospitals x 60 items is 25,200 cells and 2.9 MB of HTML; past a hundred hospitals the matrix
    opens on the first province, and 'All provinces' (province=) shows the whole country."""
    make_check(w["nemba"], today(), {"Bubble CPAP": (0, 0)})
    make_check(w["byumba"], today(), {"Bubble CPAP": (0, 0)})
    login(client, w["coordinator"])
    page = client.get("/equipment/").get_data(as_text=True)
    assert "Nemba" in page and "Byumba" in page  # two hospitals: the whole country, as before
    from blueprints.people.queries import hospitals

    monkeypatch.setattr(hospitals, "ONE_PROVINCE_ABOVE", 1)
    page = client.get("/equipment/").get_data(as_text=True)
    assert "Nemba" in page and "Byumba" not in page.split('id="matrix"')[1]
    assert '<option value="Northern Province" selected>' in page
    assert "province=Northern" in page.split('id="matrix"')[1].split("matrix.csv")[1][:80]  # the CSV of what is shown
    every = client.get("/equipment/?province=").get_data(as_text=True)
    assert "Nemba" in every and "Byumba" in every.split('id="matrix"')[1]


def test_a_national_gap_report_opens_on_one_province_as_the_matrix_does_with_every_province_one_choice_away(
        client, w, monkeypatch):
    """Issues 23 and 25: at ten times national scale the report listed 6,700 gaps and 2,500 requests (2.9 MB); past a
    hundred hospitals it opens on the first province, its CSV and PDF links are of that province, and 'All
    provinces' (province=) is the whole country; the trend stays the programme's."""
    make_check(w["nemba"], today() - timedelta(days=30), {"Bubble CPAP": (0, 0)})
    make_check(w["byumba"], today() - timedelta(days=60), {"Bubble CPAP": (0, 0)})
    login(client, w["coordinator"])
    from blueprints.people.queries import hospitals

    monkeypatch.setattr(hospitals, "ONE_PROVINCE_ABOVE", 1)
    page = client.get("/equipment/report").get_data(as_text=True)
    gaps = page.split("<h2>Gaps</h2>")[1]
    assert "Nemba" in gaps and "Byumba" not in gaps
    assert '<option value="Northern Province" selected>' in page
    assert 'href="/equipment/report.csv?province=Northern+Province"' in page
    assert 'href="/equipment/report.pdf?province=Northern+Province"' in page
    assert "Jun 2026: 2 critical gaps" in page  # the programme's trend: both hospitals
    every = client.get("/equipment/report?province=").get_data(as_text=True).split("<h2>Gaps</h2>")[1]
    assert "Nemba" in every and "Byumba" in every
    csv = client.get("/equipment/report.csv").data.decode("utf-8-sig")  # a download asks for what it wants
    assert "Nemba" in csv and "Byumba" in csv


def test_a_matrix_of_more_hospitals_than_a_page_shows_the_worst_first_and_the_rest_one_link_away(app, client, w, monkeypatch):
    """Issue 23: one province at ten times national scale is 100 hospitals (the critical-only fragment 13 KB gzipped,
    its per-cell links and gap sentences being what a coordinator needs); past MATRIX_PER_PAGE hospitals the matrix
    shows a page of them, worst first, the next ones a link away with the filters kept, and the CSV every one."""
    make_check(w["nemba"], today(), {"Bubble CPAP": (0, 0)})
    make_check(w["byumba"], today(), {"Bubble CPAP": (1, 1)})
    monkeypatch.setitem(app.config, "MATRIX_PER_PAGE", 1)
    login(client, w["coordinator"])
    first = client.get("/equipment/?critical=1", headers={"HX-Request": "true"}).get_data(as_text=True)
    body = first.split("<tbody>")[1].split("</tbody>")[0]
    assert ">Nemba<" in body and ">Byumba<" not in body  # the worst first
    assert "1–1 of 2" in visible_text(first)
    assert 'href="/equipment/?critical=1&amp;page=2"' in first and 'data-hx-target="#matrix"' in first
    second = client.get("/equipment/?critical=1&page=2").get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]
    assert ">Byumba<" in second and ">Nemba<" not in second
    table = client.get("/equipment/matrix.csv?critical=1").get_data(as_text=True)
    assert "Nemba" in table and "Byumba" in table
