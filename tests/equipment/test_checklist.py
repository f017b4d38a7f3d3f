"""The checklist: filled during a visit or by the hospital, one row saved at a time, bad input refused on its row."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.equipment.models import EquipmentCheck, EquipmentCount
from tests.equipment.helpers import item, make_check, make_visit, world
from tests.factories import login

HX = {"HX-Request": "true"}


@pytest.fixture
def w():
    return world()


def row_data(item_id, available, functional, reason="", note="", version=0):
    p = f"i{item_id}-"
    return {p + "available": available, p + "functional": functional, p + "reason": reason, p + "note": note, p + "version": version}


def start_visit_check(client, w):
    response = client.post(f"/equipment/visits/{w['visit'].id}/check")
    assert response.status_code == 302
    return db.session.scalar(select(EquipmentCheck).where(EquipmentCheck.visit_id == w["visit"].id))


def test_a_mentor_marks_cpap_absent_during_the_visit_and_every_view_shows_the_same_gap(client, w):
    login(client, w["mentor_a"])
    check = start_visit_check(client, w)
    assert check.check_date == today()
    cpap = item("Bubble CPAP")
    saved = client.post(f"/equipment/checks/{check.id}/items/{cpap.id}", data=row_data(cpap.id, 0, 0), headers=HX)
    assert saved.status_code == 200 and b"Saved." in saved.data and b"<html" not in saved.data
    client.post("/logout")

    login(client, w["coordinator"])
    sentence = f"no functional Bubble CPAP at Nemba since {today().day} {today():%b %Y} (0 days, 1 check)".encode()
    matrix = client.get("/equipment/").data
    assert b"0/2" in matrix and sentence in matrix
    csv = client.get("/equipment/matrix.csv").data.decode()
    assert f"Nemba,Northern Province,Neonatal unit,Bubble CPAP,yes,2,0,0,2,{today().isoformat()},{today().isoformat()},1" in csv
    report = client.get("/equipment/report").data
    assert b"Bubble CPAP" in report and b"Nemba" in report
    pdf = client.get("/equipment/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/equipment/hospitals/{w['nemba'].id}/report.pdf").data.startswith(b"%PDF")


@pytest.mark.parametrize("available, functional, message", [
    ("2", "3", b"Functional cannot be more than available (2)."),
    ("-1", "0", b"Type a whole number, 0 or more."),
    ("two", "1", b"Type a whole number, 0 or more."),
    ("", "1", b"Type a whole number, 0 or more."),
])
def test_bad_numbers_are_refused_on_their_row_with_422_and_other_rows_are_kept(client, w, available, functional, message):
    login(client, w["admin"])
    check = make_check(w["nemba"], today(), {}, complete=False)
    oxygen, cpap = item("Oxygen source"), item("Bubble CPAP")
    assert client.post(f"/equipment/checks/{check.id}/items/{oxygen.id}", data=row_data(oxygen.id, 1, 1), headers=HX).status_code == 200
    response = client.post(f"/equipment/checks/{check.id}/items/{cpap.id}", data=row_data(cpap.id, available, functional), headers=HX)
    assert response.status_code == 422
    assert message in response.data and b'id="row-%d"' % cpap.id in response.data
    assert f'value="{available}"'.encode() in response.data  # what was typed stays in the row
    rows = db.session.scalars(select(EquipmentCount).where(EquipmentCount.check_id == check.id)).all()
    assert [(r.item_id, r.functional) for r in rows] == [(oxygen.id, 1)]


def test_a_reason_is_required_when_some_do_not_work(client, w):
    login(client, w["admin"])
    check = make_check(w["nemba"], today(), {}, complete=False)
    monitor = item("CTG / fetal monitor (labour monitor)")
    url = f"/equipment/checks/{check.id}/items/{monitor.id}"
    refused = client.post(url, data=row_data(monitor.id, 3, 1), headers=HX)
    assert refused.status_code == 422 and b"Say why 2 of them do not work." in refused.data
    assert client.post(url, data=row_data(monitor.id, 3, 1, reason="no_spare_part"), headers=HX).status_code == 200


def test_an_unknown_item_or_check_is_404(client, w):
    login(client, w["admin"])
    check = make_check(w["nemba"], today(), {}, complete=False)
    assert client.post(f"/equipment/checks/{check.id}/items/999999", data=row_data(999999, 1, 1), headers=HX).status_code == 404
    assert client.get("/equipment/checks/999999").status_code == 404
    assert client.get("/equipment/hospitals/999999").status_code == 404


def test_two_people_saving_different_rows_of_one_checklist_keep_both(client, w):
    check = make_check(w["nemba"], today(), {}, complete=False)
    cpap, oxygen = item("Bubble CPAP"), item("Oxygen source")
    login(client, w["admin"])
    client.get(f"/equipment/checks/{check.id}")
    client.post(f"/equipment/checks/{check.id}/items/{cpap.id}", data=row_data(cpap.id, 1, 1), headers=HX)
    client.post("/logout")
    login(client, w["coordinator"])
    client.post(f"/equipment/checks/{check.id}/items/{oxygen.id}", data=row_data(oxygen.id, 2, 2), headers=HX)
    saved = dict(db.session.execute(select(EquipmentCount.item_id, EquipmentCount.functional).where(EquipmentCount.check_id == check.id)).all())
    assert saved == {cpap.id: 1, oxygen.id: 2}


def test_two_people_saving_the_same_row_get_a_conflict_not_a_silent_overwrite(client, w):
    check = make_check(w["nemba"], today(), {}, complete=False)
    cpap = item("Bubble CPAP")
    url = f"/equipment/checks/{check.id}/items/{cpap.id}"
    login(client, w["admin"])
    assert client.post(url, data=row_data(cpap.id, 2, 2, version=0), headers=HX).status_code == 200
    client.post("/logout")
    login(client, w["coordinator"])  # loaded the row before the first save: version 0
    conflict = client.post(url, data=row_data(cpap.id, 1, 0, reason="broken", version=0), headers=HX)
    assert conflict.status_code == 409
    assert b"saved this row meanwhile: 2 of 2 functional" in conflict.data
    assert b'value="1"' in conflict.data  # their own numbers are kept to save again
    row = db.session.scalar(select(EquipmentCount).where(EquipmentCount.check_id == check.id))
    assert (row.available, row.functional) == (2, 2)
    assert client.post(url, data=row_data(cpap.id, 1, 0, reason="broken", version=row.version), headers=HX).status_code == 200


def test_the_checklist_starts_with_the_last_checks_numbers(client, w):
    make_check(w["nemba"], today() - timedelta(days=60), {"Bubble CPAP": (3, 1)})
    login(client, w["mentor_a"])
    check = start_visit_check(client, w)
    page = client.get(f"/equipment/checks/{check.id}").data.decode()
    cpap = item("Bubble CPAP")
    assert f'id="i{cpap.id}-available" inputmode="numeric" name="i{cpap.id}-available" type="text" value="3"' in page or \
        f'name="i{cpap.id}-available"' in page and 'value="3"' in page
    assert "as on" in page


def test_marking_complete_records_the_prefilled_rows_and_locks_the_checklist(client, w):
    make_check(w["nemba"], today() - timedelta(days=60), {"Bubble CPAP": (3, 1), "Oxygen source": (1, 1)})
    login(client, w["admin"])
    check = make_check(w["nemba"], today(), {}, complete=False)
    cpap = item("Bubble CPAP")
    client.post(f"/equipment/checks/{check.id}/items/{cpap.id}", data=row_data(cpap.id, 3, 3), headers=HX)
    assert client.post(f"/equipment/checks/{check.id}/complete").status_code == 302
    rows = dict(db.session.execute(select(EquipmentCount.item_id, EquipmentCount.functional).where(EquipmentCount.check_id == check.id)).all())
    assert rows == {cpap.id: 3, item("Oxygen source").id: 1}
    assert db.session.get(EquipmentCheck, check.id).completed_at is not None
    locked = client.post(f"/equipment/checks/{check.id}/items/{cpap.id}", data=row_data(cpap.id, 3, 2, reason="broken", version=1), headers=HX)
    assert locked.status_code == 422 and b"marked complete" in locked.data


def test_a_mentor_edits_only_during_a_visit_of_their_own_team(client, w):
    login(client, w["mentor_b"])
    assert client.post(f"/equipment/visits/{w['visit'].id}/check").status_code == 404  # another team's hospital
    client.post("/logout")
    past = make_visit(w["nemba"], w["team_a"], start=today() - timedelta(days=40), status="held")
    login(client, w["mentor_a"])
    assert client.post(f"/equipment/visits/{past.id}/check").status_code == 403
    check = make_check(w["nemba"], past.start_date, {}, visit=past, complete=False)
    cpap = item("Bubble CPAP")
    assert client.post(f"/equipment/checks/{check.id}/items/{cpap.id}", data=row_data(cpap.id, 1, 1), headers=HX).status_code == 403
    assert client.get(f"/equipment/checks/{check.id}").status_code == 200  # reading stays open


def test_a_hospital_administrator_checks_only_their_hospital_at_any_past_date(client, w):
    login(client, w["admin"])
    response = client.post(f"/equipment/hospitals/{w['nemba'].id}/checks", data={"check_date": (today() - timedelta(days=3)).isoformat()})
    assert response.status_code == 302 and "/equipment/checks/" in response.headers["Location"]
    assert client.post(f"/equipment/hospitals/{w['byumba'].id}/checks", data={"check_date": today().isoformat()}).status_code == 404
    future = client.post(f"/equipment/hospitals/{w['nemba'].id}/checks", data={"check_date": (today() + timedelta(days=1)).isoformat()},
                         follow_redirects=True)
    assert b"cannot be in the future" in future.data
    assert db.session.scalar(select(func.count(EquipmentCheck.id)).where(EquipmentCheck.hospital_id == w["nemba"].id)) == 1
    other = make_check(w["byumba"], today(), {}, complete=False)
    assert client.get(f"/equipment/checks/{other.id}").status_code == 404
    cpap = item("Bubble CPAP")
    assert client.post(f"/equipment/checks/{other.id}/items/{cpap.id}", data=row_data(cpap.id, 1, 1), headers=HX).status_code == 404
