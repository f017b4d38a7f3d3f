"""The coordinator's calendar month and the visit page pinned before their speed-up at ten times national scale
(issue 23, item 5): what they say, in English and French, is what it was.

A deliberate change to what they say regenerates the references, then review their diff:
    UPDATE_REFERENCE_PAGES=1 .venv/bin/python -m pytest -n 0 tests/visits/test_page_output.py
"""

import os
import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.visits.models import MentorAttendance, Visit
from tests.dashboard.helpers import make_visit
from tests.dashboard.test_tile_output import national  # noqa: F401 (the fixture)
from tests.factories import login, make_user

REFERENCE = Path(__file__).parent / "reference"
UPDATE = os.environ.get("UPDATE_REFERENCE_PAGES") == "1"


def same_as_reference(name: str, text: str) -> None:
    """Row ids and the CSRF token differ between databases and runs; what the page says does not."""
    text = re.sub(r"(?<=[/=])\d+(?=[/\"&?#])", "#", text)
    text = re.sub(r'(?<==")\d+(?=")', "#", text)  # ids as whole attribute values (options, data-offline-user)
    for token in set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', text)):
        text = text.replace(token, "#")
    path = REFERENCE / name
    if UPDATE:
        path.write_bytes(text.encode())
    assert text == path.read_bytes().decode(), f"{name} differs from its reference"


def test_the_calendar_month_and_the_visit_page_say_what_they_said_before_the_speed_up(client, national):  # noqa: F811
    day = today()
    hospital, team, mentor = national["hospitals"][2], national["teams"][2], national["mentors"][2]
    postponed = make_visit(hospital, team, day + timedelta(days=10), status="postponed")
    make_visit(national["hospitals"][3], national["teams"][3], day + timedelta(days=12), status="cancelled", days=2)
    db.session.add(MentorAttendance(visit_id=national["next_visits"][2].id, mentor_id=mentor.id, present=True))
    held = db.session.scalar(select(Visit).where(Visit.hospital_id == hospital.id, Visit.start_date == day - timedelta(days=54)))
    db.session.commit()
    for language in ("en", "fr"):
        login(client, make_user("coordinator", language=language, display_name=f"Coordinator {language}"))
        for month in ("2026-04", "2026-06"):
            page = client.get(f"/calendar/?month={month}")
            assert page.status_code == 200
            same_as_reference(f"calendar-{month}-{language}.html", page.get_data(as_text=True))
        west = client.get("/calendar/?month=2026-05&province=Western+Province", headers={"HX-Request": "true"})
        same_as_reference(f"calendar-west-{language}.html", west.get_data(as_text=True))
        for visit in (held, national["next_visits"][2], postponed):
            same_as_reference(f"visit-{visit.status}-coordinator-{language}.html", client.get(f"/visits/{visit.id}").get_data(as_text=True))
        client.post("/logout")
    login(client, make_user("mentor", mentor=mentor))
    same_as_reference("calendar-2026-06-mentor.html", client.get("/calendar/?month=2026-06").get_data(as_text=True))
    for visit in (held, national["next_visits"][2]):
        same_as_reference(f"visit-{visit.status}-mentor.html", client.get(f"/visits/{visit.id}").get_data(as_text=True))
