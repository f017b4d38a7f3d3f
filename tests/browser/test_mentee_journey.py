"""Issue 22: on a 360x640 phone a mentee opens their invitation link and chooses a password, fills the self-assessment
before their hospital's next visit, acknowledges their last signed sheet with a comment, marks an action item done and
answers that they will be there each day of the visit; their mentor sees the answers on the visit page, then the other
three on that visit's feedback form.

Own demo rows: a Rutongo mentee (its visit next week is the demo's first, so the self-assessment is open; the dashboard
journey only reads Rutongo's name), with a signed sheet and an action item still open. The demo lets about half of its mentees do these things
already; the journey undoes them for its mentee first, so it always starts from a sheet not yet acknowledged."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import delete, select, update

from blueprints.auth.models import User
from blueprints.core.models import utcnow
from blueprints.mentoring.models import ActionItem, Feedback, SelfAssessment
from blueprints.mentoring.self_assessment_window import COMING, WINDOW_DAYS
from blueprints.people.models import Assignment, Hospital, Mentee, MenteeInvitation
from blueprints.people.services.invitations import token_hash
from blueprints.visits.models import Visit
from tests.browser.support import live_db, programme_today, screenshot

PHONE = {"viewport": {"width": 360, "height": 640}, "has_touch": True, "is_mobile": True}
HOSPITAL = "Rutongo"
PASSWORD = "a long walk to Nyungwe forest"
REPLY = "I will plot a partograph for every labour (mentee journey)"
NOTE = "Done on the night shifts too (mentee journey)"


@dataclass(frozen=True)
class Setting:
    token: str
    mentee_id: int
    visit_id: int
    sheet_day: str
    item_text: str
    mentor_username: str
    mentee_name: str


def mentee_ready(app) -> Setting:
    """A mentee with a current mentor's account, a signed sheet and an open action item from before their hospital's
    next visit, which starts within the self-assessment's fortnight; their own acts undone, and a fresh link."""
    today = programme_today(app)
    with live_db(app) as session:
        next_visit = (select(Visit.id).where(Visit.hospital_id == Mentee.hospital_id, Visit.status.in_(COMING),
                                             Visit.start_date >= today, Visit.start_date <= today + timedelta(days=WINDOW_DAYS))
                      .order_by(Visit.start_date).limit(1).correlate(Mentee).scalar_subquery())
        candidates = session.execute(
            select(Mentee.id, next_visit, User.username).join(Hospital, Hospital.id == Mentee.hospital_id)
            .join(Assignment, (Assignment.mentee_id == Mentee.id) & Assignment.end_date.is_(None))
            .join(User, (User.mentor_id == Assignment.mentor_id) & User.active.is_(True))
            .where(Mentee.status == "active", Hospital.name == HOSPITAL, next_visit.is_not(None),
                   Mentee.preferred_language == "en")
            .order_by(Mentee.id)).all()
        for mentee_id, visit_id, mentor_username in candidates:
            visit = session.get(Visit, visit_id)
            sheet = session.scalar(select(Feedback).join(Visit, Visit.id == Feedback.visit_id)
                                   .where(Feedback.mentee_id == mentee_id, Feedback.status == "signed", Visit.start_date < visit.start_date)
                                   .order_by(Visit.start_date.desc(), Feedback.id.desc()).limit(1))
            item = session.scalar(select(ActionItem).join(Feedback, Feedback.id == ActionItem.feedback_id)
                                  .where(ActionItem.mentee_id == mentee_id, ActionItem.followup.is_(None), Feedback.status == "signed")
                                  .order_by(ActionItem.id).limit(1))
            if sheet is None or item is None:
                continue
            session.execute(update(Feedback).where(Feedback.id == sheet.id)
                            .values(acknowledged_at=None, mentee_reply="", version=Feedback.version + 1))
            session.execute(update(ActionItem).where(ActionItem.mentee_id == mentee_id)
                            .values(mentee_status=None, mentee_note="", mentee_updated_at=None))
            session.execute(delete(SelfAssessment).where(
                SelfAssessment.mentee_id == mentee_id, SelfAssessment.assessed_on >= visit.start_date - timedelta(days=WINDOW_DAYS)))
            token = secrets.token_urlsafe(32)
            now = utcnow()
            session.execute(update(MenteeInvitation).where(MenteeInvitation.mentee_id == mentee_id, MenteeInvitation.used_at.is_(None),
                                                           MenteeInvitation.revoked_at.is_(None)).values(revoked_at=now))
            session.add(MenteeInvitation(mentee_id=mentee_id, token_hash=token_hash(token), created_at=now,
                                         expires_at=now + timedelta(days=14)))
            sheet_day = sheet.visit.start_date.strftime("%-d %b %Y")
            item_text = item.text
            session.commit()
            return Setting(token, mentee_id, visit_id, sheet_day, item_text, mentor_username, session.get(Mentee, mentee_id).full_name)
    raise AssertionError(f"the demo has no {HOSPITAL} mentee whose next visit opens the self-assessment today, with a sheet and an open item")


