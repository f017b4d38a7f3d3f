"""The programme's settings (cadence, overdue limit, mentee cap, visit length, refresher interval, SMS quiet hours): rows of the
setting table a coordinator edits, seeded once from the server's configuration. Every reader goes through
`programme_settings()`, one query per request whatever the number of rows it judges."""

from dataclasses import asdict, dataclass, fields

from flask import current_app, g, has_app_context
from flask_babel import lazy_gettext, lazy_ngettext
from sqlalchemy import select

from .extensions import db
from .models import Setting

PREFIX = "programme."


@dataclass(frozen=True)
class ProgrammeSettings:
    visit_days: int
    cadence_days: int
    overdue_after_days: int
    max_active_mentees: int
    refresher_interval_days: int
    quiet_hours_start: int  # no SMS from this hour (programme time)...
    quiet_hours_end: int  # ...until this one (core/quiet_hours.py)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


# Each setting's configuration key (its default for a new installation) and the values it may take.
CONFIG_KEYS = {
    "visit_days": "VISIT_DAYS",
    "cadence_days": "VISIT_CADENCE_DAYS",
    "overdue_after_days": "OVERDUE_AFTER_DAYS",
    "max_active_mentees": "MAX_ACTIVE_MENTEES",
    "refresher_interval_days": "REFRESHER_INTERVAL_DAYS",
    "quiet_hours_start": "SMS_QUIET_HOURS_START",
    "quiet_hours_end": "SMS_QUIET_HOURS_END",
}
BOUNDS = {
    "visit_days": (1, 14),
    "cadence_days": (7, 365),
    "overdue_after_days": (8, 730),
    "max_active_mentees": (1, 20),
    "refresher_interval_days": (7, 1095),
    "quiet_hours_start": (0, 23),
    "quiet_hours_end": (0, 23),
}


def range_message(name: str):
    """What a setting out of its bounds is told, beside its field."""
    low, high = BOUNDS[name]
    if name.startswith("quiet_hours_"):
        return lazy_gettext("An hour from %(low)s to %(high)s (24-hour clock).", low=low, high=high)
    if name == "max_active_mentees":
        return lazy_ngettext("From %(low)s to %(num)s mentee.", "From %(low)s to %(num)s mentees.", high, low=low)
    return lazy_ngettext("From %(low)s to %(num)s day.", "From %(low)s to %(num)s days.", high, low=low)


NAMES = tuple(f.name for f in fields(ProgrammeSettings))


def configured_defaults() -> dict[str, int]:
    """The server configuration's values: what a new installation starts with."""
    return {name: int(current_app.config[key]) for name, key in CONFIG_KEYS.items()}


def programme_settings() -> ProgrammeSettings:
    """The settings in force: the saved rows, the configuration for any not saved; read once per request."""
    cached = g.get("programme_settings") if has_app_context() else None
    if cached is not None:
        return cached
    values = configured_defaults()
    for key, value in db.session.execute(select(Setting.key, Setting.value).where(Setting.key.in_([PREFIX + n for n in NAMES]))):
        try:
            values[key.removeprefix(PREFIX)] = int(value)
        except ValueError:
            current_app.logger.warning("programme setting %s is not a number: %r; the configured value applies", key, value)
    settings = ProgrammeSettings(**values)
    g.programme_settings = settings
    return settings


def forget_programme_settings() -> None:
    """After a save: the next reader in this request sees the new values."""
    g.pop("programme_settings", None)


def seed_programme_settings() -> None:
    """Save the configured value of each setting not saved yet; never changes a saved one."""
    have = set(db.session.scalars(select(Setting.key).where(Setting.key.startswith(PREFIX))))
    db.session.add_all(Setting(key=PREFIX + name, value=str(value))
                       for name, value in configured_defaults().items() if PREFIX + name not in have)
    forget_programme_settings()
