"""A mentee's own pages (issue 22 item 2): their signed sheets, read and acknowledged with a comment, and their
action items marked done or partly done; the mentor sees both. Never a draft, never another mentee's."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.mentoring.models import ActionItem, Feedback, Reflection, SelfAssessment, SkillRating
from blueprints.visits.models import MentorAttendance
from tests.conftest import count_queries
from tests.factories import login, make_user
from tests.mentoring.conftest import midwife_skills
from tests.visits.conftest import make_visit


def sheet(world, visit, mentee, status="signed", strengths="Calm in emergencies", item="Plot ten partographs"):
    skill = midwife_skills()[0]
    feedback = Feedback(visit_id=world[visit].id, mentee_id=world[mentee].id, mentor_id=world["mentor"].id,
                        strengths=strengths, status=status, cpd_hours=4,
                        ratings=[SkillRating(skill_id=skill.id, rating=3, comment="Improving")])
    db.session.add(feedback)
    db.session.flush()
    db.session.add(ActionItem(feedback_id=feedback.id, mentee_id=world[mentee].id, text=item,
                              due_date=today() + timedelta(days=30)))
    db.session.flush()
    return feedback


@pytest.fixture
def mine(world):
    """Amina's account; her signed sheet of the earlier visit, her draft of the last one; Grace's signed sheet."""
    account = make_user("mentee", mentee=world["mentee"], username="mentee.amina")
    signed = sheet(world, "earlier", "mentee")
    draft = sheet(world, "visit", "mentee", status="draft", strengths="Zz draft strengths", item="Zz draft item")
    other = sheet(world, "earlier", "mentee_2", strengths="Zz other strengths", item="Zz other item")
    db.session.add(Reflection(visit_id=world["earlier"].id, mentor_id=world["mentor"].id, went_well="Zz reflection"))
    db.session.commit()
    return {"account": account, "signed": signed, "draft": draft, "other": other}


def test_a_mentee_sees_their_signed_sheets_and_never_a_draft_another_mentees_or_a_reflection(client, world, mine):
    login(client, mine["account"])
    listing = client.get("/me/feedback/").get_data(as_text=True)
    assert world["earlier"].start_date.strftime("%-d %b %Y") in listing
    assert "Not acknowledged yet" in listing
    page = client.get(f"/me/feedback/{mine['signed'].id}").get_data(as_text=True)
    assert "Calm in emergencies" in page and "Improving" in page
    for path in ("/me/feedback/", f"/me/feedback/{mine['signed'].id}", "/me/action-items/", "/"):
        assert "Zz " not in client.get(path).get_data(as_text=True), path


@pytest.mark.parametrize("which", ["draft", "other"])
def test_a_draft_or_another_mentees_sheet_is_not_found(client, world, mine, which):
    login(client, mine["account"])
    assert client.get(f"/me/feedback/{mine[which].id}").status_code == 404
    assert client.post(f"/me/feedback/{mine[which].id}", data={"reply": "mine?"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Feedback, mine[which].id).acknowledged_at is None


def test_acknowledging_a_sheet_keeps_the_comment_and_the_sheet_then_says_when(client, world, mine):
    login(client, mine["account"])
    response = client.post(f"/me/feedback/{mine['signed'].id}", data={"reply": "I will practise the partograph"})
    assert response.status_code == 302
    feedback = db.session.get(Feedback, mine["signed"].id)
    db.session.refresh(feedback)
    assert feedback.acknowledged_at.date() == today() and feedback.mentee_reply == "I will practise the partograph"
    page = client.get(f"/me/feedback/{feedback.id}").get_data(as_text=True)
    assert f"Read and acknowledged on {today().strftime('%-d %b %Y')}" in page
    client.post("/logout")
    login(client, world["mentor_user"])
    mentor_view = client.get(f"/visits/{world['earlier'].id}/feedback/{world['mentee'].id}").get_data(as_text=True)
    assert f"Read and acknowledged on {today().strftime('%-d %b %Y')}" in mentor_view
    assert "I will practise the partograph" in mentor_view


def test_the_next_visits_feedback_form_says_whether_the_mentee_acknowledged_the_last_sheet_and_their_reply(client, world, mine):
    login(client, world["mentor_user"])
    form_path = f"/visits/{world['visit'].id}/feedback/{world['mentee'].id}"
    earlier = world["earlier"].start_date.strftime("%-d %b %Y")
    assert f"Last signed sheet, {earlier}: Not acknowledged yet" in client.get(form_path).get_data(as_text=True)
    client.post("/logout")
    login(client, mine["account"])
    client.post(f"/me/feedback/{mine['signed'].id}", data={"reply": "I will practise the partograph"})
    client.post("/logout")
    login(client, world["mentor_user"])
    form = client.get(form_path).get_data(as_text=True)
    assert (f"Last signed sheet, {earlier}: Read and acknowledged on {today().strftime('%-d %b %Y')} — "
            "Mentee's reply: I will practise the partograph") in form


def test_a_sheet_is_acknowledged_once(client, world, mine):
    login(client, mine["account"])
    client.post(f"/me/feedback/{mine['signed'].id}", data={"reply": "first"})
    response = client.post(f"/me/feedback/{mine['signed'].id}", data={"reply": "second"})
    assert response.status_code == 422 and "already acknowledged" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Feedback, mine["signed"].id).mentee_reply == "first"


def test_a_mentee_marks_an_action_item_done_and_the_mentor_sees_it_in_the_follow_up(client, world, mine):
    [item] = mine["signed"].action_items
    login(client, mine["account"])
    assert "Plot ten partographs" in client.get("/me/action-items/").get_data(as_text=True)
    response = client.post(f"/me/action-items/{item.id}", data={"status": "done", "note": "Plotted twelve"})
    assert response.status_code == 302
    db.session.refresh(item)
    assert (item.mentee_status, item.mentee_note, item.followup) == ("done", "Plotted twelve", None)
    client.post("/logout")
    login(client, world["mentor_user"])
    form = client.get(f"/visits/{world['visit'].id}/feedback/{world['mentee'].id}").get_data(as_text=True)
    assert "The mentee says: Done — Plotted twelve" in form


def test_an_unknown_progress_word_is_refused_and_nothing_is_saved(client, world, mine):
    [item] = mine["signed"].action_items
    login(client, mine["account"])
    response = client.post(f"/me/action-items/{item.id}", data={"status": "finished", "note": "x"})
    assert response.status_code == 422 and "Choose done or partly done" in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.mentee_status is None


@pytest.mark.parametrize(("posted", "name"), [
    ({"status": "done", "note": "Plotted twelve partographs " * 20}, "note"),  # longer than a note may be
    ({"status": "finished", "note": "Plotted twelve"}, "status"),
])
def test_a_refused_progress_report_names_its_field_to_a_screen_reader_and_keeps_the_note(client, world, mine, posted, name):
    """The refusal is the field's description (aria-describedby) and the field is marked invalid, as on every form."""
    import tinyhtml5

    [item] = mine["signed"].action_items
    login(client, mine["account"])
    response = client.post(f"/me/action-items/{item.id}", data=posted)
    assert response.status_code == 422
    space = "{http://www.w3.org/1999/xhtml}"
    document = tinyhtml5.parse(response.get_data(as_text=True))
    by_id = {element.get("id"): element for element in document.iter() if element.get("id")}
    [form] = [e for e in document.iter(f"{space}form") if e.get("action") == f"/me/action-items/{item.id}"]
    controls = {e.get("name"): e for e in form.iter() if e.tag in (f"{space}input", f"{space}select")}
    control = controls[name]
    described = " ".join(" ".join(by_id[ref].itertext()) for ref in (control.get("aria-describedby") or "").split())
    assert control.get("aria-invalid") == "true"
    assert ("Choose done or partly done" if name == "status" else "500 characters") in described, described
    assert controls["note"].get("value") == posted["note"]  # what was typed is shown again, not lost
    db.session.refresh(item)
    assert item.mentee_status is None


