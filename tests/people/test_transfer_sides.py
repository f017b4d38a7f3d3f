"""Issue 17 item 3: after a move to another hospital the sending administrator still reads the transfer itself (not
the mentee's record) and may cancel it for 7 days unless the receiving side has acted; the receiving administrator
sets the department the mentee arrives in and asks for a mentor, once."""


import pytest
from sqlalchemy import func, select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent, Notification
from blueprints.people.models import Mentee, Transfer
from tests.factories import assign, department, login, make_mentor, make_user
from tests.people.test_transfers import programme, transfer  # noqa: F401 - the fixture and the form post

pytestmark = pytest.mark.usefixtures("programme")


@pytest.fixture
def moved(client, programme):  # noqa: F811 - the imported fixture
    """Aline moved today from Nemba to Byumba (Maternity) by Nemba's administrator, with Byumba's team mentor and a
    coordinator who sign in; `client` is still signed in as Nemba's administrator."""
    programme["nemba_admin"].display_name = "Nadine Nemba"
    beta = make_user("mentor", mentor=make_mentor(programme["byumba"].team, name="Mentor Beta"), username="mentor.beta",
                     display_name="Mentor Beta")
    coordinator = make_user("coordinator", username="coord", display_name="Claire Coordinator")
    db.session.commit()
    login(client, programme["nemba_admin"])
    response = transfer(client, programme["mentee"], kind="hospital", to_hospital_id=programme["byumba"].id,
                        to_department_id=department("maternity").id, reason="Staff shortage")
    assert response.status_code == 302
    return {**programme, "transfer": db.session.scalar(select(Transfer)), "beta": beta, "coordinator": coordinator,
            "landed": response.headers["Location"]}


def signed_in(app, user):
    other = app.test_client()
    login(other, user)
    return other


def page_text(response) -> str:
    import tinyhtml5
    return " ".join("".join(tinyhtml5.parse(response.get_data(as_text=True)).itertext()).split())


def test_the_sending_administrator_reads_the_transfer_but_not_the_mentees_record(client, moved):
    logged = moved["transfer"]
    assert client.get(f"/mentees/{moved['mentee'].id}").status_code == 404
    response = client.get(f"/transfers/{logged.id}")
    assert response.status_code == 200
    text = page_text(response)
    for fact in ("Aline Transferred", "Nemba", "Byumba", "Maternity", today().strftime("%-d %b %Y"), "Nadine Nemba"):
        assert fact in text, fact
    assert "Staff shortage" in text
    assert "the administrator of Byumba" in text and "the coordinator, Claire Coordinator" in text  # who was told, stored
    assert "Mentor Beta" in text


def test_the_sending_administrator_lands_on_the_transfer_after_logging_it(client, moved):
    assert moved["landed"] == f"/transfers/{moved['transfer'].id}"
    text = page_text(client.get(moved["landed"]))
    assert "Aline Transferred" in text and "people were told" in text


def test_who_was_told_is_kept_on_the_transfer(moved):
    groups = {g["role"]: g["user_ids"] for g in db.session.get(Transfer, moved["transfer"].id).told}
    assert groups["admin"] == [moved["byumba_admin"].id]
    assert groups["team"] == [moved["beta"].id]
    assert groups["coordinator"] == [moved["coordinator"].id]
    assert groups["mentor"] == [moved["mentor_user"].id]


def test_a_third_hospitals_administrator_and_a_mentor_cannot_read_the_transfer(app, moved):
    from tests.factories import make_hospital
    stranger = make_user("hospital_admin", hospital=make_hospital("Ruli"), username="admin.ruli")
    db.session.commit()
    for user in (stranger, moved["mentor_user"]):
        assert signed_in(app, user).get(f"/transfers/{moved['transfer'].id}").status_code in (403, 404)


def test_the_receiving_administrator_sets_the_department_the_mentee_arrives_in(app, moved):
    receiver = signed_in(app, moved["byumba_admin"])
    logged = moved["transfer"]
    assert receiver.get(f"/transfers/{logged.id}").status_code == 200
    response = receiver.post(f"/transfers/{logged.id}/department", data={"department_id": department("neonatology").id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Transfer, logged.id).to_department.code == "neonatology"
    assert db.session.get(Mentee, moved["mentee"].id).department.code == "neonatology"  # the move has happened
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "transfer.department"))
    assert event.before == {"to_department_id": department("maternity").id}
    assert event.after == {"to_department_id": department("neonatology").id}


