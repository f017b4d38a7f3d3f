"""Issue 10, journey 5: each role's home page in a real browser. Every tile loads by htmx (none left loading or
showing its error), each tile's links open their detail page without error, axe-core finds no serious or critical
violation once the tiles are in, and on the coordinator's home the province and date filter apply to the tiles.

Reads only (no demo rows changed); it asserts nothing another journey's changes could make false. What the tiles
should show is read from the demo rows of the day (which hospitals are due, which visit falls in the range), not
named here: the demo follows the date it is built for.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from blueprints.dashboard.tiles import HOME_TILES
from blueprints.dashboard.tiles.base import LIST_ROWS
from blueprints.people.models import Hospital
from blueprints.visits.cadence import hospital_cadence
from blueprints.visits.models import Visit
from tests.browser.support import axe_violations, describe_violations, live_db, programme_today, screenshot

NORTH = ("Rutongo", "Kinihira", "Byumba", "Ruli", "Nemba")
SOUTH = "Southern Province"
HOMES = {"coordinator": "coordinator", "mentor.01": "mentor", "admin.byumba": "hospital_admin"}


def tiles_loaded(page: Page, role: str) -> None:
    """Every tile of the role is on the page, has swapped its placeholder for its content, and none failed."""
    tiles = page.locator("section.tile")
    expect(tiles).to_have_count(len(HOME_TILES[role]))
    for name in HOME_TILES[role]:
        body = page.locator(f"#tile-{name} .tile-body")
        expect(body.locator(".tile-links"), f"{name} did not load").to_be_visible(timeout=15_000)
        expect(body, f"{name} still loading").not_to_contain_text("Loading…")
        expect(body.get_by_role("alert"), f"{name} failed").to_have_count(0)


def tile_links(page: Page, role: str) -> dict[str, set[str]]:
    """Each tile's heading link and its Details link (both lead to the tile's detail page)."""
    links = {}
    for name in HOME_TILES[role]:
        box = page.locator(f"#tile-{name}")
        heading = box.get_by_role("heading", level=2).get_by_role("link").get_attribute("href")
        details = box.get_by_role("link", name="Details", exact=True).get_attribute("href")
        links[name] = {heading, details}
    return links


@pytest.mark.parametrize("username", HOMES)
def test_every_home_tile_loads_links_to_a_working_detail_page_and_passes_axe(as_user, username):
    role = HOMES[username]
    page = as_user(username, "/")
    tiles_loaded(page, role)
    violations = axe_violations(page)
    screenshot(page, f"journey-home-{role}")
    assert not violations, "axe-core found:\n" + describe_violations(violations)

    for name, hrefs in tile_links(page, role).items():
        for href in sorted(hrefs):
            response = page.goto(href)
            assert response is not None and response.ok, f"{name}: {href} answered {response.status if response else None}"
            expect(page.get_by_role("heading", level=1), f"{name}: {href} has no heading").to_be_visible()
            expect(page.locator("main")).not_to_contain_text("could not be loaded")

    # One tile's heading link, clicked as a person would, opens its detail page.
    page.goto("/")
    tiles_loaded(page, role)
    first = HOME_TILES[role][0]
    page.locator(f"#tile-{first}").get_by_role("heading", level=2).get_by_role("link").click()
    expect(page).not_to_have_url(re.compile(r"^https?://[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def hospitals_to_visit(app, province: str | None = None) -> list[str]:
    """The hospitals the cadence tile lists today (overdue, never visited or due), in its order: the longest waiting first."""
    with live_db(app):
        rows = [c for c in hospital_cadence(programme_today(app))
                if c.status in ("overdue", "due", "never") and (province is None or c.province == province)]
    rows.sort(key=lambda c: (c.status != "never", -(c.days_since or 0), c.hospital))
    return [c.hospital for c in rows[:LIST_ROWS]]


def southern_visit_a_month_ago(app) -> Visit:
    """The latest held visit in the Southern Province that started at least a month before today."""
    with live_db(app) as session:
        visit = session.scalar(select(Visit).join(Hospital, Hospital.id == Visit.hospital_id)
                               .where(Hospital.province == SOUTH, Visit.status == "held",
                                      Visit.start_date <= programme_today(app) - timedelta(days=30))
                               .order_by(Visit.start_date.desc()).limit(1))
        session.expunge(visit)
    return visit


def listed_hospitals(tile) -> list[str]:
    return tile.locator("ul.tile-list > li > a").all_text_contents()


def test_the_coordinator_filter_applies_the_province_and_dates_to_every_tile(as_user, live_server):
    app = live_server.app
    everywhere, south = hospitals_to_visit(app), hospitals_to_visit(app, SOUTH)
    assert any(h in NORTH for h in everywhere), f"the demo should have a Northern hospital to visit (Ruli): {everywhere}"
    page = as_user("coordinator", "/")
    tiles_loaded(page, "coordinator")
    cadence = page.locator("#tile-cadence .tile-body")
    filters = page.locator("form.filters")
    assert listed_hospitals(cadence) == everywhere

    # The province: every tile's content comes from the Southern Province only.
    filters.locator("select[name=province]").select_option(label=SOUTH)
    filters.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"province=Southern\+Province"))
    tiles_loaded(page, "coordinator")
    for name in HOME_TILES["coordinator"]:
        body = page.locator(f"#tile-{name} .tile-body")
        assert "province=Southern+Province" in body.get_attribute("data-hx-get")
        shown = [h for h in NORTH if re.search(rf"\b{h}\b", body.text_content())]
        assert not shown, f"{name} shows Northern Province hospitals {shown} under the Southern Province filter"
    assert listed_hospitals(cadence) == south

    # The dates: a range ending on a Southern visit's first day; the tiles follow it, and the province stays chosen.
    visit = southern_visit_a_month_ago(app)
    end = visit.start_date
    start = end - timedelta(days=180)
    filters.get_by_label("From", exact=True).fill(start.isoformat())
    filters.get_by_label("To", exact=True).fill(end.isoformat())
    filters.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(rf"from={start.isoformat()}&to={end.isoformat()}&province=Southern\+Province"))
    tiles_loaded(page, "coordinator")
    for name in HOME_TILES["coordinator"]:
        assert f"to={end.isoformat()}" in page.locator(f"#tile-{name} .tile-body").get_attribute("data-hx-get")
    visits = page.locator("#tile-visits .tile-body")
    expect(visits).to_contain_text(end.strftime("%B %Y"))
    expect(visits.locator(f'a[href="/visits/{visit.id}"]')).to_be_visible()
    expect(page.locator("#tile-consistency .tile-body")).to_contain_text(f"{start.day} {start:%b %Y}")
    screenshot(page, "journey-home-coordinator-filtered")