@pytest.mark.parametrize("which", ["draft", "other"])
def test_a_drafts_or_another_mentees_action_item_is_not_found(client, world, mine, which):
    [item] = mine[which].action_items
    login(client, mine["account"])
    assert client.post(f"/me/action-items/{item.id}", data={"status": "done"}).status_code == 404
    db.session.refresh(item)
    assert item.mentee_status is None


def test_staff_cannot_open_the_mentee_pages(client, world, mine):
    login(client, world["mentor_user"])
    assert client.get("/me/feedback/").status_code == 403
    assert client.get(f"/me/feedback/{mine['signed'].id}").status_code == 403


def test_the_mentee_pages_run_a_constant_number_of_queries(client, world, mine):
    login(client, mine["account"])
    counts = []
    for extra in range(2):
        if extra:
            for offset in (100, 200, 300):
                from tests.visits.conftest import held_visit
                visit = held_visit(world["nemba"], world["team"], today() - timedelta(days=offset), mentors=[world["mentor"]])
                world[f"v{offset}"] = visit
                sheet(world, f"v{offset}", "mentee")
            db.session.commit()
        with count_queries() as sheets_q:
            client.get("/me/feedback/")
        with count_queries() as actions_q:
            client.get("/me/action-items/")
        counts.append((len(sheets_q), len(actions_q)))
    assert counts[0] == counts[1]





