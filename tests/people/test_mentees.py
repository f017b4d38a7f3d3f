"""The mentee list, search and profile: scoped per role in the query layer, constant query counts."""

import pytest

from tests.conftest import count_queries
from tests.factories import assign, login, make_hospital, make_mentee, make_mentor, make_team, make_user


@pytest.fixture
def two_hospitals():
    """Nemba (visited by team A) and Byumba (team B), each with a mentee and a mentor."""
    team_a, team_b = make_team("Team A"), make_team("Team B")
    nemba, byumba = make_hospital("Nemba", team=team_a), make_hospital("Byumba", team=team_b)
    mentor_a, mentor_b = make_mentor(team_a, name="Mentor Alpha"), make_mentor(team_b, name="Mentor Beta")
    at_nemba = make_mentee(nemba, name="Nemba Marker Mentee")
    at_byumba = make_mentee(byumba, name="Byumba Marker Mentee")
    assign(mentor_a, at_nemba)
    assign(mentor_b, at_byumba)
    return {"nemba": nemba, "byumba": byumba, "mentor_a": mentor_a, "mentor_b": mentor_b,
            "at_nemba": at_nemba, "at_byumba": at_byumba}


def test_hospital_admin_lists_only_their_hospitals_mentees(client, two_hospitals):
    login(client, make_user("hospital_admin", hospital=two_hospitals["nemba"]))
    page = client.get("/mentees/").data
    assert b"Nemba Marker Mentee" in page and b"Byumba Marker Mentee" not in page
    searched = client.get("/mentees/?q=Marker", headers={"HX-Request": "true"}).data
    assert b"Nemba Marker Mentee" in searched and b"Byumba Marker Mentee" not in searched
    assert b"Byumba" not in client.get(f"/mentees/?hospital={two_hospitals['byumba'].id}").data.split(b"<main")[1]


