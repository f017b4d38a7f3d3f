"""Object-by-object access: every route with an id, asked for another hospital's or another mentor's
object, by GET and by POST, answers 403 or 404 and changes nothing. A route whose id kind this walk
does not know fails the test, so a new route cannot slip past it."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import OutgoingMail, OutgoingSms
from blueprints.core.notify import notify
from blueprints.equipment.models import EquipmentCheck, EquipmentCount, EquipmentItem, EquipmentRequest, EquipmentRequestFollowUp
from blueprints.mentoring.models import ActionItem, ContactSession, Feedback, Reflection, Skill, SkillRating
from blueprints.people.services.absences import add_absence
from blueprints.people.services.transfers import log_transfer
from blueprints.reports.models import ExportJob, StoredSheet
from blueprints.visits.models import Holiday, Visit
from tests.factories import assign, department, login, make_hospital, make_mentee, make_mentor, make_team, make_user

MARKER = "Zzmarker Otherhospital"


def other_hospital_world() -> dict:
    """Hospital A (ours) and hospital B (theirs), each with a team, mentor, mentee and history."""
    team_a, team_b = make_team("Team A"), make_team("Team B")
    hospital_a, hospital_b = make_hospital("Alpha", team=team_a), make_hospital("Beta", team=team_b)
    mentor_a, mentor_b = make_mentor(team_a), make_mentor(team_b, name=f"{MARKER} Mentor")
    mentee_b = make_mentee(hospital_b, name=f"{MARKER} Mentee")
    mentee_b_moving = make_mentee(hospital_b, name=f"{MARKER} Mover")
    assignment_b = assign(mentor_b, mentee_b, start=today() - timedelta(days=30))
    absence_b = add_absence(mentee_b, kind="annual_leave", start_date=today(), end_date=today() + timedelta(days=3),
                            note=f"{MARKER} note")
    admin_b = make_user("hospital_admin", hospital=hospital_b, username="admin.beta")
    transfer_b = log_transfer(mentee_b_moving, kind="department", effective_date=today(),
                              to_department=department("theatre"), reason=f"{MARKER} reason", by=admin_b)
    [notification_b] = notify([admin_b], f"{MARKER} notification")
    visit_b = Visit(hospital=hospital_b, team=team_b, start_date=today() - timedelta(days=1), days=3,
                    end_date=today() + timedelta(days=1), status="confirmed", notes=f"{MARKER} visit")
    db.session.add(visit_b)
    item = db.session.scalar(select(EquipmentItem).order_by(EquipmentItem.id))
    check_b = EquipmentCheck(hospital=hospital_b, check_date=today(), visit=visit_b)
    db.session.add(check_b)
    db.session.flush()
    db.session.add(EquipmentCount(check_id=check_b.id, item_id=item.id, available=1, functional=0, reason="broken",
                                  note=f"{MARKER} count"))
    request_b = EquipmentRequest(hospital_id=hospital_b.id, item_id=item.id, addressee="district", requested_on=today(),
                                 reference=f"{MARKER} reference", follow_ups=[
                                     EquipmentRequestFollowUp(followed_up_on=today(), note=f"{MARKER} follow-up")])
    db.session.add(request_b)
    skill = db.session.scalar(select(Skill).order_by(Skill.id))
    feedback_b = Feedback(visit_id=visit_b.id, mentee_id=mentee_b.id, mentor_id=mentor_b.id, strengths=f"{MARKER} strengths",
                          status="signed", cpd_hours=4,  # so their CPD certificate exists, and must still be refused
                          ratings=[SkillRating(skill_id=skill.id, rating=2, comment=f"{MARKER} rating")])
    db.session.add(feedback_b)
    db.session.flush()
    action_b = ActionItem(feedback_id=feedback_b.id, mentee_id=mentee_b.id, text=f"{MARKER} action", due_date=today())
    db.session.add(action_b)
    reflection_b = Reflection(visit_id=visit_b.id, mentor_id=mentor_b.id, support_needed=f"{MARKER} support",
                              support_topic="staffing")  # a hospital topic: their administrator may see it, ours never
    db.session.add(reflection_b)
    db.session.add(ContactSession(mentee_id=mentee_b.id, mentor_id=mentor_b.id, held_on=today() - timedelta(days=5), mode="phone",
                                  minutes=20, topic=f"{MARKER} contact"))  # issue 25: contact between visits
    coordinator = make_user("coordinator", username="coord.beta")
    export_b = ExportJob(requested_by_id=coordinator.id, date_from=today() - timedelta(days=30), date_to=today(),
                         hospital_ids=[hospital_b.id], status="failed", total=1, error=f"{MARKER} export")
    db.session.add(export_b)
    db.session.add_all([  # the delivery log is the sysadmin's alone
        OutgoingMail(key="walk-mail", to_address="admin.beta@example.org", subject=f"{MARKER} mail", body=MARKER),
        OutgoingSms(key="walk-sms", to_number="+250788000222", text=f"{MARKER} sms", encoding="GSM-7", segments=1)])
    db.session.flush()
    ids = {
        "mentee_id": mentee_b.id, "assignment_id": assignment_b.id, "absence_id": absence_b.id,
        "transfer_id": transfer_b.id, "notification_id": notification_b.id, "user_id": admin_b.id,
        "hospital_id": hospital_b.id, "team_id": team_b.id, "mentor_id": mentor_b.id,
        "visit_id": visit_b.id, "check_id": check_b.id, "item_id": item.id,
        "holiday_id": db.session.scalar(select(Holiday.id).order_by(Holiday.id)),
        "skill_id": skill.id, "reflection_id": reflection_b.id, "job_id": export_b.id,
        "year": visit_b.start_date.year,  # /mentees/<id>/cpd/<year>.pdf
        "feedback_id": feedback_b.id, "action_item_id": action_b.id,  # a mentee's own pages, with mentee B's rows
        "request_id": request_b.id,
    }
    return {"ids": ids, "hospital_a": hospital_a, "mentor_a": mentor_a, "mentee_a": make_mentee(hospital_a, name="Own Mentee")}


def walker(world: dict, role: str):
    """The user who walks: hospital A's administrator, mentor, or a mentee of hospital A (with mentee B's ids)."""
    if role == "hospital_admin":
        return make_user("hospital_admin", hospital=world["hospital_a"])
    if role == "mentee":
        return make_user("mentee", mentee=world["mentee_a"])
    return make_user("mentor", mentor=world["mentor_a"])


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def id_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.arguments and rule.endpoint != "static":
            yield rule


def fill(rule, ids) -> str | None:
    values = {}
    for argument in rule.arguments:
        if not isinstance(rule._converters.get(argument), IntegerConverter):  # the app's bounded id converter is one; a default has none
            return None  # secret tokens are credentials of their own; tested in their feature's tests
        if argument not in ids:
            pytest.fail(f"the access walk does not know the id kind {argument!r} of {rule.rule}: add it to other_hospital_world()")
        values[argument] = ids[argument]
    return rule.build(values, append_unknown=False)[1]


# Routes a role may legitimately reach for any object (none yet: coordinators see all, so they are not walked).
@pytest.mark.parametrize("role", ["hospital_admin", "mentor", "mentee"])
def test_another_hospitals_objects_are_refused_by_get_and_post_and_nothing_changes(app, client, role):
    world = other_hospital_world()
    user = walker(world, role)
    login(client, user)
    before = row_counts()
    checked = 0
    for rule in id_routes(app):
        path = fill(rule, world["ids"])
        if path is None:
            continue
        for method in ("GET", "POST"):
            if method not in rule.methods:
                continue
            response = client.open(path, method=method, data={"end_date": today().isoformat()})
            assert response.status_code in (403, 404), f"{role} {method} {path} -> {response.status_code}"
            assert MARKER.encode() not in response.data, f"{role} {method} {path} shows the other hospital's data"
            checked += 1
    assert checked >= 10
    after = row_counts()
    after.pop("audit_event"), before.pop("audit_event")  # sign-in rows only
    assert after == before


@pytest.mark.parametrize("role", ["hospital_admin", "mentor", "mentee"])
def test_marker_never_appears_on_pages_another_hospital_can_reach(app, client, role):
    world = other_hospital_world()
    user = walker(world, role)
    login(client, user)
    pages = [r.rule for r in app.url_map.iter_rules()
             if not r.arguments and "GET" in r.methods and r.endpoint not in ("static", "auth.logout")]
    for path in pages:
        for query in ("", "?q=Zzmarker", "?status=all"):
            response = client.get(path + query)
            assert MARKER.encode() not in response.data, f"{role} GET {path}{query} shows the other hospital's data"
            response = client.get(path + query, headers={"HX-Request": "true"})
            assert MARKER.encode() not in response.data, f"{role} htmx GET {path}{query} shows the other hospital's data"


# A signed sheet's PDF is stored by the job queue when it is signed off, and again when a stored one is acknowledged
# (reports/prerender.py); else by its first download, as here (the suite leaves it to the download:
# SHEETS_RENDER_WHEN_SIGNED). A copy of data, not data (reports/stored_sheets.py): the walk's only one is checked below.
DERIVED_TABLES = {"stored_sheet"}


def test_get_requests_never_change_data(app, client):
    """Every GET route, for every role, leaves the row counts as they were (bar stored copies of signed sheets)."""
    world = other_hospital_world()
    ids = world["ids"]
    users = [make_user("coordinator"), make_user("sysadmin"), make_user("hospital_admin", hospital=world["hospital_a"]),
             make_user("mentor", mentor=world["mentor_a"]), make_user("mentee", mentee=world["mentee_a"])]
    for user in users:
        login(client, user)
        before = row_counts()
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in ("static",):
                continue
            path = fill(rule, ids) if rule.arguments else rule.rule
            if path is None:
                continue
            client.get(path)
            client.get(path, headers={"HX-Request": "true"})
        after = row_counts()
        for table in DERIVED_TABLES:
            after.pop(table), before.pop(table)
        assert after == before, f"a GET changed data for {user.role}"
        client.post("/logout")
    assert db.session.scalars(select(StoredSheet.feedback_id)).all() == [ids["feedback_id"]]  # the coordinator's download


@pytest.mark.parametrize("role", ["hospital_admin", "mentor"])
def test_pages_kept_for_offline_are_the_users_own_and_never_show_another_hospital(app, client, role):
    """Issue 21: the set of pages a phone keeps (GET /offline/bedside) holds only pages this user opens, none showing
    another hospital's data, although the other hospital has a visit, a check and feedback under way too."""
    world = other_hospital_world()
    hospital_a, mentor_a = world["hospital_a"], world["mentor_a"]
    mentee_a = make_mentee(hospital_a, name="Own Mentee")
    assign(mentor_a, mentee_a, start=today() - timedelta(days=30))
    current = Visit(hospital=hospital_a, team=mentor_a.team, start_date=today(), days=2, end_date=today() + timedelta(days=1),
                    status="confirmed")
    held = Visit(hospital=hospital_a, team=mentor_a.team, start_date=today() - timedelta(days=6), days=3,
                 end_date=today() - timedelta(days=4), status="held")
    db.session.add_all([current, held])
    db.session.flush()
    db.session.add(EquipmentCheck(hospital=hospital_a, check_date=today(), visit=current))
    user = (make_user("hospital_admin", hospital=hospital_a) if role == "hospital_admin"
            else make_user("mentor", mentor=mentor_a))
    db.session.commit()
    login(client, user)
    kept = client.get("/offline/bedside").get_json()["urls"]
    expected = {"mentor": [f"/visits/{current.id}/attendance", f"/visits/{held.id}/feedback/{mentee_a.id}"],
                "hospital_admin": ["/equipment/checks/"]}[role]
    assert all(any(path.startswith(e) for path in kept) for e in expected), kept
    for path in kept:
        response = client.get(path)
        assert response.status_code == 200, f"{role} keeps {path}, which answers {response.status_code}"
        assert MARKER.encode() not in response.data, f"{role} keeps {path}, which shows the other hospital's data"
