"""Issue 10, journey 4: a mentor counts the equipment during their team's visit, marks the Bubble CPAP
absent (0 available, 0 functional, a reason), saves that row alone through htmx, and the coordinator's
gap matrix then shows the gap in that hospital's CPAP cell.

Own demo rows: Kabgayi (its CPAP is fine in the demo counts; no other journey touches its equipment).
The demo programme has no visit going on today, and a mentor may only count during one, so the test
plans a three-day visit of Kabgayi's team starting today through the visits service, as the
coordinator would.
"""

import re
from dataclasses import dataclass

from playwright.sync_api import expect
from sqlalchemy import select

from blueprints.auth.models import User
from blueprints.core.clock import today
from blueprints.equipment.models import EquipmentItem
from blueprints.people.models import Hospital, Mentor
from blueprints.visits.models import Visit
from blueprints.visits.services import create_visit
from tests.browser.support import live_db, main_menu, screenshot

HOSPITAL = "Kabgayi"
CPAP = "Bubble CPAP"
NOTE = "Both machines sent to the referral hospital (browser test)"


@dataclass(frozen=True)
class Setting:
    hospital_id: int
    visit_id: int
    item_id: int
    mentor_username: str


def visit_going_on(app) -> Setting:
    """Kabgayi's team visit going on today (planned now if there is none), CPAP's id, one of the team's mentors."""
    with live_db(app) as session:
        hospital = session.scalar(select(Hospital).where(Hospital.name == HOSPITAL))
        day = today()
        visit = session.scalar(
            select(Visit).where(Visit.hospital_id == hospital.id, Visit.team_id == hospital.team_id,
                                Visit.status.in_(("planned", "confirmed", "held")), Visit.start_date <= day, Visit.end_date >= day))
        if visit is None:
            visit = create_visit(hospital_id=hospital.id, team_id=hospital.team_id, start_date=day, days=3, status="confirmed")
            session.commit()
        item_id = session.scalar(select(EquipmentItem.id).where(EquipmentItem.name == CPAP))
        mentor_username = session.scalar(
            select(User.username).join(Mentor, Mentor.id == User.mentor_id)
            .where(Mentor.team_id == hospital.team_id, Mentor.active.is_(True), User.active.is_(True))
            .order_by(User.username).limit(1))
        return Setting(hospital.id, visit.id, item_id, mentor_username)


def test_mentor_marks_cpap_absent_during_a_visit_and_the_matrix_shows_the_gap(as_user, live_server, base_url):
    setting = visit_going_on(live_server.app)
    cell_link = f'a[href="/equipment/hospitals/{setting.hospital_id}/items/{setting.item_id}"]'

    # Before: the coordinator's matrix has enough working CPAP at Kabgayi.
    page = as_user("coordinator", "/equipment/")
    cell = page.locator(f"#matrix td:has({cell_link})")
    expect(cell).to_have_class(re.compile(r"\bsev-ok\b"))
    page.context.close()

    # The mentor opens their team's visit from the calendar and starts its checklist.
    page = as_user(setting.mentor_username)
    main_menu(page, "Calendar")
    page.locator(f'#calendar a.visit-chip[href="/visits/{setting.visit_id}"]').first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Visit to {HOSPITAL}")
    page.get_by_role("link", name="Equipment check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Equipment check for the visit to {HOSPITAL}")
    page.get_by_role("button", name="Start the checklist").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Equipment check at {HOSPITAL}")
    check_url = page.url

    row = page.locator(f"#row-{setting.item_id}")
    expect(row.get_by_role("rowheader")).to_contain_text(CPAP)
    page.evaluate("() => { window.sameDocument = true }")

    # A slip first (more functional than available): the row alone comes back with the error next to the field.
    row.get_by_label("Available").fill("0")
    row.get_by_label("Functional").fill("1")
    row.get_by_role("button", name=f"Save {CPAP}").click()
    functional = row.get_by_label("Functional")
    expect(functional).to_have_attribute("aria-invalid", "true")
    expect(functional).to_have_accessible_description("Functional cannot be more than available (0).")
    expect(row.get_by_role("status")).to_have_text("Not saved: correct this row.")

    # Corrected: none there, none working, why, and a note. Saved through htmx without leaving the page.
    functional.fill("0")
    row.get_by_label("Why the others do not work").select_option(label="Broken")
    row.get_by_label("Note").fill(NOTE)
    row.get_by_role("button", name=f"Save {CPAP}").click()
    expect(row.get_by_role("status")).to_have_text("Saved.")
    expect(row.get_by_label("Functional")).not_to_have_attribute("aria-invalid", "true")
    assert page.evaluate("() => window.sameDocument") is True, "saving the row reloaded the page instead of swapping it"

    page.reload()
    expect(page).to_have_url(check_url)
    expect(row.get_by_label("Available")).to_have_value("0")
    expect(row.get_by_label("Functional")).to_have_value("0")
    expect(row.get_by_label("Note")).to_have_value(NOTE)
    expect(row.get_by_role("status")).to_have_text("saved")
    screenshot(page, "journey-equipment-checklist")
    page.context.close()

    # After: the coordinator's matrix shows no working CPAP at Kabgayi, in symbol, numbers and words.
    page = as_user("coordinator")
    main_menu(page, "Equipment")
    expect(page.get_by_role("heading", level=1)).to_have_text("Equipment gaps")
    cell = page.locator(f"#matrix td:has({cell_link})")
    expect(cell).to_have_class(re.compile(r"\bsev-none\b"))
    expect(cell.locator("a")).to_have_text(re.compile(r"^✗ 0/\d+$"))
    expect(cell).to_contain_text(f"no functional {CPAP} at {HOSPITAL} since")
    row_head = page.locator("#matrix tbody tr").filter(has=page.locator(cell_link)).get_by_role("rowheader")
    expect(row_head).to_contain_text(HOSPITAL)
    screenshot(page, "journey-equipment-matrix")
    cell.locator("a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(CPAP)
    expect(page.locator("main")).to_contain_text(NOTE)
    screenshot(page, "journey-equipment-gap")
