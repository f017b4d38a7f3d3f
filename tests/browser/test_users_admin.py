"""The system administrator's user pages in a real browser: htmx active search with history, and a
form whose errors show next to their fields and whose corrected version saves (issue 10, journey 6)."""

import re

from playwright.sync_api import Page, expect

from tests.browser.support import screenshot


def result_usernames(page: Page) -> list[str]:
    return page.locator("#users-results tbody tr td:first-child").all_inner_texts()


def test_users_active_search_swaps_the_table_moves_the_url_and_back_restores_it(as_user, base_url):
    page = as_user("sysadmin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    expect(page).to_have_url(base_url + "/users/")
    expect(page.locator("#users-results tbody tr")).to_have_count(25)  # the first page of the 62 demo accounts
    page.evaluate("() => { window.sameDocument = true }")  # gone if the browser loads a new page

    search = page.get_by_role("searchbox", name="Search users")
    search.press_sequentially("mentor.0", delay=40)

    expect(page).to_have_url(re.compile(r"/users/\?q=mentor\.0(&role=)?$"))
    rows = page.locator("#users-results tbody tr")
    expect(rows).to_have_count(9)
    assert result_usernames(page) == [f"mentor.0{n}" for n in range(1, 10)]
    assert page.evaluate("() => window.sameDocument") is True, "the search reloaded the page instead of swapping the table"

    page.get_by_role("combobox", name="Role").select_option(label="Hospital administrator")
    expect(page).to_have_url(re.compile(r"/users/\?q=mentor\.0&role=hospital_admin$"))
    expect(page.locator("#users-results")).to_contain_text("No user matches this search.")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/users/\?q=mentor\.0(&role=)?$"))
    expect(rows).to_have_count(9)
    page.go_back()
    expect(page).to_have_url(base_url + "/users/")
    expect(rows).to_have_count(25)
    expect(search).to_have_value("")
    screenshot(page, "users-active-search")


def test_user_form_shows_errors_next_to_their_fields_then_the_corrected_form_saves(as_user, base_url):
    page = as_user("sysadmin", "/users/")
    page.get_by_role("link", name="New user").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New user")

    page.get_by_label("Username").fill("night midwife")
    page.get_by_label("Role").select_option(label="Hospital administrator")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat the new password").fill("different")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")
    expected_errors = {
        "Username": "Use letters, digits, dots, dashes or underscores.",
        "Full name": "This field is required.",
        "Hospital": "Choose the hospital this administrator manages.",
        "New password": "Use at least 12 characters.",
        "Repeat the new password": "The two passwords differ.",
    }
    for label, message in expected_errors.items():
        field = page.get_by_label(label, exact=True)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile(re.escape(message)))
        expect(page.locator(".field.has-error").filter(has=field).locator(".field-error")).to_have_text(message)
    expect(page.get_by_label("Username")).to_have_value("night midwife")  # what was typed is kept
    expect(page.get_by_label("Mentor record")).not_to_have_attribute("aria-invalid", "true")
    screenshot(page, "user-form-errors")

    page.get_by_label("Username").fill("night.midwife")
    page.get_by_label("Full name").fill("Night Midwife (browser test)")
    page.get_by_label("Hospital", exact=True).select_option(label="Byumba")
    page.get_by_label("New password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat the new password").fill("a long enough password")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(base_url + "/users/")
    expect(page.get_by_role("status")).to_contain_text("Account night.midwife created.")
    page.get_by_role("searchbox", name="Search users").fill("night.midwife")
    expect(page).to_have_url(re.compile(r"q=night\.midwife(&role=)?$"))
    expect(page.locator("#users-results tbody tr")).to_have_count(1)
    page.get_by_role("link", name="night.midwife").click()
    expect(page.get_by_label("Full name")).to_have_value("Night Midwife (browser test)")
    expect(page.get_by_label("Hospital", exact=True)).to_have_text(re.compile("Byumba"))
    expect(page.get_by_label("Hospital", exact=True).locator("option:checked")).to_have_text("Byumba")
    screenshot(page, "user-form-saved")
