"""Bounded input (issue 16, items 7 and 8): every free-text column has the length its form enforces, declared once in
`blueprints/core/limits.py`; a feedback's rating comments and action items have a length and the action items a
count; dates are between 2000 and 2100 in every form and filter; single-line names hold no line break."""

from datetime import timedelta

import pytest
from sqlalchemy import String, Text, func, select

from blueprints.core import limits
from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent
from blueprints.mentoring.models import ActionItem, Feedback, SkillRating
from blueprints.people.models import Absence, Hospital, Mentee
from tests.factories import login, make_hospital, make_mentee, make_user, profession
from tests.mentoring import conftest as mentoring
from tests.mentoring.conftest import form_data, midwife_skills, url

# Written by the app itself, never typed into a form: unbounded on purpose.
APP_WRITTEN = {"audit_event.summary", "setting.value", "notification.message", "export_job.error",
               "outgoing_mail.body", "outgoing_mail.error", "outgoing_sms.text", "outgoing_sms.answer"}

world = mentoring.world  # the mentoring world (a fixture) serves here too


def test_every_free_text_column_has_a_length_declared_in_limits():
    declared = {value for name, value in vars(limits).items() if name.isupper() and isinstance(value, int)}
    unbounded, undeclared = [], []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            name = f"{table.name}.{column.name}"
            if isinstance(column.type, Text) and name not in APP_WRITTEN:
                unbounded.append(name)
            elif isinstance(column.type, String) and not isinstance(column.type, Text) and column.type.length not in declared:
                undeclared.append(f"{name} ({column.type.length})")
    assert unbounded == [], "free text without a length: use String(limits.X)"
    # Codes and hashes (role, status, a calendar token) have lengths of their own; everything a person types is listed.
    typed = {"hospital.name", "hospital.district", "hospital.province", "team.name", "mentor.full_name", "mentor.phone",
             "mentor.email", "mentor.home_institution", "mentee.full_name", "mentee.phone", "user.username",
             "user.display_name", "transfer.reason", "absence.note", "training_record.title", "visit.notes",
             "visit.status_reason", "mentor_attendance.reason", "holiday.name", "equipment_item.name", "equipment_item.unit",
             "equipment_count.note", "skill.name", "skill.area", "feedback.strengths", "feedback.areas_to_improve",
             "feedback.mentee_comment", "skill_rating.comment", "action_item.text", "reflection.went_well",
             "reflection.challenges", "reflection.mentees_absent", "reflection.equipment_problems",
             "reflection.support_needed", "self_assessment.learning_needs"}
    lengths = {f"{t.name}.{c.name}": getattr(c.type, "length", None) for t in db.metadata.sorted_tables for c in t.columns}
    assert {name: lengths.get(name) for name in typed if lengths.get(name) not in declared} == {}


@pytest.mark.parametrize("size", [limits.RATING_COMMENT + 1, 4_500_000])
def test_a_rating_comment_over_its_limit_is_refused_next_to_its_skill_and_nothing_is_saved(client, world, size):
    skill = midwife_skills()[0]
    login(client, world["mentor_user"])
    response = client.post(url(world), data=form_data(world, **{f"comment-{skill.id}": "x" * size}))
    assert response.status_code == 422
    assert f'id="comment-{skill.id}-error"'.encode() in response.data
    assert f"{limits.RATING_COMMENT:,}".encode() in response.data or str(limits.RATING_COMMENT).encode() in response.data
    assert db.session.scalar(select(func.count(Feedback.id))) == 0


def action_rows(n: int, text: str = "Plot a partograph") -> dict:
    due = (today() + timedelta(days=30)).isoformat()
    return {"action-text": [f"{text} {i}" for i in range(n)], "action-due": [due] * n}


def test_a_feedback_holds_at_most_twenty_action_items(client, world):
    login(client, world["mentor_user"])
    response = client.post(url(world), data=form_data(world, **action_rows(limits.ACTION_ITEMS + 1)))
    assert response.status_code == 422
    assert b"at most 20 action items" in response.data
    assert db.session.scalar(select(func.count(ActionItem.id))) == 0
    assert client.post(url(world), data=form_data(world, **action_rows(limits.ACTION_ITEMS))).status_code == 302
    assert db.session.scalar(select(func.count(ActionItem.id))) == limits.ACTION_ITEMS
    page = client.get(url(world)).get_data(as_text=True)
    assert page.count('name="action-text"') == limits.ACTION_ITEMS  # full: no blank row offered past the limit


def test_an_action_item_over_its_limit_is_refused_next_to_it(client, world):
    login(client, world["mentor_user"])
    rows = action_rows(2)
    rows["action-text"][1] = "x" * (limits.ACTION_ITEM + 1)
    response = client.post(url(world), data=form_data(world, **rows))
    assert response.status_code == 422 and b'id="action-1-error"' in response.data
    assert db.session.scalar(select(func.count(ActionItem.id))) == 0
    assert db.session.scalar(select(func.count(SkillRating.id))) == 0


@pytest.mark.parametrize("start", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_a_night_rota_outside_2000_to_2100_is_refused_with_a_message_and_nothing_stored(client, start):
    hospital = make_hospital()
    mentee = make_mentee(hospital)
    login(client, make_user("coordinator"))
    response = client.post(f"/mentees/{mentee.id}/night-rota", data={"start": start, "weeks": "2", "weekdays": ["0", "3"]})
    assert response.status_code == 422
    assert b"between 1 Jan 2000 and 31 Dec 2100" in response.data
    assert db.session.scalar(select(func.count(Absence.id))) == 0


@pytest.mark.parametrize("query", [{"from": "0001-01-01"}, {"to": "9999-12-31"}, {"from": "9999-12-31", "to": "0001-01-01"}])
def test_a_far_date_in_a_filter_is_ignored_and_the_page_says_so(client, query):
    login(client, make_user("coordinator"))
    for path in ("/audit/", "/"):
        response = client.get(path, query_string=query)
        assert response.status_code == 200, path
        assert b"between 1 Jan 2000 and 31 Dec 2100" in response.data, path


@pytest.mark.parametrize("name", ["Line one\nLine two", "Line one\r\nLine two", "Line one\rLine two"])
def test_single_line_names_refuse_a_line_break(client, name):
    hospital = make_hospital(name="Nemba")
    mentee = make_mentee(hospital, name="Amina Uwase")
    login(client, make_user("coordinator"))
    edits = {
        f"/mentees/{mentee.id}/edit": {"full_name": name, "profession_id": profession("midwife").id, "phone": "",
                                       "preferred_language": "en", "version": mentee.version},
        f"/hospitals/{hospital.id}/edit": {"name": name, "district": "Gakenke", "province": "Northern Province"},
    }
    for path, data in edits.items():
        response = client.post(path, data=data)
        assert response.status_code == 422, path
        assert b"one line" in response.data, path
    assert db.session.get(Mentee, mentee.id).full_name == "Amina Uwase"
    assert db.session.get(Hospital, hospital.id).name == "Nemba"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.summary.contains("Line two"))) == 0
