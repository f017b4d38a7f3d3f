"""Bulk export journey: the coordinator asks for every feedback sheet of Byumba's latest held visit, watches
the progress bar that htmx polls while a background thread builds the zip, and downloads a zip of one PDF
per sheet, all filed under Byumba. Reads Byumba's rows, which no journey changes; adds an export job only."""

import zipfile

from playwright.sync_api import expect
from sqlalchemy import func, select

from blueprints.mentoring.models import Feedback
from blueprints.people.models import Hospital
from blueprints.visits.models import Visit
from tests.browser.support import axe_violations, describe_violations, live_db, main_menu, screenshot


def latest_visit_with_feedback(app):
    with live_db(app) as session:
        row = session.execute(
            select(Visit.start_date, func.count(Feedback.id)).join(Feedback, Feedback.visit_id == Visit.id)
            .join(Hospital, Hospital.id == Visit.hospital_id).where(Hospital.name == "Byumba")
            .group_by(Visit.id, Visit.start_date).order_by(Visit.start_date.desc()).limit(1)).one()
        return row[0], row[1]


def test_coordinator_builds_a_zip_of_a_visits_sheets_and_downloads_it(as_user, live_server, tmp_path):
    day, sheets = latest_visit_with_feedback(live_server.app)
    page = as_user("coordinator")
    main_menu(page, "Exports")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bulk export of feedback sheets")
    page.get_by_label("Visits from").fill(day.isoformat())
    page.get_by_label("To (inclusive)").fill(day.isoformat())
    page.get_by_label("Byumba", exact=True).check()
    assert axe_violations(page) == [], describe_violations(axe_violations(page))
    page.get_by_role("button", name="Build the zip").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Export of feedback sheets")
    progress = page.locator("#export-progress")
    download_link = progress.get_by_role("link", name="Download the zip")
    expect(download_link).to_be_visible(timeout=120_000)  # swapped in by the polling fragment, no reload
    expect(progress).to_contain_text(f"{sheets} sheets")
    assert page.locator("#export-progress[data-hx-trigger]").count() == 0, "the finished fragment still polls"
    assert axe_violations(page) == [], describe_violations(axe_violations(page))
    screenshot(page, "journey-export-done")

    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == f"feedback-sheets-{day.isoformat()}-to-{day.isoformat()}.zip"
    path = tmp_path / "sheets.zip"
    download.save_as(path)
    names = zipfile.ZipFile(path).namelist()
    assert len(names) == sheets and all(name.startswith(f"byumba/{day.isoformat()}/") for name in names)
    page.context.close()
