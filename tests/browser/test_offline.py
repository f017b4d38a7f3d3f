"""Issue 21: offline at the bedside, in real Chromium. A mentor's phone keeps their bedside pages (service worker) and
what they type while offline (IndexedDB), and sends it when the connection returns, as the same person only.

Offline is Playwright's `context.set_offline(True)`; the journeys also check that a reload while offline was answered
by the service worker (the page's response says so), so a page that really came from the network cannot pass.
Requests that fail because the browser is offline are expected here, not problems (`Connection`).
"""

import time
from contextlib import contextmanager
from dataclasses import dataclass

from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import delete, select, update

from blueprints.auth.models import User
from blueprints.dashboard.bedside import bedside_urls
from blueprints.equipment.models import EquipmentCheck, EquipmentCount, EquipmentItem
from blueprints.mentoring.models import Feedback
from blueprints.people.models import Mentee, Mentor
from blueprints.visits.models import MenteeAttendance, MentorAttendance, Visit
from tests.browser.support import live_db, programme_today, sign_in, sign_out

OFFLINE_FAILURES = ("net::ERR_INTERNET_DISCONNECTED", "console error: htmx:sendError", "console error: htmx:afterRequest")
SENT_WITHIN = 2.0  # seconds, from the connection's return to the row in the database (issue 21)
CHOSEN_WITHIN = 10.0  # seconds, from the mentor's choice to the row: a few requests in a row, on a loaded CI machine


class Connection:
    """Takes a browser context offline and back; the requests that fail meanwhile because the browser is offline (and
    htmx's log of them) are expected, not problems. Every other problem still fails the test."""

    def __init__(self, browser_log, context: BrowserContext) -> None:
        self.log, self.context, self.since = browser_log, context, None

    def offline(self) -> None:
        self.since = len(self.log.problems)
        # A request made while offline can report its failure after the connection is back: only an offline browser
        # fails that way, so it is no problem for the rest of the test.
        self.log.tolerated = ("net::ERR_INTERNET_DISCONNECTED", "htmx:sendError")
        self.context.set_offline(True)

    def online(self, also: tuple[str, ...] = ()) -> None:
        self.context.set_offline(False)
        self.forgive(also)

    def forgive(self, also: tuple[str, ...] = ()) -> None:
        if self.since is None:
            return
        kept = [p for p in self.log.problems[self.since:] if not any(f in p for f in OFFLINE_FAILURES + also)]
        self.log.problems[self.since:] = kept
        self.log._reported = min(self.log._reported, len(self.log.problems))
        self.since = len(self.log.problems)


@dataclass(frozen=True)
class Place:
    username: str
    visit_id: int
    mentee_id: int
    mentee_name: str

    @property
    def path(self) -> str:
        return f"/visits/{self.visit_id}/feedback/{self.mentee_id}"


def feedback_on_the_ward(app, skip: tuple[str, ...] = ()) -> Place:
    """A mentor whose phone keeps a feedback form to write (bedside_urls), started afresh: no feedback saved yet."""
    place = None
    with live_db(app) as session, app.test_request_context():
        for user in session.scalars(select(User).where(User.role == "mentor", User.active.is_(True)).order_by(User.username)):
            forms = [u for u in bedside_urls(user, programme_today(app)) if "/feedback/" in u] if user.username not in skip else []
            if forms:
                visit_id, mentee_id = (int(part) for part in forms[0].split("/")[2::2])
                place = Place(user.username, visit_id, mentee_id, session.get(Mentee, mentee_id).full_name)
                break
        session.rollback()  # the read ends here: the live server's writes never wait on it
    assert place is not None, "the demo has no mentor with a feedback form to write on the ward"
    with live_db(app) as session:
        session.execute(delete(Feedback).where(Feedback.visit_id == place.visit_id, Feedback.mentee_id == place.mentee_id))
        session.commit()
    return place


