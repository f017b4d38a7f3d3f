"""The advocacy report's output pinned before its speed-up (issue 25, budget): the page (gaps, requests, the programme's
trend) in English and French, one hospital's report and the CSV are byte for byte what they were.

A deliberate change to the report's wording regenerates the references, then review their diff:
    UPDATE_REFERENCE_REPORT=1 .venv/bin/python -m pytest -n 0 tests/equipment/test_report_output.py
"""

import os
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.equipment import services
from blueprints.equipment.models import EquipmentCheck, EquipmentCount, EquipmentItem
from tests.equipment.helpers import world
from tests.factories import login, make_hospital, make_user

REFERENCE = Path(__file__).parent / "reference"
UPDATE = os.environ.get("UPDATE_REFERENCE_REPORT") == "1"


@pytest.fixture
def report_world():
    """Four hospitals in two provinces, every item counted about every three months for two years (seeded, so the same
    each run), gaps that come and go, and requests open, followed up and answered."""
    w = world()
    w["kibogora"] = make_hospital("Kibogora", team=w["team_b"], province="Western Province")
    w["gisenyi"] = make_hospital("Gisenyi", team=w["team_a"], province="Western Province")
    make_hospital("Never checked", team=w["team_b"], province="Southern Province")
    items = list(db.session.scalars(select(EquipmentItem).where(EquipmentItem.retired.is_(False)).order_by(EquipmentItem.id)))
    chance = random.Random(25)
    for hospital in (w["nemba"], w["byumba"], w["kibogora"], w["gisenyi"]):
        on = date(2024, 6, 1) + timedelta(days=chance.randrange(20))
        while on <= date(2026, 6, 5):
            check = EquipmentCheck(hospital=hospital, check_date=on, completed_at=datetime(2026, 1, 1, tzinfo=UTC))
            db.session.add(check)
            db.session.flush()
            for item in items:
                available = chance.randrange(0, item.required_quantity + 2)
                db.session.add(EquipmentCount(check_id=check.id, item_id=item.id, available=available,
                                              functional=chance.choice((available, available, max(available - 1, 0), 0))))
            db.session.flush()
            on += timedelta(days=80 + chance.randrange(30))
    gapped = [(h, i) for h in ("nemba", "byumba", "kibogora") for i in items[::7]]
    for n, (hospital, item) in enumerate(gapped):
        requested_on = date(2025, 12, 1) + timedelta(days=5 * n)
        request = services.log_request(w[hospital], item, addressee=("ministry", "district", "partner")[n % 3],
                                       requested_on=requested_on, by=w["coordinator"], reference=f"REF/{n}" if n % 2 else "")
        if n % 4 == 1:
            services.add_follow_up(request, followed_up_on=requested_on + timedelta(days=10), note="chased", by=w["coordinator"])
        if n % 5 == 2:
            services.resolve_request(request, outcome="delivered", resolved_on=requested_on + timedelta(days=30), note="two came",
                                     by=w["coordinator"])
    w["coordinator_fr"] = make_user("coordinator", language="fr")
    db.session.commit()
    return w


def _main(page: str) -> str:
    return page.split('<main id="content"', 1)[1].split("</main>", 1)[0]


def _same_as_reference(name: str, text: str) -> None:
    path = REFERENCE / name
    if UPDATE:
        REFERENCE.mkdir(exist_ok=True)
        path.write_bytes(text.encode())
    assert text == path.read_bytes().decode(), f"{name} differs from its reference"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_report_page_says_what_it_said_before_the_speed_up(client, report_world, language):
    login(client, report_world["coordinator" if language == "en" else "coordinator_fr"])
    for query, name in (("", "all"), ("?sort=name&province=Western+Province", "western-by-name"), ("?critical=1", "critical")):
        response = client.get(f"/equipment/report{query}")
        assert response.status_code == 200
        _same_as_reference(f"report-{language}-{name}.html", _main(response.get_data(as_text=True)))


def test_one_hospitals_report_and_the_csv_say_what_they_said_before_the_speed_up(client, report_world):
    login(client, report_world["coordinator"])
    page = client.get(f"/equipment/report?hospital={report_world['nemba'].id}").get_data(as_text=True)
    _same_as_reference("report-en-nemba.html", _main(page).replace(f"/{report_world['nemba'].id}/", "/NEMBA/"))
    _same_as_reference("report-en.csv", client.get("/equipment/report.csv").get_data(as_text=True))
