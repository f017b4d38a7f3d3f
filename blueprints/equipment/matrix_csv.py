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
    """The records of `gap_matrix.matrix`'s rows, in their order, an item's columns then its cell's."""
    wards = {ward: str(label) for ward, label in WARD_LABELS.items()}
    yes = _("yes")
    starts = [csv_record((wards[item.ward], item.display_name, yes if item.critical else ""), end=",") for item in items]
    numbers: dict[tuple, str] = {}
    for row in rows:
        hospital = row["hospital"]
        first = csv_record((hospital.name, hospital.province), end=",")
        for start, cell in zip(starts, row["cells"], strict=True):
            if cell is None:
                yield f"{first}{start}{UNKNOWN}"
                continue
            state = (cell.required, cell.available, cell.functional, cell.gap, cell.checked_on, cell.gap_since, cell.gap_checks)
            text = numbers.get(state)
            if text is None:
                text = numbers[state] = ",".join("" if value is None else str(value) for value in state) + "\r\n"
            yield f"{first}{start}{text}"
