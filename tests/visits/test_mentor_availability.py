"""Mentors' own leave and home-hospital duty (issue 25 item 3): recorded like mentees' absences, on the mentor's page,
by the coordinator or the mentor themself; read by the clash grid ("1 of 2 mentors available") and the planner."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from blueprints.core.clock import today
from blueprints.core.errors import RuleBroken
from blueprints.core.extensions import db
from blueprints.people.models import Absence
from blueprints.people.services.absences import add_absence
from blueprints.visits import planning
from tests.factories import login
from tests.visits.conftest import make_visit, monday
from tests.visits.test_planner_and_clashes import no_holidays  # noqa: F401 (a fixture)


def test_an_absence_names_exactly_one_person(programme):
    day = monday(3)
    for mentee, mentor in ((programme["mentee_1"], programme["mentor_a"]), (None, None)):
        db.session.add(Absence(mentee=mentee, mentor=mentor, kind="annual_leave", start_date=day, end_date=day))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_home_hospital_duty_is_a_mentors_absence_only(programme):
    with pytest.raises(RuleBroken):
        add_absence(programme["mentee_1"], kind="home_duty", start_date=monday(3), end_date=monday(3))
    assert add_absence(programme["mentor_a"], kind="home_duty", start_date=monday(3), end_date=monday(3)).mentor_id == programme["mentor_a"].id


def test_a_mentors_leave_shows_in_the_clash_grid_as_mentors_available(client, programme, no_holidays):  # noqa: F811
    visit = make_visit(programme["nemba"], programme["team_a"], monday(3))
    add_absence(programme["mentor_a2"], kind="home_duty", start_date=monday(3) + timedelta(days=1), end_date=monday(3) + timedelta(days=1))
    db.session.commit()
    login(client, programme["coordinator"])
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "1 of 2 mentors available." in html
    grid = html.split("mentor-grid", 1)[1].split("</table>", 1)[0]
    assert "Mentor Alpha Two" in grid and grid.count(">home duty<") == 1
    clashes = planning.clashes(programme["nemba"].id, programme["team_a"].id, monday(3), 3, exclude_id=visit.id)
    assert clashes.mentors_available == 1 and clashes.any
    assert all(w.mentors_free == 2 for w in clashes.alternatives)  # the better windows have the whole team


def test_the_planner_prefers_a_window_with_the_whole_team_and_says_when_it_cannot(programme, no_holidays):  # noqa: F811
    target = monday(10)
    make_visit(programme["nemba"], programme["team_a"], target - timedelta(days=62))
    add_absence(programme["mentor_a"], kind="annual_leave", start_date=target - timedelta(days=2), end_date=target + timedelta(days=4))
    [proposal] = planning.plan(today() + timedelta(days=1), 1, hospital_id=programme["nemba"].id)
    assert not (proposal.start <= target + timedelta(days=4) and proposal.end >= target - timedelta(days=2))
    add_absence(programme["mentor_a"], kind="training", start_date=target - timedelta(days=30), end_date=target + timedelta(days=30))
    [proposal] = planning.plan(today() + timedelta(days=1), 1, hospital_id=programme["nemba"].id)
    assert any("1 of 2 mentors available on every day" in reason for reason in proposal.reasons)


def test_a_mentor_records_their_own_leave_but_not_a_colleagues(client, programme):
    login(client, programme["mentor_user"])
    day = monday(3)
    data = {"kind": "home_duty", "start_date": day.isoformat(), "end_date": day.isoformat(), "note": "Theatre list"}
    assert client.post(f"/mentors/{programme['mentor_a'].id}/absences", data=data).status_code in (200, 302)
    assert client.post(f"/mentors/{programme['mentor_a2'].id}/absences", data=data).status_code in (403, 404)
    rows = db.session.execute(select(Absence.mentor_id, Absence.kind, Absence.note).where(Absence.mentor_id.is_not(None))).all()
    assert rows == [(programme["mentor_a"].id, "home_duty", "Theatre list")]
    page = client.get(f"/mentors/{programme['mentor_a'].id}").get_data(as_text=True)
    assert "Home-hospital duty" in page and day.strftime("%-d %b %Y") in page
    absence_id = db.session.scalar(select(Absence.id).where(Absence.mentor_id == programme["mentor_a"].id))
    client.post(f"/mentors/{programme['mentor_a'].id}/absences/{absence_id}/delete")
    assert db.session.scalar(select(Absence.id).where(Absence.mentor_id.is_not(None))) is None


def test_a_reversed_range_is_refused_next_to_the_field_and_nothing_saved(client, programme):
    login(client, programme["coordinator"])
    response = client.post(f"/mentors/{programme['mentor_a'].id}/absences",
                           data={"kind": "annual_leave", "start_date": monday(3).isoformat(), "end_date": monday(2).isoformat()})
    assert response.status_code == 422 and "The end date cannot be before the start date." in response.get_data(as_text=True)
    assert db.session.scalar(select(Absence.id).where(Absence.mentor_id.is_not(None))) is None
