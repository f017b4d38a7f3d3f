"""Issue 10, journey 6 on the transfer form: submitted with errors, each shows next to its field (the
form's own checks first, then the transfer rules), what was typed is kept, and the corrected form saves.

Own demo rows: a Gakoma mentee never transferred (found through the models), moved to another
department of Gakoma. No other journey touches Gakoma's mentees.
"""

import re

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from blueprints.people.models import Department, Hospital, Mentee, Transfer
from tests.browser.support import live_db, programme_today, screenshot

HOSPITAL = "Gakoma"


def mentee_and_new_department(app) -> tuple[int, str, str, str]:
    with live_db(app) as session:
        hospital_id = session.scalar(select(Hospital.id).where(Hospital.name == HOSPITAL))
        for mentee in session.scalars(select(Mentee).where(Mentee.hospital_id == hospital_id, Mentee.status == "active")
                                      .order_by(Mentee.full_name, Mentee.id)):
            if not session.scalar(select(func.count(Transfer.id)).where(Transfer.mentee_id == mentee.id)):
                other = session.scalar(select(Department.name).where(Department.id != mentee.department_id).order_by(Department.name).limit(1))
                return mentee.id, mentee.full_name, mentee.department.name, other
    raise AssertionError(f"the demo data has no mentee at {HOSPITAL} to move")


def expect_error(page: Page, field, message: str) -> None:
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))
    expect(page.locator(".field.has-error").filter(has=field).locator(".field-error")).to_have_text(message)


def test_transfer_form_shows_errors_next_to_their_fields_then_the_corrected_form_saves(as_user, live_server, base_url):
    app = live_server.app
    mentee_id, name, department, new_department = mentee_and_new_department(app)
    today = programme_today(app)

    page = as_user(f"admin.{HOSPITAL.lower()}", f"/mentees/{mentee_id}")
    page.get_by_role("link", name="Log a transfer").click()
    date_field = page.get_by_label("Effective date")
    date_field.fill("")
    page.get_by_role("button", name="Log transfer").click()

    # The form's own checks: no kind of move, no date.
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")
    kinds = page.get_by_role("radio")
    expect(kinds).to_have_count(4)
    for kind in kinds.all():
        expect(kind).to_have_attribute("aria-invalid", "true")
        expect(kind).to_have_accessible_description("Choose the kind of move.")
    expect(page.locator("fieldset.field.has-error .field-error")).to_have_text("Choose the kind of move.")
    expect_error(page, date_field, "Enter the date of the move.")
    expect(page.get_by_label("New department")).not_to_have_attribute("aria-invalid", "true")
    page.get_by_label("Reason").fill("Rotation decided by the hospital director (browser test)")

    # The transfer rules: a department move needs the department.
    page.get_by_label("To another department of this hospital").check()
    date_field.fill(today.isoformat())
    page.get_by_role("button", name="Log transfer").click()
    expect_error(page, page.get_by_label("New department"), "Choose the department the mentee moves to.")
    expect(page.get_by_label("To another department of this hospital")).to_be_checked()
    expect(date_field).to_have_value(today.isoformat())
    expect(date_field).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Reason")).to_have_value("Rotation decided by the hospital director (browser test)")
    screenshot(page, "transfer-form-errors")

    page.get_by_label("New department").select_option(label=new_department)
    page.get_by_role("button", name="Log transfer").click()

    expect(page).to_have_url(f"{base_url}/mentees/{mentee_id}")
    expect(page.locator(".flashes")).to_contain_text(
        f"{name} moves from {HOSPITAL} ({department}) to {HOSPITAL} ({new_department})")
    expect(page.locator("dl.facts")).to_contain_text(f"{HOSPITAL}, {new_department}")
    expect(page.locator(".timeline li").filter(has_text="To another department of this hospital")).to_contain_text(
        "Rotation decided by the hospital director (browser test)")
    screenshot(page, "transfer-form-saved")
