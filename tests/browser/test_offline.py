"""Issue 21: offline at the bedside, in real Chromium. A mentor's phone keeps their bedside pages (service worker) and
what they type while offline (IndexedDB), and sends it when the connection returns, as the same person only.

Offline is Playwright's `context.set_offline(True)`; the journeys also check that a reload while offline was answered
by the service worker (the page's response says so), so a page that really came from the network cannot pass.
Requests that fail because the browser is offline are expected here, not problems (`Connection`).
"""

import time
from dataclasses import dataclass

from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import delete, select

from blueprints.auth.models import User
from blueprints.dashboard.bedside import bedside_urls
from blueprints.mentoring.models import Feedback
from blueprints.people.models import Mentee
from tests.browser.support import live_db, programme_today

OFFLINE_FAILURES = ("net::ERR_INTERNET_DISCONNECTED", "console error: htmx:sendError", "console error: htmx:afterRequest")
SENT_WITHIN = 2.0  # seconds, from the connection's return to the row in the database (issue 21)


class Connection:
    """Takes a browser context offline and back; the requests that fail meanwhile because the browser is offline (and
    htmx's log of them) are expected, not problems. Every other problem still fails the test."""

    def __init__(self, browser_log, context: BrowserContext) -> None:
        self.log, self.context, self.since = browser_log, context, None

    def offline(self) -> None:
        self.since = len(self.log.problems)
        self.context.set_offline(True)

    def online(self) -> None:
        self.context.set_offline(False)
        self.forgive()

    def forgive(self) -> None:
        if self.since is None:
            return
        kept = [p for p in self.log.problems[self.since:] if not any(f in p for f in OFFLINE_FAILURES)]
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
    with live_db(app) as session, app.test_request_context():
        for user in session.scalars(select(User).where(User.role == "mentor", User.active.is_(True)).order_by(User.username)):
            if user.username in skip:
                continue
            forms = [u for u in bedside_urls(user, programme_today(app)) if "/feedback/" in u]
            if forms:
                visit_id, mentee_id = (int(part) for part in forms[0].split("/")[2::2])
                session.execute(delete(Feedback).where(Feedback.visit_id == visit_id, Feedback.mentee_id == mentee_id))
                session.commit()
                return Place(user.username, visit_id, mentee_id, session.get(Mentee, mentee_id).full_name)
    raise AssertionError("the demo has no mentor with a feedback form to write on the ward")


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


def rate(page: Page, skill: int, number: int) -> int:
    """Choose `number` on the n-th skill; its id."""
    block = page.locator("fieldset.skill").nth(skill)
    block.locator(f"input[type=radio][value='{number}']").check()
    return int(block.get_attribute("id").removeprefix("skill-"))


def test_feedback_typed_offline_survives_a_reload_and_reaches_the_server_when_back_online(
        as_user, live_server, browser_log):
    app = live_server.app
    place = feedback_on_the_ward(app)
    page = as_user(place.username, place.path)
    wait_until_kept(page, place.path)

    connection = Connection(browser_log, page.context)
    connection.offline()
    ratings = {rate(page, 0, 3): 3, rate(page, 1, 4): 4, rate(page, 2, 2): 2}
    page.get_by_label("Strengths").fill("Kept on the phone on the ward")
    expect(page.locator("#save-status")).to_contain_text("Saved on this phone, not yet sent.")
    expect(page.locator("#offline-queue")).to_contain_text(f"Feedback for {place.mentee_name}")
    assert saved_feedback(app, place) is None

    with page.expect_response(lambda r: r.url.endswith(place.path)) as reloaded:
        page.reload()
    assert reloaded.value.from_service_worker  # offline: the page came from the phone, not the network
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Feedback for {place.mentee_name}")
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
