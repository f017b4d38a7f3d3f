"""The planner's rules, each alone: a proposed visit avoids the mentees' night shifts and public holidays even
where the team is free, at the cadence from the last visit. The target is a Monday; every test names the
exact dates it expects."""

from datetime import date, timedelta

import pytest
from sqlalchemy import delete

from blueprints.core.extensions import db
from blueprints.people.services import add_absence, add_night_rota
from blueprints.visits import planning
from blueprints.visits.models import Holiday
from tests.factories import assign, make_hospital, make_mentee, make_mentor, make_team
from tests.visits.conftest import make_visit

TARGET = date(2026, 6, 15)  # a Monday: 60 days after the last visit
START_FROM = date(2026, 6, 1)


def days(first: date, n: int) -> list[date]:
    return [first + timedelta(days=k) for k in range(n)]


@pytest.fixture
def hospital():
    """Nemba with two mentees under mentorship and a visit 60 days before TARGET; no public holiday at all."""
    team = make_team("Team North")
    nemba = make_hospital("Nemba", team=team)
    mentor = make_mentor(team, name="Mentor Alpha")
    mentees = [make_mentee(nemba, name=name) for name in ("Aline Uwase", "Eric Manzi")]
    for mentee in mentees:
        assign(mentor, mentee, start=date(2025, 1, 6))
    make_visit(nemba, team, TARGET - timedelta(days=60), status="held")
    db.session.execute(delete(Holiday))
    db.session.flush()
    return {"nemba": nemba, "team": team, "mentees": mentees}


def proposal_for(hospital):
    [proposal] = planning.plan(START_FROM, 1, hospital_id=hospital["nemba"].id)
    assert proposal.target == TARGET
    return proposal


def test_with_nothing_in_the_way_the_visit_is_proposed_on_its_target(hospital):
    proposal = proposal_for(hospital)
    assert (proposal.start, proposal.end) == (TARGET, TARGET + timedelta(days=2))
    assert (proposal.available, proposal.possible) == (6, 6)


def test_the_planner_avoids_the_mentees_night_shifts(hospital):
    for mentee in hospital["mentees"]:
        add_night_rota(mentee, start=TARGET, weeks=1, weekdays={0, 1})  # Monday and Tuesday nights of the target week
    proposal = proposal_for(hospital)
    # Mon-Wed would lose 4 mentee-days and Tue-Thu 2: Wednesday to Friday is the nearest window with everyone there.
    assert (proposal.start, proposal.end) == (TARGET + timedelta(days=2), TARGET + timedelta(days=4))
    assert (proposal.available, proposal.possible) == (6, 6)
    assert ("The dates nearest the target (15 Jun 2026) would lose 4 mentee-days to leave, nights or other absences; "
            "these lose 0.") in proposal.reasons


def test_one_mentees_night_shift_counts_like_their_leave(hospital):
    aline, eric = hospital["mentees"]
    add_night_rota(aline, start=TARGET, weeks=1, weekdays={0})
    add_absence(eric, kind="annual_leave", start_date=TARGET + timedelta(days=1), end_date=TARGET + timedelta(days=1))
    proposal = proposal_for(hospital)
    assert proposal.start == TARGET + timedelta(days=2) and proposal.available == 6


def test_the_planner_avoids_a_public_holiday_when_the_team_is_free(hospital):
    holiday = TARGET + timedelta(days=1)
    db.session.add(Holiday(day=holiday.day, month=holiday.month, year=holiday.year, name="Test Holiday"))
    db.session.flush()
    proposal = proposal_for(hospital)
    # Mon-Wed and Tue-Thu hold the holiday; Wednesday to Friday is the nearest window of three working days.
    assert (proposal.start, proposal.end) == (TARGET + timedelta(days=2), TARGET + timedelta(days=4))
    assert holiday not in days(proposal.start, 3)
    assert "Avoids Test Holiday (16 Jun 2026)." in proposal.reasons
    assert "Moved 2 days from the target to avoid weekends, public holidays or the team's other visits." in proposal.reasons


def test_a_yearly_public_holiday_is_avoided_every_year(hospital):
    db.session.add(Holiday(day=15, month=6, year=None, name="Yearly Day"))
    db.session.flush()
    proposal = proposal_for(hospital)
    assert (proposal.start, proposal.end) == (TARGET + timedelta(days=1), TARGET + timedelta(days=3))


def test_the_visit_page_flags_a_holiday_and_offers_windows_without_it(hospital):
    holiday = TARGET + timedelta(days=1)
    db.session.add(Holiday(day=holiday.day, month=holiday.month, year=holiday.year, name="Test Holiday"))
    db.session.flush()
    found = planning.clashes(hospital["nemba"].id, hospital["team"].id, TARGET, 3, mentees=hospital["mentees"])
    assert found.non_working == [(holiday, "Test Holiday")]
    assert all(holiday not in days(w.start, 3) and all(d.weekday() < 5 for d in days(w.start, 3)) for w in found.alternatives)
    assert found.alternatives[0].start == TARGET + timedelta(days=2)


def test_the_visit_page_shows_each_mentees_nights_on_their_own_days(hospital):
    aline, eric = hospital["mentees"]
    add_night_rota(aline, start=TARGET, weeks=1, weekdays={1})
    found = planning.clashes(hospital["nemba"].id, hospital["team"].id, TARGET, 3, mentees=hospital["mentees"])
    cells = {row["mentee"].full_name: row["cells"] for row in found.rows}
    assert cells == {"Aline Uwase": [None, "night_shift", None], "Eric Manzi": [None, None, None]}
    assert (found.available, found.possible) == (5, 6)
