"""Small factories: each makes one valid row with sensible defaults and flushes it."""

import itertools
from datetime import date

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from blueprints.auth.models import User
from blueprints.core.extensions import db
from blueprints.defaults import seed_defaults
from blueprints.people.models import Assignment, Department, Hospital, Mentee, Mentor, Profession, Team

PASSWORD = "correct horse battery staple"
# Hashed once, with a small scrypt work factor: tests sign in hundreds of times. Production hashes
# use Werkzeug's default cost (see tests/auth/test_passwords.py).
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
_numbers = itertools.count(1)


def profession(code: str) -> Profession:
    seed_defaults()
    return db.session.scalar(select(Profession).where(Profession.code == code))


def department(code: str) -> Department:
    seed_defaults()
    return db.session.scalar(select(Department).where(Department.code == code))


def make_team(name: str | None = None) -> Team:
    team = Team(name=name or f"Team {next(_numbers)}")
    db.session.add(team)
    db.session.flush()
    return team


def make_hospital(name: str | None = None, team: Team | None = None, province: str = "Northern Province") -> Hospital:
    hospital = Hospital(name=name or f"Hospital {next(_numbers)}", district="Gakenke", province=province, team=team)
    db.session.add(hospital)
    db.session.flush()
    return hospital


def make_mentor(team: Team | None = None, profession_code: str = "midwife", name: str | None = None) -> Mentor:
    mentor = Mentor(full_name=name or f"Mentor {next(_numbers)}", profession=profession(profession_code), team=team)
    db.session.add(mentor)
    db.session.flush()
    return mentor


def make_mentee(hospital: Hospital, profession_code: str = "midwife", department_code: str = "maternity", name: str | None = None) -> Mentee:
    mentee = Mentee(
        full_name=name or f"Mentee {next(_numbers)}",
        profession=profession(profession_code),
        hospital=hospital,
        department=department(department_code),
    )
    db.session.add(mentee)
    db.session.flush()
    return mentee


def assign(mentor: Mentor, mentee: Mentee, start: date = date(2026, 1, 5)) -> Assignment:
    assignment = Assignment(mentor=mentor, mentee=mentee, start_date=start)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def make_user(role: str = "coordinator", username: str | None = None, **fields) -> User:
    if role == "hospital_admin" and "hospital" not in fields and "hospital_id" not in fields:
        fields["hospital"] = make_hospital()
    if role == "mentor" and "mentor" not in fields and "mentor_id" not in fields:
        fields["mentor"] = make_mentor()
    if role == "mentee" and "mentee" not in fields and "mentee_id" not in fields:
        fields["mentee"] = make_mentee(make_hospital())
    user = User(
        username=username or f"{role}.{next(_numbers)}",
        display_name=fields.pop("display_name", f"Test {role}"),
        role=role,
        password_hash=_PASSWORD_HASH,
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    return user


def login(client, user_or_name, password: str = PASSWORD, follow: bool = False):
    username = getattr(user_or_name, "username", user_or_name)
    return client.post("/login", data={"username": username, "password": password}, follow_redirects=follow)
