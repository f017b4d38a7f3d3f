"""Transfers reach every person they concern at once, and the mentee's record follows them."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent, Notification
from blueprints.people.models import Assignment, Mentee, Transfer
from blueprints.people.services.transfers import apply_due_transfers
from tests.factories import assign, department, login, make_hospital, make_mentee, make_mentor, make_team, make_user


@pytest.fixture
def programme():
    team_a, team_b = make_team("Team A"), make_team("Team B")
    nemba, byumba = make_hospital("Nemba", team=team_a), make_hospital("Byumba", team=team_b)
    mentor = make_mentor(team_a, name="Mentor Alpha")
    mentee = make_mentee(nemba, name="Aline Transferred")
    assignment = assign(mentor, mentee, start=today() - timedelta(days=200))
    return {
        "nemba": nemba, "byumba": byumba, "mentor": mentor, "mentee": mentee, "assignment": assignment,
        "mentor_user": make_user("mentor", mentor=mentor, username="mentor.alpha"),
        "nemba_admin": make_user("hospital_admin", hospital=nemba, username="admin.nemba"),
        "byumba_admin": make_user("hospital_admin", hospital=byumba, username="admin.byumba"),
    }


def transfer(client, mentee, **data):
    data.setdefault("effective_date", today().isoformat())
    return client.post(f"/mentees/{mentee.id}/transfer", data=data)


def test_transfer_to_another_hospital_moves_the_mentee_and_ends_their_mentorships(client, programme):
    login(client, programme["nemba_admin"])
    response = transfer(client, programme["mentee"], kind="hospital", to_hospital_id=programme["byumba"].id,
                        to_department_id=department("neonatology").id, reason="Staff shortage")
    assert response.status_code == 302
    mentee = db.session.get(Mentee, programme["mentee"].id)
    assert mentee.hospital_id == programme["byumba"].id and mentee.department.code == "neonatology"
    assignment = db.session.get(Assignment, programme["assignment"].id)
    assert assignment.end_date == today() and assignment.end_reason == "transferred"


def test_transfer_notifies_each_mentor_and_the_receiving_administrator_at_once(app, client, programme):
    login(client, programme["nemba_admin"])
    transfer(client, programme["mentee"], kind="hospital", to_hospital_id=programme["byumba"].id,
             to_department_id=department("maternity").id)

    def messages(user):
        return db.session.scalars(select(Notification.message).where(Notification.user_id == user.id)).all()

    [to_mentor] = messages(programme["mentor_user"])
    assert "Aline Transferred moves from Nemba (Maternity) to Byumba (Maternity)" in to_mentor
    [to_receiver] = messages(programme["byumba_admin"])
    assert to_receiver.startswith("Incoming mentee:")
    assert messages(programme["nemba_admin"]) == []

    mentor_client = app.test_client()
    login(mentor_client, programme["mentor_user"])
    assert b'class="count">1<' in mentor_client.get("/notifications/bell").data
    assert b"Aline Transferred moves from Nemba" in mentor_client.get("/notifications/").data


def test_receiving_administrator_sees_the_mentee_with_their_whole_history(app, client, programme):
    login(client, programme["nemba_admin"])
    transfer(client, programme["mentee"], kind="hospital", to_hospital_id=programme["byumba"].id,
             to_department_id=department("maternity").id)
    receiver = app.test_client()
    login(receiver, programme["byumba_admin"])
    assert b"Aline Transferred" in receiver.get("/mentees/").data
    profile = receiver.get(f"/mentees/{programme['mentee'].id}").data
    assert b"Mentor Alpha stops mentoring" in profile and b"Mentor Alpha starts mentoring" in profile
    assert b"Nemba" in profile  # where they worked before
    assert client.get(f"/mentees/{programme['mentee'].id}").status_code == 404  # the old hospital no longer sees them


def test_transfer_is_audited(client, programme):
    login(client, programme["nemba_admin"])
    transfer(client, programme["mentee"], kind="hospital", to_hospital_id=programme["byumba"].id,
             to_department_id=department("maternity").id)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "transfer")).all()
    assert sorted(actions) == ["transfer.apply", "transfer.create"]


def test_department_move_keeps_the_mentorship(client, programme):
    login(client, programme["nemba_admin"])
    response = transfer(client, programme["mentee"], kind="department", to_department_id=department("theatre").id)
    assert response.status_code == 302
    assert db.session.get(Assignment, programme["assignment"].id).end_date is None
    assert db.session.get(Mentee, programme["mentee"].id).department.code == "theatre"


def test_leaving_the_programme_ends_mentorships_and_the_status(client, programme):
    login(client, programme["nemba_admin"])
    assert transfer(client, programme["mentee"], kind="left_service").status_code == 302
    mentee = db.session.get(Mentee, programme["mentee"].id)
    assert mentee.status == "left"
    assert db.session.get(Assignment, programme["assignment"].id).end_reason == "left_service"


def test_a_future_transfer_waits_for_its_date(client, programme):
    login(client, programme["nemba_admin"])
    later = today() + timedelta(days=10)
    transfer(client, programme["mentee"], kind="hospital", to_hospital_id=programme["byumba"].id,
             to_department_id=department("maternity").id, effective_date=later.isoformat())
    assert db.session.get(Mentee, programme["mentee"].id).hospital_id == programme["nemba"].id
    assert db.session.scalar(select(Notification).where(Notification.user_id == programme["mentor_user"].id)) is not None
    assert apply_due_transfers(today()) == 0
    assert apply_due_transfers(later) == 1
    assert apply_due_transfers(later) == 0  # safe to run twice
    db.session.commit()
    assert db.session.get(Mentee, programme["mentee"].id).hospital_id == programme["byumba"].id


def test_a_transfer_cannot_be_dated_before_the_previous_move(client, programme):
    login(client, programme["nemba_admin"])
    transfer(client, programme["mentee"], kind="department", to_department_id=department("theatre").id)
    response = transfer(client, programme["mentee"], kind="department", to_department_id=department("maternity").id,
                        effective_date=(today() - timedelta(days=5)).isoformat())
    assert response.status_code == 422
    assert b'id="effective_date-error"' in response.data and b"previous move was on" in response.data
    assert db.session.scalar(select(db.func.count(Transfer.id))) == 1


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"kind": "hospital"}, "to_hospital_id", b"Choose the hospital the mentee moves to."),
        ({"kind": "department"}, "to_department_id", b"Choose the department the mentee moves to."),
        ({"kind": "department", "to_department_id": "maternity"}, "to_department_id", b"already works in this department"),
        ({}, "kind", b"Choose the kind of move."),
        ({"kind": "hospital", "effective_date": "31/02/2026"}, "effective_date", b"Not a valid date"),
    ],
)
def test_bad_transfers_are_refused_next_to_the_field_and_nothing_is_saved(client, programme, data, field, message):
    login(client, programme["nemba_admin"])
    if data.get("to_department_id") == "maternity":
        data["to_department_id"] = department("maternity").id
    response = transfer(client, programme["mentee"], **data)
    assert response.status_code == 422
    assert f'id="{field}-error"'.encode() in response.data and message in response.data
    assert db.session.scalar(select(db.func.count(Transfer.id))) == 0
    assert db.session.scalar(select(db.func.count(Notification.id))) == 0


def test_mistaken_transfer_is_cancelled_by_who_logged_it_and_audited(app, client, programme):
    login(client, programme["nemba_admin"])
    transfer(client, programme["mentee"], kind="hospital", to_hospital_id=programme["byumba"].id,
             to_department_id=department("maternity").id)
    logged = db.session.scalar(select(Transfer))

    other = app.test_client()
    login(other, programme["byumba_admin"])
    assert other.post(f"/transfers/{logged.id}/cancel").status_code == 404

    assert client.post(f"/transfers/{logged.id}/cancel").status_code == 302
    mentee = db.session.get(Mentee, programme["mentee"].id)
    assert mentee.hospital_id == programme["nemba"].id
    assert db.session.get(Assignment, programme["assignment"].id).end_date is None
    cancel = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "transfer.cancel"))
    assert cancel.before["hospital_id"] == programme["byumba"].id
    assert cancel.after["hospital_id"] == programme["nemba"].id


def test_only_the_logger_or_a_coordinator_can_correct(app, client, programme):
    login(client, programme["nemba_admin"])
    transfer(client, programme["mentee"], kind="department", to_department_id=department("theatre").id)
    logged = db.session.scalar(select(Transfer))
    colleague = make_user("hospital_admin", hospital=programme["nemba"], username="admin.nemba.2")
    other = app.test_client()
    login(other, colleague)
    assert other.post(f"/transfers/{logged.id}/cancel").status_code == 404
    coordinator = app.test_client()
    login(coordinator, make_user("coordinator"))
    assert coordinator.post(f"/transfers/{logged.id}/cancel").status_code == 302
    assert db.session.get(Transfer, logged.id).cancelled_at is not None


def test_mentor_cannot_log_a_transfer(client, programme):
    login(client, programme["mentor_user"])
    response = transfer(client, programme["mentee"], kind="left_service")
    assert response.status_code == 403
    assert db.session.scalar(select(db.func.count(Transfer.id))) == 0


def test_transfers_outside_a_year_are_refused(client, programme):
    login(client, programme["nemba_admin"])
    response = transfer(client, programme["mentee"], kind="left_service", effective_date=date(2019, 1, 1).isoformat())
    assert response.status_code == 422


def test_daily_command_applies_transfers_whose_date_has_come(runner, programme):
    from blueprints.people.services.transfers import log_transfer

    log_transfer(programme["mentee"], kind="left_service", effective_date=today() - timedelta(days=1),
                 today=today() - timedelta(days=3))
    db.session.commit()
    assert db.session.get(Mentee, programme["mentee"].id).status == "active"
    result = runner.invoke(args=["daily"])
    assert result.exit_code == 0 and "Transfers applied: 1." in result.output
    db.session.expire_all()
    assert db.session.get(Mentee, programme["mentee"].id).status == "left"
    assert "Transfers applied: 0." in runner.invoke(args=["daily"]).output


# --- issue 17, items 1 and 2: a move to another hospital is complete, and says who was told ---------------------

def test_a_move_to_another_hospital_needs_the_department_at_the_new_hospital(client, programme):
    login(client, programme["nemba_admin"])
    response = transfer(client, programme["mentee"], kind="hospital", to_hospital_id=programme["byumba"].id)
    assert response.status_code == 422
    assert b'id="to_department_id-error"' in response.data
    assert b"Choose the department the mentee will work in at the new hospital." in response.data
    assert db.session.scalar(select(db.func.count(Transfer.id))) == 0
    assert db.session.get(Mentee, programme["mentee"].id).hospital_id == programme["nemba"].id


@pytest.fixture
def receiving(programme):
    """Byumba's team (Team B, the team its hospital is assigned to) with two mentors who sign in, and a coordinator."""
    team_b = programme["byumba"].team
    beta = make_user("mentor", mentor=make_mentor(team_b, name="Mentor Beta"), username="mentor.beta", display_name="Mentor Beta")
    gamma = make_user("mentor", mentor=make_mentor(team_b, name="Mentor Gamma"), username="mentor.gamma",
                      display_name="Mentor Gamma")
    coordinator = make_user("coordinator", username="coord", display_name="Claire Coordinator")
    return {"beta": beta, "gamma": gamma, "coordinator": coordinator}


