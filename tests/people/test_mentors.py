"""Mentors: the coordinator manages them; a mentor reads their own page. The training log flags a
mentor whose last refresher is older than REFRESHER_INTERVAL_DAYS."""

from datetime import date, timedelta

from sqlalchemy import func, select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent
from blueprints.people.models import Assignment, Mentee, Mentor, Team, TrainingRecord
from tests.conftest import count_queries
from tests.factories import assign, login, make_hospital, make_mentee, make_mentor, make_team, make_user, profession


def signed_in(client, role="coordinator", **fields):
    user = make_user(role, **fields)
    login(client, user)
    return user


def refresher(mentor, days_ago: int, title="Refresher: HBB", hours=8) -> TrainingRecord:
    record = TrainingRecord(mentor=mentor, title=title, course_date=today() - timedelta(days=days_ago), hours=hours)
    db.session.add(record)
    db.session.flush()
    return record


def mentor_form(**values):
    data = {"full_name": "Aline Uwase", "profession_id": profession("midwife").id, "team_id": "",
            "home_institution": "Teaching Hospital", "phone": "+250 788 000 001", "email": "aline@example.org", "active": "y"}
    data.update(values)
    return data


# --- access ------------------------------------------------------------------------------------

def test_mentor_reads_their_own_page_and_gets_404_for_another_mentor(client):
    me, colleague = make_mentor(name="Me Mentor"), make_mentor(name="Colleague")
    signed_in(client, "mentor", mentor=me)
    assert client.get(f"/mentors/{me.id}").status_code == 200
    assert client.get(f"/mentors/{colleague.id}").status_code == 404


def test_mentor_cannot_edit_or_list_mentors_or_log_training(client):
    me = make_mentor()
    signed_in(client, "mentor", mentor=me)
    assert client.get("/mentors/").status_code == 403
    assert client.get("/mentors/new").status_code == 403
    assert client.get(f"/mentors/{me.id}/edit").status_code == 403
    response = client.post(f"/mentors/{me.id}/trainings", data={"title": "Mine", "course_date": "2026-01-01", "hours": "8"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(TrainingRecord.id))) == 0


def test_hospital_administrator_gets_403_on_mentor_pages(client):
    mentor = make_mentor()
    signed_in(client, "hospital_admin")
    assert client.get("/mentors/").status_code == 403
    assert client.get(f"/mentors/{mentor.id}").status_code == 403


def test_coordinator_reads_any_mentor_and_unknown_ids_are_404(client):
    signed_in(client)
    mentor = make_mentor()
    assert client.get(f"/mentors/{mentor.id}").status_code == 200
    assert client.get("/mentors/99999").status_code == 404
    assert client.get("/mentors/99999/edit").status_code == 404
    assert client.post("/mentors/99999/trainings", data={}).status_code == 404


# --- mentor page -------------------------------------------------------------------------------

def test_mentor_page_shows_profession_institution_contact_team_and_mentees(client):
    signed_in(client)
    team = make_team("Team North")
    mentor = make_mentor(team, "midwife", name="Aline Uwase")
    mentor.home_institution, mentor.phone, mentor.email = "Teaching Hospital (demo)", "+250 700 000 001", "aline@example.org"
    hospital = make_hospital("Nemba", team=team)
    current = make_mentee(hospital, name="Current Mentee")
    past = make_mentee(hospital, name="Past Mentee")
    assign(mentor, current)
    ended = assign(mentor, past, start=date(2025, 1, 6))
    ended.end_date, ended.end_reason = date(2025, 9, 1), "transferred"
    page = client.get(f"/mentors/{mentor.id}").get_data(as_text=True)
    for text in ("Aline Uwase", "Midwife", "Teaching Hospital (demo)", "+250 700 000 001", "aline@example.org", "Team North",
                 "Current Mentee", "Past Mentee", "Transferred", "1 Sep 2025"):
        assert text in page, text
    active = page[page.index('id="active-mentees"'):page.index('id="past-mentees"')]
    assert "Current Mentee" in active and "Past Mentee" not in active


