"""The demo programme of DOMAIN.md: invented people at ten real district hospitals. Each area adds its own rows
(<area>/demo.py); build_demo calls them in order.

Deterministic: the same seed and the same anchor date give the same rows. Above the areas (it fills them all, in
one seeded order), so no area and not the kernel imports it.
"""

import random
from datetime import date

from sqlalchemy import func, select

from .auth import demo as auth
from .auth.models import User
from .core.clock import today as programme_today
from .core.extensions import db
from .core.models import Setting
from .defaults import seed_defaults
from .equipment import demo as equipment
from .mentoring import demo as mentoring
from .mentoring.demo_depth import add_programme_depth
from .mentoring.mentee_demo import demo_mentee_engagement
from .people import demo as people
from .people.models import Hospital
from .visits import demo as visits

DEFAULT_SEED = 2021

class DemoRefused(Exception):
    """The database already holds data and no reset was asked for."""


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count(User.id))) and not db.session.scalar(select(func.count(Hospital.id)))


def wipe() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.flush()


def build_demo(seed: int = DEFAULT_SEED, today: date | None = None, reset: bool = False) -> dict[str, int]:
    """Create the demo programme; returns the row counts it made. Flushes, the caller commits."""
    if not database_is_empty():
        if not reset:
            raise DemoRefused("the database already has data; use --reset to replace it with the demo programme")
        wipe()
    today = today or programme_today()  # Kigali's date, as every page reads it, not the server's
    rng = random.Random(seed)
    seed_defaults()
    # One random stream feeds every area, in this order: moving a call changes every row made after it.
    programme = people.add_programme(rng, today)
    counts = dict(programme.counts)
    counts |= auth.add_accounts(programme.hospitals, programme.mentors)
    counts |= people.add_movements(rng, today, programme)
    trainings = people.add_training_logs(rng, today, programme.mentors)
    counts |= visits.add_visits(rng, today, programme.hospitals, programme.mentors)
    counts |= trainings  # reported after the visits, as the command always has
    db.session.add(Setting(key="demo_data", value=f"seed={seed}; anchor={today.isoformat()}"))
    db.session.flush()
    counts |= equipment.add_checks(rng, today, programme.hospitals)
    counts |= mentoring.add_record(rng, today)
    counts |= add_programme_depth(today)  # issue 25: settings, support requests
    demo_hash = db.session.scalar(select(User.password_hash).where(User.username == "coordinator"))  # hashed once
    counts |= demo_mentee_engagement(rng, today, demo_hash)  # issue 22: mentee accounts and what they did
    counts |= visits.add_availability(random.Random(f"{seed}-availability"), today)  # issues 22, 25: own stream, moves no other row
    counts |= mentoring.add_contact_sessions(rng, today)  # issue 25: contact between visits
    # Areas added later: one call each here, after the rows they build on (they draw from rng after the above).
    return counts