def test_only_the_receiving_side_sets_the_department_or_requests_a_mentor(client, moved):
    logged = moved["transfer"]
    assert client.post(f"/transfers/{logged.id}/department", data={"department_id": department("neonatology").id}).status_code == 403
    assert client.post(f"/transfers/{logged.id}/request-mentor").status_code == 403
    assert db.session.get(Transfer, logged.id).to_department.code == "maternity"


def test_a_mentor_request_tells_the_coordinator_and_the_receiving_team_once(app, moved):
    receiver = signed_in(app, moved["byumba_admin"])
    logged = moved["transfer"]
    before = {u: db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == moved[u].id))
              for u in ("coordinator", "beta")}
    assert receiver.post(f"/transfers/{logged.id}/request-mentor").status_code == 302
    again = receiver.post(f"/transfers/{logged.id}/request-mentor", follow_redirects=True)
    assert "A mentor was already requested" in page_text(again)
    for who in ("coordinator", "beta"):
        messages = db.session.scalars(select(Notification.message).where(Notification.user_id == moved[who].id)
                                      .order_by(Notification.id)).all()
        assert len(messages) == before[who] + 1
        assert "Byumba asks for a mentor for Aline Transferred" in messages[-1]
    assert db.session.get(Transfer, logged.id).mentor_requested_at is not None
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "transfer.mentor_request")).all()) == 1


@pytest.mark.parametrize("act", ["department", "mentor_request", "mentor_assigned", "mentee_edited"])
def test_once_the_receiving_side_has_acted_only_a_coordinator_can_cancel(app, client, moved, act):
    logged, receiver = moved["transfer"], signed_in(app, moved["byumba_admin"])
    if act == "department":
        receiver.post(f"/transfers/{logged.id}/department", data={"department_id": department("neonatology").id})
    elif act == "mentor_request":
        receiver.post(f"/transfers/{logged.id}/request-mentor")
    elif act == "mentor_assigned":
        assign(moved["beta"].mentor, db.session.get(Mentee, moved["mentee"].id), start=today())
        db.session.commit()
    else:
        mentee = db.session.get(Mentee, moved["mentee"].id)
        response = receiver.post(f"/mentees/{mentee.id}/edit", data={
            "full_name": "Aline Transferred", "profession_id": mentee.profession_id, "phone": "0788123456",
            "preferred_language": "en", "version": mentee.version})
        assert response.status_code == 302
    assert "cancel" not in page_text(client.get(f"/transfers/{logged.id}")).lower().replace("cancelled", "")
    refused = client.post(f"/transfers/{logged.id}/cancel", follow_redirects=True)
    assert "has already acted on this transfer; only a coordinator can cancel it now" in page_text(refused)
    assert db.session.get(Transfer, logged.id).cancelled_at is None
    coordinator = signed_in(app, moved["coordinator"])
    assert coordinator.post(f"/transfers/{logged.id}/cancel").status_code == 302
    assert db.session.get(Transfer, logged.id).cancelled_at is not None


def test_the_sending_administrator_cancels_from_the_transfer_page_within_7_days(client, moved):
    logged = moved["transfer"]
    page = client.get(f"/transfers/{logged.id}").get_data(as_text=True)
    assert f'action="/transfers/{logged.id}/cancel"' in page and "data-confirm=" in page
    response = client.post(f"/transfers/{logged.id}/cancel")
    assert response.headers["Location"] == f"/mentees/{moved['mentee'].id}"  # back at Nemba: their record again
    assert db.session.get(Mentee, moved["mentee"].id).hospital_id == moved["nemba"].id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "transfer.cancel")) is not None


def test_a_cancelled_transfer_takes_no_department_or_mentor_request(app, client, moved):
    logged = moved["transfer"]
    client.post(f"/transfers/{logged.id}/cancel")
    receiver = signed_in(app, moved["byumba_admin"])
    refused = receiver.post(f"/transfers/{logged.id}/request-mentor", follow_redirects=True)
    assert "This transfer was cancelled" in page_text(refused)
    receiver.post(f"/transfers/{logged.id}/department", data={"department_id": department("neonatology").id})
    db.session.expire_all()
    assert db.session.get(Transfer, logged.id).mentor_requested_at is None
    assert db.session.get(Transfer, logged.id).to_department.code == "maternity"
    assert db.session.get(Mentee, moved["mentee"].id).department.code == "maternity"


def test_a_department_left_empty_is_asked_for_next_to_the_field(app, moved):
    receiver = signed_in(app, moved["byumba_admin"])
    response = receiver.post(f"/transfers/{moved['transfer'].id}/department", data={"department_id": ""})
    assert response.status_code == 422
    assert b'id="department_id-error"' in response.data
    assert b"Choose the department the mentee will work in at the new hospital." in response.data
    assert db.session.get(Transfer, moved["transfer"].id).received_at is None
