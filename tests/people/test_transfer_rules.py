"""Transfer rules on fixed days: a cancelled future transfer is never applied by the daily job, and a transfer's
date lies within a year of today either way (366 days, so the same date next year counts across a 29 February).
Each test reads where the mentee works and their mentorships afterwards, not a message."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from blueprints.core.errors import RuleBroken
from blueprints.core.extensions import db
from blueprints.core.formatting import format_day
from blueprints.core.models import AuditEvent, Notification
from blueprints.people.models import Assignment, Mentee, Transfer
from blueprints.people.services.transfers import apply_due_transfers, cancel_transfer, log_transfer
from tests.factories import assign, department, login, make_hospital, make_mentee, make_mentor, make_team, make_user
from tests.meaning import on_day

TODAY = date(2027, 3, 10)  # a year on is 10 Mar 2028, 366 days away (29 Feb 2028 falls between)


@pytest.fixture
def people():
    team = make_team("Team North")
    nemba, byumba = make_hospital("Nemba", team=team), make_hospital("Byumba", team=team)
    mentor = make_mentor(team, name="Mentor Alpha")
    mentee = make_mentee(nemba, name="Aline Uwase")
    assignment = assign(mentor, mentee, start=date(2026, 1, 5))
    return {"nemba": nemba, "byumba": byumba, "mentee": mentee, "assignment": assignment,
            "coordinator": make_user("coordinator", username="coord"),
            "nemba_admin": make_user("hospital_admin", hospital=nemba, username="admin.nemba")}


def where(people) -> tuple[int, str, object, object]:
    """Where the mentee works, their status, and how their mentorship ended (if it did)."""
    db.session.expire_all()
    mentee = db.session.get(Mentee, people["mentee"].id)
    assignment = db.session.get(Assignment, people["assignment"].id)
    return mentee.hospital_id, mentee.status, assignment.end_date, assignment.end_reason


def move_to_byumba(people, effective_date: date) -> Transfer:
    return log_transfer(people["mentee"], kind="hospital", to_hospital=people["byumba"], to_department=department("maternity"), effective_date=effective_date,
                        by=people["nemba_admin"], today=TODAY)


# --- a cancelled future transfer -----------------------------------------------------------

def test_a_cancelled_future_transfer_is_never_applied_by_the_daily_job(people):
    transfer = move_to_byumba(people, TODAY + timedelta(days=10))
    cancel_transfer(transfer, by=people["coordinator"])
    assert apply_due_transfers(TODAY + timedelta(days=10)) == 0
    assert apply_due_transfers(TODAY + timedelta(days=40)) == 0
    assert where(people) == (people["nemba"].id, "active", None, None)
    assert db.session.get(Transfer, transfer.id).applied_at is None


def test_the_daily_command_leaves_a_cancelled_transfer_and_applies_a_live_one(app, people):
    cancelled = log_transfer(people["mentee"], kind="left_service", effective_date=TODAY + timedelta(days=5),
                             by=people["nemba_admin"], today=TODAY)
    cancel_transfer(cancelled, by=people["coordinator"])
    other = make_mentee(people["nemba"], name="Eric Manzi")
    live = log_transfer(other, kind="hospital", to_hospital=people["byumba"], to_department=department("maternity"), effective_date=TODAY + timedelta(days=5),
                        by=people["nemba_admin"], today=TODAY)
    db.session.commit()
    with on_day(TODAY + timedelta(days=5)):
        result = app.test_cli_runner().invoke(args=["daily"])
    assert result.exit_code == 0, result.output
    assert "Transfers applied: 1." in result.output
    assert where(people) == (people["nemba"].id, "active", None, None)
    assert db.session.get(Mentee, other.id).hospital_id == people["byumba"].id
    assert db.session.get(Transfer, live.id).applied_at is not None and db.session.get(Transfer, cancelled.id).applied_at is None


def test_a_future_transfer_that_was_not_cancelled_is_applied_on_its_day_not_before(people):
    move_to_byumba(people, TODAY + timedelta(days=10))
    assert apply_due_transfers(TODAY + timedelta(days=9)) == 0
    assert where(people) == (people["nemba"].id, "active", None, None)
    assert apply_due_transfers(TODAY + timedelta(days=10)) == 1
    assert where(people) == (people["byumba"].id, "active", TODAY + timedelta(days=10), "transferred")


# --- within a year of today ------------------------------------------------------------------

def test_a_transfer_on_the_same_date_next_year_is_accepted(people):
    transfer = move_to_byumba(people, date(2028, 3, 10))  # 366 days: a leap year's worth
    assert transfer.applied_at is None and where(people)[0] == people["nemba"].id


def test_a_transfer_dated_more_than_a_year_ahead_is_refused_and_nothing_is_saved(people):
    with pytest.raises(RuleBroken) as refused:
        move_to_byumba(people, date(2028, 3, 11))  # 367 days ahead
    assert refused.value.field == "effective_date"
    assert refused.value.message == "The date must be within a year of today."
    assert db.session.scalar(select(func.count(Transfer.id))) == 0


def test_a_transfer_dated_more_than_a_year_back_is_refused_and_a_year_back_is_accepted(people):
    with pytest.raises(RuleBroken):
        move_to_byumba(people, TODAY - timedelta(days=367))
    assert db.session.scalar(select(func.count(Transfer.id))) == 0
    move_to_byumba(people, TODAY - timedelta(days=366))
    assert where(people) == (people["byumba"].id, "active", TODAY - timedelta(days=366), "transferred")


def test_the_transfer_form_refuses_a_date_beyond_a_year_next_to_the_field(client, people):
    with on_day(TODAY):
        login(client, people["nemba_admin"])
        response = client.post(f"/mentees/{people['mentee'].id}/transfer", data={
            "kind": "hospital", "to_hospital_id": people["byumba"].id,
            "to_department_id": department("maternity").id, "effective_date": "2028-03-11"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = html.split('id="effective_date-error"', 1)[1].split("</", 1)[0]
    assert "The date must be within a year of today." in error
    assert db.session.scalar(select(func.count(Transfer.id))) == 0
    assert where(people) == (people["nemba"].id, "active", None, None)


# --- correcting a transfer -------------------------------------------------------------------

def test_cancelling_a_department_move_puts_the_mentee_back_in_their_department(people):
    maternity = people["mentee"].department_id
    transfer = log_transfer(people["mentee"], kind="department", to_department=department("neonatology"),
                            effective_date=TODAY - timedelta(days=3), by=people["nemba_admin"], today=TODAY)
    db.session.expire_all()
    assert db.session.get(Mentee, people["mentee"].id).department.code == "neonatology"
    cancel_transfer(transfer, by=people["coordinator"])
    db.session.expire_all()
    mentee = db.session.get(Mentee, people["mentee"].id)
    assert (mentee.hospital_id, mentee.department_id, mentee.status) == (people["nemba"].id, maternity, "active")


def test_only_the_latest_move_is_cancelled_and_then_the_one_before_it(people):
    first = move_to_byumba(people, TODAY - timedelta(days=30))
    second = log_transfer(people["mentee"], kind="left_service", effective_date=TODAY - timedelta(days=2),
                          by=people["coordinator"], today=TODAY)
    with pytest.raises(RuleBroken) as refused:
        cancel_transfer(first, by=people["coordinator"])
    assert refused.value.field == "transfer"
    assert refused.value.message == "A later move was logged since; correct that one first."
    assert where(people) == (people["byumba"].id, "left", TODAY - timedelta(days=30), "transferred")
    cancel_transfer(second, by=people["coordinator"])
    assert where(people)[:2] == (people["byumba"].id, "active")
    cancel_transfer(first, by=people["coordinator"])
    assert where(people) == (people["nemba"].id, "active", None, None)  # the mentorship the first move ended is back


def test_a_transfer_is_cancelled_once(people):
    transfer = move_to_byumba(people, TODAY + timedelta(days=10))
    cancel_transfer(transfer, by=people["coordinator"])
    with pytest.raises(RuleBroken) as refused:
        cancel_transfer(transfer, by=people["coordinator"])
    assert (refused.value.field, refused.value.message) == ("transfer", "This transfer was already cancelled.")


def test_only_the_person_who_logged_it_or_a_coordinator_cancels_a_transfer(people):
    transfer = move_to_byumba(people, TODAY + timedelta(days=10))
    other_admin = make_user("hospital_admin", hospital=people["nemba"], username="admin.other")
    with pytest.raises(RuleBroken) as refused:
        cancel_transfer(transfer, by=other_admin)
    assert refused.value.field == "transfer"
    assert db.session.get(Transfer, transfer.id).cancelled_at is None
    cancel_transfer(transfer, by=people["nemba_admin"])
    assert db.session.get(Transfer, transfer.id).cancelled_at is not None


def test_cancelling_reopens_only_the_mentorships_this_move_ended(people):
    """Aline moved to Byumba (her first mentorship ended), got a mentor there, then moved on to Nemba's sister
    hospital; a colleague moved the same day; a second mentorship of Aline's had been completed that day."""
    kigeme = make_hospital("Kigeme", team=people["byumba"].team)
    mentor_b = make_mentor(people["byumba"].team, name="Mentor Byumba")
    first = move_to_byumba(people, TODAY - timedelta(days=60))
    at_byumba = assign(mentor_b, people["mentee"], start=TODAY - timedelta(days=50))
    completed = assign(make_mentor(people["byumba"].team, name="Mentor Done"), people["mentee"], start=TODAY - timedelta(days=40))
    completed.end_date, completed.end_reason = TODAY - timedelta(days=5), "completed"
    colleague = make_mentee(people["byumba"], name="Eric Manzi")
    colleague_assignment = assign(mentor_b, colleague, start=TODAY - timedelta(days=30))
    log_transfer(colleague, kind="hospital", to_hospital=kigeme, to_department=department("maternity"), effective_date=TODAY - timedelta(days=5),
                 by=people["coordinator"], today=TODAY)
    second = log_transfer(people["mentee"], kind="hospital", to_hospital=kigeme, to_department=department("maternity"), effective_date=TODAY - timedelta(days=5),
                          by=people["coordinator"], today=TODAY)
    cancel_transfer(second, by=people["coordinator"])
    db.session.expire_all()

    def ended(assignment):
        a = db.session.get(Assignment, assignment.id)
        return a.end_date, a.end_reason

    assert db.session.get(Mentee, people["mentee"].id).hospital_id == people["byumba"].id
    assert ended(at_byumba) == (None, None)                                              # ended by this move: reopened
    assert ended(people["assignment"]) == (TODAY - timedelta(days=60), "transferred")   # ended by the first move
    assert ended(completed) == (TODAY - timedelta(days=5), "completed")                 # ended for another reason
    assert ended(colleague_assignment) == (TODAY - timedelta(days=5), "transferred")    # someone else's move
    assert first.cancelled_at is None