def saved_feedback(app, place: Place) -> dict | None:
    with live_db(app) as session:
        feedback = session.scalar(select(Feedback).where(Feedback.visit_id == place.visit_id, Feedback.mentee_id == place.mentee_id))
        if feedback is not None:
            return {"strengths": feedback.strengths, "version": feedback.version,
                    "ratings": {r.skill_id: r.rating for r in feedback.ratings}}
    return None


def wait_until_kept(page: Page, path: str) -> None:
    """The service worker controls the page and has kept `path` for this user."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10_000)
    kept = "path => caches.open('bedside-pages').then(c => c.match(path, {ignoreVary: true})).then(r => !!r)"
    deadline = time.monotonic() + 10
    while not page.evaluate(kept, path):  # wait_for_function would not wait for the promise
        assert time.monotonic() < deadline, f"the service worker did not keep {path}"
        time.sleep(0.1)


def wait_until_drafted(page: Page, value: str) -> None:
    """A draft on this phone holds `value`. The status line is no sign of it: an earlier save (of the first fields
    typed) shows it too, and under load the test would reload before the last save."""
    held = """value => idbKeyval.values(idbKeyval.createStore('mentorship-offline', 'drafts'))
        .then(drafts => drafts.some(d => d.fields.some(pair => pair[1] === value)))"""
    deadline = time.monotonic() + 10
    while not page.evaluate(held, value):  # wait_for_function would not wait for the promise
        assert time.monotonic() < deadline, f"no draft on the phone holds {value!r}"
        time.sleep(0.05)


def rate(page: Page, skill: int, number: int) -> int:
    """Choose `number` on the n-th skill; its id."""
    block = page.locator("fieldset.skill").nth(skill)
    block.locator(f"input[type=radio][value='{number}']").check()
    return int(block.get_attribute("id").removeprefix("skill-"))


def test_feedback_typed_offline_survives_a_reload_and_reaches_the_server_when_back_online(
        as_user, live_server, browser_log):
    """On the way, a page the phone does not keep, opened offline, shows what the phone keeps, not the browser's error."""
    app = live_server.app
    place = feedback_on_the_ward(app)
    page = as_user(place.username, place.path)
    wait_until_kept(page, place.path)

    connection = Connection(browser_log, page.context)
    connection.offline()
    ratings = {rate(page, 0, 3): 3, rate(page, 1, 4): 4, rate(page, 2, 2): 2}
    page.get_by_label("Strengths").fill("Kept on the phone on the ward")
    expect(page.locator("#save-status")).to_contain_text("Saved on this phone, not yet sent.")
    wait_until_drafted(page, "Kept on the phone on the ward")
    expect(page.locator("#offline-queue")).to_contain_text(f"Feedback for {place.mentee_name}")
    page.get_by_role("button", name="Save and sign off").click()  # signing off locks the record: the server must do it
    expect(page.locator("#save-status")).to_contain_text("Signing off needs a connection")
    assert saved_feedback(app, place) is None

    page.add_init_script(  # before app.js's listener: this one runs first, and the page's has run once it is seen
        "document.addEventListener('htmx:sendError', e => (window.failedPaths = window.failedPaths || [])"
        ".push(e.detail.requestConfig.path))")
    with page.expect_response(lambda r: r.url.endswith(place.path)) as reloaded:
        page.reload()
    assert reloaded.value.from_service_worker  # offline: the page came from the phone, not the network
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Feedback for {place.mentee_name}")
    # The bell's poll, which the mentor did not ask for, has failed: the page does not greet them with an error.
    page.wait_for_function("() => (window.failedPaths || []).some(path => path.includes('/notifications/bell'))")
    expect(page.locator("#htmx-error")).to_be_hidden()
    page.evaluate("htmx.ajax('GET', '/calendar/', {target: '#content', swap: 'none'}).catch(() => {})")  # one they did
    expect(page.locator("#htmx-error")).to_have_text(
        "The connection was lost; nothing was sent. Check the network and try again.")
    expect(page.get_by_label("Strengths")).to_have_value("Kept on the phone on the ward")
    for skill_id, number in ratings.items():
        expect(page.locator(f"#skill-{skill_id} input[value='{number}']")).to_be_checked()
    expect(page.locator("#save-status")).to_contain_text("Saved on this phone, not yet sent.")


    connection.online()
    started = time.monotonic()
    while (found := saved_feedback(app, place)) is None and time.monotonic() - started < SENT_WITHIN:
        time.sleep(0.05)
    assert found is not None, f"the server did not have the draft {SENT_WITHIN} s after the connection returned"
    assert found["strengths"] == "Kept on the phone on the ward"
    assert {k: v for k, v in found["ratings"].items() if v is not None} == ratings
    expect(page.locator("#offline-queue")).to_be_hidden()
    expect(page.locator("#save-status")).to_contain_text("Draft saved at")

    connection.offline()
    page.goto("/calendar/")  # never opened on this phone: the phone's own page says so and lists what it keeps
    expect(page.get_by_role("heading", level=1)).to_have_text("No connection")
    expect(page.get_by_role("link", name=f"Feedback for {place.mentee_name}")).to_have_attribute("href", live_server.url + place.path)
    connection.online()


