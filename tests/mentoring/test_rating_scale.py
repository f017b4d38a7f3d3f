"""The rating scale setting: levels 1..N labelled in English, French and Kinyarwanda, edited by a coordinator;
a level some rating uses is never removed; audited; read in the current locale with English as the fallback."""

import json
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent, Setting
from blueprints.defaults import seed_defaults
from blueprints.mentoring.framework import RATING_SCALE_KEY, rating_scale, rating_scale_labels
from blueprints.mentoring.models import Feedback, SelfAssessment, SkillRating
from blueprints.mentoring.services import scale_version
from tests.factories import login, make_user
from tests.mentoring.conftest import midwife_skills

FRENCH = {1: "pas encore capable", 2: "a besoin de beaucoup d'aide", 3: "a besoin d'un peu d'aide", 4: "compétent",
          5: "peut enseigner aux autres"}
KINYARWANDA = {1: "Ntarabishobora", 2: "Akeneye ubufasha bwinshi", 3: "Akeneye ubufasha buke", 4: "Arabishoboye",
               5: "Ashobora kwigisha abandi"}
ENGLISH = {1: "not yet able", 2: "needs much help", 3: "needs some help", 4: "competent", 5: "can teach others"}


def scale_form(levels: list[tuple[str, str, str]], remove=(), version=None) -> dict:
    """The form as the page posts it, with the version of the scale now saved unless another is given."""
    data = {}
    for n, (en, fr, rw) in enumerate(levels, start=1):
        data.update({f"label-{n}-en": en, f"label-{n}-fr": fr, f"label-{n}-rw": rw})
    for n in remove:
        data[f"remove-{n}"] = "1"
    setting = db.session.get(Setting, RATING_SCALE_KEY)
    data["version"] = version if version is not None else scale_version(setting.value if setting else "")
    return data


def default_rows() -> list[tuple[str, str, str]]:
    return [(ENGLISH[n], FRENCH[n], KINYARWANDA[n]) for n in range(1, 6)]


def stored() -> dict:
    return json.loads(db.session.get(Setting, RATING_SCALE_KEY).value)


def test_seeded_scale_has_labels_in_english_french_and_kinyarwanda():
    seed_defaults()
    assert stored()["4"] == {"en": "competent", "fr": "compétent", "rw": "Arabishoboye"}
    assert rating_scale("en") == ENGLISH
    assert rating_scale("fr") == FRENCH
    assert rating_scale("rw") == KINYARWANDA


def test_rating_scale_defaults_to_the_current_locale_and_falls_back_to_english(app):
    seed_defaults()
    with app.test_request_context():
        assert rating_scale() == ENGLISH
        with force_locale("fr"):
            assert rating_scale() == FRENCH
        with force_locale("rw"):
            assert rating_scale()[5] == "Ashobora kwigisha abandi"
    assert rating_scale("sw") == ENGLISH  # a language the scale has no labels in
    db.session.get(Setting, RATING_SCALE_KEY).value = json.dumps({"1": {"en": "weak", "fr": ""}, "2": {"en": "good", "fr": "bon"}})
    db.session.flush()
    assert rating_scale("fr") == {1: "weak", 2: "bon"}


def test_the_old_plain_format_is_still_read_and_its_default_gains_translations_on_seed():
    db.session.add(Setting(key=RATING_SCALE_KEY, value='[[1, "weak"], [2, "fair"], [3, "good"]]'))
    db.session.flush()
    assert rating_scale("fr") == {1: "weak", 2: "fair", 3: "good"}
    assert rating_scale_labels()[2] == {"en": "fair", "fr": "", "rw": ""}
    seed_defaults()
    assert rating_scale("en") == {1: "weak", 2: "fair", 3: "good"}  # a coordinator's own scale is theirs
    db.session.get(Setting, RATING_SCALE_KEY).value = json.dumps([[n, label] for n, label in ENGLISH.items()])
    db.session.flush()
    seed_defaults()
    assert rating_scale("fr") == FRENCH


def test_coordinator_relabels_and_adds_a_level_and_it_is_audited(client):
    seed_defaults()
    login(client, make_user("coordinator"))
    page = client.get("/skills/scale")
    assert page.status_code == 200 and "peut enseigner aux autres" in page.text and "not observed" in page.text
    rows = default_rows()
    rows[3] = ("competent alone", "compétent seul", "Arabishoboye wenyine")
    rows.append(("expert", "expert", ""))
    response = client.post("/skills/scale", data=scale_form(rows))
    assert response.status_code == 302
    assert rating_scale("en")[4] == "competent alone" and rating_scale("en")[6] == "expert"
    assert rating_scale("rw")[6] == "expert"  # blank Kinyarwanda falls back to English
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rating_scale.update"))
    assert event.before["4"]["en"] == "competent" and event.after["4"]["en"] == "competent alone"
    assert event.after["6"] == {"en": "expert", "fr": "expert", "rw": ""}
    # the blank row for adding a level adds nothing when left blank; saving the same scale audits nothing more
    assert client.post("/skills/scale", data=scale_form([*rows, ("", "", "")])).status_code == 302
    assert db.session.scalar(select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "rating_scale.update")) == 1


