"""A mentee's own answer for each day of their hospital's next visit (issue 22 item 2, "My next visit"): saved once
per mentee and day, read by the clash grid and the planner as the mentee's own, winning over the administrator's
record, shown on the visit page as confirmed; another hospital's visit is not found."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.people.services.absences import add_absence
from blueprints.visits import planning
from blueprints.visits.models import AvailabilityAnswer
from tests.factories import login, make_user
from tests.visits.conftest import make_visit, monday
from tests.visits.test_planner_and_clashes import no_holidays  # noqa: F401 (a fixture)


@pytest.fixture
def answering(programme):
    """Nemba's visit in three weeks; Mentee One signed in as herself."""
    visit = make_visit(programme["nemba"], programme["team_a"], monday(3))
    account = make_user("mentee", mentee=programme["mentee_1"], username="mentee.one")
    db.session.commit()
    return {"visit": visit, "account": account, "days": visit.day_dates}


def answers_of(mentee) -> dict:
    db.session.expire_all()
    return dict(db.session.execute(select(AvailabilityAnswer.day, AvailabilityAnswer.answer)
                                   .where(AvailabilityAnswer.mentee_id == mentee.id)).all())


def test_a_mentee_sees_the_days_of_the_next_visit_and_answers_each(client, programme, answering):
    login(client, answering["account"])
    page = client.get("/me/next-visit").get_data(as_text=True)
    for day in answering["days"]:
        assert day.strftime("%-d %b %Y") in page
    assert "I will be there" in page and "On leave" in page and "On nights" in page
    response = client.post(f"/me/visits/{answering['visit'].id}/availability",
                           data={f"day-{d.isoformat()}": v for d, v in zip(answering["days"], ("there", "annual_leave", "night_shift"), strict=True)})
    assert response.status_code == 302
    days = answering["days"]
    assert answers_of(programme["mentee_1"]) == {days[0]: "there", days[1]: "annual_leave", days[2]: "night_shift"}
    assert 'value="night_shift" checked' in client.get("/me/next-visit").get_data(as_text=True)


def test_one_answer_per_mentee_per_day_a_second_answer_replaces_the_first(client, programme, answering):
    login(client, answering["account"])
    client.post(f"/me/visits/{answering['visit'].id}/availability", data={f"day-{answering['days'][0].isoformat()}": "there"})
    client.post(f"/me/visits/{answering['visit'].id}/availability", data={f"day-{answering['days'][0].isoformat()}": "night_shift"})
    assert answers_of(programme["mentee_1"]) == {answering["days"][0]: "night_shift"}
    db.session.add_all([AvailabilityAnswer(mentee_id=programme["mentee_2"].id, day=answering["days"][0], answer="there"),
                        AvailabilityAnswer(mentee_id=programme["mentee_2"].id, day=answering["days"][0], answer="annual_leave")])
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_an_unknown_answer_is_refused_next_to_its_day_and_nothing_is_saved(client, programme, answering):
    login(client, answering["account"])
    days = answering["days"]
    response = client.post(f"/me/visits/{answering['visit'].id}/availability",
                           data={f"day-{days[0].isoformat()}": "there", f"day-{days[1].isoformat()}": "maybe"})
    assert response.status_code == 422
    assert "Choose one of the three answers." in response.get_data(as_text=True)
    assert answers_of(programme["mentee_1"]) == {}


def test_another_hospitals_visit_is_not_found_for_a_mentee(client, programme, answering):
    other = make_visit(programme["kabgayi"], programme["team_b"], monday(3))
    db.session.commit()
    login(client, answering["account"])
    response = client.post(f"/me/visits/{other.id}/availability", data={f"day-{other.start_date.isoformat()}": "there"})
    assert response.status_code == 404
    assert answers_of(programme["mentee_1"]) == {}


def test_the_mentees_own_answer_wins_over_the_administrators_record_and_both_show(client, programme, answering):
    """Which wins (visits/availability.py): the mentee's own answer for the day; the grid shows the record it overrules."""
    days = answering["days"]
    add_absence(programme["mentee_1"], kind="night_shift", start_date=days[0], end_date=days[1])
    db.session.commit()
    login(client, answering["account"])
    client.post(f"/me/visits/{answering['visit'].id}/availability",
                data={f"day-{days[0].isoformat()}": "there", f"day-{days[1].isoformat()}": "night_shift",
                      f"day-{days[2].isoformat()}": "annual_leave"})
    clashes = planning.clashes(programme["nemba"].id, programme["team_a"].id, days[0], 3, exclude_id=answering["visit"].id)
    row = next(r for r in clashes.rows if r["mentee"].id == programme["mentee_1"].id)
    assert row["cells"] == [None, "night_shift", "annual_leave"]
    assert row["answers"] == ["there", "night_shift", "annual_leave"] and row["overruled"] == ["night_shift", None, None]
    assert row["confirmed"]
    client.post("/logout")
    login(client, programme["mentor_user"])
    html = client.get(f"/visits/{answering['visit'].id}").get_data(as_text=True)
    grid = html.split("clash-grid", 1)[1].split("</table>", 1)[0]
    one = grid.split("Nemba Mentee One", 1)[1].split("</tr>", 1)[0]
    two = grid.split("Nemba Mentee Two", 1)[1].split("</tr>", 1)[0]
    assert one.count("(own answer)") == 3 and "administrator: nights" in one and ">confirmed<" in one
    assert "(own answer)" not in two and "no answer" in two
    assert "4 of 6 mentee-days available" in html


def test_the_planner_counts_the_mentees_own_leave(programme, no_holidays, answering):  # noqa: F811
    target = monday(10)
    make_visit(programme["nemba"], programme["team_a"], target - timedelta(days=62))
    db.session.add_all([AvailabilityAnswer(mentee_id=programme["mentee_1"].id, day=target + timedelta(days=n), answer="annual_leave")
                        for n in range(-3, 4)])
    db.session.flush()
    [proposal] = planning.plan(today() + timedelta(days=1), 1, hospital_id=programme["nemba"].id)
    assert proposal.available == proposal.possible == 6
    assert not (proposal.start <= target + timedelta(days=3) and proposal.end >= target - timedelta(days=3))


def test_the_clash_grid_query_count_does_not_grow_with_answers(client, programme, answering):
    from tests.conftest import count_queries
    from tests.factories import assign, make_mentee, make_mentor

    login(client, programme["coordinator"])

    def grow(n):
        for _i in range(n):
            mentee = make_mentee(programme["nemba"])
            assign(make_mentor(programme["team_a"]), mentee, start=today() - timedelta(days=300))
            db.session.add_all([AvailabilityAnswer(mentee_id=mentee.id, day=d, answer="there") for d in answering["days"]])
        db.session.commit()

    grow(1)
    with count_queries() as few:
        client.get(f"/visits/{answering['visit'].id}")
    grow(20)
    with count_queries() as many:
        assert client.get(f"/visits/{answering['visit'].id}").status_code == 200
    assert len(many) == len(few)
