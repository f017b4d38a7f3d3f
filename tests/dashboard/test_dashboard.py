"""The home pages and the coordinator's dashboard (issue 7), one test per rule."""

import csv
import gzip
import io
import re
from datetime import timedelta

import pytest

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.dashboard import tiles as tiles_module
from blueprints.dashboard.tiles import HOME_TILES, INLINE_TILES, TILES
from blueprints.dashboard.tiles.base import Filters
from blueprints.people.services.absences import add_absence
from blueprints.people.services.transfers import log_transfer
from tests.conftest import count_queries
from tests.dashboard.helpers import make_visit, notify_many, programme
from tests.factories import assign, login, make_hospital, make_mentee, make_mentor, make_team, make_user

HX = {"HX-Request": "true"}
COORDINATOR_TILES = HOME_TILES["coordinator"]


def tile(client, name, **args):
    return client.get(f"/dashboard/tiles/{name}", query_string=args, headers=HX)


# --- lazy loading, links, filters ---------------------------------------------------------------

def test_coordinator_home_lazy_loads_each_tile_by_htmx_from_its_own_route_and_links_to_its_detail(client):
    login(client, make_user("coordinator"))
    page = client.get("/").get_data(as_text=True)
    assert "Programme overview" in page
    for name in COORDINATOR_TILES:
        box = re.search(rf'<section[^>]*id="tile-{name}".*?</section>', page, re.S).group(0)
        assert f'data-hx-get="/dashboard/tiles/{name}?' in box and 'data-hx-trigger="load delay:1ms"' in box  # each request in a task of its own
        assert re.search(r'<h2[^>]*><a href="/[^"]+">', box), f"{name} has no link to its detail"


def test_coordinator_home_page_runs_no_tile_queries(client):
    login(client, make_user("coordinator"))
    programme(3)
    with count_queries() as statements:
        client.get("/")
    assert len(statements) <= 3  # the session's user, the sign-in record, the provinces


def test_the_date_range_and_province_are_carried_in_every_tiles_url(client):
    login(client, make_user("coordinator"))
    page = client.get("/?from=2026-01-01&to=2026-06-30&province=Southern+Province").get_data(as_text=True)
    urls = re.findall(r'data-hx-get="(/dashboard/tiles/[^"]+)"', page)
    assert len(urls) == len(COORDINATOR_TILES)
    for url in urls:
        assert "from=2026-01-01" in url and "to=2026-06-30" in url and "province=Southern+Province" in url


def test_the_province_filter_applies_to_every_tile(client):
    login(client, make_user("coordinator"))
    programme(2, province="Northern Province", prefix="North")
    programme(2, province="Southern Province", prefix="South")
    for name in ("cadence", "consistency", "missed", "turnover", "equipment", "refresher"):
        body = tile(client, name, province="Southern Province").get_data(as_text=True)
        assert "South" in body, name
        assert "North" not in body, name
    body = tile(client, "visits", province="Southern Province").get_data(as_text=True)
    assert "South Hospital" in body and "North Hospital" not in body


def test_the_date_range_applies_to_the_missed_visits_and_leavers(client):
    login(client, make_user("coordinator"))
    programme(1)
    day = today()
    recent = tile(client, "missed", **{"from": (day - timedelta(days=150)).isoformat(), "to": day.isoformat()})
    assert "H Mentor 000" in recent.get_data(as_text=True)
    long_ago = tile(client, "missed", **{"from": (day - timedelta(days=700)).isoformat(),
                                         "to": (day - timedelta(days=365)).isoformat()})
    assert "H Mentor 000" not in long_ago.get_data(as_text=True)
    assert "H Leaver 000" not in tile(client, "turnover", **{"to": (day - timedelta(days=30)).isoformat()}).get_data(as_text=True)


def test_a_tile_opened_without_javascript_is_a_whole_page(client):
    login(client, make_user("coordinator"))
    response = client.get("/dashboard/tiles/cadence")
    assert response.status_code == 200
    assert b"<html" in response.data and b"Hospitals overdue or due for a visit" in response.data
    assert b"<html" not in tile(client, "cadence").data


