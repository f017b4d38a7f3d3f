"""The equipment check rule: when a hospital's next check is due (one visit cadence after its last check; now when it
has never been checked) and whether that day has passed. The hospital administrator's home page reads it here."""

from datetime import date, timedelta

from ..core.programme import programme_settings


def next_check_due(last_checked: date | None, today: date) -> tuple[date, bool]:
    """(the day the next check is due, whether it is overdue: due before today)."""
    due = last_checked + timedelta(days=programme_settings().cadence_days) if last_checked else today
    return due, due < today
