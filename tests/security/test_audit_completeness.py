"""Audit completeness: each kind of change, made once through the app, leaves exactly the audit rows it
should (one per action), and no password, password hash or session cookie reaches the audit trail or
the logs."""

import io
import json
import logging
import re
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from blueprints.auth.models import User
from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent, Setting
from blueprints.mentoring.framework import RATING_SCALE_KEY
from blueprints.mentoring.services import scale_version
from blueprints.people.models import Absence, Assignment, Hospital, Mentee, Mentor, Team, Transfer
from blueprints.visits.models import Visit
from tests.factories import PASSWORD, department, profession
from tests.security.world import build_world

NEW_PASSWORD = "violet lantern quietly hums"
ADMIN_SET_PASSWORD = "copper kettle on a windowsill"
USER_PASSWORD = "marble staircase under the rain"


def audit_ids() -> set[int]:
    return set(db.session.scalars(select(AuditEvent.id)))


class Trail:
    """Runs one change and checks the audit rows it added, by action."""

    def __init__(self, client):
        self.client = client
        self.seen = audit_ids()
        self.checked: list[str] = []

    def expect(self, response, *actions: str, status=(302, 303, 200)):
        errors = re.findall(r'class="field-error" id="([^"]+)">([^<]*)', response.get_data(as_text=True))
        assert response.status_code in status, (actions, response.status_code, errors)
        db.session.expire_all()
        now = audit_ids()
        new = db.session.scalars(select(AuditEvent).where(AuditEvent.id.in_(now - self.seen))).all()
        self.seen = now
        assert Counter(e.action for e in new) == Counter(actions), f"expected {actions}, got {[e.action for e in new]}"
        self.checked.extend(actions)
        return new


def sign_in(client, username, password=PASSWORD):
    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": password}).status_code == 302