# --- pictures, tables, CSV ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["cadence", "consistency"])  # the others' bars are all equal here (next test)
def test_charts_are_server_drawn_figures_with_a_caption_names_as_text_and_their_numbers_in_a_table(client, name):
    login(client, make_user("coordinator"))
    programme(3)
    body = tile(client, name).get_data(as_text=True)
    figure = re.search(r'<figure class="chart">\s*<figcaption>([^<]+)</figcaption>(.*?)</figure>', body, re.S)
    assert figure and figure.group(1).strip(), "a chart says what it shows in a caption"
    names = re.findall(r"<dt>([^<]+)</dt>", figure.group(2))
    assert names and all(n.startswith("H ") for n in names), "the names are HTML text, whole"
    assert "<text" not in body, "no text inside an SVG (scaled down with it)"
    assert all('aria-hidden="true"' in svg for svg in re.findall(r"<svg[^>]*>", figure.group(2)))
    assert "<script" not in body
    assert re.search(r"<details>.*<table.*</table>.*</details>", body, re.S)


def test_a_chart_whose_bars_are_all_equal_gives_way_to_the_list(client):
    """Every mentor missed one held visit: bars of one length say nothing the list does not."""
    login(client, make_user("coordinator"))
    world = programme(3)
    body = tile(client, "missed").get_data(as_text=True)
    assert "<figure" not in body and "<svg" not in body
    for mentor in world["mentors"]:
        assert mentor.full_name in body


def test_consistency_shows_a_time_line_of_gaps_and_held_visits_per_month_per_hospital(client):
    login(client, make_user("coordinator"))
    programme(2)
    body = tile(client, "consistency").get_data(as_text=True)
    assert "Held visits (ticks) and the longest gap (red) per hospital" in body
    assert body.count("held per month") == body.count('class="sparkline"') > 0
    assert "Longest gap (days)" in body and "Mean interval (days)" in body


@pytest.mark.parametrize("name", list(TILES))
def test_every_tile_has_a_csv_of_its_table(client, name):
    role = TILES[name].roles[0]
    user = make_user(role) if role == "coordinator" else None
    if user is None:
        world = programme(1)
        user = (make_user("mentor", mentor=world["mentors"][0]) if role == "mentor"
                else make_user("hospital_admin", hospital=world["hospitals"][0]))
    else:
        programme(1)
    notify_many(user, 1)
    login(client, user)
    response = client.get(f"/dashboard/tiles/{name}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [str(h) for h in tiles_module.TILES[name].load(
        Filters.from_args({}, today()), user, today())["table"].header]
    assert len(rows) >= 2, f"{name}: no data rows"


def test_csv_cells_never_run_as_formulas(client):
    login(client, make_user("coordinator"))
    team = make_team("Team F")
    make_hospital("=HYPERLINK(\"http://evil\")", team=team)
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/tiles/cadence.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][0] == "'=HYPERLINK(\"http://evil\")"


# --- failures and empty states ------------------------------------------------------------------

def test_a_failing_tile_shows_a_short_error_in_its_box_not_a_broken_page(client, monkeypatch):
    login(client, make_user("coordinator"))

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("blueprints.visits.cadence.hospital_cadence", broken)
    response = tile(client, "cadence")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "could not be loaded" in body and 'role="alert"' in body
    assert "database on fire" not in body and "Traceback" not in body
    assert len(body) < 600
    assert tile(client, "refresher").status_code == 200  # the others still load


@pytest.mark.parametrize("name, what_to_do", [
    ("cadence", "Open the planner"), ("visits", "Open the planner"), ("consistency", "Add a hospital"),
    ("missed", "Record attendance"), ("turnover", "Open the mentee list"), ("equipment", "Open the equipment matrix"),
    ("refresher", "Open the mentor list"),
])
def test_empty_tiles_say_what_to_do(client, name, what_to_do):
    login(client, make_user("coordinator"))
    body = tile(client, name).get_data(as_text=True)
    assert 'class="empty"' in body and what_to_do in body


# --- scope --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["mentor", "hospital_admin", "sysadmin"])
def test_coordinator_tiles_are_refused_to_other_roles(client, role):
    login(client, make_user(role))
    for name in COORDINATOR_TILES:
        assert tile(client, name).status_code == 403
        assert client.get(f"/dashboard/tiles/{name}.csv").status_code == 403


@pytest.mark.no_db
def test_each_tile_declares_its_own_access_rule(app):
    for name, t in TILES.items():
        for endpoint in (f"dashboard.tile_{name}", f"dashboard.tile_{name}_csv"):
            assert app.view_functions[endpoint].access == frozenset(t.roles)


def test_hospital_admin_tiles_show_only_their_hospital(client):
    world = programme(2)
    ours, theirs = world["hospitals"]
    login(client, make_user("hospital_admin", hospital=ours))
    for name in HOME_TILES["hospital_admin"]:
        body = tile(client, name).get_data(as_text=True)
        assert theirs.name not in body and "H Mentee 001" not in body, name


