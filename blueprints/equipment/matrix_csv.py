"""The gap matrix as CSV records: every hospital's every item, 25,200 records at scale 10 (issue 23). Each hospital's
and each item's text is written once, through the CSV writer, as the start of its records, and each different cell's
numbers once (6,033 of the 25,200 at scale 10): numbers and days never need quoting, and an unknown cell is empty,
so the records are the writer's own, byte for byte, at half its cost."""

from collections.abc import Iterator

from flask_babel import gettext as _

from ..core.downloads import csv_record
from .forms import WARD_LABELS

UNKNOWN = ",,,,,,\r\n"  # the seven cell columns of an item never counted, after its start's comma


def csv_header() -> list[str]:
    return [_("Hospital"), _("Province"), _("Ward"), _("Item"), _("Critical"), _("Required"), _("Available"),
            _("Functional"), _("Gap"), _("Last checked"), _("Gap since"), _("Checks with the gap")]


def csv_records(rows: list[dict], items: list) -> Iterator[str]:
    """The records of `gap_matrix.matrix`'s rows, in their order, an item's columns then its cell's. A cell's numbers
    are written once per cell object: the matrix makes equal cells one."""
    wards = {ward: str(label) for ward, label in WARD_LABELS.items()}
    yes = _("yes")
    starts = [csv_record((wards[item.ward], item.display_name, yes if item.critical else ""), end=",") for item in items]
    numbers: dict[int, str] = {id(None): UNKNOWN}
    days: dict = {None: ""}
    for row in rows:
        hospital = row["hospital"]
        first = csv_record((hospital.name, hospital.province), end=",")
        for start, cell in zip(starts, row["cells"], strict=True):
            text = numbers.get(id(cell))
            if text is None:
                text = numbers[id(cell)] = _numbers(cell, days)
            yield f"{first}{start}{text}"


def _numbers(cell, days: dict) -> str:
    """A cell's seven columns as the CSV writer writes them (each day's text kept in `days`), and the line end."""
    checked, since = days.get(cell.checked_on), days.get(cell.gap_since)
    if checked is None:
        checked = days[cell.checked_on] = cell.checked_on.isoformat()
    if since is None:
        since = days[cell.gap_since] = cell.gap_since.isoformat()
    available = "" if cell.available is None else cell.available
    functional = "" if cell.functional is None else cell.functional
    return f"{cell.required},{available},{functional},{cell.gap},{checked},{since},{cell.gap_checks}\r\n"
