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


# Rwanda's public holidays that fall on the same date every year (month, day, name).
FIXED_HOLIDAYS = (
    (1, 1, "New Year's Day"),
    (1, 2, "Day after New Year's Day"),
    (2, 1, "National Heroes' Day"),
    (4, 7, "Genocide against the Tutsi Memorial Day"),
    (5, 1, "Labour Day"),
    (7, 1, "Independence Day"),
    (7, 4, "Liberation Day"),
    (8, 15, "Assumption Day"),
    (12, 25, "Christmas Day"),
    (12, 26, "Boxing Day"),
)


def seed_defaults() -> None:
    """Insert the departments, professions, fixed holidays, equipment items, skills and rating scale that are missing;
    never changes edited rows."""
    from ..equipment.catalogue import seed_catalogue
    from ..mentoring.framework import seed_skills
    from ..visits.models import Holiday

    have = set(db.session.scalars(select(Department.code)))
    db.session.add_all(Department(code=c, name=n) for c, n in DEPARTMENTS if c not in have)
    have = set(db.session.scalars(select(Profession.code)))
    db.session.add_all(
        Profession(code=c, name=n, is_mentor_profession=m) for c, n, m in PROFESSIONS if c not in have
    )
    have = {(m, d) for m, d in db.session.execute(select(Holiday.month, Holiday.day).where(Holiday.year.is_(None)))}
    db.session.add_all(Holiday(month=m, day=d, name=n) for m, d, n in FIXED_HOLIDAYS if (m, d) not in have)
    db.session.flush()
    seed_catalogue()
    seed_skills()
    db.session.flush()
