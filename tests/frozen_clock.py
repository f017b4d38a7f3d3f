"""The suite's day: every test runs on one fixed date, so what it proves does not depend on the day it runs.

The date is `DEFAULT_TODAY`, or `TEST_TODAY=YYYY-MM-DD` from the environment (`make test-dates` runs the
suite on a month end and a leap day). tests/conftest.py moves the process's clock there (time-machine,
ticking, so sessions and timeouts still see time pass), at `MORNING` in the programme's time zone: the
server's UTC date and Kigali's are then the same. The browser tests keep the real clock (Chromium has
its own, and would drop cookies dated in its past) and pin only the app's today (tests/browser/conftest.py).
"""

import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from blueprints.core.config import DefaultConfig

DEFAULT_TODAY = date(2026, 6, 10)  # an ordinary Wednesday: mid-month, mid-year, no public holiday near
MORNING = time(10, 0)
PROGRAMME_ZONE = ZoneInfo(DefaultConfig.BABEL_DEFAULT_TIMEZONE)


def suite_today() -> date:
    """The programme's today for this run: TEST_TODAY, else DEFAULT_TODAY."""
    raw = os.environ.get("TEST_TODAY", "").strip()
    if not raw:
        return DEFAULT_TODAY
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise pytest.UsageError(f"TEST_TODAY={raw!r} is not a date (YYYY-MM-DD)") from None


def travel(day: date | None = None) -> time_machine.travel:
    """The clock moved to MORNING of `day` (default: the suite's today) in Kigali, and ticking from there.

    The destination is a timestamp, not a zoned datetime, so time-machine leaves the process's TZ alone.
    """
    moment = datetime.combine(day or suite_today(), MORNING, PROGRAMME_ZONE)
    return time_machine.travel(moment.timestamp(), tick=True)