@contextmanager
def visit_held_today(app, visit_id: int) -> Iterator[None]:
    """The visit moved to today and held, then put back: later journeys plan around the demo's coming visits (the
    planning journey's leave clash is this hospital's)."""
    today = programme_today(app)
    with live_db(app) as session:
        visit = session.get(Visit, visit_id)
        was = visit.start_date, visit.end_date, visit.status
        visit.start_date, visit.end_date, visit.status = today, today + timedelta(days=visit.days - 1), "held"
        session.commit()
    try:
        yield
    finally:
        with live_db(app) as session:
            visit = session.get(Visit, visit_id)
            visit.start_date, visit.end_date, visit.status = was
            session.commit()


def test_a_mentee_signs_in_from_the_invitation_self_assesses_acknowledges_and_answers_and_the_mentor_sees_it(
        new_context, as_user, live_server):
    setting = mentee_ready(live_server.app)
    page = new_context(**PHONE).new_page()

    # The link from the invitation: choose a password, and the mentee's home opens.
    page.goto(f"/welcome/{setting.token}")
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the new password").fill(PASSWORD)
    page.get_by_role("button", name="Set my password and sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My mentoring")

    # Before the visit: rate the first skill 2 and say what to learn.
    page.get_by_role("link", name="Before the visit").click()
    first = page.locator("select[name^=rating-]").first
    skill = page.locator(f"label[for='{first.get_attribute('id')}']").inner_text()
    first.select_option("2")
    page.get_by_label("Learning needs").fill("Reading the partograph at night (mentee journey)")
    page.get_by_role("button", name="Send my self-assessment").click()
    expect(page.get_by_text("your mentor will see your self-assessment")).to_be_visible()

    # My feedback: the last signed sheet, read and acknowledged with a comment.
    page.get_by_role("link", name="My feedback").click()
    page.get_by_role("link", name=setting.sheet_day).first.click()
    page.get_by_label("Your comment (optional)").fill(REPLY)
    page.get_by_role("button", name="I have read this sheet").click()
    expect(page.get_by_text("Read and acknowledged on").first).to_be_visible()

    # My action items: the open one, done, with a note.
    page.goto("/me/action-items/")
    card = page.locator("section.card").filter(has=page.get_by_role("heading", name=setting.item_text))
    card.get_by_label("How far did you get?").select_option("done")
    card.get_by_label("Note (optional)").fill(NOTE)
    card.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your mentor sees it at the next visit")).to_be_visible()
    screenshot(page, "mentee-action-items-phone")

    # My next visit: there every day. The visit page's grid then shows the mentee's own answer, confirmed.
    page.goto("/me/next-visit")
    for choice in page.get_by_label("I will be there").all():
        choice.check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_contain_text("the visit's planners see")
    planner = as_user(setting.mentor_username, f"/visits/{setting.visit_id}")
    row = planner.get_by_role("region", name="Who is available on each day").get_by_role("row").filter(
        has=planner.get_by_role("rowheader", name=setting.mentee_name, exact=True))
    expect(row).to_contain_text("(own answer)")
    expect(row.locator("td").last).to_have_text("confirmed")

    # The visit takes place (feedback is written once it is held): the test moves it to today, within the fortnight the
    # self-assessment counts for, and marks it held. The mentor opens the mentee's feedback form: all three are there.
    with visit_held_today(live_server.app, setting.visit_id):
        mentor = as_user(setting.mentor_username, f"/visits/{setting.visit_id}/feedback/{setting.mentee_id}")
        form = mentor.locator("main")
        expect(form).to_contain_text(f"{skill}")
        expect(form).to_contain_text("Rated themselves 2")
        expect(mentor.locator("#last-sheet")).to_contain_text(f"Last signed sheet, {setting.sheet_day}: Read and acknowledged on")
        expect(mentor.locator("#last-sheet")).to_contain_text(REPLY)
        expect(form).to_contain_text(f"The mentee says: Done — {NOTE}")
        screenshot(mentor, "mentee-journey-mentor-form")
