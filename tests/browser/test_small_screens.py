"""On a 360x640 phone the main pages fit the screen width: the page itself never scrolls sideways
(wide tables scroll inside their own box). On a 1366x768 laptop the gap matrix fits or scrolls inside
its own box, never the page."""

import pytest
from playwright.sync_api import expect

from tests.browser.support import demo_path, horizontal_overflow, screenshot

PHONE = {"width": 360, "height": 640}
LAPTOP = {"width": 1366, "height": 768}

# name: (account or None for signed out, path)
PAGES = {
    "login": (None, "/login"),
    "home-sysadmin": ("sysadmin", "/"),
    "home-coordinator": ("coordinator", "/"),
    "home-hospital-admin": ("admin.byumba", "/"),
    "home-mentor": ("mentor.01", "/"),
    "users-list": ("sysadmin", "/users/"),
    "calendar-coordinator": ("coordinator", "/calendar/"),
    "calendar-mentor": ("mentor.01", "/calendar/"),
    "mentees-list-coordinator": ("coordinator", "/mentees/"),
    "mentees-list-hospital-admin": ("admin.byumba", "/mentees/"),
    "mentee-profile": ("admin.byumba", "<mentee>"),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone_without_sideways_scrolling(new_context, as_user, live_server, name):
    username, path = PAGES[name]
    if path.startswith("<"):
        path = demo_path(live_server.app, path.strip("<>"))
    if username:
        page = as_user(username, path, viewport=PHONE)
    else:
        page = new_context(viewport=PHONE).new_page()
        page.goto(path)
    screenshot(page, f"phone-{name}")
    assert horizontal_overflow(page) <= 0, f"{path} is {horizontal_overflow(page)}px wider than a 360px screen"


def test_gap_matrix_fits_a_laptop_or_scrolls_inside_its_own_box(as_user):
    page = as_user("coordinator", "/equipment/", viewport=LAPTOP)
    box = page.get_by_role("region", name="Equipment gaps by hospital and item")
    expect(box).to_be_visible()
    assert horizontal_overflow(page) <= 0, f"the matrix page is {horizontal_overflow(page)}px wider than a 1366px screen"
    size = box.evaluate("""el => ({scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, overflowX: getComputedStyle(el).overflowX,
                                   right: el.getBoundingClientRect().right, focusable: el.tabIndex >= 0})""")
    assert size["right"] <= 1366, f"the matrix box ends {size['right'] - 1366}px beyond the screen"
    if size["scrollWidth"] > size["clientWidth"]:  # wider than the screen: it must scroll itself, by keyboard too
        assert size["overflowX"] in ("auto", "scroll"), f"the matrix is cut off (overflow-x: {size['overflowX']})"
        assert size["focusable"], "a scrolling box must be reachable by keyboard to scroll it"
        box.evaluate("el => { el.scrollLeft = el.scrollWidth }")
        assert box.evaluate("el => el.scrollLeft") > 0
        box.evaluate("el => { el.scrollLeft = 0 }")
    screenshot(page, "laptop-equipment-matrix")
