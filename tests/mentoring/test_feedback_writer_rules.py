"""Who writes a visit's feedback and who reopens it, on fixed dates: only a mentor assigned to the mentee on
some day of the visit writes it (assigned on its last day: yes; the day after it, or ended the day before
it: no); only a coordinator is offered the reopen form. Tests read the saved rows and the forms' targets."""

import html
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from blueprints.core.extensions import db
from blueprints.mentoring.models import Feedback
from tests.factories import assign, login, make_hospital, make_mentee, make_mentor, make_team, make_user
from tests.meaning import on_day, post_targets
from tests.mentoring.conftest import form_data
from tests.visits.conftest import make_visit

VISIT_START, VISIT_END = date(2026, 3, 2), date(2026, 3, 4)  # Monday to Wednesday
TODAY = date(2026, 3, 10)


@pytest.fixture
def team():
    """A held visit at Nemba and three mentees, each with a mentor whose assignment sits at an edge of it."""
    team = make_team("Team North")
    nemba = make_hospital("Nemba", team=team)
    visit = make_visit(nemba, team, VISIT_START, status="held")
    people = {"team": team, "nemba": nemba, "visit": visit}
    for key, start, end in (("late", date(2026, 3, 5), None),           # assigned the day after the visit
                            ("last_day", date(2026, 3, 4), None),       # assigned on its last day
                            ("ended", date(2025, 6, 2), date(2026, 3, 1))):  # ended the day before it
        mentor = make_mentor(team, name=f"Mentor {key}")
        mentee = make_mentee(nemba, name=f"Mentee {key}")
        assignment = assign(mentor, mentee, start=start)
        assignment.end_date = end
        assignment.end_reason = "other" if end else None
        people[key] = {"mentor": mentor, "mentee": mentee, "user": make_user("mentor", mentor=mentor, username=f"mentor.{key}")}
    db.session.flush()
    return people


def feedback_url(team, key, suffix="") -> str:
    return f"/visits/{team['visit'].id}/feedback/{team[key]['mentee'].id}{suffix}"


def write(client, team, key):
    """The mentor of `key` writes that mentee's feedback: the page, the post, the autosave."""
    data = form_data(team, **{"action-due": ["2026-04-10", ""]})
    with on_day(TODAY):
        login(client, team[key]["user"])
        page = client.get(feedback_url(team, key))
        autosaved = client.post(feedback_url(team, key, "/autosave"), data={**data, "strengths": "Autosaved"})
        [version] = [f.version for f in saved_feedback(team, key)] or [""]
        posted = client.post(feedback_url(team, key), data={**data, "version": version})
    return page, posted, autosaved


def saved_feedback(team, key):
    db.session.expire_all()
    return db.session.scalars(select(Feedback).where(Feedback.mentee_id == team[key]["mentee"].id)).all()


def test_a_mentor_assigned_after_the_visit_may_not_write_its_feedback(client, team):
    page, posted, autosaved = write(client, team, "late")
    assert page.status_code == 200  # they read the mentee's past feedback ...
    assert feedback_url(team, "late") not in post_targets(page.get_data(as_text=True))  # ... with no form to write
    assert posted.status_code == 403 and autosaved.status_code == 403
    assert "Only the mentee's assigned mentor writes this feedback." in html.unescape(posted.get_data(as_text=True))
    assert saved_feedback(team, "late") == []


def test_a_mentor_whose_assignment_ended_before_the_visit_may_not_write_its_feedback(client, team):
    _page, posted, autosaved = write(client, team, "ended")
    assert posted.status_code == 403 and autosaved.status_code == 403
    assert saved_feedback(team, "ended") == []


def test_a_mentor_assigned_on_the_visits_last_day_writes_its_feedback(client, team):
    page, posted, autosaved = write(client, team, "last_day")
    assert feedback_url(team, "last_day") in post_targets(page.get_data(as_text=True))
    assert posted.status_code == 302 and autosaved.status_code == 200
    [feedback] = saved_feedback(team, "last_day")
    assert (feedback.mentor_id, feedback.visit_id, feedback.strengths) == (team["last_day"]["mentor"].id, team["visit"].id, "Calm in emergencies")


def test_after_a_reassignment_only_the_mentor_of_the_visits_days_writes_its_feedback(client, team):
    """Aline's mentorship passed from Old (ended on the visit's first day) to New (from the day after the visit);
    New mentors someone else all along."""
    aline = make_mentee(team["nemba"], name="Aline Uwase")
    old, new = make_mentor(team["team"], name="Mentor Old"), make_mentor(team["team"], name="Mentor New")
    ended = assign(old, aline, start=date(2025, 6, 2))
    ended.end_date, ended.end_reason = VISIT_START, "reassigned"
    assign(new, aline, start=date(2026, 3, 5))
    assign(new, make_mentee(team["nemba"], name="Other Mentee"), start=date(2025, 6, 2))
    team["aline_new"] = {"mentee": aline, "user": make_user("mentor", mentor=new, username="mentor.new")}
    team["aline_old"] = {"mentee": aline, "user": make_user("mentor", mentor=old, username="mentor.old")}
    _page, posted, autosaved = write(client, team, "aline_new")
    assert posted.status_code == 403 and autosaved.status_code == 403
    assert saved_feedback(team, "aline_new") == []
    client.post("/logout")
    _page, posted, _autosaved = write(client, team, "aline_old")
    assert posted.status_code == 302
    [feedback] = saved_feedback(team, "aline_old")
    assert feedback.mentor_id == old.id


# --- reopening signed feedback ---------------------------------------------------------------

@pytest.fixture
def signed(team):
    feedback = Feedback(visit_id=team["visit"].id, mentee_id=team["last_day"]["mentee"].id,
                        mentor_id=team["last_day"]["mentor"].id, status="signed", strengths="Calm",
                        signed_at=datetime(2026, 3, 5, 9, tzinfo=UTC))
    db.session.add(feedback)
    db.session.flush()
    return feedback


def reopen_targets(client, team, user) -> list[str]:
    with on_day(TODAY):
        login(client, user)
        page = client.get(feedback_url(team, "last_day"))
        client.post("/logout")
    assert page.status_code == 200
    return [t for t in post_targets(page.get_data(as_text=True)) if t.endswith("/reopen")]


def test_only_a_coordinator_is_offered_the_reopen_form(client, team, signed):
    assert reopen_targets(client, team, make_user("coordinator")) == [feedback_url(team, "last_day", "/reopen")]
    for user in (team["last_day"]["user"], make_user("hospital_admin", hospital=team["nemba"])):
        assert reopen_targets(client, team, user) == [], user.role


def test_a_mentor_cannot_reopen_signed_feedback_by_posting(client, team, signed):
    with on_day(TODAY):
        login(client, team["last_day"]["user"])
        response = client.post(feedback_url(team, "last_day", "/reopen"), data={"reason": "I want to change it"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Feedback.id)).where(Feedback.status == "signed")) == 1
