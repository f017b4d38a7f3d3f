"""The departments and professions every programme starts with (DOMAIN.md); coordinators can edit them afterwards.
Seeded by blueprints/defaults.py with the other areas' defaults."""

from sqlalchemy import select

from ..core.extensions import db
from ..core.i18n import N_
from .models import Department, Profession

DEPARTMENTS = (
    ("maternity", N_("Maternity")),
    ("neonatology", N_("Neonatology")),
    ("paediatrics", N_("Paediatrics")),
    ("theatre", N_("Theatre (anaesthesia)")),
)

# (code, name, is a mentor profession)
PROFESSIONS = (
    ("obgyn", N_("Obstetrician/gynaecologist"), True),
    ("paediatrician", N_("Paediatrician"), True),
    ("anaesthetist", N_("Anaesthetist"), True),
    ("midwife", N_("Midwife"), True),
    ("paediatric_nurse", N_("Paediatric nurse"), True),
    ("general_practitioner", N_("General practitioner"), False),
    ("nurse", N_("Nurse"), False),
    ("anaesthesia_technician", N_("Anaesthesia technician"), False),
)


def seed() -> None:
    """Insert the departments and professions that are missing; never changes edited rows."""
    have = set(db.session.scalars(select(Department.code)))
    db.session.add_all(Department(code=code, name=name) for code, name in DEPARTMENTS if code not in have)
    have = set(db.session.scalars(select(Profession.code)))
    db.session.add_all(Profession(code=code, name=name, is_mentor_profession=for_mentors)
                       for code, name, for_mentors in PROFESSIONS if code not in have)
