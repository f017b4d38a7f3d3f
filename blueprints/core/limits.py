"""Every bound on what a user may send, declared once: the length of each kind of text (read by the forms'
Length validators and by the columns' String(n) types), the number of rows a list may hold, and the range of
ids and dates. Past these a value is refused with a message, never stored, and never reaches the database
as a number or date it cannot hold (an id over 2^63 or the year 1 were 500s)."""

from datetime import date

from flask import request
from flask_babel import LazyString, gettext
from werkzeug.routing import IntegerConverter

from .formatting import format_day

# Text: the most characters a field holds.
USERNAME = 80
PASSWORD = 200
NAME = 120            # a person, a hospital, a holiday, a home institution
SHORT_NAME = 80       # a team, a district, a province, a skill's area
TITLE = 160           # a skill, an equipment item, a training course
UNIT = 40             # what one counts of an equipment item
PHONE = 40
EMAIL = 120
NOTE = 200            # an absence or a night rota
ATTENDANCE_REASON = 300  # why a mentor did not come
RATING_LABEL = 80     # one level of the rating scale, in one language
SHORT_TEXT = 500      # an equipment count's note, why a feedback is reopened
ACTION_ITEM = 500     # what the mentee is to do
RATING_COMMENT = 500  # the mentor's comment on one skill (one line)
REASON = 1000         # a transfer, a postponed or cancelled visit
VISIT_NOTES = 2000
LONG_TEXT = 5000      # feedback (strengths, areas to improve, the mentee's comment), reflections, learning needs

# Lists: the most rows a form may send.
ACTION_ITEMS = 20     # per feedback
PLAN_ROWS = 2000      # proposals the planner shows and saves at once (12 visits for each of 166 hospitals)

# Numbers and dates.
ID_MAX = 2**63 - 1    # the largest id a BIGINT (and SQLite's INTEGER) holds
PAGE_MAX = 1_000_000  # a page number past every list: the list shows its last page
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def _day_range_message() -> str:
    return gettext("Enter a date between %(first)s and %(last)s.", first=format_day(FIRST_DAY), last=format_day(LAST_DAY))


DAY_RANGE_MESSAGE = LazyString(_day_range_message)  # in the reader's language and date format


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a number past ID_MAX (or longer than 19 digits) matches no route, so it is a 404
    rather than an OverflowError in the query."""

    regex = r"\d{1,19}"

    def __init__(self, map, fixed_digits=0, min=None, max=ID_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def parse_id(value) -> int | None:
    """An id typed or sent as text ('' or None: none); ValueError for anything that is not an id the
    database can hold."""
    if value in ("", None, "None"):
        return None
    number = int(value)
    if not 0 <= number <= ID_MAX:
        raise ValueError(f"{value!r} is not an id")
    return number


def id_or_none(value) -> int | None:
    """`parse_id`, with anything that is not an id taken as none (a hidden field someone edited)."""
    try:
        return parse_id(value)
    except (TypeError, ValueError):
        return None


def parse_day(value) -> date | None:
    """An ISO date ('' or None: none); ValueError outside FIRST_DAY..LAST_DAY or when not a date."""
    if value in ("", None):
        return None
    day = date.fromisoformat(value)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{value!r} is outside {FIRST_DAY}..{LAST_DAY}")
    return day


def id_arg(name: str) -> int | None:
    """An id filter from the query string (`?hospital=3`); missing, malformed or out of range: no filter."""
    return id_or_none(request.args.get(name)) or None


def day_arg(name: str, refused: list[str] | None = None) -> date | None:
    """A date filter from the query string (`?from=2026-01-31`); missing, malformed or out of range: no filter,
    and the name of a refused one goes into `refused` (for the page to say it was left out)."""
    try:
        return parse_day(request.args.get(name, ""))
    except ValueError:
        if refused is not None:
            refused.append(name)
        return None


def page_arg() -> int:
    """The page asked for, from 1 to PAGE_MAX; a page past the list shows its last one."""
    return request.args.get("page", 1, type=lambda value: min(max(int(value), 1), PAGE_MAX))
