"""The demo programme's accounts: the system administrator, the coordinator, one administrator per hospital and one
account per mentor, all with the same password (README). Called by blueprints/demo.py."""

from werkzeug.security import generate_password_hash

from ..core.extensions import db
from ..core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR, SYSADMIN
from .models import User

DEMO_PASSWORD = "mentorship-demo"


def add_accounts(hospitals, mentors) -> dict[str, int]:
    """An account for each role; `hospitals` and `mentors` are the demo's, in their order (admin.<hospital>, mentor.NN)."""
    password_hash = generate_password_hash(DEMO_PASSWORD)  # hashed once: the same password for every account
    users = [
        User(username="sysadmin", display_name="System Administrator (demo)", role=SYSADMIN),
        User(username="coordinator", display_name="Programme Coordinator (demo)", role=COORDINATOR,
             email="coordinator@example.org"),
    ]
    users += [
        User(username=f"admin.{hospital.name.lower()}", display_name=f"{hospital.name} Administrator (demo)", role=HOSPITAL_ADMIN,
             hospital=hospital, email=f"admin.{hospital.name.lower()}@example.org", phone=f"+250788900{number:03d}")
        for number, hospital in enumerate(hospitals, start=1)
    ]
    users += [
        User(username=f"mentor.{number:02d}", display_name=mentor.full_name, role=MENTOR, mentor=mentor)
        for number, mentor in enumerate(mentors, start=1)
    ]
    for user in users:
        user.password_hash = password_hash
    db.session.add_all(users)
    return {"users": len(users)}
