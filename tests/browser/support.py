"""What the journeys share: the demo accounts, screenshots, axe-core, page width."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from blueprints.auth.models import User
from blueprints.core import clock
from blueprints.core.extensions import db
from blueprints.core.navigation import menu

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE / "screenshots"  # git-ignored; for a person to review after a run
AXE_JS = HERE / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")


@dataclass(frozen=True)
class Account:
    """A demo account (README) and the heading of its home page."""

    username: str
    role: str
    home_heading: str


ACCOUNTS = (
    Account("sysadmin", "sysadmin", "Administration"),
    Account("coordinator", "coordinator", "Programme overview"),
    Account("admin.byumba", "hospital_admin", "Byumba Hospital"),
    Account("mentor.01", "mentor", "My mentoring"),
)


def expected_menu(app, role: str) -> list[str]:
    """The menu labels this role should see in the live app: the navigation plan, for the pages that exist."""
    with app.test_request_context():
        return [str(entry.label) for entry in menu.for_role(role)]


def display_name(app, username: str) -> str:
    """The name the app shows for a demo account, read from the live database."""
    with app.app_context():
        name = db.session.scalar(select(User.display_name).where(User.username == username))
        db.session.remove()
    return name


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot at the end of a journey, under tests/browser/screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@cache
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Page, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[dict]:
    """Run the vendored axe-core on the page for WCAG 2.1 A and AA; the violations of the given impacts.

    The script goes in through the DevTools protocol (page.evaluate), which the page's CSP does not
    govern, so the CSP stays strict and its console check stays meaningful.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    return [v for v in results["violations"] if v["impact"] in impacts]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} -- {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node.get('failureSummary', '').splitlines()[-1].strip()}")
    return "\n".join(lines)


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it does not scroll sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


DEMO_PASSWORD = "mentorship-demo"


def sign_in(page: Page, username: str) -> None:
    """Sign in through the login form (for the journeys that start with a person signing in)."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page: Page) -> None:
    """Sign out and wait for the sign-in page: offline.js forgets this person's drafts first, then submits the form, so
    a navigation started at once would be aborted by that late submit."""
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_label("Username")).to_be_visible()


@contextmanager
def live_db(app) -> Iterator:
    """The live app's database session, for a journey to find the demo rows it needs (or arrange one)."""
    with app.app_context():
        try:
            yield db.session
        finally:
            db.session.remove()


def programme_today(app) -> date:
    """The app's 'today' (the programme's time zone), as the pages use it."""
    with app.app_context():
        return clock.today()


def main_menu(page: Page, label: str) -> None:
    """Open a page from the main menu and wait for its load event: htmx (deferred) wires the page's live search and
    forms only then, and a field typed into before it is a change htmx never sees (a flaky transfer journey)."""
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True).click()


def open_listed_page(html_recorder, as_user, new_context, live_server, name: str, entry: tuple) -> Page:
    """Open a page of a page list (test_accessibility.PAGES) as its account, do what the entry says first, and note
    for the HTML check (test_valid_html.py) that the run has seen it."""
    username, path, action = entry
    if path.startswith("<"):
        path = demo_path(live_server.app, path.strip("<>"))
    if username and username.startswith("<"):
        username = demo_account(live_server.app, username.strip("<>"))
    if username:
        page = as_user(username, path)
    else:
        page = new_context().new_page()
        page.goto(path)
    if action:
        action(page)
    html_recorder.opened.add(name)
    return page


def _listed_mentee_id(session, hospital_id: int) -> int:
    """The Byumba mentee whose own pages the page lists open: active, with an account, reading English, and the most
    signed sheets (so her lists are not empty); ties by id, so every run opens the same pages."""
    from blueprints.mentoring.models import Feedback
    from blueprints.people.models import Mentee

    return session.scalar(
        select(Mentee.id).join(User, User.mentee_id == Mentee.id).join(Feedback, Feedback.mentee_id == Mentee.id)
        .where(Mentee.hospital_id == hospital_id, Mentee.status == "active", Mentee.preferred_language == "en",
               User.active.is_(True), User.language.is_(None), Feedback.status == "signed")
        .group_by(Mentee.id).order_by(func.count(Feedback.id).desc(), Mentee.id).limit(1))


def demo_account(app, kind: str) -> str:
    """The username of a demo account whose id the database decides, for the page lists: "mentee" is the listed
    Byumba mentee's own account (`mentee.<record number>`)."""
    from blueprints.people.models import Hospital

    if kind != "mentee":
        raise ValueError(kind)
    with live_db(app) as session:
        hospital_id = session.scalar(select(Hospital.id).where(Hospital.name == "Byumba"))
        return f"mentee.{_listed_mentee_id(session, hospital_id)}"


def demo_path(app, kind: str) -> str:
    """The path of a demo page whose id the database decides, for the page lists (accessibility, phones).

    Byumba's rows (and Gitwe's open check): the journeys change other hospitals' mentees, visits and
    equipment, never these.
    """
    from blueprints.equipment.models import EquipmentCheck
    from blueprints.people.models import Hospital, Mentee
    from blueprints.visits.models import Visit

    with live_db(app) as session:
        hospital_id = session.scalar(select(Hospital.id).where(Hospital.name == "Byumba"))
        if kind in ("mentee", "transfer"):
            mentee_id = session.scalar(select(Mentee.id).where(Mentee.hospital_id == hospital_id, Mentee.status == "active")
                                       .order_by(Mentee.full_name).limit(1))
            return f"/mentees/{mentee_id}" + ("/transfer" if kind == "transfer" else "")
        if kind == "planned-visit":
            visit_id = session.scalar(select(Visit.id).where(Visit.hospital_id == hospital_id, Visit.status.in_(("planned", "confirmed")))
                                      .order_by(Visit.start_date).limit(1))
            return f"/visits/{visit_id}"
        if kind == "held-visit":
            visit_id = session.scalar(select(Visit.id).where(Visit.hospital_id == hospital_id, Visit.status == "held")
                                      .order_by(Visit.start_date.desc()).limit(1))
            return f"/visits/{visit_id}"
        if kind == "my-sheet":  # the listed mentee's latest signed sheet, as she reads it
            from blueprints.mentoring.models import Feedback

            feedback_id = session.scalar(select(func.max(Feedback.id)).where(
                Feedback.mentee_id == _listed_mentee_id(session, hospital_id), Feedback.status == "signed"))
            return f"/me/feedback/{feedback_id}"
        if kind == "planner":
            return f"/visits/planner?hospital={hospital_id}&count=2"
        if kind == "equipment-hospital":
            return f"/equipment/hospitals/{hospital_id}"
        if kind == "equipment-check":  # Gitwe's last check, which the demo leaves in progress
            check_id = session.scalar(select(EquipmentCheck.id).join(Hospital, Hospital.id == EquipmentCheck.hospital_id)
                                      .where(Hospital.name == "Gitwe", EquipmentCheck.completed_at.is_(None)).limit(1))
            return f"/equipment/checks/{check_id}"
    raise ValueError(kind)
