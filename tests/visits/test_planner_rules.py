"""The planner's rules, each alone: a proposed visit avoids the mentees' night shifts and public holidays even
where the team is free, at the cadence from the last visit. The target is a Monday; every test names the
exact dates it expects."""

from datetime import date, timedelta

import pytest
from sqlalchemy import delete

from blueprints.core.extensions import db
from blueprints.people.services.absences import add_absence, add_night_rota
from blueprints.visits import planning
from blueprints.visits.models import Holiday
from tests.factories import assign, make_hospital, make_mentee, make_mentor, make_team
from tests.visits.conftest import make_visit

TARGET = date(2026, 6, 15)  # a Monday: 60 days after the last visit ended
START_FROM = date(2026, 6, 1)


def days(first: date, n: int) -> list[date]:
    return [first + timedelta(days=k) for k in range(n)]


@pytest.fixture
def hospital():
    """Nemba with two mentees under mentorship and a visit ending 60 days before TARGET; no public holiday at all."""
    team = make_team("Team North")
    nemba = make_hospital("Nemba", team=team)
    mentor = make_mentor(team, name="Mentor Alpha")
    mentees = [make_mentee(nemba, name=name) for name in ("Aline Uwase", "Eric Manzi")]
    for mentee in mentees:
        assign(mentor, mentee, start=date(2025, 1, 6))
    make_visit(nemba, team, TARGET - timedelta(days=62), status="held")  # 14-16 April
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
    assert (proposal.hospital_id, proposal.hospital, proposal.team_id, proposal.team) == (
        hospital["nemba"].id, "Nemba", hospital["team"].id, "Team North")
    assert proposal.reasons == ["Target 15 Jun 2026: 60 days after the visit of 16 Apr 2026.",
                                "6 of 6 mentee-days available (2 mentees)."]


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


def test_the_reasons_name_every_holiday_in_the_search_range_to_its_last_day(hospital):
    last = TARGET + timedelta(days=14)
    db.session.add(Holiday(day=last.day, month=last.month, year=last.year, name="Edge Day"))
    db.session.flush()
    assert "Avoids Edge Day (29 Jun 2026)." in proposal_for(hospital).reasons


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


# --- what the planner reads -------------------------------------------------------------------

def test_leave_is_seen_after_a_visit_already_planned_far_ahead(hospital):
    """The next visit is planned 100 days on; the one after it falls 160 days on, and its week's leave counts."""
    planned = date(2026, 9, 7)  # a Monday, 98 days after START_FROM
    make_visit(hospital["nemba"], hospital["team"], planned, status="planned")
    target = planned + timedelta(days=2 + 60)  # 60 days after it ends: Sunday 8 Nov 2026
    for mentee in hospital["mentees"]:
        add_absence(mentee, kind="annual_leave", start_date=target - timedelta(days=4), end_date=target + timedelta(days=4))
    [proposal] = planning.plan(START_FROM, 1, hospital_id=hospital["nemba"].id)
    assert proposal.target == target
    assert (proposal.available, proposal.possible) == (6, 6)
    assert proposal.start > target + timedelta(days=4) or proposal.end < target - timedelta(days=4)


def test_twelve_visits_ahead_each_avoids_its_leave(hospital):
    """Twelve proposals from an overdue hospital drift past the cadence; leave near the last one still counts."""
    last = planning.plan(START_FROM, 12, hospital_id=hospital["nemba"].id)[-1]
    for mentee in hospital["mentees"]:
        add_absence(mentee, kind="annual_leave", start_date=last.start, end_date=last.end)
    again = planning.plan(START_FROM, 12, hospital_id=hospital["nemba"].id)[-1]
    assert (again.available, again.possible) == (6, 6)
    assert again.start > last.end or again.end < last.start


def test_a_cancelled_visit_neither_sets_the_cadence_nor_occupies_the_team(hospital):
    make_visit(hospital["nemba"], hospital["team"], TARGET - timedelta(days=30), status="cancelled", status_reason="Rain")
    make_visit(hospital["nemba"], hospital["team"], TARGET, status="postponed", status_reason="Strike")
    proposal = proposal_for(hospital)  # still 60 days after the held visit
    assert (proposal.start, proposal.end) == (TARGET, TARGET + timedelta(days=2))


def test_the_team_is_busy_until_the_last_day_of_its_other_visit(hospital):
    ruli = make_hospital("Ruli", team=hospital["team"])
    make_visit(ruli, hospital["team"], TARGET - timedelta(days=2), status="confirmed")  # Saturday to Monday
    proposal = proposal_for(hospital)
    assert (proposal.start, proposal.end) == (TARGET + timedelta(days=1), TARGET + timedelta(days=3))


