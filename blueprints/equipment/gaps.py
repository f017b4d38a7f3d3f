"""Gap arithmetic shared by the matrix, the hospital page, the history, the CSV and the PDF report."""

from dataclasses import dataclass, field
from datetime import date


def gap(required: int, functional: int) -> int:
    """Required minus functional, never below zero: a spare does not cancel another hospital's need."""
    return max(required - functional, 0)


def severity(required: int, functional: int | None) -> str:
    """One word per cell, shown as text and as a colour: unknown, ok, short, none."""
    if functional is None:
        return "unknown"
    if functional >= required:
        return "ok"
    return "none" if functional == 0 else "short"


@dataclass(slots=True)
class Cell:
    """The current state of one item at one hospital: its last count and how long any gap has lasted.

    `gap` and `severity` are worked out once when the cell is made (the matrix makes 2,520 cells nationally and
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

    def __post_init__(self) -> None:  # gap() and severity() inlined: this runs for every cell of the matrix
        functional, required = self.functional, self.required
        if functional is None:
            self.gap, self.severity = 0, "unknown"
        elif functional >= required:
            self.gap, self.severity = 0, "ok"
        else:
            self.gap, self.severity = required - functional, "none" if functional == 0 else "short"


def gap_run(history, required: int) -> tuple[date | None, int]:
    """From (date, functional) pairs newest first: when the current gap started and over how many checks."""
    since, checks = None, 0
    for checked_on, functional in history:
        if gap(required, functional) == 0:
            break
        since, checks = checked_on, checks + 1
    return since, checks
