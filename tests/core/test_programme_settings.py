"""Programme settings in the app (issue 25, item 1): a coordinator edits the cadence, the overdue limit, the mentee
cap, the visit length and the refresher interval; each change is validated beside its field, audited and in force
on the next page; a hospital may have its own cadence, which the cadence rule uses; the server's configuration
seeds a new installation once; every reader asks the database once per request."""

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent, Setting
from blueprints.core.programme import forget_programme_settings, programme_settings, seed_programme_settings
from blueprints.defaults import seed_defaults
from blueprints.people.models import Assignment, Hospital
from blueprints.visits import cadence
from blueprints.visits.planning import plan
from tests.conftest import count_queries
from tests.factories import assign, login, make_hospital, make_mentee, make_mentor, make_team, make_user
from tests.meaning import on_day, rows_by_first_cell
from tests.visits.conftest import make_visit

TODAY = date(2026, 3, 10)
FORM = {"cadence_days": "60", "overdue_after_days": "90", "visit_days": "3", "max_active_mentees": "3",
        "refresher_interval_days": "90", "quiet_hours_start": "20", "quiet_hours_end": "7"}


def ended_days_ago(hospital, team, days: int):
    end = TODAY - timedelta(days=days)
    return make_visit(hospital, team, end - timedelta(days=2), status="held")


def coordinator(client):
    login(client, make_user("coordinator"))


def saved_values() -> dict[str, str]:
    return dict(db.session.execute(select(Setting.key, Setting.value).where(Setting.key.startswith("programme."))).all())


def test_a_new_installation_starts_with_the_configured_values_seeded_once(app, monkeypatch):
    monkeypatch.setitem(app.config, "VISIT_CADENCE_DAYS", 30)
    seed_defaults()
    assert saved_values()["programme.cadence_days"] == "30"
    monkeypatch.setitem(app.config, "VISIT_CADENCE_DAYS", 45)
    seed_defaults()  # seeded once: a later configuration change does not overwrite what is saved
    assert saved_values()["programme.cadence_days"] == "30"
    assert programme_settings().cadence_days == 30


def test_the_coordinator_changes_the_cadence_and_it_is_in_force_on_the_next_page(client):
    seed_defaults()
    team = make_team("Team Edge")
    ended_days_ago(make_hospital("Bugesera", team=team), team, 40)
    with on_day(TODAY):
        coordinator(client)
        before = rows_by_first_cell(client.get("/calendar/?month=2026-03").get_data(as_text=True), "cadence")
        response = client.post("/settings/", data={**FORM, "cadence_days": "30"})
        assert response.status_code == 302
        after = rows_by_first_cell(client.get("/calendar/?month=2026-03").get_data(as_text=True), "cadence")
    assert "on track" in before["Bugesera"][-1]
    assert after["Bugesera"][-1].startswith("due")
    assert "more than 30" in after["Bugesera"][-1]


def test_a_change_is_audited_with_the_values_before_and_after(client):
    seed_defaults()
    coordinator(client)
    client.post("/settings/", data={**FORM, "max_active_mentees": "5", "refresher_interval_days": "120"})
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "programme_settings.update"))
    assert event.before == {"max_active_mentees": 3, "refresher_interval_days": 90}
    assert event.after == {"max_active_mentees": 5, "refresher_interval_days": 120}
    assert event.username


def test_an_overdue_limit_not_longer_than_the_cadence_is_refused_beside_its_field_and_nothing_is_saved(client):
    seed_defaults()
    coordinator(client)
    response = client.post("/settings/", data={**FORM, "cadence_days": "60", "overdue_after_days": "60", "visit_days": "5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="overdue_after_days-error">The overdue limit must be longer than the days between visits.' in html
    assert saved_values()["programme.visit_days"] == "3"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "programme_settings.update")) == 0


