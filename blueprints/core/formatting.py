"""How dates, instants and numbers are shown, in the current language with Babel: `26 Nov 2026` for days
(`26 nov. 2026` in French), local time for instants, decimal marks as the language writes them."""

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import get_month_names
from babel.lists import format_list
from babel.numbers import format_decimal
from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

DAY_PATTERN = "d MMM y"
MONTH_PATTERN = "MMMM y"


def _locale():
    return get_locale() or "en"


def format_day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return _format_date(value, DAY_PATTERN, _locale())


def format_month(value: date | None, pattern: str = MONTH_PATTERN) -> str:
    """A month in the current language ('November 2026', 'novembre 2026'); `pattern` is a CLDR pattern."""
    if value is None:
        return ""
    return _format_date(value, pattern, _locale())


@lru_cache(maxsize=8192)
def _format_date(value: date, pattern: str, locale) -> str:
    """Babel's format_date costs ~0.1 ms a call (it parses the pattern and looks up the month names each time);
    a page of 60 rows or a matrix of 2,500 cells shows a few dozen distinct dates, so each is worked out once
    per process and language. Pure: the same date, pattern and locale always give the same string."""
    return babel_format_date(value, pattern, locale=locale)


def day_said(input_id: str, value: date | str | None) -> Markup:
    """What follows a date input: its day in the reader's language (the browser writes the input in its own locale,
    often another), kept in step by static/js/app.js from the month names given here (DAY_PATTERN: d MMM y). A form
    sent back with its errors holds the typed text, which is said only when it is a day."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            value = None
    months = ",".join(get_month_names("abbreviated", locale=_locale()).values())
    return Markup('<output class="day-said small" id="{0}-day" for="{0}" data-months="{1}">{2}</output>').format(
        input_id, months, format_day(value) if isinstance(value, date) else "")


def to_local(value: datetime) -> datetime:
    return value.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def format_instant(value: datetime | None) -> str:
    if value is None:
        return ""
    local = to_local(value)
    return f"{format_day(local.date())} {local:%H:%M}"


def format_datetime_attribute(value: date | datetime | None) -> str:
    """The machine-readable value of `<time datetime>`: 2026-11-26 for a day, an instant to the second with its
    offset (HTML allows at most three decimals of a second, and `isoformat()` writes six)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def format_number(value: float | int | None, digits: int = 1) -> str:
    """A number as the current language writes it (1,234.5 in English, 1 234,5 in French), at most `digits`
    decimals."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0." + "#" * digits if digits else "#,##0", locale=_locale())


def format_names(names: list[str]) -> str:
    """Names joined as the current language lists them ('A, B and C', 'A, B et C')."""
    return format_list(list(names), locale=_locale()) if names else ""