def test_cancelling_tells_the_mentees_mentors_that_nothing_changes(people):
    mentor_user = make_user("mentor", mentor=people["assignment"].mentor, username="mentor.alpha")
    transfer = move_to_byumba(people, TODAY - timedelta(days=3))
    cancel_transfer(transfer, by=people["coordinator"])
    messages = db.session.scalars(select(Notification.message).where(Notification.user_id == mentor_user.id)
                                  .order_by(Notification.id)).all()
    assert messages[-1] == "Correction: the transfer of Aline Uwase was cancelled; nothing changes."


# --- the record a transfer leaves ------------------------------------------------------------

def test_two_moves_on_one_day_are_both_kept_and_the_later_is_corrected_first(people):
    day = TODAY - timedelta(days=4)
    to_byumba = move_to_byumba(people, day)
    to_neonatology = log_transfer(people["mentee"], kind="department", to_department=department("neonatology"),
                                  effective_date=day, by=people["coordinator"], today=TODAY)
    colleague = make_mentee(people["nemba"], name="Eric Manzi")
    log_transfer(colleague, kind="left_service", effective_date=TODAY - timedelta(days=1), by=people["coordinator"], today=TODAY)
    with pytest.raises(RuleBroken):
        cancel_transfer(to_byumba, by=people["coordinator"])
    cancel_transfer(to_neonatology, by=people["coordinator"])  # a colleague's later move does not stand in the way
    cancel_transfer(to_byumba, by=people["coordinator"])
    assert where(people) == (people["nemba"].id, "active", None, None)


