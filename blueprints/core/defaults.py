"""Default content every programme starts with (DOMAIN.md); coordinators can edit it afterwards."""

from sqlalchemy import select

from ..people.models import Department, Profession
from .extensions import db

DEPARTMENTS = (
    ("maternity", "Maternity"),
    ("neonatology", "Neonatology"),
    ("paediatrics", "Paediatrics"),
    ("theatre", "Theatre (anaesthesia)"),
)

# (code, name, is a mentor profession)
PROFESSIONS = (
    ("obgyn", "Obstetrician/gynaecologist", True),
    ("paediatrician", "Paediatrician", True),
    ("anaesthetist", "Anaesthetist", True),
    ("midwife", "Midwife", True),
    ("paediatric_nurse", "Paediatric nurse", True),
    ("general_practitioner", "General practitioner", False),
    ("nurse", "Nurse", False),
    ("anaesthesia_technician", "Anaesthesia technician", False),
)


def seed_defaults() -> None:
    """Insert the departments and professions that are missing; never changes edited rows."""
    have = set(db.session.scalars(select(Department.code)))
    db.session.add_all(Department(code=c, name=n) for c, n in DEPARTMENTS if c not in have)
    have = set(db.session.scalars(select(Profession.code)))
    db.session.add_all(
        Profession(code=c, name=n, is_mentor_profession=m) for c, n, m in PROFESSIONS if c not in have
    )
    db.session.flush()
