"""Gap arithmetic shared by the matrix, the hospital page, the history, the CSV and the PDF report."""

from dataclasses import dataclass
from datetime import date
from functools import cached_property


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


@dataclass(frozen=True)
class Cell:
    """The current state of one item at one hospital: its last count and how long any gap has lasted."""

    required: int
    available: int | None = None
    functional: int | None = None
    checked_on: date | None = None
    gap_since: date | None = None
    gap_checks: int = 0

    @cached_property  # read several times per cell by the matrix (totals, severity, sentence): 2,520 cells nationally
    def gap(self) -> int:
        return 0 if self.functional is None else gap(self.required, self.functional)

    @cached_property
    def severity(self) -> str:
        return severity(self.required, self.functional)


def gap_run(history, required: int) -> tuple[date | None, int]:
    """From (date, functional) pairs newest first: when the current gap started and over how many checks."""
    since, checks = None, 0
    for checked_on, functional in history:
        if gap(required, functional) == 0:
            break
        since, checks = checked_on, checks + 1
    return since, checks
