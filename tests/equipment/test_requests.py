"""Issue 25.6: an equipment gap becomes a request (to whom, when, reference), followed up and resolved; the gap matrix
marks gaps with an open request and the advocacy report lists requests with their age and response time."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from blueprints.core.audit import AuditEvent
from blueprints.core.extensions import db
from blueprints.equipment import services
from blueprints.equipment.models import EquipmentRequest, EquipmentRequestFollowUp
from tests.conftest import count_queries
from tests.equipment.helpers import item, make_check, world
from tests.factories import login, make_user

# The frozen clock's today is 10 June 2026.


@pytest.fixture
def w():
    w = world()
    make_check(w["nemba"], date(2026, 3, 2), {"Bubble CPAP": (2, 0), "Pulse oximeter": (3, 1)})
    make_check(w["byumba"], date(2026, 3, 9), {"Bubble CPAP": (1, 0)})
    w["byumba_admin"] = make_user("hospital_admin", hospital=w["byumba"])
    return w


def log(w, hospital="nemba", name="Bubble CPAP", addressee="ministry", on=date(2026, 3, 2), **values):
    return services.log_request(w[hospital], item(name), addressee=addressee, requested_on=on, by=w["coordinator"], **values)


def new_url(w, hospital="nemba", name="Bubble CPAP"):
    return f"/equipment/hospitals/{w[hospital].id}/items/{item(name).id}/requests/new"


def test_a_request_logged_from_a_gap_keeps_whom_when_and_the_reference(client, w):
    login(client, w["coordinator"])
    page = client.get(f"/equipment/hospitals/{w['nemba'].id}").get_data(as_text=True)
    assert new_url(w) in page  # offered beside the gap
    response = client.post(new_url(w), data={"addressee": "district", "addressee_name": "Musanze district",
                                             "requested_on": "2026-03-04", "reference": "MNCH/2026/17", "note": "2 CPAPs"})
    assert response.status_code == 302
    request = db.session.scalar(select(EquipmentRequest))
    assert (request.hospital_id, request.item_id, request.addressee, request.addressee_name, request.requested_on,
            request.reference, request.outcome) == (w["nemba"].id, item("Bubble CPAP").id, "district", "Musanze district",
                                                    date(2026, 3, 4), "MNCH/2026/17", None)
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "equipment_request.create"))
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Musanze district" in detail and "MNCH/2026/17" in detail and "4 Mar 2026" in detail and "open 98 days" in detail


def test_a_second_open_request_to_the_same_addressee_for_a_gap_is_refused_next_to_the_field(client, w):
    log(w)
    db.session.commit()
    login(client, w["coordinator"])
    response = client.post(new_url(w), data={"addressee": "ministry", "requested_on": "2026-05-01"})
    assert response.status_code == 422
    assert "A request to Ministry of Health for this item is open since 2 Mar 2026" in response.get_data(as_text=True)
    assert client.post(new_url(w), data={"addressee": "partner", "requested_on": "2026-05-01"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(EquipmentRequest)) == 2


def test_once_closed_the_gap_may_be_requested_of_the_same_addressee_again(w):
    services.resolve_request(log(w), outcome="refused", resolved_on=date(2026, 4, 1), note="no budget", by=w["coordinator"])
    again = log(w, on=date(2026, 5, 1))
    assert again.is_open


def test_the_database_refuses_a_resolution_before_the_request_or_without_an_outcome(w):
    request = log(w)
    db.session.commit()
    for outcome, resolved_on in (("delivered", date(2026, 3, 1)), (None, date(2026, 4, 1)), ("delivered", None)):
        with pytest.raises(IntegrityError):
            with db.session.begin_nested():
                request.outcome, request.resolved_on = outcome, resolved_on
                db.session.flush()
        db.session.refresh(request)


def test_a_resolution_dated_before_the_request_is_refused_next_to_the_field_and_nothing_is_saved(client, w):
    request_id = log(w).id
    db.session.commit()
    login(client, w["coordinator"])
    response = client.post(f"/equipment/requests/{request_id}/resolve", data={"outcome": "delivered", "resolved_on": "2026-03-01"})
    assert response.status_code == 422
    assert "This date cannot be before the request (2 Mar 2026)." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(EquipmentRequest, request_id).outcome is None


def test_follow_ups_and_the_resolution_tell_the_whole_story(client, w):
    request_id = log(w).id
    db.session.commit()
    login(client, w["coordinator"])
    assert client.post(f"/equipment/requests/{request_id}/follow-ups",
                       data={"followed_up_on": "2026-04-15", "note": "Called the ministry: in the May order"}).status_code == 302
    assert client.post(f"/equipment/requests/{request_id}/follow-ups",
                       data={"followed_up_on": "2026-02-01", "note": "before the request"}).status_code == 422
    assert client.post(f"/equipment/requests/{request_id}/resolve",
                       data={"outcome": "partly", "resolved_on": "2026-05-20", "resolution_note": "1 of 2 delivered"}).status_code == 302
    page = client.get(f"/equipment/requests/{request_id}").get_data(as_text=True)
    assert "15 Apr 2026" in page and "Called the ministry: in the May order" in page
    assert "Partly delivered" in page and "20 May 2026" in page and "answered in 79 days" in page
    assert db.session.scalar(select(func.count()).select_from(EquipmentRequestFollowUp)) == 1
    closed = client.post(f"/equipment/requests/{request_id}/follow-ups", data={"followed_up_on": "2026-06-01", "note": "late"})
    assert closed.status_code == 422 and "This request is closed" in closed.get_data(as_text=True)


def test_a_hospital_administrator_sees_and_logs_only_their_own_hospitals_requests(client, w):
    own, other = log(w, reference="OWN-1"), log(w, hospital="byumba", reference="OTHER-1")
    db.session.commit()
    login(client, w["admin"])
    listing = client.get("/equipment/requests?status=all").get_data(as_text=True)
    assert "OWN-1" in listing and "OTHER-1" not in listing
    assert client.get(f"/equipment/requests/{other.id}").status_code == 404
    assert client.post(f"/equipment/requests/{other.id}/resolve", data={"outcome": "withdrawn", "resolved_on": "2026-06-01"}).status_code == 404
    assert client.post(new_url(w, "byumba"), data={"addressee": "district", "requested_on": "2026-06-01"}).status_code in (403, 404)
    assert client.post(new_url(w), data={"addressee": "district", "requested_on": "2026-06-01"}).status_code == 302
    assert client.get(f"/equipment/requests/{own.id}").status_code == 200
    report = client.get("/equipment/report").get_data(as_text=True)
    assert "OWN-1" in report and "OTHER-1" not in report


def test_mentors_see_no_requests(client, w):
    log(w, reference="OWN-1")
    db.session.commit()
    login(client, w["mentor_a"])
    assert client.get("/equipment/requests").status_code == 403
    assert "OWN-1" not in client.get("/equipment/report").get_data(as_text=True)


def test_the_gap_matrix_marks_only_the_gaps_with_an_open_request(client, w):
    log(w)
    services.resolve_request(log(w, hospital="byumba"), outcome="withdrawn", resolved_on=date(2026, 4, 1), note="", by=w["coordinator"])
    db.session.commit()
    login(client, w["coordinator"])
    page = client.get("/equipment/").get_data(as_text=True)
    cpap = item("Bubble CPAP").id
    nemba_cell = page.split(f'href="/equipment/hospitals/{w["nemba"].id}/items/{cpap}"')[1].split("</td>")[0]
    byumba_cell = page.split(f'href="/equipment/hospitals/{w["byumba"].id}/items/{cpap}"')[1].split("</td>")[0]
    assert "request open" in nemba_cell and "request open" not in byumba_cell


def test_the_advocacy_report_lists_requests_with_their_age_and_response_time(client, w):
    open_request = log(w, reference="MOH/45")
    services.add_follow_up(open_request, followed_up_on=date(2026, 5, 5), note="chased", by=w["coordinator"])
    services.resolve_request(log(w, hospital="byumba", addressee="partner", on=date(2026, 3, 10)), outcome="delivered",
                             resolved_on=date(2026, 4, 9), note="", by=w["coordinator"])
    db.session.commit()
    login(client, w["coordinator"])
    page = client.get("/equipment/report").get_data(as_text=True)
    requests = page.split("<h2>Requests</h2>")[1]
    assert "Nemba · Bubble CPAP" in requests and "MOH/45" in requests and "100 days open" in requests and "5 May 2026" in requests
    assert "Byumba · Bubble CPAP" in requests and "Delivered, 9 Apr 2026" in requests and "answered in 30 days" in requests
    rows = list(csv.DictReader(io.StringIO(client.get("/equipment/report.csv").get_data(as_text=True).lstrip("\ufeff"))))
    nemba = next(r for r in rows if r["Hospital"] == "Nemba" and r["Item"] == "Bubble CPAP")
    assert nemba["Open requests"] == "Ministry of Health, 2 Mar 2026, ref. MOH/45 (100 days open)"
    byumba = next(r for r in rows if r["Hospital"] == "Byumba")
    assert byumba["Open requests"] == ""
    pdf = client.get("/equipment/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_request_list_is_searchable_and_paginated(app, client, w, monkeypatch):
    log(w, reference="FIND-ME")
    log(w, name="Pulse oximeter", reference="OTHER")
    db.session.commit()
    login(client, w["coordinator"])
    found = client.get("/equipment/requests?q=find-me").get_data(as_text=True)
    assert "FIND-ME" in found and "OTHER" not in found
    assert "Pulse oximeter" in client.get("/equipment/requests?q=oximeter").get_data(as_text=True)
    monkeypatch.setitem(app.config, "PER_PAGE", 1)  # the app is shared by the whole session: undone after
    first = client.get("/equipment/requests").get_data(as_text=True)
    assert "1–1 of 2" in first and 'rel="next"' in first


def test_request_pages_run_a_constant_number_of_queries(client, w):
    login(client, w["coordinator"])
    first = log(w)
    db.session.commit()

    def measure():
        counts = []
        for path in ("/equipment/requests?status=all", f"/equipment/requests/{first.id}", "/equipment/report",
                     "/equipment/", f"/equipment/hospitals/{w['nemba'].id}"):
            with count_queries() as statements:
                assert client.get(path).status_code == 200
            counts.append(len(statements))
        return counts

    few = measure()
    for name in ("Pulse oximeter", "Bubble CPAP"):
        for hospital in ("nemba", "byumba"):
            for addressee in ("district", "partner"):
                request = log(w, hospital=hospital, name=name, addressee=addressee)
                services.add_follow_up(request, followed_up_on=date(2026, 4, 1), note="chased", by=w["coordinator"])
                services.add_follow_up(first, followed_up_on=date(2026, 4, 2), note="again", by=w["coordinator"])
    db.session.commit()
    assert measure() == few
