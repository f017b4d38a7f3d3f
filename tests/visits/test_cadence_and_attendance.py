"""Cadence per hospital (on track, due, overdue, never visited) in one grouped query, and attendance:
mentors present or absent with a reason, mentees day by day, rates and missed visits shown unasked."""

import re
from datetime import timedelta

from sqlalchemy import select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.programme import programme_settings
from blueprints.visits import attendance, cadence
from blueprints.visits.models import MenteeAttendance, MentorAttendance
from tests.conftest import count_queries
from tests.factories import login
from tests.visits.conftest import held_visit, make_visit, monday


def test_cadence_status_follows_the_settings(programme):
    t = today()
    held_visit(programme["nemba"], programme["team_a"], t - timedelta(days=40))       # on track
    held_visit(programme["ruli"], programme["team_a"], t - timedelta(days=100))       # overdue (> 90)
    make_visit(programme["ruli"], programme["team_a"], monday(2))                     # next planned
    make_visit(programme["kabgayi"], programme["team_b"], t - timedelta(days=30), status="cancelled")  # not a visit held
    programme_settings()  # read once per request, shared by every reader of the settings
    with count_queries() as statements:
        rows = {r.hospital: r for r in cadence.hospital_cadence(t)}
    assert len(statements) == 1
    assert rows["Nemba"].status == "on_track" and rows["Nemba"].days_since == 38
    assert rows["Ruli"].status == "overdue" and rows["Ruli"].next_planned == monday(2)
    assert rows["Kabgayi"].status == "never" and rows["Kabgayi"].last_held is None


def test_a_hospital_is_due_between_the_cadence_and_the_overdue_limit(programme):
    held_visit(programme["nemba"], programme["team_a"], today() - timedelta(days=72))
    [row] = cadence.hospital_cadence(today(), hospital_id=programme["nemba"].id)
    assert row.status == "due"


def test_cadence_is_shown_on_the_calendar_and_the_visit_list_in_the_users_scope(client, programme):
    held_visit(programme["ruli"], programme["team_a"], today() - timedelta(days=100))
    login(client, programme["nemba_admin"])
    for path in ("/calendar/", "/visits/"):
        html = client.get(path).get_data(as_text=True)
        assert "never visited" in html and "Ruli" not in html and "Kabgayi" not in html
    client.post("/logout")
    login(client, programme["coordinator"])
    assert "overdue" in client.get("/calendar/").get_data(as_text=True)


def test_an_absent_mentor_needs_a_reason_and_nothing_is_saved_without_one(client, programme):
    visit = make_visit(programme["nemba"], programme["team_a"], today() - timedelta(days=3))
    login(client, programme["coordinator"])
    data = {f"mentor-{programme['mentor_a'].id}": "present", f"mentor-{programme['mentor_a2'].id}": "absent",
            f"mentee-{programme['mentee_1'].id}": [visit.start_date.isoformat(), visit.end_date.isoformat()]}
    response = client.post(f"/visits/{visit.id}/attendance", data=data)
    assert response.status_code == 422
    assert f'id="mentor-{programme["mentor_a2"].id}-error"'.encode() in response.data
    assert db.session.scalars(select(MentorAttendance)).all() == []
    data[f"mentor-{programme['mentor_a2'].id}-reason"] = "Sick"
    assert client.post(f"/visits/{visit.id}/attendance", data=data).status_code == 302
    assert {(a.mentor_id, a.present, a.reason) for a in db.session.scalars(select(MentorAttendance))} == {
        (programme["mentor_a"].id, True, ""), (programme["mentor_a2"].id, False, "Sick")}
    assert len(db.session.scalars(select(MenteeAttendance)).all()) == 2


def test_attendance_is_refused_before_the_visit_starts_and_for_a_cancelled_visit(client, programme):
    coming = make_visit(programme["nemba"], programme["team_a"], monday())
    cancelled = make_visit(programme["ruli"], programme["team_a"], today() - timedelta(days=20), status="cancelled")
    login(client, programme["coordinator"])
    for visit in (coming, cancelled):
        response = client.post(f"/visits/{visit.id}/attendance", data={f"mentor-{programme['mentor_a'].id}": "present"})
        assert response.status_code == 422
    assert db.session.scalars(select(MentorAttendance)).all() == []