def test_a_new_level_is_accepted_in_feedback(client, world):
    from tests.mentoring.conftest import form_data, url

    seed_defaults()
    login(client, world["coordinator"])
    assert client.post("/skills/scale", data=scale_form([*default_rows(), ("expert", "", "")])).status_code == 302
    login(client, world["mentor_user"])
    skill = midwife_skills()[0]
    assert client.post(url(world), data=form_data(world, **{f"rating-{skill.id}": "6"})).status_code == 302
    assert db.session.scalar(select(SkillRating.rating).where(SkillRating.skill_id == skill.id)) == 6


def _rate(world, rating: int) -> None:
    skill = midwife_skills()[0]
    db.session.add(Feedback(visit_id=world["visit"].id, mentee_id=world["mentee"].id, mentor_id=world["mentor"].id,
                            ratings=[SkillRating(skill_id=skill.id, rating=rating)]))
    db.session.flush()


def test_removing_a_level_that_ratings_use_is_refused_with_a_clear_message(client, world):
    seed_defaults()
    _rate(world, 5)
    login(client, world["coordinator"])
    before = db.session.get(Setting, RATING_SCALE_KEY).value
    response = client.post("/skills/scale", data=scale_form(default_rows(), remove=[5]))
    assert response.status_code == 422
    assert "Level 5 cannot be removed: 1 rating uses it" in response.text
    assert db.session.get(Setting, RATING_SCALE_KEY).value == before
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rating_scale.update")) is None


def test_a_level_a_self_assessment_uses_is_not_removed_either(client, world):
    seed_defaults()
    skill = midwife_skills()[0]
    db.session.add(SelfAssessment(mentee_id=world["mentee"].id, assessed_on=date(2026, 1, 5), ratings={str(skill.id): 5}))
    db.session.flush()
    login(client, world["coordinator"])
    response = client.post("/skills/scale", data=scale_form(default_rows()[:4]))  # the top row simply left out
    assert response.status_code == 422 and "Level 5 cannot be removed" in response.text
    assert max(rating_scale()) == 5


def test_a_level_no_rating_uses_is_removed_from_the_top(client, world):
    seed_defaults()
    _rate(world, 4)
    login(client, world["coordinator"])
    assert client.post("/skills/scale", data=scale_form(default_rows(), remove=[5])).status_code == 302
    assert rating_scale() == {n: ENGLISH[n] for n in range(1, 5)}


@pytest.mark.parametrize(("rows", "remove", "message"), [
    (default_rows(), [2], "Only the highest levels can be removed"),
    ([("only", "", "")], [], "at least 2 levels"),
    ([("low", "", ""), ("", "moyen", ""), ("high", "", "")], [], "Level 2 needs an English label"),
    ([("same", "", ""), ("Same", "", "")], [], "the same English label"),
    ([("low", "x" * 81, ""), ("high", "", "")], [], "at most 80 characters"),
    ([(f"level {n}", "", "") for n in range(11)], [], "at most 10 levels"),
])
def test_a_scale_that_would_break_is_refused_and_nothing_saved(client, rows, remove, message):
    seed_defaults()
    login(client, make_user("coordinator"))
    before = db.session.get(Setting, RATING_SCALE_KEY).value
    response = client.post("/skills/scale", data=scale_form(rows, remove=remove))
    assert response.status_code == 422
    assert message in response.text
    assert db.session.get(Setting, RATING_SCALE_KEY).value == before


def test_saving_over_a_newer_scale_is_a_conflict_that_keeps_nothing(client):
    seed_defaults()
    login(client, make_user("coordinator"))
    response = client.post("/skills/scale", data=scale_form(default_rows()[:3] + [("four", "", ""), ("five", "", "")],
                                                              version="0000000000000000"))
    assert response.status_code == 409
    assert rating_scale()[4] == "competent"


@pytest.mark.parametrize("role", ["mentor", "hospital_admin", "sysadmin"])
def test_only_a_coordinator_edits_the_scale(client, world, role):
    seed_defaults()
    user = {"mentor": world["mentor_user"], "hospital_admin": world["nemba_admin"]}.get(role) or make_user("sysadmin")
    login(client, user)
    assert client.get("/skills/scale").status_code == 403
    assert client.post("/skills/scale", data=scale_form([("a", "", ""), ("b", "", "")])).status_code == 403
    assert rating_scale()[5] == "can teach others"
