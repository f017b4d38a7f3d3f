"""The live-server harness (tests/live.py) really overlaps requests, and answers as production does."""

import time

from blueprints.core.extensions import db
from tests.factories import make_user
from tests.live import Client, fire


def test_parallel_requests_reach_a_live_server_signed_in_and_overlap(live):
    make_user("coordinator", username="coord")
    db.session.commit()
    client = Client(live, "coord")
    started = time.monotonic()
    answers = fire(8, lambda i: client.get("/"))
    assert [a.status for a in answers] == [200] * 8
    assert all("Sign out" in a.body for a in answers)
    assert time.monotonic() - started < 30


def test_a_live_server_shows_the_error_page_for_a_missing_record(live):
    make_user("coordinator", username="coord")
    db.session.commit()
    answer = Client(live, "coord").get("/mentees/999999")
    assert answer.status == 404
    assert "Not found" in answer.body