def test_mentor_page_shows_the_training_log_newest_first(client):
    signed_in(client)
    mentor = make_mentor()
    refresher(mentor, 200, title="Older course")
    refresher(mentor, 20, title="Newer course", hours=12)
    page = client.get(f"/mentors/{mentor.id}").get_data(as_text=True)
    assert page.index("Newer course") < page.index("Older course")


def test_mentor_without_mentees_or_training_says_what_to_do(client):
    signed_in(client)
    mentor = make_mentor()
    page = client.get(f"/mentors/{mentor.id}").get_data(as_text=True)
    assert "No active mentees" in page and "No course recorded yet" in page


# --- refresher flag ----------------------------------------------------------------------------

def test_mentor_whose_last_refresher_is_older_than_the_interval_is_flagged(client):
    signed_in(client)
    late, recent, never = make_mentor(name="Late"), make_mentor(name="Recent"), make_mentor(name="Never")
    refresher(late, 91)
    refresher(late, 400)
    refresher(recent, 90)
    assert "Refresher overdue" in client.get(f"/mentors/{late.id}").get_data(as_text=True)
    assert "Refresher overdue" not in client.get(f"/mentors/{recent.id}").get_data(as_text=True)
    assert "No refresher recorded" in client.get(f"/mentors/{never.id}").get_data(as_text=True)


def test_a_course_that_is_not_a_refresher_does_not_reset_the_flag(client):
    signed_in(client)
    mentor = make_mentor()
    refresher(mentor, 200)
    db.session.add(TrainingRecord(mentor=mentor, title="Initial mentor training", course_date=today() - timedelta(days=5),
                                  hours=40, is_refresher=False))
    assert "Refresher overdue" in client.get(f"/mentors/{mentor.id}").get_data(as_text=True)


def test_the_refresher_interval_is_a_setting(client):
    signed_in(client)
    mentor = make_mentor()
    refresher(mentor, 45)
    assert "Refresher overdue" not in client.get(f"/mentors/{mentor.id}").get_data(as_text=True)
    assert client.post("/settings/", data={"cadence_days": 60, "overdue_after_days": 90, "visit_days": 3,
                                           "max_active_mentees": 3, "refresher_interval_days": 30,
                                           "quiet_hours_start": 20, "quiet_hours_end": 7}).status_code == 302
    assert "Refresher overdue" in client.get(f"/mentors/{mentor.id}").get_data(as_text=True)


# --- training log ------------------------------------------------------------------------------

def test_coordinator_adds_a_refresher_from_the_mentor_page_and_it_is_audited(client):
    signed_in(client)
    mentor = make_mentor()
    refresher(mentor, 200)
    day = today() - timedelta(days=2)
    response = client.post(f"/mentors/{mentor.id}/trainings", headers={"HX-Request": "true"},
                           data={"title": "Refresher: bubble CPAP", "course_date": day.isoformat(), "hours": "7.5", "is_refresher": "y"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == f"/mentors/{mentor.id}#training"
    record = db.session.scalar(select(TrainingRecord).where(TrainingRecord.title == "Refresher: bubble CPAP"))
    assert record.mentor_id == mentor.id and record.course_date == day and record.hours == 7.5 and record.is_refresher
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.create"))
    assert audit.after == {"mentor_id": mentor.id, "title": "Refresher: bubble CPAP", "course_date": day.isoformat(),
                           "hours": 7.5, "is_refresher": True}
    assert "Refresher overdue" not in client.get(f"/mentors/{mentor.id}").get_data(as_text=True)


def test_training_form_errors_come_back_as_a_422_fragment_and_nothing_is_saved(client):
    signed_in(client)
    mentor = make_mentor()
    response = client.post(f"/mentors/{mentor.id}/trainings", headers={"HX-Request": "true"},
                           data={"title": "", "course_date": "", "hours": "-1", "is_refresher": "y"})
    assert response.status_code == 422
    assert b"<html" not in response.data and b'id="training-form"' in response.data
    for field in (b'id="title-error"', b'id="course_date-error"', b'id="hours-error"'):
        assert field in response.data
    assert db.session.scalar(select(func.count(TrainingRecord.id))) == 0


def test_a_course_in_the_future_is_refused_next_to_the_date_keeping_what_was_typed(client):
    signed_in(client)
    mentor = make_mentor()
    future = today() + timedelta(days=10)
    response = client.post(f"/mentors/{mentor.id}/trainings",
                           data={"title": "Planned course", "course_date": future.isoformat(), "hours": "8"})
    assert response.status_code == 422
    assert b"<html" in response.data  # without htmx: the whole page with the form
    assert b'id="course_date-error"' in response.data and b"has not happened yet" in response.data
    assert b'value="Planned course"' in response.data
    assert db.session.scalar(select(func.count(TrainingRecord.id))) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "training.create")) == 0


