"""Issue 10, journey 2: the coordinator moves the calendar to next month and back with the htmx
buttons (the URL follows; Back restores), opens the planned visit that clashes with a mentee's leave
and sees it flagged, runs the cadence planner for that hospital, picks a proposed window and saves.

Own demo rows: the planned visit the demo data puts over a mentee's annual leave (found through the
models) and one new visit at its hospital, planned after every existing one.
"""

import re
from dataclasses import dataclass
from datetime import date

from playwright.sync_api import Page, expect
from sqlalchemy import select

from blueprints.people.models import Absence
from blueprints.visits.models import Visit
from tests.browser.support import live_db, main_menu, programme_today, screenshot


@dataclass(frozen=True)
class LeaveClash:
    visit_id: int
    visit_start: date
    hospital: str
    mentee: str


def leave_clash(app) -> LeaveClash:
    """The demo's planned visit that a mentee's annual leave overlaps."""
    with live_db(app) as session:
        absence = session.scalar(select(Absence).where(Absence.note.contains("clashes with the next visit")))
        visit = absence and session.scalar(
            select(Visit).where(Visit.hospital_id == absence.mentee.hospital_id, Visit.status.in_(("planned", "confirmed")),
                                Visit.start_date <= absence.end_date, Visit.end_date >= absence.start_date)
            .order_by(Visit.start_date).limit(1))
        if visit is not None:
            return LeaveClash(visit.id, visit.start_date, visit.hospital.name, absence.mentee.full_name)
    raise AssertionError("the demo data has no planned visit over a mentee's leave")


def month_label(day: date) -> str:
    return day.strftime("%B %Y")


def add_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def show_month(page: Page, first: date) -> None:
    """Move the calendar with its own buttons until it shows the month of `first`."""
    heading = page.locator("#month-heading")
    for _ in range(24):
        shown = date(*map(int, page.evaluate("() => document.querySelector('input[name=month]').value").split("-")), 1)
        if shown == first:
            break
        page.get_by_role("link", name=re.compile(r"Next month" if shown < first else r"Previous month")).click()
        expect(heading).not_to_have_text(month_label(shown))
    expect(heading).to_have_text(month_label(first))


def test_coordinator_moves_the_calendar_sees_a_leave_clash_and_plans_a_visit(as_user, live_server, base_url):
    app = live_server.app
    clash = leave_clash(app)
    this_month = programme_today(app).replace(day=1)
    next_month = add_month(this_month, 1)

    page = as_user("coordinator")
    main_menu(page, "Calendar")
    expect(page).to_have_url(base_url + "/calendar/")
    heading = page.locator("#month-heading")
    expect(heading).to_have_text(month_label(this_month))
    page.evaluate("() => { window.sameDocument = true }")  # gone if the browser loads a new page

    page.get_by_role("link", name="Next month").click()
    expect(page).to_have_url(f"{base_url}/calendar/?month={next_month:%Y-%m}")
    expect(heading).to_have_text(month_label(next_month))
    page.get_by_role("link", name="Previous month").click()
    expect(page).to_have_url(f"{base_url}/calendar/?month={this_month:%Y-%m}")
    expect(heading).to_have_text(month_label(this_month))
    assert page.evaluate("() => window.sameDocument") is True, "the month buttons reloaded the page instead of swapping the grid"

    page.go_back()
    expect(page).to_have_url(f"{base_url}/calendar/?month={next_month:%Y-%m}")
    expect(heading).to_have_text(month_label(next_month))
    page.go_back()
    expect(page).to_have_url(base_url + "/calendar/")
    expect(heading).to_have_text(month_label(this_month))
    page.go_forward()
    expect(page).to_have_url(f"{base_url}/calendar/?month={next_month:%Y-%m}")
    expect(heading).to_have_text(month_label(next_month))

    # The planned visit over a mentee's leave: its page flags the leave, day by day, and offers better windows.
    show_month(page, clash.visit_start.replace(day=1))
    page.locator(f'#calendar a.visit-chip[href="/visits/{clash.visit_id}"]').first.click()
    expect(page).to_have_url(f"{base_url}/visits/{clash.visit_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Visit to {clash.hospital}")
    clashes = page.get_by_role("region", name="Clashes")
    on_leave = clashes.get_by_role("row").filter(has=page.get_by_role("rowheader", name=clash.mentee, exact=True))
    expect(on_leave.locator("td.away")).not_to_have_count(0)
    expect(on_leave.locator("td.away").first).to_have_text(re.compile(r"^leave\b"))  # her own answer may say so too: "leave (own answer)"
    expect(clashes).to_contain_text(re.compile(r"\d+ of \d+ mentee-days available\."))
    expect(clashes.locator("ol.alternatives li")).not_to_have_count(0)

    # The cadence planner for that hospital: two proposals; keep the first window, drop the second, save.
    page.get_by_role("link", name="‹ Calendar").click()
    page.get_by_role("link", name="Plan visits").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan visits at the cadence")
    page.get_by_label("Hospital", exact=True).select_option(label=clash.hospital)
    page.get_by_label("Visits to propose per hospital").fill("2")
    page.get_by_role("button", name="Propose").click()
    expect(page).to_have_url(re.compile(r"/visits/planner\?hospital=\d+&count=2"))
    rows = page.locator("table.planner tbody tr")
    expect(rows).to_have_count(2)
    for row in rows.all():
        expect(row.get_by_role("cell").first).to_contain_text(clash.hospital)
        expect(row.locator("ul.reasons")).to_contain_text("mentee-days available")
    chosen = rows.first.get_by_label(f"First day at {clash.hospital}").input_value()
    assert chosen, "the planner proposed no window"
    assert date.fromisoformat(chosen) > clash.visit_start
    rows.nth(1).get_by_label("Save this visit").select_option(label="no")
    page.get_by_role("button", name="Save these visits").click()

    first_day = date.fromisoformat(chosen)
    expect(page).to_have_url(f"{base_url}/calendar/?month={first_day:%Y-%m}")
    expect(page.locator(".flashes")).to_contain_text("1 visit planned.")
    expect(heading).to_have_text(month_label(first_day))
    day_cell = page.locator("#calendar td").filter(has=page.locator(f'time[datetime="{first_day.isoformat()}"]'))
    expect(day_cell.locator("a.visit-chip").filter(has_text=clash.hospital)).to_have_count(1)
    screenshot(page, "journey-visit-planned")