def test_hospital_admin_gets_404_for_another_hospitals_mentee(client, two_hospitals):
    login(client, make_user("hospital_admin", hospital=two_hospitals["nemba"]))
    other = two_hospitals["at_byumba"].id
    for path in (f"/mentees/{other}", f"/mentees/{other}/edit", f"/mentees/{other}/transfer"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/mentees/{other}/absences", data={"kind": "annual_leave"}).status_code == 404


def test_mentor_sees_own_mentees_and_their_teams_hospitals_read_only(client, two_hospitals):
    nemba = two_hospitals["nemba"]
    make_mentee(nemba, name="Colleague Mentee")
    login(client, make_user("mentor", mentor=two_hospitals["mentor_a"]))
    page = client.get("/mentees/").data
    assert b"Nemba Marker Mentee" in page and b"Colleague Mentee" in page
    assert b"Byumba Marker Mentee" not in page
    assert client.get(f"/mentees/{two_hospitals['at_byumba'].id}").status_code == 404
    own = two_hospitals["at_nemba"].id
    assert client.get(f"/mentees/{own}").status_code == 200
    assert client.get(f"/mentees/{own}/edit").status_code == 403
    assert client.get(f"/mentees/{own}/transfer").status_code == 403


def test_sysadmin_has_no_mentee_pages(client, two_hospitals):
    login(client, make_user("sysadmin"))
    assert client.get("/mentees/").status_code == 403


def test_coordinator_sees_every_hospital_and_filters(client, two_hospitals):
    login(client, make_user("coordinator"))
    page = client.get("/mentees/").data
    assert b"Nemba Marker Mentee" in page and b"Byumba Marker Mentee" in page
    filtered = client.get(f"/mentees/?hospital={two_hospitals['byumba'].id}").data
    assert b"Byumba Marker Mentee" in filtered and b"Nemba Marker Mentee" not in filtered


def test_unknown_mentee_is_404(client):
    login(client, make_user("coordinator"))
    assert client.get("/mentees/999999").status_code == 404


def test_search_fragment_is_only_the_table(client, two_hospitals):
    login(client, make_user("coordinator"))
    fragment = client.get("/mentees/?q=byumba", headers={"HX-Request": "true"})
    assert b"<html" not in fragment.data and b"Byumba Marker Mentee" in fragment.data
    assert b"No mentee matches this search." in client.get("/mentees/?q=zzzz").data


def test_hospital_admin_adds_a_mentee_at_their_own_hospital_only(client, two_hospitals):
    from sqlalchemy import select

    from blueprints.core.extensions import db
    from blueprints.people.models import Mentee
    from tests.factories import department, profession

    login(client, make_user("hospital_admin", hospital=two_hospitals["nemba"]))
    response = client.post("/mentees/new", data={
        "full_name": "New Nurse", "profession_id": profession("nurse").id,
        "hospital_id": two_hospitals["byumba"].id, "department_id": department("neonatology").id,
    })
    assert response.status_code == 302
    added = db.session.scalar(select(Mentee).where(Mentee.full_name == "New Nurse"))
    assert added.hospital_id == two_hospitals["nemba"].id  # a hospital administrator adds only to their own hospital


def test_mentee_form_errors_show_next_to_fields_and_keep_input(client, two_hospitals):
    login(client, make_user("coordinator"))
    response = client.post("/mentees/new", data={"full_name": "Kept Name", "profession_id": "", "hospital_id": "", "department_id": ""})
    assert response.status_code == 422
    assert b'value="Kept Name"' in response.data
    assert b"Choose a profession." in response.data and b'id="department_id-error"' in response.data


@pytest.mark.parametrize("role", ["coordinator", "hospital_admin", "mentor"])
def test_mentee_list_query_count_does_not_grow_with_rows(client, role):
    team = make_team()
    hospital = make_hospital(team=team)
    mentor = make_mentor(team)
    user = make_user(role, hospital=hospital) if role == "hospital_admin" else (
        make_user(role, mentor=mentor) if role == "mentor" else make_user(role))

    def add(n):
        for _ in range(n):
            mentee = make_mentee(hospital)
            assign(make_mentor(team), mentee)

    add(10)
    login(client, user)
    with count_queries() as few:
        client.get("/mentees/")
    add(90)
    with count_queries() as many:
        response = client.get("/mentees/?q=Mentee")
    assert response.status_code == 200
    assert len(many) == len(few) <= 10


def test_mentee_profile_query_count_does_not_grow_with_history(client):
    from datetime import date, timedelta

    from blueprints.people.services.absences import add_absence

    hospital = make_hospital()
    mentee = make_mentee(hospital)
    login(client, make_user("coordinator"))

    def add_history(n, offset):
        for i in range(n):
            assign(make_mentor(), mentee, start=date(2024, 1, 1) + timedelta(days=offset + i))
            add_absence(mentee, kind="annual_leave", start_date=date(2025, 1, 1) + timedelta(days=offset + i),
                        end_date=date(2025, 1, 2) + timedelta(days=offset + i))

    add_history(2, 0)
    with count_queries() as few:
        client.get(f"/mentees/{mentee.id}")
    add_history(20, 100)
    with count_queries() as many:
        response = client.get(f"/mentees/{mentee.id}")
    assert response.status_code == 200
    assert len(many) == len(few) <= 10


def test_a_save_against_an_older_version_gets_409_with_the_other_change_shown(app, client):
    from tests.factories import profession

    hospital = make_hospital()
    mentee = make_mentee(hospital, name="Original Name")
    opened_version = mentee.version
    login(client, make_user("coordinator"))
    other = app.test_client()
    login(other, make_user("hospital_admin", hospital=hospital))
    first = other.post(f"/mentees/{mentee.id}/edit", data={
        "full_name": "Their Change", "profession_id": profession("midwife").id, "version": opened_version})
    assert first.status_code == 302

    mine = client.post(f"/mentees/{mentee.id}/edit", data={
        "full_name": "My Change", "profession_id": profession("midwife").id, "version": opened_version})
    assert mine.status_code == 409
    assert b"Someone else saved changes" in mine.data and b"Their Change" in mine.data
    assert b'value="My Change"' in mine.data  # nothing typed is lost
    from blueprints.core.extensions import db
    from blueprints.people.models import Mentee

    assert db.session.get(Mentee, mentee.id).full_name == "Their Change"


@pytest.mark.parametrize("role", ["coordinator", "hospital_admin"])
def test_editing_a_mentee_saves_name_profession_and_phone(client, role):
    from blueprints.core.extensions import db
    from blueprints.people.models import Mentee
    from tests.factories import profession

    hospital = make_hospital()
    mentee = make_mentee(hospital, name="Before Edit")
    login(client, make_user(role, hospital=hospital) if role == "hospital_admin" else make_user(role))
    response = client.post(f"/mentees/{mentee.id}/edit", data={
        "full_name": "After Edit", "profession_id": profession("nurse").id, "phone": "0788 111 222", "version": mentee.version})
    assert response.status_code == 302
    saved = db.session.get(Mentee, mentee.id)
    assert (saved.full_name, saved.profession.code, saved.hospital_id) == ("After Edit", "nurse", hospital.id)
    assert saved.phone == "+250788111222"  # stored in E.164


@pytest.mark.parametrize("role", ["coordinator", "hospital_admin"])
def test_mentee_profile_runs_as_many_queries_for_a_mentee_who_left_as_for_one_in_the_programme(client, role):
    """Issue 23: the bench's sample mentee was in the programme at scale 1 and had left at scale 10, and the page
    asked whether they may be invited only for the first (8 statements against 7)."""
    from datetime import date

    from blueprints.core.extensions import db
    from blueprints.people.services.transfers import log_transfer

    hospital = make_hospital()
    staying, leaving = make_mentee(hospital), make_mentee(hospital)
    user = make_user(role, hospital=hospital) if role == "hospital_admin" else make_user(role)
    log_transfer(leaving, kind="left_service", effective_date=date(2026, 6, 1), by=user)
    db.session.commit()
    login(client, user)
    with count_queries() as active:
        assert client.get(f"/mentees/{staying.id}").status_code == 200
    with count_queries() as left:
        assert client.get(f"/mentees/{leaving.id}").status_code == 200
    assert len(left) == len(active)