def test_a_value_out_of_bounds_or_not_a_number_is_refused_beside_its_field(client):
    seed_defaults()
    coordinator(client)
    response = client.post("/settings/", data={**FORM, "cadence_days": "3", "max_active_mentees": "many"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="cadence_days-error">From 7 to 365 days.' in html
    assert 'id="max_active_mentees-error">' in html
    assert saved_values()["programme.cadence_days"] == "60"


def test_only_a_coordinator_opens_the_settings(client):
    seed_defaults()
    for role in ("sysadmin", "hospital_admin", "mentor"):
        client.get("/logout")
        fields = {"hospital_id": make_hospital().id} if role == "hospital_admin" else {}
        login(client, make_user(role, **fields))
        assert client.get("/settings/").status_code == 403
        assert client.post("/settings/", data=FORM).status_code == 403
    assert saved_values()["programme.cadence_days"] == "60"


def test_a_hospital_with_its_own_cadence_is_judged_by_it(client):
    seed_defaults()
    team = make_team("Team Edge")
    monthly = make_hospital("Monthly", team=team)
    ended_days_ago(monthly, team, 40)
    ended_days_ago(make_hospital("Bimonthly", team=team), team, 40)
    coordinator(client)
    response = client.post(f"/hospitals/{monthly.id}/edit", data={
        "name": "Monthly", "district": "Gakenke", "province": "Northern Province", "team_id": team.id, "cadence_days": "30"})
    assert response.status_code == 302
    assert db.session.get(Hospital, monthly.id).cadence_days == 30
    rows = {r.hospital: (r.status, r.cadence_days) for r in cadence.hospital_cadence(TODAY)}
    assert rows == {"Monthly": ("due", 30), "Bimonthly": ("on_track", 60)}
    page = client.get(f"/hospitals/{monthly.id}").get_data(as_text=True)
    assert "30 days (its own)" in page


def test_a_hospitals_own_cadence_out_of_bounds_is_refused_beside_its_field(client):
    seed_defaults()
    hospital = make_hospital("Monthly")
    coordinator(client)
    response = client.post(f"/hospitals/{hospital.id}/edit", data={
        "name": "Monthly", "district": "Gakenke", "province": "Northern Province", "cadence_days": "400"})
    assert response.status_code == 422
    assert 'id="cadence_days-error">From 7 to 365 days.' in response.get_data(as_text=True)
    assert db.session.get(Hospital, hospital.id).cadence_days is None


def test_the_planner_aims_at_a_hospitals_own_cadence():
    seed_defaults()
    team = make_team("Team Edge")
    monthly = make_hospital("Monthly", team=team)
    monthly.cadence_days = 30
    last = ended_days_ago(monthly, team, 10)
    with on_day(TODAY):
        proposal = plan(TODAY, 1, hospital_id=monthly.id)[0]
    assert proposal.target == last.end_date + timedelta(days=30)


def test_the_mentee_cap_is_the_saved_setting(client):
    seed_defaults()
    hospital = make_hospital()
    mentor = make_mentor(profession_code="midwife", name="Busy Mentor")
    for _ in range(2):
        assign(mentor, make_mentee(hospital))
    third = make_mentee(hospital)
    coordinator(client)
    client.post("/settings/", data={**FORM, "max_active_mentees": "2"})
    response = client.post(f"/mentees/{third.id}/assign", data={"mentor_id": mentor.id, "start_date": "2026-06-10"})
    assert response.status_code == 422
    assert b"Busy Mentor already has 2 active mentees" in response.data
    assert db.session.scalar(select(func.count(Assignment.id)).where(Assignment.mentee_id == third.id)) == 0


def test_a_new_visit_lasts_the_saved_number_of_days(client):
    seed_defaults()
    coordinator(client)
    client.post("/settings/", data={**FORM, "visit_days": "4"})
    html = client.get("/visits/new").get_data(as_text=True)
    days_input = re.search(r'<input[^>]*name="days"[^>]*>', html).group(0)
    assert 'value="4"' in days_input


def test_the_settings_are_read_once_per_request_whatever_the_number_of_hospitals(client):
    seed_defaults()
    user = make_user("coordinator")

    def calendar_queries(hospitals: int) -> int:
        team = make_team()
        for _ in range(hospitals):
            ended_days_ago(make_hospital(team=team), team, 40)
        with on_day(TODAY):
            login(client, user)
            with count_queries() as statements:
                assert client.get("/calendar/?month=2026-03").status_code == 200
        assert len([s for s in statements if "FROM setting" in s and " IN (" in s]) == 1
        return len(statements)

    assert calendar_queries(2) == calendar_queries(12)


def test_a_setting_row_that_is_not_a_number_falls_back_to_the_configuration():
    seed_programme_settings()
    db.session.get(Setting, "programme.cadence_days").value = "sixty"
    db.session.flush()
    forget_programme_settings()
    assert programme_settings().cadence_days == 60
