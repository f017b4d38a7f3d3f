"""Visit rules: a team in one place a day, held only after the last day and with attendance,
postponed and cancelled with a reason, senseless changes refused next to the field, nothing half-saved."""

from datetime import timedelta

from sqlalchemy import func, select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent
from blueprints.visits.models import MentorAttendance, Visit
from tests.factories import login
from tests.visits.conftest import make_visit, monday


def visit_count() -> int:
    return db.session.scalar(select(func.count(Visit.id)))


def version_of(visit: Visit) -> int:
    """The version the visit page now shows (the status form carries it)."""
    return db.session.get(Visit, visit.id).version


def plan(client, p, start, hospital="nemba", team="team_a", **extra):
    data = {"hospital_id": p[hospital].id, "team_id": p[team].id, "start_date": start.isoformat(), "days": 3, **extra}
    return client.post("/visits/new", data=data)


def test_coordinator_plans_a_visit_of_the_default_length_and_it_is_audited(client, programme):
    login(client, programme["coordinator"])
    assert b'value="3"' in client.get(f"/visits/new?hospital={programme['nemba'].id}").data
    response = plan(client, programme, monday())
    assert response.status_code == 302
    visit = db.session.scalar(select(Visit))
    assert (visit.days, visit.end_date, visit.status) == (3, monday() + timedelta(days=2), "planned")
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_type == "visit")) == "visit.create"


def test_a_team_cannot_be_in_two_places_on_the_same_day(client, programme):
    make_visit(programme["ruli"], programme["team_a"], monday() + timedelta(days=2))
    login(client, programme["coordinator"])
    response = plan(client, programme, monday())
    assert response.status_code == 422
    assert b"a team cannot be in two places on the same day" in response.data
    assert b'id="start_date-error"' in response.data
    assert visit_count() == 1


def test_another_team_may_visit_on_the_same_days(client, programme):
    make_visit(programme["ruli"], programme["team_a"], monday())
    login(client, programme["coordinator"])
    assert plan(client, programme, monday(), hospital="kabgayi", team="team_b").status_code == 302


def test_unknown_hospital_or_team_is_refused_next_to_the_field(client, programme):
    login(client, programme["coordinator"])
    response = client.post("/visits/new", data={"hospital_id": 999999, "team_id": 999999, "start_date": monday().isoformat(), "days": 3})
    assert response.status_code == 422
    assert b'id="hospital_id-error"' in response.data and b"Unknown hospital" in response.data
    assert b'id="team_id-error"' in response.data and b"Unknown team" in response.data
    assert visit_count() == 0


def test_an_invalid_date_or_length_is_refused_next_to_the_field(client, programme):
    login(client, programme["coordinator"])
    response = plan(client, programme, monday(), start_date="2026-02-31", days=40)
    assert response.status_code == 422
    assert b'id="start_date-error"' in response.data and b'id="days-error"' in response.data
    assert visit_count() == 0


def test_a_visit_cannot_be_marked_held_before_its_last_day(client, programme):
    visit = make_visit(programme["nemba"], programme["team_a"], today() - timedelta(days=1))
    db.session.add(MentorAttendance(visit_id=visit.id, mentor=programme["mentor_a"], present=True))
    login(client, programme["coordinator"])
    response = client.post(f"/visits/{visit.id}/status", data={"version": version_of(visit), "status": "held"})
    assert response.status_code == 422
    assert b"not before" in response.data and b'id="status-error"' in response.data
    assert db.session.get(Visit, visit.id).status == "planned"


def test_a_visit_cannot_be_marked_held_without_attendance(client, programme):
    visit = make_visit(programme["nemba"], programme["team_a"], today() - timedelta(days=10))
    login(client, programme["coordinator"])
    response = client.post(f"/visits/{visit.id}/status", data={"version": version_of(visit), "status": "held"})
    assert response.status_code == 422 and b"Record who came" in response.data
    db.session.add(MentorAttendance(visit_id=visit.id, mentor=programme["mentor_a"], present=True))
    assert client.post(f"/visits/{visit.id}/status", data={"version": version_of(visit), "status": "held"}).status_code == 302
    assert db.session.get(Visit, visit.id).status == "held"


