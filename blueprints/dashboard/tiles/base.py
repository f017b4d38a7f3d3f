"""What every tile is made of: the filters read from the URL, the table shown and downloaded, the `Tile` entry
itself, and how many rows a tile shows."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from ...auth.models import User
from ...core import limits

TABLE_ROWS = 15  # rows of a tile's table shown on the page; the CSV has them all
LIST_ROWS = 8    # rows of a tile's own list or chart


@dataclass(frozen=True)
class Filters:
    """The dashboard's date range and province, read from the URL and carried in every tile's URL."""

    start: date
    end: date
    province: str | None = None
    refused: tuple[str, ...] = field(default=(), compare=False)  # dates given but left out (not 2000–2100 dates)
    complete: bool = field(default=False, compare=False)  # the CSV wants every row; the fragment only those it shows

    @classmethod
    def from_args(cls, args, today: date) -> "Filters":
        refused = []

        def day(name: str) -> date | None:
            try:
                return limits.parse_day(args.get(name, ""))
            except ValueError:
                refused.append(name)
                return None

        end = day("to") or today
        start = day("from") or end - timedelta(days=365)
        if start > end:
            start, end = end, start
        return cls(start, end, (args.get("province") or "").strip() or None, tuple(refused))

    def args(self) -> dict:
        values = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.province:
            values["province"] = self.province
        return values


@dataclass
class Table:
    """A tile's numbers: shown under the picture (behind a toggle) and downloaded as CSV."""

    header: list[str]
    rows: list[list] = field(default_factory=list)
    total: int | None = None  # the rows there are, when `rows` holds only the first (a fragment's TABLE_ROWS)

    @property
    def count(self) -> int:
        return len(self.rows) if self.total is None else self.total


@dataclass(frozen=True)
class Tile:
    name: str
    title: str
    roles: tuple[str, ...]
    load: Callable[[Filters, User, date], dict]  # -> template context with at least "table" and "empty"
    detail: Callable[[Filters, User], str]        # the page the tile summarises
    empty: str                                    # what to do when there is nothing to show
    empty_action: tuple[str, Callable[[Filters, User], str]] | None = None  # (label, url) of the next step
    note: str = ""                                # what the filters do not change, said in the tile


def as_of(filters: Filters, today: date) -> date:
    return min(filters.end, today)
