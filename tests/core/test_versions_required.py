"""An edit form saved without its `version` never overwrites (issue 16, item 9): every form that carries a version
is posted with the field left out after someone else saved the record; the save is refused and their change
stays. The same post with the version the page now shows saves, so the refusal is the version's doing."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import Setting
from blueprints.equipment.models import EquipmentCount, EquipmentItem
from blueprints.equipment.services import save_count, start_visit_check
from blueprints.mentoring.framework import RATING_SCALE_KEY
from blueprints.mentoring.models import Feedback, Reflection
from blueprints.mentoring.services import scale_version
from blueprints.people.models import Mentee
from blueprints.visits.models import Visit
from tests.factories import login, profession
from tests.mentoring import conftest as mentoring
from tests.mentoring.conftest import form_data, url
from tests.visits.conftest import make_visit

world = mentoring.world  # the mentoring world (a fixture) serves here too


def refused(response) -> bool:
    return response.status_code in (409, 422)


def test_a_mentee_saved_without_its_version_is_refused(client, world):
    mentee = world["mentee"]
    mentee.full_name = "Their Name"  # someone else's save
    db.session.flush()
    login(client, world["coordinator"])
    data = {"full_name": "My Name", "profession_id": profession("midwife").id, "phone": "", "preferred_language": "en"}
    assert refused(client.post(f"/mentees/{mentee.id}/edit", data=data))
    assert db.session.get(Mentee, mentee.id).full_name == "Their Name"
    assert client.post(f"/mentees/{mentee.id}/edit", data={**data, "version": mentee.version}).status_code == 302
    assert db.session.get(Mentee, mentee.id).full_name == "My Name"


def test_a_visit_edited_without_its_version_is_refused(client, world):
    visit = world["planned"]
    visit.notes = "Their notes"
    db.session.flush()
    login(client, world["coordinator"])
    data = {"hospital_id": visit.hospital_id, "team_id": visit.team_id, "start_date": visit.start_date.isoformat(),
            "days": visit.days, "notes": "My notes"}
    assert refused(client.post(f"/visits/{visit.id}/edit", data=data))
    assert db.session.get(Visit, visit.id).notes == "Their notes"
    assert client.post(f"/visits/{visit.id}/edit", data={**data, "version": visit.version}).status_code == 302
    assert db.session.get(Visit, visit.id).notes == "My notes"


def test_a_visit_status_changed_without_its_version_is_refused(client, world):
    visit = make_visit(world["nemba"], world["team"], today() + timedelta(days=40))
    visit.notes = "Their notes"
    db.session.flush()
    login(client, world["coordinator"])
    data = {"status": "cancelled", "reason": "Road closed"}
    assert refused(client.post(f"/visits/{visit.id}/status", data=data))
    assert db.session.get(Visit, visit.id).status == "planned"
    assert client.post(f"/visits/{visit.id}/status", data={**data, "version": visit.version}).status_code == 302
    assert db.session.get(Visit, visit.id).status == "cancelled"


def test_feedback_saved_or_signed_without_its_version_is_refused(client, world):
    login(client, world["mentor_user"])
    assert client.post(url(world), data=form_data(world, version="0")).status_code == 302
    feedback = db.session.scalar(select(Feedback))
    feedback.strengths = "Their strengths"
    db.session.flush()
    mine = {k: v for k, v in form_data(world, strengths="My strengths").items() if k != "version"}
    assert refused(client.post(url(world), data=mine))
    client.post(url(world, suffix="/sign"), data={})  # refused: back to the form with a message
    feedback = db.session.get(Feedback, feedback.id)
    assert (feedback.strengths, feedback.status) == ("Their strengths", "draft")
    assert client.post(url(world), data={**mine, "version": feedback.version}).status_code == 302
    assert db.session.get(Feedback, feedback.id).strengths == "My strengths"


def test_a_reflection_saved_without_its_version_is_refused(client, world):
    reflection = Reflection(visit_id=world["visit"].id, mentor_id=world["mentor"].id, went_well="Their words")
    db.session.add(reflection)
    db.session.flush()
    login(client, world["mentor_user"])
    path = f"/visits/{world['visit'].id}/reflection"
    data = {"went_well": "My words", "challenges": "", "mentees_absent": "", "equipment_problems": "", "support_needed": ""}
    assert refused(client.post(path, data=data))
    assert db.session.get(Reflection, reflection.id).went_well == "Their words"
    assert client.post(path, data={**data, "version": reflection.version}).status_code == 302
    assert db.session.get(Reflection, reflection.id).went_well == "My words"


def test_an_equipment_count_saved_without_its_version_is_refused(client, world):
    check = start_visit_check(world["visit"], by=world["nemba_admin"])
    item = db.session.scalar(select(EquipmentItem).order_by(EquipmentItem.id))
    row = save_count(check, item, available=3, functional=3, reason=None, note="Their count", version=0, by=world["nemba_admin"])
    login(client, world["nemba_admin"])
    path = f"/equipment/checks/{check.id}/items/{item.id}"
    data = {f"i{item.id}-available": "3", f"i{item.id}-functional": "1", f"i{item.id}-reason": "broken",
            f"i{item.id}-note": "My count"}
    assert refused(client.post(path, data=data))
    assert db.session.get(EquipmentCount, row.id).note == "Their count"
    assert client.post(path, data={**data, f"i{item.id}-version": row.version}).status_code == 302
    assert db.session.get(EquipmentCount, row.id).note == "My count"


@pytest.mark.parametrize("first_save", [False, True])
def test_the_rating_scale_saved_without_its_version_is_refused(client, world, first_save):
    """Also the very first save, over the scale shipped by default (no setting row had a version to compare)."""
    setting = db.session.get(Setting, RATING_SCALE_KEY)
    if first_save:
        db.session.delete(setting)
    else:
        labels = json.loads(setting.value)
        labels["5"]["en"] = "their top label"
        setting.value = json.dumps(labels)
    db.session.flush()
    login(client, world["coordinator"])
    page = client.get("/skills/scale").get_data(as_text=True)
    version = page.split('name="version" value="')[1].split('"')[0]
    data = {f"label-{n}-en": f"level {n}" for n in range(1, 6)}
    assert refused(client.post("/skills/scale", data=data))
    db.session.expire_all()
    assert db.session.get(Setting, RATING_SCALE_KEY) is None if first_save else "their top label" in db.session.get(
        Setting, RATING_SCALE_KEY).value
    assert version and version == scale_version(db.session.get(Setting, RATING_SCALE_KEY).value if not first_save else "")
    assert client.post("/skills/scale", data={**data, "version": version}).status_code == 302
    assert "level 5" in db.session.get(Setting, RATING_SCALE_KEY).value
