"""The cadence planner and clash detection: windows of consecutive working days within ±14 days of
the target, most mentee-days available, no team clash, no public holiday; proposals with reasons,
saved only on confirm and all or nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.people.services.absences import add_absence
from blueprints.visits import planning
from blueprints.visits.models import Holiday, Visit
from tests.factories import login
from tests.visits.conftest import held_visit, make_visit, monday


@pytest.fixture
def no_holidays(programme):
    db.session.execute(delete(Holiday))
    db.session.flush()


def test_planner_places_the_visit_at_the_cadence_on_working_days(app, programme, no_holidays):
    last = monday() - timedelta(days=7)
    held_visit(programme["nemba"], programme["team_a"], last, mentors=(programme["mentor_a"],))
    [proposal] = planning.plan(today() + timedelta(days=1), 1, hospital_id=programme["nemba"].id)
    target = last + timedelta(days=2 + 60)  # 60 days after the three-day visit ended
    assert proposal.target == target
    assert abs((proposal.start - target).days) <= 14
    assert all(d.weekday() < 5 for d in (proposal.start, proposal.start + timedelta(days=1), proposal.end))
    assert proposal.possible == 2 * 3 and proposal.available == 6


def test_planner_avoids_a_leave_clash_and_says_why(programme, no_holidays):
    target = monday(10)
    make_visit(programme["nemba"], programme["team_a"], target - timedelta(days=62))  # ends 60 days before the target
    add_absence(programme["mentee_1"], kind="annual_leave", start_date=target - timedelta(days=3), end_date=target + timedelta(days=3))
    [proposal] = planning.plan(today() + timedelta(days=1), 1, hospital_id=programme["nemba"].id)
    assert proposal.available == proposal.possible == 6
    assert not (proposal.start <= target + timedelta(days=3) and proposal.end >= target - timedelta(days=3))
    assert any("would lose 3 mentee-days to leave" in reason for reason in proposal.reasons)


def test_planner_avoids_public_holidays_and_the_teams_other_visits(programme, no_holidays):
    target = monday(10)
    make_visit(programme["nemba"], programme["team_a"], target - timedelta(days=62))  # ends 60 days before the target
    holiday = target + timedelta(days=1)
    db.session.add(Holiday(month=holiday.month, day=holiday.day, year=holiday.year, name="Test Holiday"))
    make_visit(programme["ruli"], programme["team_a"], target + timedelta(days=2))  # Wed to Fri of that week
    db.session.flush()
    [proposal] = planning.plan(today() + timedelta(days=1), 1, hospital_id=programme["nemba"].id)
    days = {proposal.start + timedelta(days=n) for n in range(3)}
    assert not days & {target, target + timedelta(days=1), target + timedelta(days=2), target + timedelta(days=3), target + timedelta(days=4)}


def test_planner_for_all_hospitals_proposes_several_visits_without_clashing_the_team(programme, no_holidays):
    proposals = planning.plan(today() + timedelta(days=1), 3)
    by_team: dict = {}
    for p in proposals:
        assert p.start is not None
        for other in by_team.get(p.team_id, []):
            assert p.end < other.start or p.start > other.end
        by_team.setdefault(p.team_id, []).append(p)
    assert len(proposals) == 9


def test_planner_shows_proposals_and_saves_only_on_confirm(client, programme, no_holidays):
    login(client, programme["coordinator"])
    page = client.get(f"/visits/planner?hospital={programme['nemba'].id}&count=2")
    assert page.status_code == 200 and b"Never visited" in page.data
    assert db.session.scalar(select(func.count(Visit.id))) == 0
    first, second = monday(3), monday(12)
    data = {"rows-0-hospital_id": programme["nemba"].id, "rows-0-team_id": programme["team_a"].id, "rows-0-include": "y",
            "rows-0-start_date": first.isoformat(),
            "rows-1-hospital_id": programme["nemba"].id, "rows-1-team_id": programme["team_a"].id, "rows-1-include": "y",
            "rows-1-start_date": second.isoformat()}
    assert client.post("/visits/planner", data=data).status_code == 302
    assert sorted(db.session.scalars(select(Visit.start_date))) == [first, second]


def test_a_refused_plan_saves_none_of_its_visits(client, programme, no_holidays):
    make_visit(programme["ruli"], programme["team_a"], monday(12))
    login(client, programme["coordinator"])
    data = {"rows-0-hospital_id": programme["nemba"].id, "rows-0-team_id": programme["team_a"].id, "rows-0-include": "y",
            "rows-0-start_date": monday(3).isoformat(),
            "rows-1-hospital_id": programme["nemba"].id, "rows-1-team_id": programme["team_a"].id, "rows-1-include": "y",
            "rows-1-start_date": monday(12).isoformat()}
    response = client.post("/visits/planner", data=data)
    assert response.status_code == 422 and b"two places" in response.data and b'id="rows-1-start_date-error"' in response.data
    assert db.session.scalar(select(func.count(Visit.id))) == 1


def test_visit_page_shows_leave_and_nights_per_day_and_better_windows(client, programme, no_holidays):
    visit = make_visit(programme["nemba"], programme["team_a"], monday(3))
    add_absence(programme["mentee_1"], kind="annual_leave", start_date=monday(3), end_date=monday(3) + timedelta(days=1))
    add_absence(programme["mentee_2"], kind="night_shift", start_date=monday(3) + timedelta(days=2), end_date=monday(3) + timedelta(days=2))
    login(client, programme["mentor_user"])
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    grid = html.split("clash-grid", 1)[1].split("</table>", 1)[0]
    assert grid.count(">leave<") == 2 and grid.count(">nights<") == 1
    assert "3 of 6 mentee-days available" in html
    assert "6 of 6 mentee-days available" in html.split("Best windows", 1)[1]


def test_clashes_flag_the_team_busy_and_another_visit_too_close(programme, no_holidays):
    make_visit(programme["ruli"], programme["team_a"], monday(3) + timedelta(days=1))
    make_visit(programme["nemba"], programme["team_b"], monday(5))
    found = planning.clashes(programme["nemba"].id, programme["team_a"].id, monday(3), 3)
    assert [v.hospital.name for v in found.team_visits] == ["Ruli"]
    assert [v.team.name for v in found.too_close] == ["Team South"]
    assert len(found.alternatives) == 3
    assert all(not (w.start <= monday(3) + timedelta(days=3) and w.end >= monday(3) + timedelta(days=1)) for w in found.alternatives)


def test_clash_panel_refreshes_while_editing(client, programme, no_holidays):
    make_visit(programme["ruli"], programme["team_a"], monday(3))
    login(client, programme["coordinator"])
    response = client.get(f"/visits/clashes?hospital_id={programme['nemba'].id}&team_id={programme['team_a'].id}"
                          f"&start_date={monday(3).isoformat()}&days=3", headers={"HX-Request": "true"})
    assert response.status_code == 200 and b"<html" not in response.data and b"busy elsewhere" in response.data


def test_a_reversed_search_range_is_refused_next_to_the_field(client, programme):
    visit = make_visit(programme["nemba"], programme["team_a"], monday(3))
    login(client, programme["coordinator"])
    html = client.get(f"/visits/{visit.id}?search_from={monday(4).isoformat()}&search_to={monday(2).isoformat()}").get_data(as_text=True)
    assert 'id="search_to-error"' in html and "cannot be before its start" in html


def test_done_when_overdue_seen_planned_around_leave_saved_and_in_the_mentors_feed(client, programme, no_holidays):
    import re

    from blueprints.auth.models import User

    held_visit(programme["nemba"], programme["team_a"], today() - timedelta(days=100), mentors=(programme["mentor_a"],))
    first = today() + timedelta(days=1)
    add_absence(programme["mentee_1"], kind="annual_leave", start_date=first, end_date=first + timedelta(days=6))
    login(client, programme["coordinator"])
    calendar = client.get("/calendar/").get_data(as_text=True)
    assert "overdue" in calendar.split("Cadence by hospital", 1)[1]
    plan_page = client.get(f"/visits/planner?hospital={programme['nemba'].id}&count=1").get_data(as_text=True)
    assert "Overdue" in plan_page and "would lose" in plan_page
    proposed = re.search(r'name="rows-0-start_date"[^>]*value="([0-9-]+)"', plan_page) or re.search(
        r'value="([0-9-]+)"[^>]*name="rows-0-start_date"', plan_page)
    start = proposed.group(1)
    assert start > (first + timedelta(days=6)).isoformat()  # after the leave
    response = client.post("/visits/planner", data={"rows-0-hospital_id": programme["nemba"].id, "rows-0-team_id": programme["team_a"].id,
                                                    "rows-0-include": "y", "rows-0-start_date": start})
    assert response.status_code == 302
    client.post("/logout")
    login(client, programme["mentor_user"])
    client.post("/account/calendar-token")
    token = db.session.get(User, programme["mentor_user"].id).calendar_token
    assert f"DTSTART;VALUE=DATE:{start.replace('-', '')}" in client.get(f"/calendar/{token}.ics").get_data(as_text=True)
