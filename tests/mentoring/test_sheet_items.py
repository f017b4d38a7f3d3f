"""Each feedback sheet keeps its count of action items and of those the mentee marked done (mentoring/sheet_items.py),
whatever writes the items: the engagement tile sums them (issue 23)."""

from datetime import timedelta

from sqlalchemy import func, select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.mentoring.models import ActionItem, Feedback
from blueprints.mentoring.own_services import report_progress
from tests.dashboard.helpers import make_visit, write_feedback
from tests.factories import assign, make_hospital, make_mentee, make_mentor, make_team, make_user


def sheet():
    team = make_team("Counted Team")
    hospital = make_hospital("Counted Hospital", team=team)
    mentor, mentee = make_mentor(team), make_mentee(hospital, name="Counted Mentee")
    visit = make_visit(hospital, team, today() - timedelta(days=20))
    assign(mentor, mentee, start=visit.start_date - timedelta(days=100))
    return write_feedback(visit, mentor, mentee, status="signed")


def counts(feedback: Feedback) -> tuple[int, int]:
    return db.session.execute(select(Feedback.item_count, Feedback.closed_item_count).where(Feedback.id == feedback.id)).one()


def recounted() -> dict[int, tuple[int, int]]:
    rows = db.session.execute(select(ActionItem.feedback_id, func.count(), func.count().filter(ActionItem.mentee_status == "done"))
                              .group_by(ActionItem.feedback_id))
    return {feedback_id: (items, closed) for feedback_id, items, closed in rows}


def test_a_sheet_counts_the_action_items_it_is_written_with(client):
    feedback = sheet()
    assert tuple(counts(feedback)) == (1, 0)
    assert feedback.item_count == 1  # the loaded sheet says so too


def test_a_sheet_counts_the_items_the_mentee_marks_done_and_not_those_partly_done(client):
    feedback = sheet()
    feedback.action_items.append(ActionItem(mentee_id=feedback.mentee_id, text="Second", due_date=today()))
    db.session.flush()
    first, second = feedback.action_items
    report_progress(first, "done", "")
    report_progress(second, "partly", "")
    assert tuple(counts(feedback)) == (2, 1)
    report_progress(second, "done", "All of it")
    assert tuple(counts(feedback)) == (2, 2)


def test_a_sheet_counts_its_items_again_when_one_is_removed_or_moved_to_another_sheet(client):
    feedback = sheet()
    other = write_feedback(make_visit(feedback.visit.hospital, feedback.visit.team, today() - timedelta(days=80)),
                           feedback.mentor, feedback.mentee, status="signed")
    feedback.action_items.append(ActionItem(mentee_id=feedback.mentee_id, text="Second", due_date=today(), mentee_status="done"))
    feedback.action_items.append(ActionItem(mentee_id=feedback.mentee_id, text="Third", due_date=today()))
    db.session.flush()
    assert tuple(counts(feedback)) == (3, 1)
    feedback.action_items.remove(feedback.action_items[0])
    db.session.flush()
    assert tuple(counts(feedback)) == (2, 1)
    moved = feedback.action_items[0]
    moved.feedback_id = other.id
    db.session.flush()
    assert tuple(counts(feedback)) == (1, 0) and tuple(counts(other)) == (2, 1)
    db.session.expire(feedback, ["action_items"])
    db.session.delete(feedback.action_items[0])
    db.session.flush()
    assert tuple(counts(feedback)) == (0, 0)


def test_marking_an_item_is_not_an_edit_of_the_sheet(client):
    feedback = sheet()
    db.session.commit()
    edited, version = feedback.updated_at, feedback.version
    report_progress(feedback.action_items[0], "done", "")
    db.session.commit()
    db.session.refresh(feedback)
    assert (feedback.updated_at, feedback.version) == (edited, version)
    assert feedback.closed_item_count == 1


def test_the_counts_kept_are_the_counts_of_the_items(client, world):
    """The mentor's form saves, replaces and trims a sheet's items; every sheet's counts still match its items."""
    from tests.mentoring.conftest import form_data

    login_as_mentor(client, world)
    url = f"/visits/{world['visit'].id}/feedback/{world['mentee'].id}"
    assert client.post(url, data=form_data(world, **{"action-text": ["One", "Two", "Three"],
                                                     "action-due": [today().isoformat()] * 3})).status_code in (200, 302, 303)
    feedback = db.session.scalar(select(Feedback).where(Feedback.visit_id == world["visit"].id, Feedback.mentee_id == world["mentee"].id))
    assert tuple(counts(feedback)) == (3, 0)
    assert client.post(url, data=form_data(world, version=str(feedback.version), **{"action-text": ["Only one"],
                                           "action-due": [today().isoformat()]})).status_code in (200, 302, 303)
    kept = {f.id: (f.item_count, f.closed_item_count) for f in db.session.scalars(select(Feedback).execution_options(populate_existing=True))}
    assert kept[feedback.id] == (1, 0)
    assert {i: c for i, c in kept.items() if c != (0, 0)} == recounted()


def login_as_mentor(client, world):
    from tests.factories import login

    login(client, world["mentor_user"])


def test_items_of_one_sheet_marked_done_at_the_same_moment_are_all_counted(live, world):
    """Each mark recounts the sheet under its row's lock, so none counts from a read that misses another's mark."""
    from tests.live import Client, fire

    feedback = write_feedback(world["visit"], world["mentor"], world["mentee"], status="signed")
    for n in range(5):
        feedback.action_items.append(ActionItem(mentee_id=world["mentee"].id, text=f"Item {n}", due_date=today()))
    make_user("mentee", mentee=world["mentee"], username="mentee.amina")
    ids, feedback_id = [item.id for item in feedback.action_items], feedback.id
    db.session.commit()  # and nothing read after it: outside a request the test's session would BEGIN IMMEDIATE on SQLite
    client = Client(live, "mentee.amina")
    answers = fire(len(ids), lambda i: client.post(f"/me/action-items/{ids[i]}", {"status": "done", "note": ""}))
    assert {a.status for a in answers} == {302}
    kept = db.session.execute(select(Feedback.item_count, Feedback.closed_item_count).where(Feedback.id == feedback_id)).one()
    assert tuple(kept) == (6, 6) == recounted()[feedback_id]