def test_a_mentor_of_the_team_records_attendance_others_may_not(client, programme):
    visit = make_visit(programme["nemba"], programme["team_a"], today() - timedelta(days=3))
    login(client, programme["mentor_user"])
    assert client.get(f"/visits/{visit.id}/attendance").status_code == 200
    client.post("/logout")
    login(client, programme["nemba_admin"])
    assert client.get(f"/visits/{visit.id}/attendance").status_code == 403
    client.post("/logout")
    login(client, programme["mentor_b_user"])
    assert client.get(f"/visits/{visit.id}/attendance").status_code == 404


def test_mentor_summary_counts_missed_visits_and_the_rate(programme):
    a, a2 = programme["mentor_a"], programme["mentor_a2"]
    for weeks in (10, 20, 30, 40):
        held_visit(programme["nemba"], programme["team_a"], today() - timedelta(weeks=weeks), mentors=(a, a2),
                   absent=(a2,) if weeks == 20 else ())
    summary = attendance.mentor_attendance_summary(a2.id)
    assert (summary["recorded"], summary["missed"], summary["rate"]) == (4, 1, 75)
    assert summary["missed_visits"][0]["reason"] == "Sick"
    assert attendance.mentor_attendance_summary(a.id)["rate"] == 100


def test_mentee_rate_is_days_present_over_days_of_visits_while_mentored(programme):
    v1 = held_visit(programme["nemba"], programme["team_a"], today() - timedelta(days=60), mentors=(programme["mentor_a"],))
    held_visit(programme["nemba"], programme["team_a"], today() - timedelta(days=120), mentors=(programme["mentor_a"],))
    db.session.add_all(MenteeAttendance(visit_id=v1.id, mentee_id=programme["mentee_1"].id, day=d) for d in v1.day_dates[:2])
    db.session.flush()
    assert attendance.mentee_attendance_rate(programme["mentee_1"].id) == {"expected_days": 6, "present_days": 2, "rate": 33}
    assert attendance.mentee_attendance_rate(programme["mentee_k"].id)["rate"] is None


def test_a_mentor_who_missed_a_visit_is_on_the_coordinators_calendar(client, programme):
    held_visit(programme["nemba"], programme["team_a"], today() - timedelta(days=30),
               mentors=(programme["mentor_a"], programme["mentor_a2"]), absent=(programme["mentor_a2"],))
    login(client, programme["coordinator"])
    html = client.get("/calendar/").get_data(as_text=True)
    assert "Missed visits" in html and "Mentor Alpha Two" in html and "Sick" in html


def test_visit_page_shows_attendance_and_rates(client, programme):
    visit = held_visit(programme["nemba"], programme["team_a"], today() - timedelta(days=30),
                       mentors=(programme["mentor_a"], programme["mentor_a2"]), absent=(programme["mentor_a2"],))
    login(client, programme["mentor_user"])
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "Mentor Alpha Two" in html and "absent" in html and "Sick" in html and "Nemba Mentee One" in html


def test_visit_page_query_count_does_not_grow_with_data(client, programme):
    from blueprints.people.services.absences import add_absence
    from tests.factories import assign, make_mentee, make_mentor

    visit = make_visit(programme["nemba"], programme["team_a"], monday(3))
    login(client, programme["coordinator"])

    def grow(n, offset):
        for i in range(n):
            mentee = make_mentee(programme["nemba"])
            assign(make_mentor(programme["team_a"]), mentee, start=today() - timedelta(days=300))
            add_absence(mentee, kind="annual_leave", start_date=monday(3) + timedelta(days=i % 3), end_date=monday(3) + timedelta(days=i % 3))
            held_visit(programme["nemba"], programme["team_a"], today() - timedelta(days=7 * (offset + i) + 7),
                       mentors=(programme["mentor_a"],))

    grow(2, 0)
    with count_queries() as few:
        client.get(f"/visits/{visit.id}")
    grow(40, 10)
    with count_queries() as many:
        response = client.get(f"/visits/{visit.id}")
    assert response.status_code == 200
    print("visit page queries", len(many))
    assert len(many) == len(few) <= 12  # 11th: the programme settings, read once (issue 25); 12th: the mentees' own part


