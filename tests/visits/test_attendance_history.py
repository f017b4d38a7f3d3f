"""Past attendance is history: a mentee recorded present at a visit and then moved to another hospital keeps
their days when the visit's attendance is saved again, and the visit page still lists them, saying where they went."""

import html
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.people.services.transfers import log_transfer
from blueprints.visits import queries, services
from blueprints.visits.attendance import attendance_version
from blueprints.visits.models import MenteeAttendance
from tests.factories import assign, department, login, make_hospital, make_mentee, make_mentor, make_team, make_user
from tests.visits.conftest import held_visit

VISIT_DAYS = [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]


@pytest.fixture
def moved_after_the_visit():
    """A held visit to Nemba (2-4 Mar 2026) that Aline and Jean attended every day; Aline moved to Byumba on 1 Apr."""
    with time_machine.travel(datetime(2026, 5, 4, 9, 0, tzinfo=ZoneInfo("Africa/Kigali")), tick=True):
        team = make_team("Team North")
        nemba, byumba = make_hospital("Nemba", team=team), make_hospital("Byumba")
        mentor = make_mentor(team, name="Mentor Alpha")
        aline, jean = make_mentee(nemba, name="Aline Uwase"), make_mentee(nemba, name="Jean Habimana")
        for mentee in (aline, jean):
            assign(mentor, mentee, start=date(2026, 1, 5))
        visit = held_visit(nemba, team, VISIT_DAYS[0], mentors=(mentor,))
        db.session.add_all(MenteeAttendance(visit_id=visit.id, mentee_id=m.id, day=d) for m in (aline, jean) for d in VISIT_DAYS)
        log_transfer(aline, kind="hospital", effective_date=date(2026, 4, 1), to_hospital=byumba,
                     to_department=department("maternity"), today=date(2026, 5, 4))
        make_user("coordinator", username="coord")
        yield {"visit": visit, "aline": aline, "jean": jean, "mentor": mentor}


def days_of(mentee) -> list[date]:
    return sorted(db.session.scalars(select(MenteeAttendance.day).where(MenteeAttendance.mentee_id == mentee.id)))


def form_as_shown(page: str) -> dict[str, list[str]]:
    """What the browser sends back for the attendance form as it was shown: the checked boxes and radio buttons."""
    sent: dict[str, list[str]] = {}
    for tag in re.findall(r"<input [^>]*>", page):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and value and ("checked" in tag or 'type="hidden"' in tag or 'type="text"' in tag) and "disabled" not in tag:
            sent.setdefault(html.unescape(name.group(1)), []).append(html.unescape(value.group(1)))
    return sent


def test_saving_a_visits_attendance_unchanged_keeps_the_days_of_a_mentee_since_moved(client, moved_after_the_visit):
    world = moved_after_the_visit
    login(client, "coord")
    path = f"/visits/{world['visit'].id}/attendance"
    response = client.post(path, data=form_as_shown(client.get(path).get_data(as_text=True)))
    assert response.status_code == 302
    assert days_of(world["aline"]) == VISIT_DAYS
    assert days_of(world["jean"]) == VISIT_DAYS


def test_saving_attendance_changes_only_the_rows_of_the_mentees_the_form_shows(moved_after_the_visit):
    world = moved_after_the_visit
    refusals = services.record_attendance(
        world["visit"], mentors={world["mentor"].id: (True, "")}, mentee_days={(world["jean"].id, VISIT_DAYS[0])},
        allowed_mentor_ids={world["mentor"].id}, allowed_mentee_ids={world["jean"].id},
        opened_version=attendance_version(world["visit"].id), today=date(2026, 5, 4))
    assert refusals == []
    assert days_of(world["jean"]) == VISIT_DAYS[:1]
    assert days_of(world["aline"]) == VISIT_DAYS


def test_the_visit_page_lists_every_mentee_recorded_present_saying_where_they_moved(client, moved_after_the_visit):
    world = moved_after_the_visit
    assert [row["mentee"].full_name for row in queries.visit_mentees(world["visit"])] == ["Aline Uwase", "Jean Habimana"]
    login(client, "coord")
    page = client.get(f"/visits/{world['visit'].id}").get_data(as_text=True)
    mentees_table = page[page.index("<h2>Mentees</h2>"):page.index('<h2 id="feedback">')]
    [aline_row] = re.findall(r"<tr>(?:(?!</tr>).)*Aline Uwase(?:(?!</tr>).)*</tr>", mentees_table, re.S)
    assert "since moved to Byumba" in aline_row
    assert aline_row.count(">present<") == 3
    [jean_row] = re.findall(r"<tr>(?:(?!</tr>).)*Jean Habimana(?:(?!</tr>).)*</tr>", mentees_table, re.S)
    assert "since moved" not in jean_row
