"""The cadence rule at its edges: a hospital is due only once more than VISIT_CADENCE_DAYS (60) have passed
since its last held visit ended, overdue only once more than OVERDUE_AFTER_DAYS (90) have; a hospital never
visited counts with the overdue ones. Each test reads the status of a named hospital's own row (never a word
that a badge's CSS class or another row could supply) on a fixed day."""

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.core.models import Notification
from blueprints.visits import cadence, queries
from blueprints.visits.services import notify_overdue_hospitals
from tests.factories import login, make_hospital, make_team, make_user
from tests.meaning import on_day, paragraphs, rows_by_first_cell, table_rows
from tests.visits.conftest import make_visit

TODAY = date(2026, 3, 10)


def ended_days_ago(hospital, team, days: int):
    """A held three-day visit whose last day was `days` before TODAY."""
    end = TODAY - timedelta(days=days)
    return make_visit(hospital, team, end - timedelta(days=2), status="held")


@pytest.fixture
def edges():
    """A hospital on each side of both limits, one never visited and one whose only visit was cancelled."""
    team = make_team("Team Edge")
    hospitals = {}
    for name, days in (("Akanyaru", 60), ("Bugesera", 61), ("Cyanika", 90), ("Dihiro", 91)):
        hospitals[name] = make_hospital(name, team=team)
        ended_days_ago(hospitals[name], team, days)
    hospitals["Gahini"] = make_hospital("Gahini", team=team)  # never visited
    hospitals["Kibogora"] = make_hospital("Kibogora", team=team)
    make_visit(hospitals["Kibogora"], team, TODAY - timedelta(days=20), status="cancelled", status_reason="Rain")
    return {"team": team, **hospitals}


def test_a_hospital_is_due_only_after_the_cadence_and_overdue_only_after_the_limit(edges):
    rows = {r.hospital: (r.days_since, r.status) for r in cadence.hospital_cadence(TODAY)}
    assert rows == {
        "Akanyaru": (60, "on_track"),   # exactly the cadence: still on track
        "Bugesera": (61, "due"),
        "Cyanika": (90, "due"),         # exactly the limit: due, not yet overdue
        "Dihiro": (91, "overdue"),
        "Gahini": (None, "never"),
        "Kibogora": (None, "never"),    # a cancelled visit is no visit held
    }


def test_the_calendar_gives_each_hospital_its_own_cadence_row(client, edges):
    coordinator = make_user("coordinator")
    with on_day(TODAY):
        login(client, coordinator)
        html = client.get("/calendar/?month=2026-03").get_data(as_text=True)
    rows = rows_by_first_cell(html, "cadence")
    status = {name: cells[-1] for name, cells in rows.items()}
    days = {name: cells[2] for name, cells in rows.items()}
    assert status == {"Akanyaru": "on track",
                      "Bugesera": "due 61 days since the last visit ended, more than 60; no visit planned",
                      "Cyanika": "due 90 days since the last visit ended, more than 60; no visit planned",
                      "Dihiro": "overdue 91 days since the last visit ended, more than 90; no visit planned",
                      "Gahini": "never visited", "Kibogora": "never visited"}
    assert days == {"Akanyaru": "60", "Bugesera": "61", "Cyanika": "90", "Dihiro": "91", "Gahini": "—", "Kibogora": "—"}
    assert rows["Dihiro"][1] == "9 Dec 2025"  # the last day of its last held visit


def test_the_daily_job_tells_coordinators_once_when_a_hospital_passes_the_limit(edges):
    coordinator = make_user("coordinator")
    assert notify_overdue_hospitals(TODAY) == 1  # Dihiro (91 days); Cyanika (90) is not overdue yet
    [message] = db.session.scalars(select(Notification.message).where(Notification.user_id == coordinator.id)).all()
    assert message == "Dihiro is overdue: its last visit ended 91 days ago (9 Dec 2025)."
    assert notify_overdue_hospitals(TODAY) == 0  # said once
    assert notify_overdue_hospitals(TODAY + timedelta(days=1)) == 1  # Cyanika's turn the next day
    assert db.session.scalars(select(Notification.message).where(Notification.user_id == coordinator.id)
                              .order_by(Notification.id)).all()[-1].startswith("Cyanika is overdue: its last visit ended 91 days ago")


