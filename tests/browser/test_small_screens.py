"""On a 360x640 phone the main pages fit the screen width: the page itself never scrolls sideways
(wide tables scroll inside their own box)."""

import pytest

from tests.browser.support import horizontal_overflow, screenshot

PHONE = {"width": 360, "height": 640}

# name: (account or None for signed out, path)
PAGES = {
    "login": (None, "/login"),
    "home-sysadmin": ("sysadmin", "/"),
    "home-coordinator": ("coordinator", "/"),
    "home-hospital-admin": ("admin.byumba", "/"),
    "home-mentor": ("mentor.01", "/"),
    "users-list": ("sysadmin", "/users/"),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone_without_sideways_scrolling(new_context, as_user, name):
    username, path = PAGES[name]
    if username:
        page = as_user(username, path, viewport=PHONE)
    else:
        page = new_context(viewport=PHONE).new_page()
        page.goto(path)
    screenshot(page, f"phone-{name}")
    assert horizontal_overflow(page) <= 0, f"{path} is {horizontal_overflow(page)}px wider than a 360px screen"
