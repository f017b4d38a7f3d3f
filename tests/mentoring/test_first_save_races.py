"""Two first saves of the same new feedback (or reflection) at the same moment (two tabs, an autosave and a click):
the database's one-per-visit index keeps the first; every other one is answered as an edit of that row under the
version rule (so, opened before it existed, the usual conflict answer), never a 500, and nothing is half-saved."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent
from blueprints.mentoring.models import ActionItem, Feedback, Reflection, SkillRating
from tests.live import Client, fire
from tests.mentoring.conftest import form_data, url

PARALLEL = 12


@pytest.mark.parametrize(("suffix", "saved_status"), [("/autosave", 200), ("", 302)], ids=["autosave", "form"])
def test_a_new_feedback_saved_in_parallel_is_created_once_and_every_other_save_is_a_conflict(live, world, suffix, saved_status):
    path, data = url(world, suffix=suffix), form_data(world)
    db.session.commit()  # and nothing read after it: outside a request the test's session would BEGIN IMMEDIATE on SQLite
    client = Client(live, "mentor.alpha")
    answers = fire(PARALLEL, lambda i: client.post(path, data))
    statuses = Counter(a.status for a in answers)
    assert set(statuses) <= {saved_status, 409}, statuses
    assert statuses[saved_status] == 1, statuses
    feedback = db.session.scalars(select(Feedback)).all()
    assert [(f.visit_id, f.mentee_id, f.strengths) for f in feedback] == [(world["visit"].id, world["mentee"].id, "Calm in emergencies")]
    assert db.session.scalar(select(func.count(SkillRating.id))) == 2  # the one save's rows, none of the losers'
    assert db.session.scalar(select(func.count(ActionItem.id))) == 1
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "feedback.create")) == 1


def test_a_new_reflection_saved_in_parallel_is_created_once_and_every_other_save_is_a_conflict(live, world):
    path, data = f"/visits/{world['visit'].id}/reflection", {"went_well": "Drills ran on time", "version": ""}
    db.session.commit()  # and nothing read after it: outside a request the test's session would BEGIN IMMEDIATE on SQLite
    client = Client(live, "mentor.alpha")
    answers = fire(PARALLEL, lambda i: client.post(path, data))
    statuses = Counter(a.status for a in answers)
    assert set(statuses) <= {302, 409} and statuses[302] == 1, statuses
    reflections = db.session.scalars(select(Reflection)).all()
    assert [(r.visit_id, r.mentor_id, r.went_well) for r in reflections] == [(world["visit"].id, world["mentor"].id, "Drills ran on time")]
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "reflection.save")) == 1
