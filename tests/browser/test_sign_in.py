"""Each role signs in with its demo account, lands on its own home page and menu, and signs out."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import ACCOUNTS, display_name, expected_menu, screenshot

ROLE_NAMES = {"sysadmin": "System administrator", "coordinator": "Programme coordinator",
              "hospital_admin": "Hospital administrator", "mentor": "Mentor"}


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.role)
def test_each_role_signs_in_to_its_own_home_page_and_menu_then_signs_out(page: Page, live_server, base_url, account):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()

    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password").fill("mentorship-demo")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(base_url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(account.home_heading)
    menu = page.get_by_role("navigation", name="Main").get_by_role("link")
    expect(menu).to_have_text(expected_menu(live_server.app, account.role))
    expect(menu.first).to_have_text("Home")
    expect(menu.first).to_have_attribute("aria-current", "page")
    if account.role == "sysadmin":
        expect(menu.filter(has_text="Users")).to_have_count(1)
    else:
        expect(menu.filter(has_text="Users")).to_have_count(0)
    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name=display_name(live_server.app, account.username))).to_be_visible()
    expect(header).to_contain_text(ROLE_NAMES[account.role])
    screenshot(page, f"sign-in-{account.role}")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))  # the session is really over


def test_wrong_password_is_refused_next_to_the_field(page: Page):
    page.goto("/login")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    password = page.get_by_label("Password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description("Unknown username or wrong password.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    screenshot(page, "sign-in-wrong-password")
