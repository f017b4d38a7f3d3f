"""Hospitals: the coordinator manages them; a hospital administrator reads their own; a mentor reads
the hospitals their team visits. Anything else is 404, so an id reveals nothing."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent, utcnow
from blueprints.people.models import Absence, Hospital, Mentee, Team, Transfer
from tests.conftest import count_queries
from tests.factories import department, login, make_hospital, make_mentee, make_mentor, make_team, make_user, profession


def signed_in(client, role="coordinator", **fields):
    user = make_user(role, **fields)
    login(client, user)
    return user


def hospital_form(**values):
    data = {"name": "Nemba", "district": "Gakenke", "province": "Northern Province", "team_id": "", "department_ids": []}
    data.update(values)
    return data


# --- list -------------------------------------------------------------------------------------

def test_coordinator_sees_every_hospital_in_the_list(client):
    signed_in(client)
    make_hospital("Nemba", team=make_team("Team North"))
    make_hospital("Kabgayi", province="Southern Province")
    page = client.get("/hospitals/")
    assert page.status_code == 200
    assert b"Nemba" in page.data and b"Kabgayi" in page.data and b"Team North" in page.data


def test_hospital_list_searches_name_and_district_and_answers_htmx_with_a_fragment(client):
    signed_in(client)
    make_hospital("Nemba")
    other = make_hospital("Kabgayi", province="Southern Province")
    other.district = "Muhanga"

    by_name = client.get("/hospitals/?q=nem")
    assert b"Nemba" in by_name.data and b"Kabgayi" not in by_name.data and b"<html" in by_name.data

    by_district = client.get("/hospitals/?q=muhanga", headers={"HX-Request": "true"})
    assert b"<html" not in by_district.data
    assert b"Kabgayi" in by_district.data and b"Nemba" not in by_district.data
    assert "HX-Request" in by_district.headers["Vary"]


def test_hospital_list_filters_by_province(client):
    signed_in(client)
    make_hospital("Nemba")
    make_hospital("Kabgayi", province="Southern Province")
    page = client.get("/hospitals/?province=Southern+Province")
    assert b"Kabgayi" in page.data and b"Nemba" not in page.data


def test_hospital_list_empty_states_say_what_to_do(client):
    signed_in(client)
    assert b"Add the first hospital" in client.get("/hospitals/").data
    make_hospital("Nemba")
    assert b"No hospital matches this search." in client.get("/hospitals/?q=zzz").data


def test_hospital_administrator_sees_only_their_own_hospital_in_the_list(client):
    own = make_hospital("Nemba")
    make_hospital("Kabgayi")
    signed_in(client, "hospital_admin", hospital=own)
    page = client.get("/hospitals/")
    assert page.status_code == 200
    assert b"Nemba" in page.data and b"Kabgayi" not in page.data


def test_mentor_sees_only_the_hospitals_their_team_visits_in_the_list(client):
    team = make_team()
    make_hospital("Nemba", team=team)
    make_hospital("Kabgayi", team=make_team())
    signed_in(client, "mentor", mentor=make_mentor(team))
    page = client.get("/hospitals/")
    assert b"Nemba" in page.data and b"Kabgayi" not in page.data


def test_hospital_list_uses_the_same_number_of_queries_for_10_and_100_hospitals(client):
    signed_in(client)

    departments = [department("maternity"), department("neonatology")]
    midwife = profession("midwife")

    def add_hospitals(n, start):
        for i in range(start, start + n):
            hospital = Hospital(name=f"Hospital {i:03d}", district="Gakenke", province="Northern Province",
                                team=Team(name=f"Team {i:03d}"), departments=departments)
            db.session.add(Mentee(full_name=f"Mentee {i:03d}", profession=midwife, hospital=hospital, department=departments[0]))
        db.session.flush()

    add_hospitals(10, 0)
    with count_queries() as few:
        assert client.get("/hospitals/").status_code == 200
    add_hospitals(90, 10)
    with count_queries() as many:
        response = client.get("/hospitals/")
    assert len(many) == len(few), many
    assert b'rel="next"' in response.data
    with count_queries() as fragment:
        client.get("/hospitals/?q=Hospital", headers={"HX-Request": "true"})
    assert len(fragment) <= len(many)


# --- hospital page -----------------------------------------------------------------------------

def test_hospital_administrator_gets_404_for_another_hospital(client):
    own = make_hospital("Nemba")
    other = make_hospital("Kabgayi")
    signed_in(client, "hospital_admin", hospital=own)
    assert client.get(f"/hospitals/{own.id}").status_code == 200
    assert client.get(f"/hospitals/{other.id}").status_code == 404


def test_mentor_reads_their_team_hospitals_and_gets_404_for_others(client):
    team = make_team()
    visited = make_hospital("Nemba", team=team)
    other = make_hospital("Kabgayi", team=make_team())
    signed_in(client, "mentor", mentor=make_mentor(team))
    assert client.get(f"/hospitals/{visited.id}").status_code == 200
    assert client.get(f"/hospitals/{other.id}").status_code == 404


def test_coordinator_reads_every_hospital(client):
    signed_in(client)
    for hospital in (make_hospital("Nemba"), make_hospital("Kabgayi")):
        assert client.get(f"/hospitals/{hospital.id}").status_code == 200


def test_unknown_hospital_is_404(client):
    signed_in(client)
    assert client.get("/hospitals/99999").status_code == 404
    assert client.get("/hospitals/99999/edit").status_code == 404


def test_only_coordinators_create_or_edit_hospitals(client):
    hospital = make_hospital("Nemba")
    signed_in(client, "hospital_admin", hospital=hospital)
    assert client.get("/hospitals/new").status_code == 403
    assert client.get(f"/hospitals/{hospital.id}/edit").status_code == 403
    assert client.post(f"/hospitals/{hospital.id}/edit", data=hospital_form(name="Renamed")).status_code == 403
    assert db.session.get(Hospital, hospital.id).name == "Nemba"


def test_mentor_cannot_create_hospitals(client):
    signed_in(client, "mentor")
    assert client.get("/hospitals/new").status_code == 403


def test_hospital_page_shows_district_departments_team_and_mentors(client):
    signed_in(client)
    team = make_team("Team North")
    hospital = make_hospital("Nemba", team=team)
    hospital.district = "Gakenke"
    hospital.departments = [department("maternity"), department("theatre")]
    make_mentor(team, "anaesthetist", name="Alice Anaesthetist")
    page = client.get(f"/hospitals/{hospital.id}")
    for text in (b"Gakenke", b"Northern Province", b"Maternity", b"Theatre (anaesthesia)", b"Team North", b"Alice Anaesthetist", b"Anaesthetist"):
        assert text in page.data, text


def test_hospital_page_counts_current_mentees_by_department_with_links_to_the_list(client):
    signed_in(client)
    hospital = make_hospital("Nemba")
    hospital.departments = [department("maternity"), department("neonatology")]
    make_mentee(hospital, department_code="maternity")
    make_mentee(hospital, department_code="maternity")
    left = make_mentee(hospital, department_code="neonatology")
    left.status = "left"
    page = client.get(f"/hospitals/{hospital.id}").get_data(as_text=True)
    maternity = department("maternity")
    assert f"/mentees/?hospital={hospital.id}&amp;department={maternity.id}" in page
    row = page[page.index(f"department={maternity.id}"):]
    assert ">2<" in row[: row.index("</tr>")]


def test_hospital_page_shows_transfers_in_and_out_and_turnover(client):
    signed_in(client)
    nemba, byumba, ruli = make_hospital("Nemba"), make_hospital("Byumba"), make_hospital("Ruli")
    leaving = make_mentee(byumba, name="Grace Leaving")
    arriving = make_mentee(nemba, name="Eric Arriving")
    moved_long_ago = make_mentee(ruli, name="Old Move")
    day = today()
    db.session.add_all([
        Transfer(mentee=leaving, kind="hospital", effective_date=day - timedelta(days=30), from_hospital=nemba,
                 to_hospital=byumba, to_department=department("maternity"), applied_at=utcnow()),
        Transfer(mentee=arriving, kind="hospital", effective_date=day - timedelta(days=20), from_hospital=byumba,
                 to_hospital=nemba, to_department=department("maternity"), applied_at=utcnow()),
        Transfer(mentee=moved_long_ago, kind="hospital", effective_date=day - timedelta(days=500), from_hospital=nemba,
                 to_hospital=ruli, to_department=department("maternity"), applied_at=utcnow()),
    ])
    page = client.get(f"/hospitals/{nemba.id}").get_data(as_text=True)
    assert "Grace Leaving" in page and "Eric Arriving" in page and "Old Move" in page
    assert 'id="turnover"' in page
    turnover = page[page.index('id="turnover"'):]
    assert "1 transfer out in the last 12 months" in turnover[:400]


def test_hospital_page_lists_upcoming_absences_not_past_ones(client):
    signed_in(client)
    hospital = make_hospital("Nemba")
    away = make_mentee(hospital, name="Diane Away")
    back = make_mentee(hospital, name="Yves Back")
    day = today()
    db.session.add_all([
        Absence(mentee=away, kind="annual_leave", start_date=day + timedelta(days=3), end_date=day + timedelta(days=10)),
        Absence(mentee=back, kind="sick_leave", start_date=day - timedelta(days=10), end_date=day - timedelta(days=5)),
    ])
    page = client.get(f"/hospitals/{hospital.id}").get_data(as_text=True)
    absences = page[page.index('id="absences"'):]
    assert "Diane Away" in absences and "Annual leave" in absences
    assert "Yves Back" not in absences


def test_hospital_administrator_sees_a_transferred_out_mentee_without_a_link_to_them(client):
    nemba, byumba = make_hospital("Nemba"), make_hospital("Byumba")
    gone = make_mentee(byumba, name="Grace Gone")
    db.session.add(Transfer(mentee=gone, kind="hospital", effective_date=today() - timedelta(days=3), from_hospital=nemba,
                            to_hospital=byumba, to_department=department("maternity"), applied_at=utcnow()))
    signed_in(client, "hospital_admin", hospital=nemba)
    page = client.get(f"/hospitals/{nemba.id}").get_data(as_text=True)
    assert "Grace Gone" in page
    assert f"/mentees/{gone.id}" not in page


def test_empty_hospital_page_says_what_to_do_next(client):
    signed_in(client)
    hospital = make_hospital("Nemba")
    page = client.get(f"/hospitals/{hospital.id}").get_data(as_text=True)
    assert "No team visits this hospital yet" in page
    assert "No transfers" in page and "No absence" in page


# --- create and edit ---------------------------------------------------------------------------

def test_coordinator_creates_a_hospital_with_departments_and_team_and_it_is_audited(client):
    signed_in(client)
    team = make_team("Team North")
    maternity, theatre = department("maternity"), department("theatre")
    response = client.post("/hospitals/new", data=hospital_form(team_id=team.id, department_ids=[maternity.id, theatre.id]))
    assert response.status_code == 302
    hospital = db.session.scalar(select(Hospital).where(Hospital.name == "Nemba"))
    assert response.headers["Location"].endswith(f"/hospitals/{hospital.id}")
    assert hospital.team_id == team.id and {d.code for d in hospital.departments} == {"maternity", "theatre"}
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "hospital.create"))
    assert audit.object_id == hospital.id and audit.hospital_id == hospital.id
    assert audit.after["name"] == "Nemba" and sorted(audit.after["department_ids"]) == sorted([maternity.id, theatre.id])


def test_hospital_name_must_be_unique_with_the_message_next_to_the_field(client):
    signed_in(client)
    make_hospital("Nemba")
    response = client.post("/hospitals/new", data=hospital_form(name=" nemba ", district="Typed district"))
    assert response.status_code == 422
    assert b'id="name-error"' in response.data and b"already a hospital called" in response.data
    assert b'value="Typed district"' in response.data  # nothing typed is lost
    assert db.session.scalar(select(func.count(Hospital.id))) == 1
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.like("hospital.%"))) == 0


def test_hospital_needs_name_district_and_province(client):
    signed_in(client)
    theatre = department("theatre")
    response = client.post("/hospitals/new", data=hospital_form(name="", district="", province="", department_ids=[theatre.id]))
    assert response.status_code == 422
    for field in (b'id="name-error"', b'id="district-error"', b'id="province-error"'):
        assert field in response.data
    assert re.search(rf'<input checked[^>]*value="{theatre.id}"'.encode(), response.data)  # ticked boxes stay ticked
    assert db.session.scalar(select(func.count(Hospital.id))) == 0


def test_editing_a_hospital_is_audited_with_the_values_before_and_after(client):
    signed_in(client)
    old_team, new_team = make_team("Team A"), make_team("Team B")
    hospital = make_hospital("Nemba", team=old_team)
    hospital.departments = [department("maternity")]
    form = client.get(f"/hospitals/{hospital.id}/edit")
    assert form.status_code == 200 and b'value="Nemba"' in form.data
    response = client.post(f"/hospitals/{hospital.id}/edit", data=hospital_form(
        name="Nemba District Hospital", team_id=new_team.id, department_ids=[department("maternity").id, department("neonatology").id]))
    assert response.status_code == 302
    hospital = db.session.get(Hospital, hospital.id)
    assert hospital.name == "Nemba District Hospital" and hospital.team_id == new_team.id and len(hospital.departments) == 2
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "hospital.update"))
    assert audit.before["name"] == "Nemba" and audit.after["name"] == "Nemba District Hospital"
    assert audit.before["team_id"] == old_team.id and audit.after["team_id"] == new_team.id
    assert "district" not in audit.after  # only what changed


def test_renaming_a_hospital_to_another_hospitals_name_is_refused(client):
    signed_in(client)
    make_hospital("Byumba")
    hospital = make_hospital("Nemba")
    response = client.post(f"/hospitals/{hospital.id}/edit", data=hospital_form(name="Byumba"))
    assert response.status_code == 422 and b'id="name-error"' in response.data
    assert db.session.get(Hospital, hospital.id).name == "Nemba"


def test_saving_a_hospital_unchanged_keeps_its_own_name_and_writes_no_audit_row(client):
    signed_in(client)
    hospital = make_hospital("Nemba")
    hospital.district = "Gakenke"
    response = client.post(f"/hospitals/{hospital.id}/edit", data=hospital_form())
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "hospital.update")) == 0


# --- demo data ---------------------------------------------------------------------------------

def test_demo_hospitals_have_all_four_departments(runner):
    assert runner.invoke(args=["demo-data", "--today", "2026-11-26"]).exit_code == 0
    for hospital in db.session.scalars(select(Hospital)):
        assert {d.code for d in hospital.departments} == {"maternity", "neonatology", "paediatrics", "theatre"}
