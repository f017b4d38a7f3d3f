"""How dates and instants are shown: `26 Nov 2026` for days, local time for instants."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def format_day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return f"{value.day} {value:%b %Y}"


def to_local(value: datetime) -> datetime:
    return value.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def format_instant(value: datetime | None) -> str:
    if value is None:
        return ""
    local = to_local(value)
    return f"{format_day(local.date())} {local:%H:%M}"
