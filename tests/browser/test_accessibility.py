"""axe-core (vendored under tests/browser/vendor) finds no serious or critical WCAG 2.1 A/AA violation
on the main pages, including a form showing its errors."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import axe_violations, describe_violations, screenshot


def user_form_with_errors(page: Page) -> None:
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_be_visible()


# name: (account or None for signed out, path, what to do there first)
PAGES = {
    "login": (None, "/login", None),
    "home-sysadmin": ("sysadmin", "/", None),
    "home-coordinator": ("coordinator", "/", None),
    "home-hospital-admin": ("admin.byumba", "/", None),
    "home-mentor": ("mentor.01", "/", None),
    "users-list": ("sysadmin", "/users/", None),
    "user-form-with-errors": ("sysadmin", "/users/new", user_form_with_errors),
    "account": ("mentor.01", "/account", None),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_or_critical_wcag_21_aa_violation(new_context, as_user, name):
    username, path, action = PAGES[name]
    if username:
        page = as_user(username, path)
    else:
        page = new_context().new_page()
        page.goto(path)
    if action:
        action(page)
    violations = axe_violations(page)
    screenshot(page, f"axe-{name}")
    assert not violations, "axe-core found:\n" + describe_violations(violations)