def messages_to(user) -> list[str]:
    return db.session.scalars(select(Notification.message).where(Notification.user_id == user.id)).all()


def test_a_move_to_another_hospital_tells_the_receiving_team_mentors_and_the_coordinator(client, programme, receiving):
    login(client, programme["nemba_admin"])
    transfer(client, programme["mentee"], kind="hospital", to_hospital_id=programme["byumba"].id,
             to_department_id=department("maternity").id)
    for mentor in (receiving["beta"], receiving["gamma"]):
        [told] = messages_to(mentor)
        assert "Aline Transferred moves from Nemba (Maternity) to Byumba (Maternity)" in told
        assert "Your mentorship ends" not in told  # that is for the mentee's own mentor
    [told] = messages_to(receiving["coordinator"])
    assert "Aline Transferred moves from Nemba (Maternity) to Byumba (Maternity)" in told
    [to_own_mentor] = messages_to(programme["mentor_user"])
    assert "Your mentorship ends" in to_own_mentor


def test_a_department_move_tells_no_other_team(client, programme, receiving):
    login(client, programme["nemba_admin"])
    transfer(client, programme["mentee"], kind="department", to_department_id=department("theatre").id)
    assert messages_to(receiving["beta"]) == [] and messages_to(receiving["coordinator"]) == []


