"""The suite's frozen clock (tests/frozen_clock.py): every test runs on one day, TEST_TODAY moves it."""

import time
from datetime import date

import pytest
import time_machine

from blueprints.core.clock import today
from tests.frozen_clock import DEFAULT_TODAY, suite_today


def test_every_test_runs_on_the_suites_day_in_the_app_and_on_the_server():
    assert today() == suite_today()
    assert date.today() == suite_today()  # the server's date agrees: it is morning in Kigali


@pytest.mark.no_db
def test_the_frozen_clock_still_ticks_so_timeouts_see_time_pass():
    before = time.time()
    time.sleep(0.01)
    assert time.time() > before


@pytest.mark.no_db
def test_the_suites_day_is_test_today_when_set(monkeypatch):
    monkeypatch.setenv("TEST_TODAY", "2028-02-29")
    assert suite_today() == date(2028, 2, 29)
    monkeypatch.setenv("TEST_TODAY", "")
    assert suite_today() == DEFAULT_TODAY
    monkeypatch.setenv("TEST_TODAY", "29/02/2028")
    with pytest.raises(pytest.UsageError, match="TEST_TODAY"):
        suite_today()


@pytest.mark.no_db
@pytest.mark.time_machine(date(2027, 1, 31))
def test_a_test_can_choose_its_own_day_with_time_machines_marker():
    assert date.today() == date(2027, 1, 31)


@pytest.mark.no_db
@pytest.mark.real_clock
def test_a_test_marked_real_clock_keeps_the_real_time():
    assert not time_machine.escape_hatch.is_travelling()