def test_mentor_tiles_show_only_their_team_and_mentees(client):
    world = programme(2)
    login(client, make_user("mentor", mentor=world["mentors"][0]))
    for name in HOME_TILES["mentor"]:
        body = tile(client, name).get_data(as_text=True)
        assert "H Hospital 001" not in body and "H Mentee 001" not in body, name


# --- mentor and hospital administrator homes --------------------------------------------------

def test_mentor_home_shows_the_next_visit_with_which_of_my_mentees_are_absent_which_day(client):
    team = make_team()
    hospital = make_hospital("Nyanza", team=team)
    me, colleague = make_mentor(team), make_mentor(team)
    mine, theirs = make_mentee(hospital, name="Aline Mine"), make_mentee(hospital, name="Bosco Theirs")
    assign(me, mine), assign(colleague, theirs)
    start = today() + timedelta(days=7)
    make_visit(hospital, team, start, status="confirmed")
    add_absence(mine, kind="night_shift", start_date=start + timedelta(days=1), end_date=start + timedelta(days=1))
    add_absence(theirs, kind="annual_leave", start_date=start, end_date=start + timedelta(days=2))
    login(client, make_user("mentor", mentor=me))
    page = client.get("/").get_data(as_text=True)
    for name in HOME_TILES["mentor"]:
        assert f'id="tile-{name}"' in page
        assert (f'data-hx-get="/dashboard/tiles/{name}?' in page) is (name not in INLINE_TILES)
    assert re.search(r'<section class="card today".*Nyanza.*Aline Mine.*</section>', page, re.S), "the next visit leads"
    body = tile(client, "next_visit").get_data(as_text=True)
    assert "Nyanza" in body and "Aline Mine" in body and "Night shift" in body.replace("night shift", "Night shift")
    assert "Bosco Theirs" not in body
    day_line = re.search(r"<li>([^<]*):[^<]*<a[^>]*>Aline Mine", body).group(1)
    assert day_line.strip() == f"{(start + timedelta(days=1)).day} {(start + timedelta(days=1)):%b %Y}"


def test_mentor_home_lists_my_mentees_and_my_notifications(client):
    world = programme(1)
    user = make_user("mentor", mentor=world["mentors"][0])
    notify_many(user, 3)
    login(client, user)
    assert "H Mentee 000" in tile(client, "my_mentees").get_data(as_text=True)
    body = tile(client, "notifications").get_data(as_text=True)
    assert "message 1" in body and "<strong>3 unread</strong>" in body


def test_hospital_admin_home_shows_next_visit_clashes_mentees_transfers_and_equipment_due(client):
    world = programme(2)
    ours, other = world["hospitals"]
    admin = make_user("hospital_admin", hospital=ours)
    mover = make_mentee(other, name="Claude Mover")
    log_transfer(mover, kind="hospital", effective_date=today() - timedelta(days=5), to_hospital=ours,
                 to_department=world["mentees"][0].department, reason="promotion")
    db.session.flush()
    login(client, admin)
    assert f"{ours.name} Hospital" in client.get("/").get_data(as_text=True)
    visit = tile(client, "next_visit").get_data(as_text=True)
    assert "Clashes: 1 mentee absent on some day of the visit" in visit and "H Mentee 000" in visit
    assert "H Mentee 000" in tile(client, "hospital_mentees").get_data(as_text=True)
    transfers = tile(client, "transfers").get_data(as_text=True)
    assert "Claude Mover" in transfers and "H Leaver 000" in transfers
    equipment = tile(client, "equipment_due").get_data(as_text=True)
    assert "Bubble CPAP" in equipment and "Next checklist due by" in equipment


def test_hospital_admin_without_a_check_is_told_to_start_the_checklist(client):
    login(client, make_user("hospital_admin"))
    body = tile(client, "equipment_due").get_data(as_text=True)
    assert "No equipment check yet" in body and "Open the checklist" in body


# --- performance ---------------------------------------------------------------------------------

def _counts(client, names) -> dict[str, int]:
    db.session.commit()  # the test's own rows are written before counting
    out = {}
    for name in names:
        with count_queries() as statements:
            response = tile(client, name)
        assert response.status_code == 200 and b"could not be loaded" not in response.data, name
        out[name] = len(statements)
    return out


def test_each_coordinator_tile_runs_a_constant_number_of_queries_for_10_or_100_hospitals(client):
    login(client, make_user("coordinator"))
    programme(10)
    small = _counts(client, COORDINATOR_TILES)
    programme(90, prefix="More")
    large = _counts(client, COORDINATOR_TILES)
    assert small == large
    print("coordinator tile queries:", large)


