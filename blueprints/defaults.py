"""Default content every programme starts with (DOMAIN.md), each area seeding its own: `flask --app app seed-defaults`
and the demo programme call seed_defaults. Above the areas, so no area and not the kernel imports it."""

from .core.extensions import db
from .core.programme import seed_programme_settings
from .equipment import defaults as equipment
from .mentoring import defaults as mentoring
from .people import defaults as people
from .visits import defaults as visits


def seed_defaults() -> None:
    """Insert each area's default rows that are missing, lowest area first (skills need the professions);
    never changes edited rows."""
    people.seed()
    visits.seed()
    db.session.flush()
    mentoring.seed()
    equipment.seed()
    seed_programme_settings()
    db.session.flush()


def fill_name_translations() -> int:
    """Give default skills and items that have no translations yet the seeded ones; never touches a name a
    coordinator has translated or renamed. Returns how many it filled."""
    return mentoring.fill_skill_translations() + equipment.fill_item_translations()
