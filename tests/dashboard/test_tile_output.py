"""The coordinator's tiles and the national CSVs pinned before their speed-up at ten times national scale (issue 23,
item 5): each tile's fragment and CSV, the equipment matrix CSV and the mentee CSV are what they were.

A deliberate change to what they say regenerates the references, then review their diff:
    UPDATE_REFERENCE_TILES=1 .venv/bin/python -m pytest -n 0 tests/dashboard/test_tile_output.py
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.mentoring.models import ContactSession, Reflection
from tests.dashboard.helpers import make_visit, programme, write_feedback
from tests.dashboard.test_engagement_tile import engaged_mentees
from tests.equipment.helpers import make_check
from tests.factories import assign, login, make_mentee, make_user

REFERENCE = Path(__file__).parent / "reference"
UPDATE = os.environ.get("UPDATE_REFERENCE_TILES") == "1"
TILES = ("cadence", "visits", "consistency", "missed", "turnover", "writing", "support", "equipment", "refresher", "engagement")
RANGE = {"from": "2025-06-10", "to": "2026-06-10"}


@pytest.fixture
def national():
    """Nine hospitals in two provinces with held visits at uneven intervals, contact sessions between them, feedback
    signed, drafted and missing, reflections asking for support, critical and other equipment gaps, and mentees with
    accounts (the same rows every run)."""
    made = programme(6) | {"west": programme(3, province="Western Province", prefix="W")}
    day = today()
    for n, (hospital, team, mentor, mentee) in enumerate(zip(made["hospitals"], made["teams"], made["mentors"], made["mentees"],
                                                              strict=True)):
        for k in range(n % 4):
            visit = make_visit(hospital, team, day - timedelta(days=40 + 55 * k + 7 * n))
            if k % 2 == 0:
                write_feedback(visit, mentor, mentee, status="signed" if n % 2 else "draft")
            if k == 1:
                db.session.add(Reflection(visit_id=visit.id, mentor_id=mentor.id, support_needed=f"Gloves {n}"))
        for k in range(n % 3 + 1):
            db.session.add(ContactSession(mentee_id=mentee.id, mentor_id=mentor.id, held_on=day - timedelta(days=20 + 90 * k + n),
                                          mode="phone", minutes=20, topic="Partograph"))
        make_check(hospital, day - timedelta(days=10 + n), {"Bubble CPAP": (2, n % 3), "Oxygen source": (1, n % 2),
                                                            "Pulse oximeter": (3, 1), "Scales": (1, 1)})
    west = made["west"]
    for n, (hospital, team, mentor) in enumerate(zip(west["hospitals"], west["teams"], west["mentors"], strict=True)):
        visit = make_visit(hospital, team, day - timedelta(days=30 + 11 * n))
        engaged_mentees(hospital, mentor, visit, 2 + n, prefix=f"W{n}")
        late = make_mentee(hospital, name=f"W{n} Not Written")
        assign(mentor, late, start=visit.start_date - timedelta(days=50))
    db.session.commit()
    return made


def _without_ids(text: str) -> str:
    """Row ids differ between databases and runs; what the pages say does not."""
    return re.sub(r"(?<=[/=])\d+(?=[/\"&?#])", "#", text)


def _same_as_reference(name: str, text: str) -> None:
    path = REFERENCE / name
    text = _without_ids(text)
    if UPDATE:
        REFERENCE.mkdir(exist_ok=True)
        path.write_bytes(text.encode())
    assert text == path.read_bytes().decode(), f"{name} differs from its reference"


def test_each_coordinator_tile_and_its_csv_say_what_they_said_before_the_speed_up(client, national):
    login(client, make_user("coordinator"))
    for name in TILES:
        for query, suffix in ((RANGE, ""), (RANGE | {"province": "Western Province"}, "-west")):
            fragment = client.get(f"/dashboard/tiles/{name}", query_string=query, headers={"HX-Request": "true"})
            assert fragment.status_code == 200
            _same_as_reference(f"tile-{name}{suffix}.html", fragment.get_data(as_text=True))
            table = client.get(f"/dashboard/tiles/{name}.csv", query_string=query)
            _same_as_reference(f"tile-{name}{suffix}.csv", table.get_data(as_text=True))


def test_the_national_csvs_say_what_they_said_before_the_speed_up(client, national):
    coordinator = make_user("coordinator", language="fr")
    login(client, coordinator)
    _same_as_reference("matrix-fr.csv", client.get("/equipment/matrix.csv").get_data(as_text=True))
    _same_as_reference("matrix-fr-west-critical.csv",
                       client.get("/equipment/matrix.csv?province=Western+Province&critical=1").get_data(as_text=True))
    _same_as_reference("mentees-fr-all.csv", client.get("/mentees/export.csv?status=all").get_data(as_text=True))



def test_the_writing_tile_in_french_says_what_it_said_before_it_read_stored_counts(client, national):
    """Pinned before the tile read the maintained counts per visit (issue 23); only coordinators see it."""
    login(client, make_user("coordinator", language="fr"))
    for query, suffix in ((RANGE, ""), (RANGE | {"province": "Western Province"}, "-west")):
        fragment = client.get("/dashboard/tiles/writing", query_string=query, headers={"HX-Request": "true"})
        assert fragment.status_code == 200
        _same_as_reference(f"tile-writing-fr{suffix}.html", fragment.get_data(as_text=True))
        table = client.get("/dashboard/tiles/writing.csv", query_string=query)
        _same_as_reference(f"tile-writing-fr{suffix}.csv", table.get_data(as_text=True))


def test_the_consistency_equipment_and_engagement_tiles_say_in_french_what_they_said_before_the_speed_up(client, national):
    login(client, make_user("coordinator", language="fr"))
    for name in ("consistency", "equipment", "engagement"):
        for query, suffix in ((RANGE, ""), (RANGE | {"province": "Western Province"}, "-west")):
            fragment = client.get(f"/dashboard/tiles/{name}", query_string=query, headers={"HX-Request": "true"})
            assert fragment.status_code == 200
            _same_as_reference(f"tile-{name}{suffix}-fr.html", fragment.get_data(as_text=True))
            table = client.get(f"/dashboard/tiles/{name}.csv", query_string=query)
            assert table.get_data(as_text=True).split(",")[0] in ("\ufeffHôpital", "\ufeffMesure")  # the catalogue is compiled
            _same_as_reference(f"tile-{name}{suffix}-fr.csv", table.get_data(as_text=True))
