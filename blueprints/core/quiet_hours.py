"""Quiet hours: no SMS goes out between their start and their end (a programme setting, 20:00 to 07:00 in the
programme's time zone by default). A message due in them waits until their end; the end itself (07:00) is outside them, so a message asked
for at 07:00 (the day-before visit reminder) goes at 07:00."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from .programme import programme_settings


def quiet_hours() -> tuple[int, int]:
    """The hours (0-23, programme time) quiet hours start and end (a programme setting); equal hours mean none."""
    settings = programme_settings()
    return settings.quiet_hours_start, settings.quiet_hours_end


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def in_quiet_hours(moment: datetime, start: int, end: int, zone: ZoneInfo) -> bool:
    """`moment` (aware) falls in [start, end) of its day in `zone`, across midnight when start > end."""
    hour = moment.astimezone(zone).timetz().replace(tzinfo=None)
    begins, ends = time(start), time(end)
    if start == end:
        return False
    if start < end:
        return begins <= hour < ends
    return hour >= begins or hour < ends


def first_time_allowed(moment: datetime, hours: tuple[int, int] | None = None, zone: ZoneInfo | None = None) -> datetime:
    """`moment` if it is outside quiet hours, else the end of the quiet hours it falls in (UTC)."""
    start, end = hours or quiet_hours()
    zone = zone or _zone()
    if not in_quiet_hours(moment, start, end, zone):
        return moment
    local = moment.astimezone(zone)
    ends = datetime.combine(local.date(), time(end), zone)
    if ends <= local:
        ends = datetime.combine(local.date() + timedelta(days=1), time(end), zone)
    return ends.astimezone(moment.tzinfo)