def test_each_change_leaves_exactly_its_audit_rows_and_no_secret(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.WARNING, logger="sqlalchemy")  # SQL echo would show bound parameters; the app's logs are the point
    world = build_world("Audit")
    hospital, other, team, mentor, mentee = world["hospital"], world["other"], world["team"], world["mentor"], world["mentee"]
    maternity, theatre = department("maternity"), department("theatre")
    cookies: set[str] = set()

    # --- users (system administrator) ---
    sign_in(client, "sys.world")
    trail = Trail(client)
    trail.expect(client.post("/users/new", data={
        "username": "new.user", "display_name": "New User", "role": "coordinator", "hospital_id": "", "mentor_id": "",
        "active": "y", "password": USER_PASSWORD, "confirm": USER_PASSWORD}), "user.create")
    new_user = db.session.scalar(select(User).where(User.username == "new.user"))
    trail.expect(client.post(f"/users/{new_user.id}/edit", data={
        "username": "new.user", "display_name": "New User Renamed", "role": "coordinator", "hospital_id": "", "mentor_id": "",
        "active": "y"}), "user.update")
    trail.expect(client.post(f"/users/{new_user.id}/password", data={
        "password": ADMIN_SET_PASSWORD, "confirm": ADMIN_SET_PASSWORD}), "user.password_reset")
    cookies.add(client.get_cookie("session").value)

    # --- own password, then everything a coordinator does ---
    trail.expect(client.post("/logout"), "logout")
    trail.expect(client.post("/login", data={"username": "coord.world", "password": PASSWORD}), "login.success")
    cookies.add(client.get_cookie("session").value)
    trail.expect(client.post("/account", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}), "user.password_change")
    cookies.add(client.get_cookie("session").value)

    trail.expect(client.post("/mentees/new", data={
        "full_name": "Eric Niyonzima", "profession_id": profession("midwife").id, "hospital_id": hospital.id,
        "department_id": maternity.id, "phone": ""}), "mentee.create")
    new_mentee = db.session.scalar(select(Mentee).where(Mentee.full_name == "Eric Niyonzima"))
    trail.expect(client.post(f"/mentees/{new_mentee.id}/edit", data={
        "full_name": "Eric Niyonzima", "profession_id": profession("midwife").id, "hospital_id": hospital.id,
        "department_id": maternity.id, "phone": "0788 123 456", "version": new_mentee.version}), "mentee.update")
    trail.expect(client.post(f"/mentees/{new_mentee.id}/assign", data={
        "mentor_id": mentor.id, "start_date": (today() - timedelta(days=3)).isoformat()}), "assignment.create")
    assignment = db.session.scalar(select(Assignment).where(Assignment.mentee_id == new_mentee.id))
    trail.expect(client.post(f"/assignments/{assignment.id}/end", data={
        "end_date": today().isoformat(), "end_reason": "completed"}), "assignment.end")

    # A move dated in the future: logged now, cancelled; a move dated today: logged and applied at once.
    trail.expect(client.post(f"/mentees/{new_mentee.id}/transfer", data={
        "kind": "department", "effective_date": (today() + timedelta(days=10)).isoformat(),
        "to_department_id": theatre.id, "to_hospital_id": "", "reason": "rota"}), "transfer.create")
    transfer = db.session.scalar(select(Transfer).where(Transfer.mentee_id == new_mentee.id))
    trail.expect(client.post(f"/transfers/{transfer.id}/cancel"), "transfer.cancel")
    trail.expect(client.post(f"/mentees/{new_mentee.id}/transfer", data={
        "kind": "department", "effective_date": today().isoformat(),
        "to_department_id": theatre.id, "to_hospital_id": "", "reason": "rota"}), "transfer.create", "transfer.apply")

    trail.expect(client.post(f"/mentees/{mentee.id}/absences", data={
        "kind": "sick_leave", "start_date": (today() + timedelta(days=30)).isoformat(),
        "end_date": (today() + timedelta(days=31)).isoformat(), "note": "flu"}), "absence.create")
    absence = db.session.scalar(select(Absence).where(Absence.mentee_id == mentee.id, Absence.note == "flu"))
    trail.expect(client.post(f"/absences/{absence.id}/delete"), "absence.delete")

    trail.expect(client.post("/hospitals/new", data={
        "name": "Kibuye District Hospital", "district": "Musanze", "province": "Northern Province",
        "department_ids": [maternity.id], "team_id": ""}), "hospital.create")
    new_hospital = db.session.scalar(select(Hospital).where(Hospital.name == "Kibuye District Hospital"))
    trail.expect(client.post(f"/hospitals/{new_hospital.id}/edit", data={
        "name": "Kibuye District Hospital", "district": "Burera", "province": "Northern Province",
        "department_ids": [maternity.id], "team_id": ""}), "hospital.update")
    trail.expect(client.post("/teams/new", data={"name": "Team West"}), "team.create")
    new_team = db.session.scalar(select(Team).where(Team.name == "Team West"))
    trail.expect(client.post(f"/teams/{new_team.id}/edit", data={"name": "Team West Two"}), "team.update")
    scale = {f"label-{n}-{lang}": f"level {n} {lang}" for n in range(1, 6) for lang in ("en", "fr", "rw")}
    scale["version"] = scale_version(db.session.get(Setting, RATING_SCALE_KEY).value)
    trail.expect(client.post("/skills/scale", data=scale), "rating_scale.update")
    trail.expect(client.post("/mentors/new", data={
        "full_name": "Jeanne Mukamana", "profession_id": profession("midwife").id, "team_id": team.id,
        "home_institution": "CHUK", "phone": "", "email": "", "active": "y"}), "mentor.create")
    new_mentor = db.session.scalar(select(Mentor).where(Mentor.full_name == "Jeanne Mukamana"))
    trail.expect(client.post(f"/mentors/{new_mentor.id}/edit", data={
        "full_name": "Jeanne Mukamana", "profession_id": profession("midwife").id, "team_id": team.id,
        "home_institution": "CHUB", "phone": "", "email": "", "active": "y"}), "mentor.update")
    trail.expect(client.post(f"/mentors/{new_mentor.id}/trainings", data={
        "title": "Helping Babies Breathe", "course_date": (today() - timedelta(days=2)).isoformat(), "hours": "6",
        "is_refresher": "y"}), "training.create")

    start = today() + timedelta(days=60)
    trail.expect(client.post("/visits/new", data={
        "hospital_id": other.id, "team_id": other.team_id, "start_date": start.isoformat(), "days": "2", "notes": "n"}),
        "visit.create")
    visit = db.session.scalar(select(Visit).where(Visit.hospital_id == other.id, Visit.start_date == start))
    trail.expect(client.post(f"/visits/{visit.id}/status", data={
        "status": "confirmed", "reason": "", "new_start_date": "", "version": visit.version}), "visit.confirmed")
    on_visit = world["visit"]
    trail.expect(client.post(f"/visits/{on_visit.id}/attendance", data={f"mentor-{mentor.id}": "present"}),
                 "visit.attendance")
    check, item = world["check"], world["other_item"]
    trail.expect(client.post(f"/equipment/checks/{check.id}/items/{item.id}", data={
        f"i{item.id}-available": "3", f"i{item.id}-functional": "3", f"i{item.id}-reason": "", f"i{item.id}-note": "ok",
        f"i{item.id}-version": "0"}), "equipment_count.save")
    trail.expect(client.post(f"/reports/exports/{world['ids']['job_id']}/retry"), "export.retry")

    # --- roster import (a hospital administrator) ---
    trail.expect(client.post("/logout"), "logout")
    trail.expect(client.post("/login", data={"username": "admin.world", "password": PASSWORD}), "login.success")
    cookies.add(client.get_cookie("session").value)
    content = "full_name,profession,department,phone\nRoster One,midwife,maternity,\nRoster Two,midwife,maternity,\n"
    preview = client.post("/mentees/import", data={"file": (io.BytesIO(content.encode()), "roster.csv")},
                          content_type="multipart/form-data")
    trail.expect(preview, status=(200,))  # the preview saves nothing and audits nothing
    trail.expect(client.post("/mentees/import/save", data={"content": content}, content_type="multipart/form-data"),
                 "roster.import", "mentee.create", "mentee.create")
    trail.expect(client.post("/logout"), "logout")

    assert len(set(trail.checked)) >= 25

    # --- no secret anywhere in the trail or the logs ---
    secrets = {PASSWORD, NEW_PASSWORD, ADMIN_SET_PASSWORD, USER_PASSWORD, *cookies}
    secrets |= {u.password_hash for u in db.session.scalars(select(User))}
    secrets |= {h.split("$")[-1] for h in list(secrets) if h.startswith("scrypt:")}  # the bare digest and salt
    secrets.discard("")
    rows = db.session.scalars(select(AuditEvent)).all()
    trail_text = "\n".join(
        " ".join(str(v) for v in (e.action, e.summary, e.username, e.ip, e.object_type,
                                  json.dumps(e.before, default=str), json.dumps(e.after, default=str)))
        for e in rows)
    assert "scrypt:" not in trail_text and "password_hash" not in trail_text
    for secret in secrets:
        assert secret not in trail_text, "a secret is in the audit trail"
    logs = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    for secret in secrets:
        assert secret not in logs, "a secret is in the logs"
    assert "scrypt:" not in logs