def test_postponing_needs_a_reason_and_a_new_date_and_links_the_new_visit(client, programme):
    visit = make_visit(programme["nemba"], programme["team_a"], monday())
    login(client, programme["coordinator"])
    response = client.post(f"/visits/{visit.id}/status", data={"version": version_of(visit), "status": "postponed", "reason": ""})
    assert response.status_code == 422 and b'id="reason-error"' in response.data
    response = client.post(f"/visits/{visit.id}/status", data={"version": version_of(visit), "status": "postponed", "reason": "Strike"})
    assert response.status_code == 422 and b'id="new_start_date-error"' in response.data
    assert visit_count() == 1
    new_day = monday(4)
    response = client.post(f"/visits/{visit.id}/status", data={"version": version_of(visit), "status": "postponed", "reason": "Strike", "new_start_date": new_day.isoformat()})
    assert response.status_code == 302
    old = db.session.get(Visit, visit.id)
    assert old.status == "postponed" and old.status_reason == "Strike"
    assert old.postponed_to.start_date == new_day and old.postponed_to.status == "planned"
    assert response.headers["Location"].endswith(f"/visits/{old.postponed_to_id}")
    page = client.get(f"/visits/{old.postponed_to_id}").data
    assert b"the postponed visit" in page


def test_a_refused_postponement_saves_nothing(client, programme):
    visit = make_visit(programme["nemba"], programme["team_a"], monday())
    make_visit(programme["ruli"], programme["team_a"], monday(4))
    login(client, programme["coordinator"])
    response = client.post(f"/visits/{visit.id}/status", data={"version": version_of(visit), "status": "postponed", "reason": "Strike",
                                                               "new_start_date": monday(4).isoformat()})
    assert response.status_code == 422
    assert b'id="new_start_date-error"' in response.data and b"two places" in response.data
    assert db.session.get(Visit, visit.id).status == "planned"
    assert visit_count() == 2


def test_cancelling_needs_a_reason(client, programme):
    visit = make_visit(programme["nemba"], programme["team_a"], monday())
    login(client, programme["coordinator"])
    assert client.post(f"/visits/{visit.id}/status", data={"version": version_of(visit), "status": "cancelled"}).status_code == 422
    assert client.post(f"/visits/{visit.id}/status", data={"version": version_of(visit), "status": "cancelled", "reason": "Road closed"}).status_code == 302
    assert db.session.get(Visit, visit.id).status == "cancelled"


def test_a_cancelled_visit_cannot_be_confirmed(client, programme):
    visit = make_visit(programme["nemba"], programme["team_a"], monday(), status="cancelled")
    login(client, programme["coordinator"])
    response = client.post(f"/visits/{visit.id}/status", data={"version": version_of(visit), "status": "confirmed"})
    assert response.status_code == 422 and b"cannot be marked" in response.data
    assert db.session.get(Visit, visit.id).status == "cancelled"


def test_status_form_errors_come_back_as_a_fragment_for_htmx(client, programme):
    visit = make_visit(programme["nemba"], programme["team_a"], monday())
    login(client, programme["coordinator"])
    response = client.post(f"/visits/{visit.id}/status", data={"version": version_of(visit), "status": "cancelled"}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and b"<html" not in response.data and b'id="status-form"' in response.data


def test_moving_a_visit_checks_the_team_again_but_not_against_itself(client, programme):
    visit = make_visit(programme["nemba"], programme["team_a"], monday())
    make_visit(programme["ruli"], programme["team_a"], monday(3))
    login(client, programme["coordinator"])
    data = {"hospital_id": programme["nemba"].id, "team_id": programme["team_a"].id, "days": 3, "version": 1}
    assert client.post(f"/visits/{visit.id}/edit", data={**data, "start_date": (monday() + timedelta(days=1)).isoformat()}).status_code == 302
    response = client.post(f"/visits/{visit.id}/edit", data={**data, "version": 2, "start_date": monday(3).isoformat()})
    assert response.status_code == 422 and b"two places" in response.data
    assert db.session.get(Visit, visit.id).start_date == monday() + timedelta(days=1)


def test_a_change_based_on_an_old_version_is_refused(client, programme):
    visit = make_visit(programme["nemba"], programme["team_a"], monday())
    visit.notes = "changed by someone else"
    db.session.flush()
    login(client, programme["coordinator"])
    response = client.post(f"/visits/{visit.id}/edit", data={"hospital_id": programme["nemba"].id, "team_id": programme["team_a"].id,
                                                             "days": 3, "version": 1, "start_date": monday(1).isoformat()})
    assert response.status_code == 422 and b"Someone changed this visit" in response.data
    assert db.session.get(Visit, visit.id).start_date == monday()


def test_only_coordinators_plan_and_change_visits(client, programme):
    visit = make_visit(programme["nemba"], programme["team_a"], monday())
    for user in ("mentor_user", "nemba_admin"):
        login(client, programme[user])
        assert client.get("/visits/new").status_code == 403
        assert client.get(f"/visits/{visit.id}/edit").status_code == 403
        assert client.post(f"/visits/{visit.id}/status", data={"version": version_of(visit), "status": "cancelled", "reason": "x"}).status_code == 403
        assert client.get(f"/visits/{visit.id}").status_code == 200
        client.post("/logout")
    assert db.session.get(Visit, visit.id).status == "planned"