def wait_for(check, what: str, within: float = SENT_WITHIN):
    """Poll `check` (a database read) until it answers something truthy, at most `within` seconds."""
    started = time.monotonic()
    while not (found := check()):
        assert time.monotonic() - started < within, f"{what} not within {within} s"
        time.sleep(0.05)
    return found


@contextmanager
def visit_under_way(app, username: str):
    """A visit of this mentor's team at its hospital, on today (the demo has none on the suite's day), with its
    equipment check opened; removed again afterwards, so later journeys see the demo as it was."""
    with live_db(app) as session:
        mentor = session.scalar(select(User).where(User.username == username)).mentor
        hospital_id = session.scalar(select(Visit.hospital_id).where(Visit.team_id == mentor.team_id).limit(1))
        day = programme_today(app)
        visit = Visit(hospital_id=hospital_id, team_id=mentor.team_id, start_date=day, days=1, end_date=day,
                      status="confirmed", notes="offline journey")
        session.add(visit)
        session.flush()
        check = EquipmentCheck(hospital_id=hospital_id, check_date=day, visit_id=visit.id)
        session.add(check)
        session.commit()
        ids = (visit.id, check.id, mentor.id)
    try:
        yield ids
    finally:
        with live_db(app) as session:
            session.execute(delete(EquipmentCount).where(EquipmentCount.check_id == ids[1]))
            session.execute(delete(EquipmentCheck).where(EquipmentCheck.id == ids[1]))
            session.execute(delete(MentorAttendance).where(MentorAttendance.visit_id == ids[0]))
            session.execute(delete(MenteeAttendance).where(MenteeAttendance.visit_id == ids[0]))
            session.execute(delete(Visit).where(Visit.id == ids[0]))
            session.commit()


