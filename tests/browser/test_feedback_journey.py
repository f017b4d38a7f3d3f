"""Issue 10, journey 3: a mentor opens a held visit from their home page's "to write" tile, writes a mentee's
feedback (two ratings, strengths, an action item), the draft saves itself (after a reload it is all still there),
signs it off (refused until the confirmation box is ticked), and downloads the feedback sheet: a real PDF whose text holds the mentee's name, the rating words
and the action item.

Own demo rows: Ruhango's latest held visit (no other journey touches Ruhango). The sheet is printed in the mentee's
language and the test reads its English words, so it picks a mentee who reads English. The demo leaves part of each
latest visit's feedback not started; if every English reader's feedback there is already written, the journey clears
one (as if never started), and if none reads English, it makes one do so: it always starts from an empty form.
"""

import io
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import delete, or_, select, update

from blueprints.auth.models import User
from blueprints.mentoring.framework import rating_scale
from blueprints.mentoring.models import Feedback
from blueprints.people.models import Assignment, Hospital, Mentee, Mentor
from blueprints.visits.models import MentorAttendance, Visit
from tests.browser.support import live_db, programme_today, screenshot

HOSPITAL = "Ruhango"
STRENGTHS = "Calm and quick in the golden minute (browser journey)"
ACTION = "Run a weekly HBB drill on the newborn corner (browser journey)"


@dataclass(frozen=True)
class Setting:
    visit_id: int
    mentee_id: int
    mentee_name: str
    mentor_username: str
    words: dict[int, str]


def feedback_to_write(app, hospital: str = HOSPITAL) -> Setting:
    """Ruhango's latest held visit (over before today), a mentor who came to it and one of their mentees who reads
    English, with no feedback there yet: an English reader not started if there is one."""
    with live_db(app) as session:
        visit = session.scalar(select(Visit).join(Hospital, Hospital.id == Visit.hospital_id)
                               .where(Hospital.name == hospital, Visit.status == "held", Visit.end_date < programme_today(app))
                               .order_by(Visit.start_date.desc()).limit(1))
        absent = select(MentorAttendance.mentor_id).where(MentorAttendance.visit_id == visit.id, MentorAttendance.present.is_(False))
        pairs = session.execute(
            select(User.username, Mentee.id, Mentee.full_name, Feedback.id, Mentee.preferred_language)
            .join(Mentor, Mentor.id == User.mentor_id)
            .join(Assignment, Assignment.mentor_id == Mentor.id)
            .join(Mentee, Mentee.id == Assignment.mentee_id)
            .outerjoin(Feedback, (Feedback.visit_id == visit.id) & (Feedback.mentee_id == Mentee.id))
            .where(Mentor.team_id == visit.team_id, Mentor.id.not_in(absent), User.active.is_(True),
                   Assignment.start_date <= visit.end_date, or_(Assignment.end_date.is_(None), Assignment.end_date >= visit.start_date))
            .order_by(Mentee.preferred_language != "en", Feedback.id.is_not(None), User.username, Mentee.full_name)
        ).all()
        username, mentee_id, name, feedback_id, language = pairs[0]
        if feedback_id is not None:  # all written already: start this one again from nothing
            session.execute(delete(Feedback).where(Feedback.id == feedback_id))
        if language != "en":  # nobody there reads English: this mentee does from now on
            session.execute(update(Mentee).where(Mentee.id == mentee_id).values(preferred_language="en", version=Mentee.version + 1))
        session.commit()
        return Setting(visit.id, mentee_id, name, username, rating_scale())


def posted(request, name: str) -> list[str]:
    return parse_qs(request.post_data or "").get(name, [])


def test_mentor_writes_feedback_the_draft_survives_a_reload_signs_off_and_downloads_the_pdf(as_user, live_server):
    setting = feedback_to_write(live_server.app)
    feedback_path = f"/visits/{setting.visit_id}/feedback/{setting.mentee_id}"

    # From the home page's "to write" tile to the visit, then to the mentee's feedback from the visit's status table.
    page = as_user(setting.mentor_username)
    tile = page.locator("#tile-to_write")
    expect(tile.get_by_role("link", name=f"Feedback for {setting.mentee_name}").first).to_be_visible()
    tile.locator(f'a[href="/visits/{setting.visit_id}#feedback"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Visit to {HOSPITAL}")
    row = page.locator("#feedback-list tr", has_text=setting.mentee_name)
    expect(row.get_by_role("link", name="Write feedback")).to_have_attribute("href", feedback_path)
    row.get_by_role("link", name="Write feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Feedback for {setting.mentee_name}")
    expect(page.locator("#save-status")).to_contain_text("The draft saves itself as you type.")

    # Two ratings, strengths and an action item; the draft saves itself (one autosave after the typing stops).
    skills = page.locator("fieldset.skill")  # one block per skill, the scale's words as radio buttons (issue 19)
    first_skill = skills.nth(0).locator("legend").inner_text()
    second_skill = skills.nth(1).locator("legend").inner_text()
    first_four = skills.nth(0).get_by_role("radio", name=f"4 {setting.words[4]}")
    second_two = skills.nth(1).get_by_role("radio", name=f"2 {setting.words[2]}")
    due = (programme_today(live_server.app) + timedelta(days=30)).isoformat()
    with page.expect_response(lambda r: r.url.endswith("/autosave") and ACTION in posted(r.request, "action-text")) as saved:
        first_four.check()
        second_two.check()
        page.get_by_label("Strengths").fill(STRENGTHS)
        page.locator("input[name='action-text']").first.fill(ACTION)
        page.locator("input[name='action-due']").first.fill(due)
    assert saved.value.status == 200
    expect(page.locator("#save-status")).to_contain_text("Draft saved at")

    # Reload: the draft is all still there.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Feedback for {setting.mentee_name}")
    expect(first_four).to_be_checked()
    expect(second_two).to_be_checked()
    expect(page.get_by_label("Strengths")).to_have_value(STRENGTHS)
    expect(page.locator("input[name='action-text']").first).to_have_value(ACTION)
    expect(page.locator("input[name='action-due']").first).to_have_value(due)
    expect(page.locator("dl.facts").first).to_contain_text("draft")

    # Sign off without ticking the confirmation: refused, still a draft, the text kept.
    page.get_by_role("button", name="Save and sign off").click()
    expect(page.locator(".field-error")).to_contain_text("Tick this box to sign off")
    expect(page.locator("dl.facts").first).to_contain_text("draft")
    expect(page.get_by_label("Strengths")).to_have_value(STRENGTHS)

    # Confirmed: the form becomes the signed sheet.
    page.get_by_label("I have read this feedback with the mentee: sign it off").check()
    page.get_by_role("button", name="Save and sign off").click()
    expect(page.locator("dl.facts").first).to_contain_text("signed off")
    expect(page.get_by_role("button", name="Save and sign off")).to_have_count(0)
    screenshot(page, "journey-feedback-signed")

    # The feedback sheet downloads as a PDF holding the mentee, the ratings in words and the action item.
    with page.expect_download() as download:
        page.get_by_role("link", name="Feedback sheet (PDF)").click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"%PDF")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    assert setting.mentee_name in text
    assert setting.words[4] in text and setting.words[2] in text
    assert first_skill.split(":")[0] in text and second_skill.split(":")[0] in text
    assert ACTION in text
