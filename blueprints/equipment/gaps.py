"""Gap arithmetic: what a gap is, the cell each page shows, and the words for how long a gap has lasted. When a gap
began and over how many checks is worked out once, in SQL, by gap_matrix.cells_from_counts (kept in the status rows)."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import get_translations


def gap(required: int, functional: int) -> int:
    """Required minus functional, never below zero: a spare does not cancel another hospital's need."""
    return max(required - functional, 0)


@dataclass(slots=True)
class Cell:
    """The current state of one item at one hospital: its last count and how long any gap has lasted.

    `gap` and `severity` (unknown, ok, short, none) are worked out once when the cell is made (the matrix makes 2,520 cells nationally and
    reads both several times each); a plain slotted dataclass, as a frozen one costs twice as much to build.
    Treat it as read-only."""

    required: int
    available: int | None = None
    functional: int | None = None
    checked_on: date | None = None
    gap_since: date | None = None
    gap_checks: int = 0
    gap: int = field(init=False, repr=False, compare=False)
    severity: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:  # gap() inlined: this runs for every cell of the matrix
        functional, required = self.functional, self.required
        if functional is None:
            self.gap, self.severity = 0, "unknown"
        elif functional >= required:
            self.gap, self.severity = 0, "ok"
        else:
            self.gap, self.severity = required - functional, "none" if functional == 0 else "short"


def gap_duration(since: date, checks: int, today: date, translations=None) -> str:
    """'14 months, 13 checks': how long a gap has lasted, from its first check to the programme's today, in whole
    months (days under a month), and how many checks saw it. The one place the matrix, the hospital page, the
    report, its CSV and its PDF get this wording; `translations` lets a page pass the request's catalogue once."""
    t = translations or get_translations()
    months = (today.year - since.year) * 12 + today.month - since.month - (today.day < since.day)
    if months > 0:
        time = t.ungettext("%(num)s month", "%(num)s months", months) % {"num": months}
    else:
        days = (today - since).days
        time = t.ungettext("%(num)s day", "%(num)s days", days) % {"num": days}
    return t.ugettext("%(time)s, %(checks)s") % {
        "time": time, "checks": t.ungettext("%(num)s check", "%(num)s checks", checks) % {"num": checks}}