@pytest.fixture
def overdue(hospital):
    """Ruli, last visited 100 days before START_FROM: its target is the planner's first day (Monday 1 June)."""
    ruli = make_hospital("Ruli", team=hospital["team"])
    mentee = make_mentee(ruli, name="Ruli Mentee")
    assign(make_mentor(hospital["team"]), mentee, start=date(2025, 1, 6))
    make_visit(ruli, hospital["team"], START_FROM - timedelta(days=100), status="held")
    return {"ruli": ruli, "mentee": mentee}


def test_an_absence_ending_on_the_planners_first_day_still_counts(hospital, overdue):
    add_absence(overdue["mentee"], kind="sick_leave", start_date=START_FROM - timedelta(days=3), end_date=START_FROM)
    [proposal] = planning.plan(START_FROM, 1, hospital_id=overdue["ruli"].id)
    assert proposal.target == START_FROM and proposal.start == START_FROM + timedelta(days=1)


def test_a_team_visit_ending_on_the_planners_first_day_still_occupies_it(hospital, overdue):
    make_visit(hospital["nemba"], hospital["team"], START_FROM - timedelta(days=2), status="confirmed")  # Sat to Mon
    [proposal] = planning.plan(START_FROM, 1, hospital_id=overdue["ruli"].id)
    assert proposal.target == START_FROM and proposal.start == START_FROM + timedelta(days=1)


def test_only_mentees_under_mentorship_on_the_first_day_are_counted(hospital):
    nemba, mentor = hospital["nemba"], make_mentor(hospital["team"], name="Mentor Beta")
    make_mentee(nemba, name="Never Assigned")
    ended = make_mentee(nemba, name="Ended Before")
    assignment = assign(mentor, ended, start=date(2025, 1, 6))
    assignment.end_date, assignment.end_reason = START_FROM - timedelta(days=1), "completed"
    assign(mentor, make_mentee(nemba, name="Starts That Day"), start=START_FROM)
    last_day = make_mentee(nemba, name="Ends That Day")
    assignment = assign(mentor, last_day, start=date(2025, 1, 6))
    assignment.end_date, assignment.end_reason = START_FROM, "completed"
    left = make_mentee(nemba, name="Left")
    assign(mentor, left, start=date(2025, 1, 6))
    left.status = "left"
    assign(mentor, make_mentee(make_hospital("Elsewhere", team=hospital["team"]), name="Elsewhere"), start=date(2025, 1, 6))
    db.session.flush()
    proposal = proposal_for(hospital)
    # Aline and Eric, Starts That Day and Ends That Day: four mentees over three days.
    assert (proposal.available, proposal.possible) == (12, 12)


def test_proposals_for_the_programme_come_by_hospital_name_with_their_team(hospital):
    other = make_team("Team South")
    make_hospital("Akagera", team=other)
    make_hospital("Butare", team=None)
    proposals = planning.plan(START_FROM, 2)
    assert [(p.hospital, p.team) for p in proposals] == [
        ("Akagera", "Team South"), ("Akagera", "Team South"), ("Butare", None), ("Nemba", "Team North"), ("Nemba", "Team North")]
    assert proposals[0].team_id == other.id
    assert proposals[0].reasons[0] == "Never visited: as soon as possible."
    assert (proposals[2].start, proposals[2].reasons) == (
        None, ["Never visited: as soon as possible.", "No team visits this hospital yet; assign one first."])


def test_an_overdue_hospital_is_proposed_at_once_and_one_due_that_day_on_its_target(hospital, overdue):
    on_time = make_hospital("Gitwe", team=make_team("Team West"))
    make_visit(on_time, on_time.team, START_FROM - timedelta(days=62), status="held")  # ends 2 Apr; target: START_FROM itself
    late, due = planning.plan(START_FROM, 1, hospital_id=overdue["ruli"].id)[0], planning.plan(START_FROM, 1, hospital_id=on_time.id)[0]
    assert (late.target, late.reasons[0]) == (START_FROM, "Overdue (last visit 23 Feb 2026): as soon as possible.")
    assert (due.target, due.reasons[0]) == (START_FROM, "Target 1 Jun 2026: 60 days after the visit of 2 Apr 2026.")


def test_with_no_free_window_the_planner_says_so_and_plans_the_next_visit_from_the_target(hospital):
    ruli = make_hospital("Ruli", team=hospital["team"])
    for week in range(-2, 4):  # the team is away every weekday for a month and more around the target
        make_visit(ruli, hospital["team"], TARGET + timedelta(weeks=week), days=5, status="confirmed")
    first, second = planning.plan(START_FROM, 2, hospital_id=hospital["nemba"].id)
    assert (first.target, first.start, first.end) == (TARGET, None, None)
    assert first.reasons[-1] == "No free window of 3 working days within 14 days of the target; choose a date."
    assert second.target == TARGET + timedelta(days=60)  # Friday 14 Aug 2026
    assert (second.start, second.end) == (date(2026, 8, 12), date(2026, 8, 14))