# --- create and edit ---------------------------------------------------------------------------

def test_coordinator_creates_a_mentor_and_it_is_audited(client):
    signed_in(client)
    team = make_team("Team North")
    response = client.post("/mentors/new", data=mentor_form(team_id=team.id))
    assert response.status_code == 302
    mentor = db.session.scalar(select(Mentor).where(Mentor.full_name == "Aline Uwase"))
    assert response.headers["Location"].endswith(f"/mentors/{mentor.id}")
    assert mentor.team_id == team.id and mentor.email == "aline@example.org" and mentor.active
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mentor.create"))
    assert audit.object_id == mentor.id and audit.after["full_name"] == "Aline Uwase" and audit.after["team_id"] == team.id


def test_a_mentor_must_have_a_mentor_profession(client):
    signed_in(client)
    profession("midwife")  # the default professions are in place
    form = client.get("/mentors/new").get_data(as_text=True)
    assert "Midwife" in form and "General practitioner" not in form
    response = client.post("/mentors/new", data=mentor_form(profession_id=profession("general_practitioner").id))
    assert response.status_code == 422
    assert b'id="profession_id-error"' in response.data and b"mentor professions" in response.data
    assert db.session.scalar(select(func.count(Mentor.id))) == 0


def test_mentor_form_shows_each_error_next_to_its_field_and_keeps_what_was_typed(client):
    signed_in(client)
    response = client.post("/mentors/new", data=mentor_form(full_name="", profession_id="", email="not-an-address",
                                                           home_institution="Typed institution"))
    assert response.status_code == 422
    for field in (b'id="full_name-error"', b'id="profession_id-error"', b'id="email-error"'):
        assert field in response.data
    assert b'value="Typed institution"' in response.data
    assert b'="None"' not in response.data  # no attribute rendered from a missing value (autofocus="None" focuses)
    assert db.session.scalar(select(func.count(Mentor.id))) == 0


def test_adding_a_mentor_to_a_team_that_has_that_profession_warns(client):
    signed_in(client)
    team = make_team("Team North")
    make_mentor(team, "midwife")
    response = client.post("/mentors/new", data=mentor_form(team_id=team.id), follow_redirects=True)
    assert response.status_code == 200
    assert "Team North: 2 midwife mentors" in response.get_data(as_text=True)


def test_editing_a_mentor_is_audited_with_the_values_before_and_after(client):
    signed_in(client)
    mentor = make_mentor(name="Aline Uwase")
    mentor.email = "old@example.org"
    form = client.get(f"/mentors/{mentor.id}/edit")
    assert form.status_code == 200 and b'value="old@example.org"' in form.data
    response = client.post(f"/mentors/{mentor.id}/edit", data=mentor_form(email="new@example.org", active=""))
    assert response.status_code == 302
    mentor = db.session.get(Mentor, mentor.id)
    assert mentor.email == "new@example.org" and not mentor.active
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mentor.update"))
    assert audit.before["email"] == "old@example.org" and audit.after["email"] == "new@example.org"
    assert audit.before["active"] is True and audit.after["active"] is False