def test_the_success_message_names_who_was_told(client, programme, receiving):
    programme["byumba_admin"].display_name = "Jean Byumba"
    programme["mentor_user"].display_name = "Mentor Alpha"
    db.session.commit()
    login(client, programme["nemba_admin"])
    response = transfer(client, programme["mentee"], kind="hospital", to_hospital_id=programme["byumba"].id,
                        to_department_id=department("maternity").id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ("5 people were told: their mentor, Mentor Alpha; the administrator of Byumba, Jean Byumba; "
            "the mentors of Team B, Mentor Beta and Mentor Gamma; the coordinator, Claire Coordinator.") in page


def test_the_sending_administrator_lands_on_a_page_showing_the_transfer(client, programme):
    login(client, programme["nemba_admin"])
    response = transfer(client, programme["mentee"], kind="hospital", to_hospital_id=programme["byumba"].id,
                        to_department_id=department("maternity").id)
    assert response.status_code == 302
    landed = client.get(response.headers["Location"])
    assert landed.status_code == 200
    page = landed.get_data(as_text=True)
    assert "Transfer of Aline Transferred" in page and "Byumba" in page
    out = client.get(f"/hospitals/{programme['nemba'].id}").get_data(as_text=True)
    out = out[out.index('id="transfers-out-heading"'):]
    assert "Aline Transferred" in out[:out.index("</section>")] and "Byumba" in out[:out.index("</section>")]


# --- issue 17, item 3 (part): the sending side corrects a mistake within 7 days, the coordinator after ------------

def test_who_logged_a_transfer_can_cancel_it_for_7_days_then_only_a_coordinator(app, client, programme):
    login(client, programme["nemba_admin"])
    transfer(client, programme["mentee"], kind="department", to_department_id=department("theatre").id)
    logged = db.session.scalar(select(Transfer))
    logged.logged_at = logged.logged_at - timedelta(days=8)
    db.session.commit()

    refused = client.post(f"/transfers/{logged.id}/cancel", follow_redirects=True)
    assert "Only a coordinator can cancel a transfer logged more than 7 days ago." in refused.get_data(as_text=True)
    assert db.session.get(Transfer, logged.id).cancelled_at is None
    assert db.session.get(Mentee, programme["mentee"].id).department.code == "theatre"

    coordinator = app.test_client()
    login(coordinator, make_user("coordinator"))
    assert coordinator.post(f"/transfers/{logged.id}/cancel").status_code == 302
    assert db.session.get(Transfer, logged.id).cancelled_at is not None
    assert db.session.get(Mentee, programme["mentee"].id).department.code == "maternity"


def test_who_logged_a_transfer_can_still_cancel_it_on_the_seventh_day(client, programme):
    login(client, programme["nemba_admin"])
    transfer(client, programme["mentee"], kind="department", to_department_id=department("theatre").id)
    logged = db.session.scalar(select(Transfer))
    logged.logged_at = logged.logged_at - timedelta(days=6, hours=23)
    db.session.commit()
    assert client.post(f"/transfers/{logged.id}/cancel").status_code == 302
    assert db.session.get(Transfer, logged.id).cancelled_at is not None


def test_the_sending_administrator_can_cancel_from_their_hospital_page_within_7_days(client, programme):
    login(client, programme["nemba_admin"])
    transfer(client, programme["mentee"], kind="hospital", to_hospital_id=programme["byumba"].id,
             to_department_id=department("maternity").id)
    logged = db.session.scalar(select(Transfer))
    action = f'action="/transfers/{logged.id}/cancel"'
    assert action in client.get(f"/hospitals/{programme['nemba'].id}").get_data(as_text=True)
    logged.logged_at = logged.logged_at - timedelta(days=8)
    db.session.commit()
    assert action not in client.get(f"/hospitals/{programme['nemba'].id}").get_data(as_text=True)
