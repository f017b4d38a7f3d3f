"""Rwanda's fixed public holidays, which every programme starts with (visits avoid them); coordinators can edit them
afterwards. Seeded by blueprints/defaults.py with the other areas' defaults."""

from sqlalchemy import select

from ..core.extensions import db
from ..core.i18n import N_
from .models import Holiday

# Rwanda's public holidays that fall on the same date every year (month, day, name).
FIXED_HOLIDAYS = (
    (1, 1, N_("New Year's Day")),
    (1, 2, N_("Day after New Year's Day")),
    (2, 1, N_("National Heroes' Day")),
    (4, 7, N_("Genocide against the Tutsi Memorial Day")),
    (5, 1, N_("Labour Day")),
    (7, 1, N_("Independence Day")),
    (7, 4, N_("Liberation Day")),
    (8, 15, N_("Assumption Day")),
    (12, 25, N_("Christmas Day")),
    (12, 26, N_("Boxing Day")),
)


def seed() -> None:
    """Insert the fixed holidays that are missing (matched by month and day); never changes edited rows."""
    have = {(month, day) for month, day in db.session.execute(select(Holiday.month, Holiday.day).where(Holiday.year.is_(None)))}
    db.session.add_all(Holiday(month=month, day=day, name=name) for month, day, name in FIXED_HOLIDAYS if (month, day) not in have)