def test_deactivating_a_mentor_with_active_mentees_warns_to_reassign_them(client):
    signed_in(client)
    mentor = make_mentor(name="Aline Uwase")
    assign(mentor, make_mentee(make_hospital()))
    response = client.post(f"/mentors/{mentor.id}/edit", data=mentor_form(active=""), follow_redirects=True)
    assert "still has 1 active mentee" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Assignment.id)).where(Assignment.end_date.is_(None))) == 1


# --- list --------------------------------------------------------------------------------------

def test_mentor_list_searches_and_answers_htmx_with_a_fragment(client):
    signed_in(client)
    make_mentor(name="Aline Uwase")
    make_mentor(name="Eric Manzi")
    page = client.get("/mentors/?q=uwase")
    assert b"Aline Uwase" in page.data and b"Eric Manzi" not in page.data and b"<html" in page.data
    fragment = client.get("/mentors/?q=manzi", headers={"HX-Request": "true"})
    assert b"<html" not in fragment.data and b"Eric Manzi" in fragment.data
    assert b"No mentor matches this search." in client.get("/mentors/?q=zzz").data


def test_mentor_list_filters_mentors_overdue_for_a_refresher(client):
    signed_in(client)
    late, recent = make_mentor(name="Late Mentor"), make_mentor(name="Recent Mentor")
    make_mentor(name="Never Mentor")
    retired = make_mentor(name="Retired Mentor")
    retired.active = False
    refresher(late, 120)
    refresher(recent, 10)
    everyone = client.get("/mentors/").get_data(as_text=True)
    assert all(name in everyone for name in ("Late Mentor", "Recent Mentor", "Never Mentor"))
    overdue = client.get("/mentors/?overdue=1").get_data(as_text=True)
    assert "Late Mentor" in overdue and "Never Mentor" in overdue
    assert "Recent Mentor" not in overdue and "Retired Mentor" not in overdue


def test_mentor_list_empty_state_says_what_to_do(client):
    signed_in(client)
    assert "Add the first mentor" in client.get("/mentors/").get_data(as_text=True)


def test_mentor_list_uses_the_same_number_of_queries_for_10_and_100_mentors(client):
    signed_in(client)
    hospital, midwife = make_hospital(), profession("midwife")

    def add_mentors(n, start):
        for i in range(start, start + n):
            mentor = Mentor(full_name=f"Mentor {i:03d}", profession=midwife, team=Team(name=f"Team {i:03d}"))
            mentee = Mentee(full_name=f"Mentee {i:03d}", profession=midwife, hospital=hospital)
            db.session.add_all([
                TrainingRecord(mentor=mentor, title="Refresher", course_date=today() - timedelta(days=i), hours=8),
                Assignment(mentor=mentor, mentee=mentee, start_date=date(2026, 1, 5)),
            ])
        db.session.flush()

    add_mentors(10, 0)
    with count_queries() as few:
        assert client.get("/mentors/").status_code == 200
    add_mentors(90, 10)
    with count_queries() as many:
        response = client.get("/mentors/")
    assert len(many) == len(few), many
    assert b'rel="next"' in response.data
    with count_queries() as overdue:
        assert client.get("/mentors/?overdue=1").status_code == 200
    assert len(overdue) == len(many)


# --- demo data ---------------------------------------------------------------------------------

def test_demo_mentors_have_a_training_log_with_a_few_overdue(runner):
    assert runner.invoke(args=["demo-data", "--today", "2026-11-26"]).exit_code == 0
    anchor = date(2026, 11, 26)
    last = dict(db.session.execute(
        select(TrainingRecord.mentor_id, func.max(TrainingRecord.course_date))
        .where(TrainingRecord.is_refresher).group_by(TrainingRecord.mentor_id)).all())
    assert len(last) == 50
    overdue = [m for m, day in last.items() if (anchor - day).days > 90]
    assert 2 <= len(overdue) <= 8
    per_mentor = db.session.execute(select(func.count(TrainingRecord.id)).where(TrainingRecord.is_refresher)
                                    .group_by(TrainingRecord.mentor_id)).scalars().all()
    assert min(per_mentor) >= 5  # about one every three months over two years
    assert all(day <= anchor for day in last.values())
