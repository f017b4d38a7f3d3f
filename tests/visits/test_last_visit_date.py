"""Issue 17 item 10: a hospital's last visit is one date everywhere, the day the visit ENDED (cadence counts from it),
whether the reader looks at the visit list, the hospital page, the dashboard, its CSV or the planner."""

import csv
import io
from datetime import date

import tinyhtml5

from blueprints.visits import planning
from tests.factories import login
from tests.visits.conftest import held_visit

NS = "{http://www.w3.org/1999/xhtml}"
STARTED, ENDED = date(2026, 3, 2), date(2026, 3, 4)  # a three-day visit; 98 days before the frozen 10 June 2026


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def cadence_cells(html: str) -> dict[str, list[str]]:
    """The cadence table's rows by hospital: the cells' text."""
    rows = {}
    for tr in tinyhtml5.parse(html).iter(f"{NS}tr"):
        cells = [text(td) for td in tr.findall(f"{NS}td")]
        if len(cells) == 6:
            rows[cells[0]] = cells
    return rows


def test_the_last_visit_is_the_day_the_visit_ended_on_every_page_and_export(client, programme):
    held_visit(programme["ruli"], programme["team_a"], STARTED)
    login(client, programme["coordinator"])

    visit_list = cadence_cells(client.get("/visits/").get_data(as_text=True))["Ruli"]
    hospital_page = cadence_cells(client.get(f"/hospitals/{programme['ruli'].id}").get_data(as_text=True))["Ruli"]
    assert visit_list[2] == hospital_page[2] == "4 Mar 2026"
    assert "98 days since the last visit ended" in visit_list[5]

    tile = client.get("/dashboard/tiles/cadence").get_data(as_text=True)
    [ruli] = [text(li) for li in tinyhtml5.parse(tile).iter(f"{NS}li") if "Ruli" in text(li)]
    assert "98 days since the last visit ended (4 Mar 2026)" in ruli

    rows = list(csv.DictReader(io.StringIO(client.get("/dashboard/tiles/cadence.csv").get_data(as_text=True).lstrip("\ufeff"))))
    [row] = [r for r in rows if r["Hospital"] == "Ruli"]
    assert row["Last held visit"] == ENDED.isoformat()

    [proposal] = planning.plan(date(2026, 6, 15), 1, hospital_id=programme["ruli"].id)
    assert proposal.reasons[0] == "Overdue (last visit 4 Mar 2026): as soon as possible."


def test_the_dashboard_cadence_says_why_and_when_the_next_visit_is(client, programme):
    """Like the visit list: the days since the last visit ended, and the next planned visit or that none is."""
    held_visit(programme["ruli"], programme["team_a"], STARTED)
    login(client, programme["coordinator"])
    tile = client.get("/dashboard/tiles/cadence").get_data(as_text=True)
    [ruli] = [text(li) for li in tinyhtml5.parse(tile).iter(f"{NS}li") if "Ruli" in text(li)]
    assert "overdue" in ruli and "no visit planned" in ruli