@pytest.mark.parametrize("role", ["mentor", "hospital_admin"])
def test_each_home_tile_runs_a_constant_number_of_queries_for_10_or_100_rows(client, role):
    team = make_team()
    hospital = make_hospital(team=team)
    mentor = make_mentor(team)
    user = make_user("mentor", mentor=mentor) if role == "mentor" else make_user("hospital_admin", hospital=hospital)
    start = today() + timedelta(days=5)
    make_visit(hospital, team, start, status="planned")

    def add(n, offset):
        for i in range(n):
            mentee = make_mentee(hospital, name=f"Mentee {offset + i}")
            assign(mentor, mentee, start=today() - timedelta(days=30))
            add_absence(mentee, kind="training", start_date=start, end_date=start)
            log_transfer(make_mentee(hospital), kind="left_service", effective_date=today() - timedelta(days=3), reason="x")
        notify_many(user, n)

    login(client, user)
    add(10, 0)
    small = _counts(client, HOME_TILES[role])
    add(90, 10)
    large = _counts(client, HOME_TILES[role])
    assert small == large
    print(role, "tile queries:", large)


# --- the demo programme ------------------------------------------------------------------------

def test_demo_coordinator_sees_overdue_hospitals_missed_mentor_top_transfers_and_no_cpap_each_linked(client, runner):
    runner.invoke(args=["demo-data"])
    login(client, "coordinator", password="mentorship-demo")
    cadence = tile(client, "cadence").get_data(as_text=True)
    assert "overdue" in cadence.lower() and re.search(r'<a href="/hospitals/\d+">', cadence)
    missed = tile(client, "missed").get_data(as_text=True)
    assert re.search(r'<a href="/mentors/\d+">[^<]+</a> <span class="muted small">missed', missed)
    turnover = tile(client, "turnover").get_data(as_text=True)
    assert re.search(r'<ul class="tile-list"><li><a href="/hospitals/\d+">', turnover)
    equipment = tile(client, "equipment").get_data(as_text=True)
    assert "Bubble CPAP (0/" in equipment and re.search(r'<a href="/equipment/hospitals/\d+">', equipment)


def test_demo_tile_fragments_are_small(client, runner):
    runner.invoke(args=["demo-data"])
    sizes = {}
    for username, names in (("coordinator", COORDINATOR_TILES), ("admin.byumba", HOME_TILES["hospital_admin"]),
                            ("mentor.01", HOME_TILES["mentor"])):
        login(client, username, password="mentorship-demo")
        for name in names:
            response = tile(client, name)
            assert b"could not be loaded" not in response.data, (username, name)
            sizes[name] = len(gzip.compress(response.data))
        client.post("/logout")
    assert max(sizes.values()) <= 10_000, sizes
    print("gzipped tile sizes:", sizes)


def test_the_refresher_tile_sends_the_same_sql_whatever_the_number_of_mentors(client):
    """Issue 23: every overdue mentor's id went back to the database as a bind parameter of an IN list."""
    team = make_team()
    for n in range(2):
        make_mentor(team, name=f"Overdue {n}")
    login(client, make_user("coordinator"))
    tile(client, "refresher")  # warm: first-request work is not the tile's
    with count_queries() as few:
        assert "Overdue 1" in tile(client, "refresher").get_data(as_text=True)
    for n in range(2, 7):
        make_mentor(team, name=f"Overdue {n}")
    with count_queries() as many:
        assert "Overdue 6" in tile(client, "refresher").get_data(as_text=True)
    assert many == few


def test_the_refresher_tile_builds_only_the_mentors_it_shows_and_its_csv_has_them_all(client):
    """Issue 23: at scale 10 every one of 2,100 overdue mentors was built to show 8 (and 15 in the table)."""
    from sqlalchemy import event

    from blueprints.people.models import Mentor

    team = make_team()
    for n in range(20):
        make_mentor(team, name=f"Overdue {n:02d}")
    login(client, make_user("coordinator"))
    built = []

    def on_load(target, context):
        built.append(target.id)

    event.listen(Mentor, "load", on_load)
    try:
        body = tile(client, "refresher").get_data(as_text=True)
    finally:
        event.remove(Mentor, "load", on_load)
    assert "Overdue 00" in body and "and 12 more" in body and "(20)" in body and len(built) <= 15
    csv_rows = client.get("/dashboard/tiles/refresher.csv").get_data(as_text=True).splitlines()
    assert len(csv_rows) == 21 and "Overdue 19" in csv_rows[-1]