def test_the_cadence_tiles_headline_counts_never_visited_hospitals_with_the_overdue(client, edges):
    coordinator = make_user("coordinator")
    with on_day(TODAY):
        login(client, coordinator)
        html = client.get("/dashboard/tiles/cadence", headers={"HX-Request": "true"}).get_data(as_text=True)
    # Overdue: Dihiro, and never visited: Gahini, Kibogora. Due: Bugesera, Cyanika. Akanyaru is on track.
    assert "3 overdue or never visited · 2 due" in paragraphs(html)  # the headline, a paragraph of its own
    listed = rows_by_first_cell(html, "data")
    assert sorted(listed) == ["Bugesera", "Cyanika", "Dihiro", "Gahini", "Kibogora"]


def test_the_cadence_tile_lists_the_never_visited_first_then_the_longest_waiting(client, edges):
    make_hospital("Zaza", team=None)  # never visited, no team yet
    make_visit(edges["Bugesera"], edges["team"], date(2026, 3, 16))  # planned
    coordinator = make_user("coordinator")
    with on_day(TODAY):
        login(client, coordinator)
        html = client.get("/dashboard/tiles/cadence", headers={"HX-Request": "true"}).get_data(as_text=True)
        csv_text = client.get("/dashboard/tiles/cadence.csv").get_data(as_text=True)
    expected = [
        ["Gahini", "Northern Province", "Team Edge", "", "", "", "never visited"],
        ["Kibogora", "Northern Province", "Team Edge", "", "", "", "never visited"],
        ["Zaza", "Northern Province", "", "", "", "", "never visited"],
        ["Dihiro", "Northern Province", "Team Edge", "2025-12-09", "91", "", "overdue"],
        ["Cyanika", "Northern Province", "Team Edge", "2025-12-10", "90", "", "due"],
        ["Bugesera", "Northern Province", "Team Edge", "2026-01-08", "61", "2026-03-16", "due"],
    ]
    assert list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))) == [
        ["Hospital", "Province", "Team", "Last held visit", "Days since", "Next planned", "Status"], *expected]
    assert [row[0] for row in table_rows(html, "data")] == [row[0] for row in expected]
    assert "4 overdue or never visited · 2 due" in paragraphs(html)


def test_the_last_visit_held_is_one_that_has_ended_and_the_next_is_one_still_to_come(client):
    team = make_team("Team Edge")
    ended_today = make_hospital("Ended Today", team=team)
    make_visit(ended_today, team, TODAY - timedelta(days=2), status="held")
    ongoing = make_hospital("Ongoing", team=team)  # marked held while it runs: not yet the last visit held
    make_visit(ongoing, team, TODAY - timedelta(days=80), status="held")
    make_visit(ongoing, team, TODAY - timedelta(days=1), status="held")
    planned = make_hospital("Planned", team=team)
    make_visit(planned, team, TODAY - timedelta(days=2), status="confirmed")          # ends today: still the next
    make_visit(planned, team, TODAY + timedelta(days=5), status="planned")
    stale = make_hospital("Stale", team=team)
    make_visit(stale, team, TODAY - timedelta(days=10), status="planned")             # ended, never marked held
    make_visit(stale, team, TODAY + timedelta(days=3), status="cancelled", status_reason="Rain")
    rows = {r.hospital: (r.last_held, r.days_since, r.status, r.next_planned) for r in cadence.hospital_cadence(TODAY)}
    assert rows == {
        "Ended Today": (TODAY, 0, "on_track", None),
        "Ongoing": (TODAY - timedelta(days=78), 78, "due", None),
        "Planned": (None, None, "never", TODAY - timedelta(days=2)),
        "Stale": (None, None, "never", None),
    }


def test_the_cadence_table_comes_by_province_then_hospital(client):
    team = make_team("Team Edge")
    for name, province in (("Zaza", "Eastern Province"), ("Byumba", "Northern Province"), ("Akagera", "Eastern Province"),
                           ("Butaro", "Northern Province")):
        make_hospital(name, team=team, province=province)
    assert [(r.province, r.hospital) for r in cadence.hospital_cadence(TODAY)] == [
        ("Eastern Province", "Akagera"), ("Eastern Province", "Zaza"), ("Northern Province", "Butaro"),
        ("Northern Province", "Byumba")]


def test_an_impossible_one_off_holiday_hides_none_of_the_others():
    from blueprints.visits.models import Holiday

    db.session.add(Holiday(day=30, month=2, year=2027, name="Impossible"))  # stored before the form refused it
    db.session.add(Holiday(day=5, month=3, year=2027, name="Real Day"))
    db.session.flush()
    assert queries.holidays().name(date(2027, 3, 5)) == "Real Day"