def test_the_self_assessment_is_closed_until_fourteen_days_before_the_next_visit(client, world, mine):
    """The world's next visit at Nemba starts in 20 days: the window opens in 6."""
    login(client, mine["account"])
    page = client.get("/me/self-assessment").get_data(as_text=True)
    opens = (world["planned"].start_date - timedelta(days=14)).strftime("%-d %b %Y")
    assert f"opens on {opens}" in page
    skill = midwife_skills()[0]
    response = client.post("/me/self-assessment", data={f"rating-{skill.id}": "2"})
    assert response.status_code == 422
    assert db.session.scalar(select(SelfAssessment.id)) is None


def test_a_mentee_fills_the_self_assessment_and_the_mentor_sees_it_beside_the_last_rating(client, world, mine):
    soon = make_visit(world["nemba"], world["team"], today() + timedelta(days=5))
    db.session.commit()
    skill = midwife_skills()[0]  # rated 3 on the earlier visit's signed sheet
    login(client, mine["account"])
    assert skill.name in client.get("/me/self-assessment").get_data(as_text=True)
    response = client.post("/me/self-assessment", data={f"rating-{skill.id}": "2", "learning_needs": "Partograph"})
    assert response.status_code == 302
    saved = db.session.scalar(select(SelfAssessment))
    assert (saved.assessed_on, saved.ratings, saved.entered_by_id) == (today(), {str(skill.id): 2}, mine["account"].id)
    client.post("/logout")
    soon.status = "held"
    db.session.add(MentorAttendance(visit_id=soon.id, mentor=world["mentor"], present=True))
    db.session.commit()
    login(client, world["mentor_user"])
    form = client.get(f"/visits/{soon.id}/feedback/{world['mentee'].id}").get_data(as_text=True)
    assert "Rated themselves 2; Last rating: 3" in form


def test_the_visit_page_shows_which_mentees_self_assessed_and_acknowledged_their_last_sheet(client, world, mine):
    db.session.add(SelfAssessment(mentee_id=world["mentee"].id, assessed_on=world["planned"].start_date - timedelta(days=3),
                                  ratings={}, learning_needs="x", entered_by_id=mine["account"].id))
    mine["signed"].acknowledged_at = mine["signed"].signed_at or mine["signed"].updated_at
    db.session.commit()
    login(client, world["mentor_user"])
    page = client.get(f"/visits/{world['planned'].id}").get_data(as_text=True)
    section = page.split('id="mentee-engagement"')[1]
    amina = section.split("Amina Uwase")[1].split("</tr>")[0]
    grace = section.split("Grace Mukamana")[1].split("</tr>")[0]
    assert ">filled<" in amina and ">acknowledged<" in amina
    assert "not filled" in grace and "not acknowledged" in grace