def test_cancelling_a_left_service_reopens_the_mentorship(people):
    transfer = log_transfer(people["mentee"], kind="left_service", effective_date=TODAY - timedelta(days=2),
                            by=people["nemba_admin"], today=TODAY)
    assert where(people) == (people["nemba"].id, "left", TODAY - timedelta(days=2), "left_service")
    cancel_transfer(transfer, by=people["coordinator"])
    assert where(people) == (people["nemba"].id, "active", None, None)


def test_a_transfer_keeps_its_reason_and_leaves_its_audit_rows(people):
    transfer = move_to_byumba(people, TODAY - timedelta(days=1))
    plain = log_transfer(make_mentee(people["nemba"], name="Eric Manzi"), kind="left_service",
                         effective_date=TODAY + timedelta(days=3), by=people["nemba_admin"], today=TODAY)
    moved = log_transfer(make_mentee(people["nemba"], name="Jean Bosco"), kind="left_service",
                         effective_date=TODAY + timedelta(days=3), reason="  Staff shortage \n", by=people["nemba_admin"], today=TODAY)
    assert (plain.reason, moved.reason) == ("", "Staff shortage")
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == transfer.id,
                                                        AuditEvent.action.like("transfer.%")).order_by(AuditEvent.id)).all()
    sentence = f"Aline Uwase moves from Nemba (Maternity) to Byumba (Maternity) on {format_day(TODAY - timedelta(days=1))}."
    assert [(r.action, r.summary, r.hospital_id) for r in rows] == [
        ("transfer.create", sentence, people["nemba"].id), ("transfer.apply", sentence, people["nemba"].id)]
    create, apply = rows
    assert create.after["to_hospital_id"] == people["byumba"].id and create.after["effective_date"] == (TODAY - timedelta(days=1)).isoformat()
    assert (apply.before["hospital_id"], apply.after["hospital_id"]) == (people["nemba"].id, people["byumba"].id)
