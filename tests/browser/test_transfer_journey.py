"""Issue 10, journey 1: a hospital administrator logs a mentee's transfer to another demo hospital
through the form; the mentee's mentor signs in and finds the notification (bell count and list); the
receiving administrator finds the mentee in their list by active search and opens the profile with
the history.

Own demo rows: a Nemba mentee (found through the models: active, never transferred, with a mentor who
has an account) moving to Ruli. No other journey touches Nemba or Ruli mentees.
"""

import re
from dataclasses import dataclass

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from blueprints.auth.models import User
from blueprints.core.models import Notification
from blueprints.people.models import Assignment, Hospital, Mentee, Transfer
from tests.browser.support import live_db, main_menu, programme_today, screenshot, sign_in

FROM_HOSPITAL, TO_HOSPITAL = "Nemba", "Ruli"
REASON = "Posted by the district to cover a shortage (browser test)"


@dataclass(frozen=True)
class Moving:
    mentee_id: int
    name: str
    department: str
    mentor_username: str


def mentee_to_move(app) -> Moving:
    """The first active mentee at Nemba, never transferred, whose mentor has a demo account (mentor.NN)."""
    with live_db(app) as session:
        hospital_id = session.scalar(select(Hospital.id).where(Hospital.name == FROM_HOSPITAL))
        mentees = session.scalars(
            select(Mentee).where(Mentee.hospital_id == hospital_id, Mentee.status == "active").order_by(Mentee.full_name, Mentee.id))
        for mentee in mentees:
            if session.scalar(select(func.count(Transfer.id)).where(Transfer.mentee_id == mentee.id)):
                continue
            mentor_username = session.scalar(
                select(User.username).join(Assignment, Assignment.mentor_id == User.mentor_id)
                .where(Assignment.mentee_id == mentee.id, Assignment.end_date.is_(None), User.active.is_(True))
                .order_by(User.username).limit(1))
            if mentor_username:
                return Moving(mentee.id, mentee.full_name, mentee.department.name, mentor_username)
    raise AssertionError(f"the demo data has no mentee at {FROM_HOSPITAL} to transfer")


def unread_notifications(app, username: str) -> int:
    with live_db(app) as session:
        return session.scalar(
            select(func.count(Notification.id)).join(User, User.id == Notification.user_id)
            .where(User.username == username, Notification.read_at.is_(None)))


def search_mentees(page: Page, name: str) -> None:
    page.get_by_role("searchbox", name="Search by name").fill(name)
    expect(page).to_have_url(re.compile(r"/mentees/\?q=" + re.escape(name.split()[0])))