def test_the_cadence_status_says_why_next_to_it(client, programme):
    """Issue 17 item 10: "due" or "overdue" with the days since the last visit ended, the limit passed, and the
    next planned visit (or that none is planned), so 90 days "due" next to 104 days "overdue" explains itself."""
    held_visit(programme["ruli"], programme["team_a"], today() - timedelta(days=100))   # ended 98 days ago
    make_visit(programme["ruli"], programme["team_a"], monday(2))
    held_visit(programme["nemba"], programme["team_a"], today() - timedelta(days=72))   # ended 70 days ago
    login(client, programme["coordinator"])
    import tinyhtml5
    ns = "{http://www.w3.org/1999/xhtml}"
    page = tinyhtml5.parse(client.get("/visits/").get_data(as_text=True))
    status = {}
    for tr in page.iter(f"{ns}tr"):
        cells = [" ".join("".join(td.itertext()).split()) for td in tr.findall(f"{ns}td")]
        if len(cells) == 6:
            status[cells[0]] = cells[5]
    assert "overdue" in status["Ruli"] and "98 days since the last visit ended" in status["Ruli"] and "more than 90" in status["Ruli"]
    assert monday(2).strftime("%-d %b %Y") in status["Ruli"]
    assert "due" in status["Nemba"] and "70 days since the last visit ended" in status["Nemba"] and "more than 60" in status["Nemba"]
    assert "no visit planned" in status["Nemba"]


def _cadence_section(html: str) -> str:
    return html.split("Cadence by hospital", 1)[1]


def test_the_calendars_cadence_follows_its_province_filter(client, programme):
    login(client, programme["coordinator"])
    every = _cadence_section(client.get("/calendar/").get_data(as_text=True))
    assert "Nemba" in every and "Kabgayi" in every
    south = _cadence_section(client.get("/calendar/?province=Southern Province").get_data(as_text=True))
    assert "Kabgayi" in south and "Nemba" not in south and "Ruli" not in south


def test_past_a_hundred_hospitals_the_calendar_opens_on_one_province_with_every_province_one_choice_away(
        client, programme, monkeypatch):
    """Issue 23: at ten times national scale the coordinator's calendar drew 420 cadence rows."""
    from blueprints.people.queries import hospitals

    monkeypatch.setattr(hospitals, "ONE_PROVINCE_ABOVE", 2)
    login(client, programme["coordinator"])
    html = client.get("/calendar/").get_data(as_text=True)
    assert '<option value="Northern Province" selected>' in html
    assert "Nemba" in _cadence_section(html) and "Kabgayi" not in _cadence_section(html)
    every = _cadence_section(client.get("/calendar/?province=").get_data(as_text=True))
    assert "Nemba" in every and "Kabgayi" in every


def opened_version(client, visit) -> str:
    return re.search(r'name="version" value="([^"]*)"', client.get(f"/visits/{visit.id}/attendance").get_data(as_text=True)).group(1)


def test_attendance_changed_since_the_form_was_opened_is_a_conflict_never_overwritten_silently(client, programme):
    """Issue 21: two phones marking one visit offline. The second to save is told (409) and keeps its marks on the page;
    the first one's marks stay until someone saves again from the page that shows the change."""
    visit = make_visit(programme["nemba"], programme["team_a"], today() - timedelta(days=2))
    mentor = programme["mentor_a"]
    login(client, programme["coordinator"])
    first = second = opened_version(client, visit)
    assert client.post(f"/visits/{visit.id}/attendance", data={f"mentor-{mentor.id}": "present", "version": first}).status_code == 302
    stale = client.post(f"/visits/{visit.id}/attendance", data={
        f"mentor-{mentor.id}": "absent", f"mentor-{mentor.id}-reason": "On leave", "version": second})
    assert stale.status_code == 409
    assert "On leave" in stale.get_data(as_text=True)  # the second phone's marks, still in the form
    assert [(a.present, a.reason) for a in db.session.scalars(select(MentorAttendance))] == [(True, "")]

    current = re.search(r'name="version" value="([^"]*)"', stale.get_data(as_text=True)).group(1)
    assert client.post(f"/visits/{visit.id}/attendance", data={
        f"mentor-{mentor.id}": "absent", f"mentor-{mentor.id}-reason": "On leave", "version": current}).status_code == 302
    assert [(a.present, a.reason) for a in db.session.scalars(select(MentorAttendance))] == [(False, "On leave")]


def test_saving_the_attendance_already_recorded_is_no_conflict(client, programme):
    """A double click, or a second phone with the same marks: nothing would change, so nothing to choose."""
    visit = make_visit(programme["nemba"], programme["team_a"], today() - timedelta(days=2))
    data = {f"mentor-{programme['mentor_a'].id}": "present", f"mentee-{programme['mentee_1'].id}": [visit.start_date.isoformat()]}
    login(client, programme["coordinator"])
    version = opened_version(client, visit)
    assert client.post(f"/visits/{visit.id}/attendance", data={**data, "version": version}).status_code == 302
    assert client.post(f"/visits/{visit.id}/attendance", data={**data, "version": version}).status_code == 302
    assert len(db.session.scalars(select(MenteeAttendance)).all()) == 1