# --- clashes for one visit ----------------------------------------------------------------------

def test_a_visit_clashes_with_the_team_from_its_first_to_its_last_day_only(hospital):
    ruli = make_hospital("Ruli", team=hospital["team"])
    ending_on_first_day = make_visit(ruli, hospital["team"], TARGET - timedelta(days=2), days=3, status="confirmed")
    on_last_day = make_visit(ruli, hospital["team"], TARGET + timedelta(days=2), days=1, status="confirmed")
    make_visit(ruli, hospital["team"], TARGET + timedelta(days=3), days=1, status="confirmed")  # the day after
    make_visit(hospital["nemba"], make_team("Team South"), TARGET + timedelta(days=1), days=1, status="planned")  # another team
    found = planning.clashes(hospital["nemba"].id, hospital["team"].id, TARGET, 3)
    assert found.days == days(TARGET, 3)
    assert [v.id for v in found.team_visits] == [ending_on_first_day.id, on_last_day.id]


def test_the_planner_avoids_a_team_visit_starting_on_the_windows_last_day(hospital):
    ruli = make_hospital("Ruli", team=hospital["team"])
    make_visit(ruli, hospital["team"], TARGET + timedelta(days=2), days=1, status="confirmed")  # Wednesday
    proposal = proposal_for(hospital)
    assert (proposal.start, proposal.end) == (TARGET - timedelta(days=5), TARGET - timedelta(days=3))  # the Wednesday before


def test_a_window_may_start_on_the_last_day_of_the_range(hospital):
    windows = planning.best_windows(TARGET - timedelta(days=7), TARGET, 3, 2, {}, planning.queries.Holidays(), [],
                                    target=TARGET, limit=None)
    assert windows[0].start == TARGET and {w.start for w in windows} == {TARGET - timedelta(days=7), TARGET - timedelta(days=6),
                                                                          TARGET - timedelta(days=5), TARGET}


def test_a_visit_being_edited_does_not_clash_with_itself(hospital):
    visit = make_visit(hospital["nemba"], hospital["team"], TARGET, status="planned")
    found = planning.clashes(hospital["nemba"].id, hospital["team"].id, TARGET, 3, exclude_id=visit.id)
    assert (found.team_visits, found.too_close) == ([], [])
    assert not found.any
    # its own dates are the best window; three others are offered besides them
    assert [w.start for w in found.alternatives] == [TARGET + timedelta(days=1), TARGET + timedelta(days=2), TARGET - timedelta(days=5)]


def test_another_visit_to_the_hospital_within_half_the_cadence_is_too_close(hospital):
    """Half the cadence is 30 days: 25 days before or after is too close, 31 days is not."""
    before = make_visit(hospital["nemba"], hospital["team"], TARGET - timedelta(days=27), status="planned")  # ends 25 days before
    after = make_visit(hospital["nemba"], hospital["team"], TARGET + timedelta(days=27), status="planned")   # starts 25 days after the end
    make_visit(hospital["nemba"], hospital["team"], TARGET + timedelta(days=33), status="planned")           # 31 days after the end
    found = planning.clashes(hospital["nemba"].id, hospital["team"].id, TARGET, 3)
    assert {v.id for v in found.too_close} == {before.id, after.id}


def test_a_visit_exactly_half_the_cadence_away_is_not_too_close(hospital):
    make_visit(hospital["nemba"], hospital["team"], TARGET - timedelta(days=32), status="planned")  # ends 30 days before
    make_visit(hospital["nemba"], hospital["team"], TARGET + timedelta(days=32), status="planned")  # starts 30 days after the end
    assert planning.clashes(hospital["nemba"].id, hospital["team"].id, TARGET, 3).too_close == []


def test_the_clash_grid_lists_the_hospitals_mentees_under_mentorship(hospital):
    found = planning.clashes(hospital["nemba"].id, hospital["team"].id, TARGET, 3)
    assert [row["mentee"].full_name for row in found.rows] == ["Aline Uwase", "Eric Manzi"]
    assert (found.available, found.possible) == (6, 6)


def test_better_windows_are_offered_only_after_today(hospital):
    today = TARGET - timedelta(days=3)  # Friday: the first window may start on Monday, TARGET itself
    found = planning.clashes(hospital["nemba"].id, hospital["team"].id, TARGET + timedelta(days=1), 3, today=today)
    assert (found.search_from, found.search_to) == (today + timedelta(days=1), TARGET + timedelta(days=15))
    assert found.alternatives[0].start == TARGET
    assert all(w.start > today for w in found.alternatives)