def test_admin_logs_a_transfer_the_mentor_is_notified_and_the_receiving_admin_finds_the_history(
        new_context, as_user, live_server, base_url):
    app = live_server.app
    moving = mentee_to_move(app)
    today = programme_today(app)

    # The sending administrator signs in, finds the mentee and logs the move through the form.
    page = new_context().new_page()
    sign_in(page, f"admin.{FROM_HOSPITAL.lower()}")
    main_menu(page, "Mentees")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Mentees · {FROM_HOSPITAL}")
    search_mentees(page, moving.name)
    results = page.locator("#mentee-results tbody tr")
    expect(results).to_have_count(1)
    page.get_by_role("link", name=moving.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(moving.name)
    page.get_by_role("link", name="Log a transfer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Log a transfer of {moving.name}")
    page.get_by_label("To another programme hospital").check()
    expect(page.get_by_label("Effective date")).to_have_value(today.isoformat())
    page.get_by_label("New hospital").select_option(label=TO_HOSPITAL)
    page.get_by_label("New department").select_option(label=moving.department)
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Log transfer").click()

    # No longer theirs to edit, so the administrator lands on the transfer's own page, told who knows of it by name:
    # the mentor, Ruli's administrator, Ruli's team (if its mentors sign in), the coordinator.
    expect(page).to_have_url(re.compile(re.escape(base_url) + r"/transfers/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Transfer of {moving.name}")
    flash = page.locator(".flashes")
    expect(flash).to_contain_text(f"{moving.name} moves from {FROM_HOSPITAL} ({moving.department}) "
                                  f"to {TO_HOSPITAL} ({moving.department})")
    expect(flash).to_contain_text(re.compile(
        rf"\d+ people were told: their mentors?, .+; the administrator of {TO_HOSPITAL}, .+; the coordinator, "))
    page.goto(f"{base_url}/hospitals/")
    page.get_by_role("link", name=FROM_HOSPITAL, exact=True).click()
    out = page.locator("section", has=page.get_by_role("heading", name="Out", exact=True))
    expect(out.get_by_role("listitem").filter(has_text=moving.name)).to_contain_text(TO_HOSPITAL)
    main_menu(page, "Mentees")
    search_mentees(page, moving.name)
    expect(page.locator("#mentee-results")).to_contain_text("No mentee matches this search.")
    page.context.close()

    # The mentor signs in: the bell counts the unread notifications, the list shows the move first.
    unread = unread_notifications(app, moving.mentor_username)
    assert unread >= 1, f"{moving.mentor_username} was not notified"
    page = new_context().new_page()
    sign_in(page, moving.mentor_username)
    bell = page.locator("header a.bell")
    expect(page.locator("#bell-count .count")).to_have_text(str(unread))
    expect(bell).to_have_accessible_name(re.compile(rf"Notifications\s+{unread} unread notifications?"))
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    newest = page.locator("ul.notifications > li").first
    expect(newest).to_have_class(re.compile(r"\bunread\b"))
    expect(newest).to_contain_text(f"{moving.name} moves from {FROM_HOSPITAL}")
    expect(newest).to_contain_text("Your mentorship ends then")
    newest.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(moving.name)
    expect(page.locator(".timeline")).to_contain_text(f"{FROM_HOSPITAL} ({moving.department}) → {TO_HOSPITAL}")
    if unread > 1:  # opening it marked it read
        expect(page.locator("#bell-count .count")).to_have_text(str(unread - 1))
    else:
        expect(page.locator("#bell-count .count")).to_have_count(0)
    page.context.close()

    # The receiving administrator finds the mentee by active search and opens the profile with the history.
    page = as_user(f"admin.{TO_HOSPITAL.lower()}")
    expect(page.locator("#bell-count .count")).to_be_visible()  # "Incoming mentee: ..."
    main_menu(page, "Mentees")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Mentees · {TO_HOSPITAL}")
    page.evaluate("() => { window.sameDocument = true }")
    search_mentees(page, moving.name)
    results = page.locator("#mentee-results tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text(TO_HOSPITAL)
    expect(results.first).to_contain_text("no mentor")
    assert page.evaluate("() => window.sameDocument") is True, "the search reloaded the page instead of swapping the table"
    page.get_by_role("link", name=moving.name, exact=True).click()

    expect(page).to_have_url(f"{base_url}/mentees/{moving.mentee_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(moving.name)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(f"{TO_HOSPITAL}, {moving.department}")
    places = page.get_by_role("region", name="Where they have worked")
    expect(places.get_by_role("listitem")).to_have_count(2)
    expect(places.get_by_role("listitem").first).to_contain_text(re.compile(rf"{TO_HOSPITAL}, {moving.department}.*now", re.S))
    expect(places.get_by_role("listitem").last).to_contain_text(re.compile(rf"{FROM_HOSPITAL}, {moving.department}.*at the start", re.S))
    expect(page.get_by_role("region", name="Mentors")).to_contain_text("No mentor at the moment.")
    move = page.locator(".timeline li").filter(has_text="To another programme hospital")
    expect(move).to_contain_text(f"{FROM_HOSPITAL} ({moving.department}) → {TO_HOSPITAL} ({moving.department})")
    expect(move).to_contain_text(REASON)
    expect(page.get_by_role("link", name="Log a transfer")).to_be_visible()  # theirs to manage now
    screenshot(page, "journey-transfer-received")
