"""The visit cadence rule: how long since a hospital's last held visit, and whether the next one is due."""

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..core.enums import LabelledEnum


class CadenceStatus(LabelledEnum):
    """Computed, never stored: from the days since the last held visit and the programme's settings."""

    ON_TRACK = "on_track", _l("on track"), "ok"
    DUE = "due", _l("due"), "due"
    OVERDUE = "overdue", _l("overdue"), "overdue"
    NEVER = "never", _l("never visited"), "overdue"


def cadence_status(last_held: date | None, today: date) -> tuple[int | None, CadenceStatus]:
    """Days since the last held visit and the status it gives, by the programme's settings."""
    if last_held is None:
        return None, CadenceStatus.NEVER
    days = (today - last_held).days
    if days > current_app.config["OVERDUE_AFTER_DAYS"]:
        return days, CadenceStatus.OVERDUE
    if days > current_app.config["VISIT_CADENCE_DAYS"]:
        return days, CadenceStatus.DUE
    return days, CadenceStatus.ON_TRACK
