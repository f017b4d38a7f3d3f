"""axe-core (vendored under tests/browser/vendor) finds no serious or critical WCAG 2.1 A/AA violation
on the main pages, including a form showing its errors."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import axe_violations, describe_violations, open_listed_page, screenshot


def user_form_with_errors(page: Page) -> None:
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_be_visible()


def transfer_form_with_errors(page: Page) -> None:
    page.get_by_label("Effective date").fill("")
    page.get_by_role("button", name="Log transfer").click()
    expect(page.get_by_role("alert")).to_be_visible()


def checklist_row_with_error(page: Page) -> None:
    row = page.locator("tr.count-row").first
    row.get_by_label("Available").fill("0")
    row.get_by_label("Functional").fill("1")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_label("Functional")).to_have_attribute("aria-invalid", "true")


def action_item_with_error(page: Page) -> None:
    """A note longer than the field takes (typed past maxlength by a script, as a tampered form would post it)."""
    card = page.locator("section.card", has=page.locator("form")).first
    card.locator("input[name=note]").evaluate("el => { el.removeAttribute('maxlength'); el.value = 'x'.repeat(600); }")
    card.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_be_visible()


# name: (account or None for signed out, or a demo_account kind in <>; path or a demo_path kind in <>; what to do first)
PAGES = {
    "login": (None, "/login", None),
    "home-sysadmin": ("sysadmin", "/", None),
    "home-coordinator": ("coordinator", "/", None),
    "home-hospital-admin": ("admin.byumba", "/", None),
    "home-mentor": ("mentor.01", "/", None),
    "users-list": ("sysadmin", "/users/", None),
    "user-form-with-errors": ("sysadmin", "/users/new", user_form_with_errors),
    "account": ("mentor.01", "/account", None),
    "notifications": ("mentor.01", "/notifications/", None),
    "mentees-list": ("coordinator", "/mentees/", None),
    "mentees-list-hospital-admin": ("admin.byumba", "/mentees/", None),
    "mentee-profile": ("admin.byumba", "<mentee>", None),
    "transfer-form-with-errors": ("admin.byumba", "<transfer>", transfer_form_with_errors),
    "calendar": ("coordinator", "/calendar/", None),
    "calendar-mentor": ("mentor.01", "/calendar/", None),
    "visit-planned": ("coordinator", "<planned-visit>", None),
    "visit-held": ("coordinator", "<held-visit>", None),
    "planner": ("coordinator", "<planner>", None),
    "equipment-matrix": ("coordinator", "/equipment/", None),
    "exports": ("coordinator", "/reports/exports", None),
    "equipment-hospital": ("coordinator", "<equipment-hospital>", None),
    "equipment-checklist-with-error": ("admin.gitwe", "<equipment-check>", checklist_row_with_error),
    "mentee-accounts": ("admin.byumba", "/mentees/accounts", None),
    "home-mentee": ("<mentee>", "/", None),
    "my-next-visit": ("<mentee>", "/me/next-visit", None),
    "my-self-assessment": ("<mentee>", "/me/self-assessment", None),
    "my-feedback": ("<mentee>", "/me/feedback/", None),
    "my-sheet": ("<mentee>", "<my-sheet>", None),
    "my-action-items-with-error": ("<mentee>", "/me/action-items/", action_item_with_error),
    "my-progress": ("<mentee>", "/me/progress", None),
    "my-messages-mentee": ("<mentee>", "/notifications/preferences", None),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_or_critical_wcag_21_aa_violation(new_context, as_user, live_server, html_recorder, name):
    page = open_listed_page(html_recorder, as_user, new_context, live_server, name, PAGES[name])
    violations = axe_violations(page)
    screenshot(page, f"axe-{name}")
    assert not violations, "axe-core found:\n" + describe_violations(violations)
