"""The demo programme has equipment gaps that are true to the problem: no CPAP, short oxygen, one labour monitor."""

import re

from blueprints.core.extensions import db
from blueprints.equipment import gap_matrix
from blueprints.equipment.models import EquipmentItem
from tests.factories import login


def test_demo_checks_show_lasting_gaps_and_a_repair(runner, client):
    assert runner.invoke(args=["demo-data", "--today", "2026-11-26"]).exit_code == 0
    login(client, "coordinator", password="mentorship-demo")
    page = client.get("/equipment/").data.decode()
    assert re.search(r"no functional Bubble CPAP at Nemba since \d+ \w+ \d{4} \(\d+ months, \d+ checks\)", page)
    assert "CTG / fetal monitor (labour monitor) short at Byumba" in page
    rutongo = next(h for h in gap_matrix.scoped_hospitals(type("U", (), {"role": "coordinator"})()) if h.name == "Rutongo")
    cpap = db.session.scalar(db.select(EquipmentItem).where(EquipmentItem.name == "Bubble CPAP"))
    history = client.get(f"/equipment/hospitals/{rutongo.id}/items/{cpap.id}").data
    assert b"Enough working at the last check" in history
    assert "✉<span class=\"visually-hidden\">request open" in page  # issue 25.6: the demo's requests, on the matrix and in the advocacy report
    report = client.get("/equipment/report").data.decode().split("<h2>Requests</h2>")[1]
    assert "Nemba · Bubble CPAP" in report and "MoH/MNCH/2026/031" in report
    assert "Refused, " in report and "Partly delivered, " in report and "Delivered, " in report