def test_attendance_marked_offline_survives_a_reload_and_reaches_the_server_when_back_online(as_user, live_server, browser_log):
    """Then a conflict: marks typed offline while someone else saved the visit's attendance are not sent over theirs;
    the phone shows both, each row naming whose mark it is and saying both marks in words, and sends its own only when
    the mentor chooses them."""
    app = live_server.app
    with visit_under_way(app, "mentor.01") as (visit_id, _check_id, mentor_id):
        path = f"/visits/{visit_id}/attendance"
        page = as_user("mentor.01", path)
        wait_until_kept(page, path)
        connection = Connection(browser_log, page.context)
        connection.offline()
        page.locator(f"input[name='mentor-{mentor_id}'][value='present']").check()
        expect(page.locator("[data-offline-status]")).to_contain_text("Saved on this phone, not yet sent.")
        page.get_by_role("button", name="Save").click()  # a plain form: kept, not sent, the page stays
        with page.expect_response(lambda r: r.url.endswith(path)) as reloaded:
            page.reload()
        assert reloaded.value.from_service_worker
        expect(page.locator(f"input[name='mentor-{mentor_id}'][value='present']")).to_be_checked()

        connection.online()
        def present():
            with live_db(app) as session:
                return session.scalar(select(MentorAttendance.present).where(
                    MentorAttendance.visit_id == visit_id, MentorAttendance.mentor_id == mentor_id))
        assert wait_for(present, "the attendance on the server") is True
        expect(page.locator("[data-offline-status]")).to_contain_text("Sent from this phone.")
        expect(page.locator("#offline-queue")).to_be_hidden()

        connection.offline()
        page.locator(f"input[name='mentor-{mentor_id}'][value='absent']").check()
        page.locator(f"#mentor-{mentor_id}-reason").fill("Called to theatre")
        today_boxes = page.locator("input[type=checkbox][name^='mentee-']:not([disabled])")
        mine, theirs = (int(today_boxes.nth(n).get_attribute("name").removeprefix("mentee-")) for n in (0, 1))
        today_boxes.nth(0).check()
        expect(page.locator("[data-offline-status]")).to_contain_text("Saved on this phone, not yet sent.")
        with live_db(app) as session:  # someone else records the day meanwhile: another mentee came
            session.add(MenteeAttendance(visit_id=visit_id, mentee_id=theirs, day=programme_today(app)))
            session.commit()
            mentor_name = session.get(Mentor, mentor_id).full_name
            mine_name, theirs_name = session.get(Mentee, mine).full_name, session.get(Mentee, theirs).full_name
        connection.online()
        choice = page.locator(".offline-conflict")
        expect(choice).to_contain_text("changed by someone else")
        # Each row names the person whose mark differs, as the form does, and says both marks in words.
        rows = choice.locator("tbody tr")
        expect(rows).to_have_count(4)
        said = sorted([cell.strip() for cell in row.locator("td").all_inner_texts()] for row in rows.all())
        day = f"present on {programme_today(app):%-d %b %Y}"
        assert said == sorted([[mentor_name, "absent", "present"], [f"{mentor_name}: Reason if absent", "Called to theatre", "—"],
                               [mine_name, day, "absent"], [theirs_name, "absent", day]])
        assert present() is True  # nothing overwritten silently
        choice.get_by_role("button", name="Keep the version on this phone").click()
        wait_for(lambda: reason(app, visit_id, mentor_id) == "Called to theatre", "the chosen marks", CHOSEN_WITHIN)
        expect(page.locator("#offline-queue")).to_be_hidden()


def reason(app, visit_id: int, mentor_id: int) -> str | None:
    with live_db(app) as session:
        return session.scalar(select(MentorAttendance.reason).where(
            MentorAttendance.visit_id == visit_id, MentorAttendance.mentor_id == mentor_id))


