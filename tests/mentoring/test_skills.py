"""Skills framework: seeded from DOMAIN.md (idempotent), the rating scale a setting, coordinators add, edit, retire."""

from sqlalchemy import func, select

from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent, Setting
from blueprints.defaults import seed_defaults
from blueprints.mentoring.framework import RATING_SCALE_KEY, rating_scale
from blueprints.mentoring.models import Skill
from blueprints.people.models import Profession
from tests.conftest import count_queries
from tests.factories import login, make_user, profession


def skill_count() -> int:
    return db.session.scalar(select(func.count(Skill.id)))


def test_seed_adds_every_professions_skills_once_and_never_undoes_a_coordinators_edit():
    seed_defaults()
    count = skill_count()
    assert count == 61  # five mentor professions and the three mentee-only ones (issue 25)
    skill = db.session.scalar(select(Skill).where(Skill.name == "Partograph"))
    skill.name = "Partograph and labour care guide"
    db.session.flush()
    seed_defaults()
    assert skill_count() == count
    assert db.session.get(Skill, skill.id).name == "Partograph and labour care guide"
    names = set(db.session.scalars(select(Skill.name).join(Profession).where(Profession.code == "anaesthetist")))
    assert "WHO surgical safety checklist" in names


def test_rating_scale_is_a_setting_with_the_domain_default():
    seed_defaults()
    assert rating_scale() == {1: "not yet able", 2: "needs much help", 3: "needs some help", 4: "competent", 5: "can teach others"}
    db.session.get(Setting, RATING_SCALE_KEY).value = '[[1, "weak"], [2, "fair"], [3, "good"]]'
    db.session.flush()
    assert rating_scale() == {1: "weak", 2: "fair", 3: "good"}


def test_coordinator_adds_edits_and_retires_a_skill_and_it_is_audited(client):
    login(client, make_user("coordinator"))
    midwife = profession("midwife")
    response = client.post("/skills/new", data={"profession_id": midwife.id, "area": "Midwifery", "name": "Shoulder dystocia drill",
                                                 "position": "20"})
    assert response.status_code == 302
    skill = db.session.scalar(select(Skill).where(Skill.name == "Shoulder dystocia drill"))
    response = client.post(f"/skills/{skill.id}/edit", data={"profession_id": midwife.id, "area": "Midwifery",
                                                              "name": "Shoulder dystocia", "position": "20"})
    assert response.status_code == 302 and db.session.get(Skill, skill.id).name == "Shoulder dystocia"
    assert client.post(f"/skills/{skill.id}/retire").status_code == 302
    assert db.session.get(Skill, skill.id).retired_on is not None
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "skill")))
    assert actions == {"skill.create", "skill.update", "skill.retire"}
    assert b"Shoulder dystocia" not in client.get("/skills/").data
    assert b"Shoulder dystocia" in client.get("/skills/?retired=1").data


def test_a_skill_without_a_name_or_with_a_taken_name_is_refused_next_to_the_field(client):
    login(client, make_user("coordinator"))
    midwife = profession("midwife")
    before = skill_count()
    response = client.post("/skills/new", data={"profession_id": midwife.id, "name": "", "position": "1"})
    assert response.status_code == 422 and b"Give the skill a name." in response.data
    response = client.post("/skills/new", data={"profession_id": midwife.id, "name": "partograph", "position": "1"})
    assert response.status_code == 422 and b"already has a skill with that name" in response.data
    assert b'value="partograph"' in response.data  # nothing typed is lost
    assert skill_count() == before


def test_only_coordinators_manage_skills(client):
    for role in ("mentor", "hospital_admin", "sysadmin"):
        login(client, make_user(role))
        assert client.get("/skills/").status_code == 403
        assert client.post("/skills/new", data={"name": "x"}).status_code == 403
        client.post("/logout")


def test_skills_list_queries_do_not_grow_with_rows(client):
    login(client, make_user("coordinator"))
    seed_defaults()
    with count_queries() as few:
        assert client.get("/skills/").status_code == 200
    midwife = profession("midwife")
    db.session.add_all(Skill(profession_id=midwife.id, name=f"Extra {n}", position=50 + n) for n in range(60))
    db.session.flush()
    with count_queries() as many:
        assert client.get("/skills/").status_code == 200
    assert len(many) == len(few) <= 10
