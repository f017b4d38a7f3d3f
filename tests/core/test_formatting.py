"""The machine-readable dates in `<time datetime>`: values the HTML standard accepts (issue 17, item 14)."""

from datetime import UTC, date, datetime

import pytest

from blueprints.core.formatting import format_datetime_attribute

pytestmark = pytest.mark.no_db


def test_an_instant_in_a_time_element_is_given_to_the_second_with_its_offset():
    # HTML allows at most three decimals of a second; isoformat() writes six (the checker's error on the audit page).
    assert format_datetime_attribute(datetime(2026, 11, 26, 9, 30, 28, 81629, tzinfo=UTC)) == "2026-11-26T09:30:28+00:00"


def test_a_day_in_a_time_element_is_the_iso_date_and_nothing_is_empty():
    assert format_datetime_attribute(date(2026, 11, 26)) == "2026-11-26"
    assert format_datetime_attribute(None) == ""