def test_an_equipment_count_typed_offline_reaches_the_server_and_an_administrator_keeps_pages_only_on_their_own_device(
        as_user, live_server, browser_log):
    app = live_server.app
    with live_db(app) as session:
        admin = session.scalar(select(User).where(User.username == "admin.gitwe"))
        check = session.scalar(select(EquipmentCheck).where(EquipmentCheck.hospital_id == admin.hospital_id,
                                                            EquipmentCheck.completed_at.is_(None)).order_by(EquipmentCheck.id))
        check_id = check.id
    path = f"/equipment/checks/{check_id}"
    page = as_user("admin.gitwe", "/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10_000)
    page.goto(path)
    time.sleep(1)  # the page had time to ask for pages to be kept: on a device not marked as theirs, none are
    assert page.evaluate("caches.open('bedside-pages').then(c => c.keys()).then(k => k.length)") == 0

    page.goto("/")
    page.get_by_label("This is my own device").check()
    page.goto(path)
    wait_until_kept(page, path)
    row = page.locator("tr.count-row").first
    item_id = int(row.get_attribute("id").removeprefix("row-"))
    with live_db(app) as session:
        item_name, hospital_name = session.get(EquipmentItem, item_id).name, session.get(EquipmentCheck, check_id).hospital.name
    connection = Connection(browser_log, page.context)
    connection.offline()
    page.locator(f"input[name='i{item_id}-available']").fill("7")
    page.locator(f"input[name='i{item_id}-functional']").fill("5")
    page.locator(f"select[name='i{item_id}-reason']").select_option("broken")  # why fewer work than there are
    expect(page.locator(f"#row-{item_id} .row-status")).to_contain_text("Saved on this phone, not yet sent.")
    expect(page.locator("#offline-queue")).to_contain_text(f"{item_name} · {hospital_name}")  # what waits, and where
    wait_until_drafted(page, "broken")
    with page.expect_response(lambda r: r.url.endswith(path)) as reloaded:
        page.reload()
    assert reloaded.value.from_service_worker
    expect(page.locator(f"input[name='i{item_id}-functional']")).to_have_value("5")

    connection.online()
    def counted():
        with live_db(app) as session:
            return session.execute(select(EquipmentCount.available, EquipmentCount.functional).where(
                EquipmentCount.check_id == check_id, EquipmentCount.item_id == item_id)).first()
    assert tuple(wait_for(lambda: (c := counted()) and c.functional == 5 and c, "the count on the server")) == (7, 5)
    expect(page.locator("#offline-queue")).to_be_hidden()

    connection.offline()  # a conflict: someone else counts the same row meanwhile; the phone shows both, sends on choice
    page.locator(f"input[name='i{item_id}-functional']").fill("6")
    expect(page.locator(f"#row-{item_id} .row-status")).to_contain_text("Saved on this phone, not yet sent.")
    with live_db(app) as session:
        session.execute(update(EquipmentCount).where(EquipmentCount.check_id == check_id, EquipmentCount.item_id == item_id)
                        .values(functional=4, version=EquipmentCount.version + 1))
        session.commit()
    connection.online()
    choice = page.locator(".offline-conflict")
    expect(choice).to_contain_text("changed by someone else")
    # The row names the item whose count differs, as the checklist does, not only the column ("Functional").
    expect(choice.locator("tbody tr")).to_have_count(1)
    assert [cell.strip() for cell in choice.locator("tbody tr td").all_inner_texts()] == [f"{item_name}: Functional", "6", "4"]
    assert counted().functional == 4  # nothing overwritten silently
    choice.get_by_role("button", name="Keep the version on this phone").click()
    wait_for(lambda: counted().functional == 6, "the chosen count", CHOSEN_WITHIN)
    expect(page.locator("#offline-queue")).to_be_hidden()


def count_autosaves(page: Page) -> None:
    """Counts, on the page, the autosaves htmx starts (asked), sends (went) and finishes (done)."""
    page.evaluate("""() => {
        window.autosaves = {asked: 0, went: 0, done: 0};
        document.addEventListener('htmx:beforeRequest', () => autosaves.asked++);
        document.addEventListener('htmx:beforeSend', () => autosaves.went++);
        document.addEventListener('htmx:afterRequest', () => autosaves.done++);
    }""")


def test_two_phones_edit_one_draft_offline_and_the_second_to_sync_chooses_between_both_versions(as_user, live_server, browser_log):
    """Also the two ways this went wrong: the first phone saving its synced text a second time (its autosave's delay ran
    out after the connection returned), and the second phone's choice meeting a record whose version moved on (a save
    of the same text) after the choice was shown, answered with the conflict again."""
    app = live_server.app
    place = feedback_on_the_ward(app, skip=("mentor.01",))
    first, second = as_user(place.username, place.path), as_user(place.username, place.path)
    for page in (first, second):
        wait_until_kept(page, place.path)
    first_line, second_line = Connection(browser_log, first.context), Connection(browser_log, second.context)
    first_line.offline()
    second_line.offline()
    first.get_by_label("Strengths").fill("Written on the first phone")
    second.get_by_label("Strengths").fill("Written on the second phone")
    expect(first.locator("#save-status")).to_contain_text("Saved on this phone")
    expect(second.locator("#save-status")).to_contain_text("Saved on this phone")

    first_line.online()
    wait_for(lambda: (f := saved_feedback(app, place)) and f["strengths"] == "Written on the first phone", "the first phone's draft")
    count_autosaves(first)
    first.get_by_label("Strengths").dispatch_event("change")  # an autosave of the text just sent, after the return
    first.wait_for_function("() => autosaves.asked > 0 && autosaves.went === autosaves.done")
    assert saved_feedback(app, place)["version"] == 1  # the first phone's text was saved once

    second_line.online()
    choice = second.locator(".offline-conflict")
    expect(choice).to_contain_text("changed by someone else")
    expect(choice.locator("tr", has_text="Strengths")).to_contain_text("Written on the second phone")
    expect(choice.locator("tr", has_text="Strengths")).to_contain_text("Written on the first phone")
    assert saved_feedback(app, place)["strengths"] == "Written on the first phone"  # nothing overwritten silently

    with live_db(app) as session:  # a save of the same text meanwhile: only the version moves on
        session.execute(update(Feedback).where(Feedback.visit_id == place.visit_id, Feedback.mentee_id == place.mentee_id)
                        .values(version=Feedback.version + 1))
        session.commit()
    choice.get_by_role("button", name="Keep the version on this phone").click()
    found = wait_for(lambda: (f := saved_feedback(app, place)) and f["strengths"] == "Written on the second phone" and f,
                     "the chosen version", CHOSEN_WITHIN)
    assert found["version"] == 3
    expect(second.locator("#offline-queue")).to_be_hidden()


def test_drafts_of_a_session_that_ended_offline_are_never_shown_or_sent_as_another_user(as_user, live_server, browser_log):
    app = live_server.app
    place = feedback_on_the_ward(app, skip=("mentor.01",))
    page = as_user(place.username, place.path)
    wait_until_kept(page, place.path)
    connection = Connection(browser_log, page.context)
    connection.offline()
    page.get_by_label("Strengths").fill("Typed before the session ended")
    expect(page.locator("#save-status")).to_contain_text("Saved on this phone")
    page.context.clear_cookies()  # the session ends while the phone is offline

    connection.online()
    expect(page.locator("[data-offline-signin]")).to_be_visible()  # kept, waiting for the same person to sign in
    expect(page.locator("#offline-queue")).to_contain_text(f"Feedback for {place.mentee_name}")

    # Signed out: GET /offline/bedside answers 401, which is how offline.js learns it.
    connection.forgive(also=("401: GET", "status of 401 (UNAUTHORIZED) (http://127.0.0.1", ))
    sign_in(page, "mentor.01")  # someone else, on the same browser
    connection.forgive(also=("401: GET http://127.0.0.1", "status of 401 (UNAUTHORIZED) (http://127.0.0.1", ))  # late ones
    expect(page.locator("#offline-queue")).to_be_hidden()
    expect(page.locator("body")).not_to_contain_text(place.mentee_name)
    time.sleep(SENT_WITHIN)
    assert saved_feedback(app, place) is None
    assert page.evaluate("caches.open('bedside-pages').then(c => c.match('/offline-owner')).then(r => r && r.text())") != \
        str(user_id(app, place.username))  # the first person's pages are gone from this browser

    sign_out(page)
    sign_in(page, place.username)  # the person who typed it: now it is sent
    found = wait_for(lambda: saved_feedback(app, place), "the draft, once its author signed in again")
    assert found["strengths"] == "Typed before the session ended"


def user_id(app, username: str) -> int:
    with live_db(app) as session:
        return session.scalar(select(User.id).where(User.username == username))


def test_signing_out_clears_this_users_drafts_from_the_device(as_user, live_server, browser_log):
    app = live_server.app
    place = feedback_on_the_ward(app, skip=("mentor.01",))
    page = as_user(place.username, place.path)
    wait_until_kept(page, place.path)
    connection = Connection(browser_log, page.context)
    connection.offline()
    page.get_by_label("Strengths").fill("Never to be sent")
    expect(page.locator("#offline-queue")).to_contain_text(f"Feedback for {place.mentee_name}")
    # The server never hears of it, so the session stays; answered here (an aborted navigation would end on Chromium's
    # error page at a moment of its own, interrupting the next one).
    page.context.route("**/logout", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>Not sent</title><p id=not-sent>Not sent</p>"))
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#not-sent")).to_be_visible()
    connection.online()

    page.goto(place.path)  # still signed in on the server: only the device forgot
    expect(page.get_by_label("Strengths")).to_have_value("")
    expect(page.locator("#offline-queue")).to_be_hidden()
    time.sleep(SENT_WITHIN)
    assert saved_feedback(app, place) is None


def test_a_device_keeps_drafts_at_most_7_days(as_user, live_server):
    page = as_user("mentor.01", "/")
    me = page.evaluate("document.body.dataset.offlineUser")
    page.evaluate("""me => {
        const store = idbKeyval.createStore("mentorship-offline", "drafts");
        const day = 24 * 3600 * 1000;
        const draft = (key, age) => ({key, user: me, url: "/nowhere", page: "/", label: key, fields: [],
                                      savedAt: Date.now() - age, changedAt: Date.now() - age, conflict: true});
        return Promise.all([idbKeyval.set("old", draft("old", 8 * day), store), idbKeyval.set("recent", draft("recent", 6 * day), store)]);
    }""", me)
    page.reload()
    expect(page.locator("#offline-queue li")).to_have_count(1)
    expect(page.locator("#offline-queue")).to_contain_text("recent")
    assert page.evaluate("idbKeyval.keys(idbKeyval.createStore('mentorship-offline', 'drafts'))") == ["recent"]


def test_chromium_finds_the_app_installable(as_user):
    """Chromium's own installability check (what its install prompt uses): manifest, icons, start URL, display,
    service worker. Lighthouse 12 no longer audits installability, so the test asks the browser directly."""
    page = as_user("mentor.01", "/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10_000)
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []  # a test profile is incognito; the app is not
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [] and manifest["url"].endswith("/manifest.webmanifest")


CACHED_PAGE_BUDGET_MS = 300  # issue 21: a page served from the phone's cache opens within this


def test_a_kept_page_is_served_offline_within_300_ms_on_the_phone_profile(as_user, live_server, browser_log):
    """The phone profile: 360 px, touch, and the CPU slowed 4× as Lighthouse's mobile preset does; the median of three
    offline reloads. Asserted: the service worker has handed over the whole page (responseEnd) within the budget.
    The first paint is printed, not asserted: on a CPU shared by a dozen jobs it measures the machine's load more than
    the cache; `make bench` judges it on a quiet machine (kept_page_paint_ms; docs/benchmarks.md has the figures)."""
    place = feedback_on_the_ward(live_server.app, skip=("mentor.01",))
    page = as_user(place.username, place.path, viewport={"width": 360, "height": 640}, has_touch=True, is_mobile=True)
    wait_until_kept(page, place.path)
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    connection = Connection(browser_log, page.context)
    connection.offline()
    timings = []
    for _ in range(3):
        with page.expect_response(lambda r: r.url.endswith(place.path)) as reloaded:
            page.reload(wait_until="domcontentloaded")
        assert reloaded.value.from_service_worker
        page.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length > 0")
        timings.append(page.evaluate("""() => ({
            served: performance.getEntriesByType('navigation')[0].responseEnd,
            painted: performance.getEntriesByName('first-contentful-paint')[0].startTime,
            ready: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd})"""))
    connection.online()
    median = {name: sorted(t[name] for t in timings)[1] for name in timings[0]}
    print("kept page offline, median ms:", {name: round(value) for name, value in median.items()})
    assert median["served"] < CACHED_PAGE_BUDGET_MS, timings
