"""Regressions for what the form fuzzer found."""

import pytest

from tests.factories import PASSWORD
from tests.security.world import build_world


@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-31"])
def test_a_visit_dated_at_the_ends_of_the_calendar_is_refused_not_a_500(client, start):
    """The clash check next to the visit form computed ±14 days around the date and overflowed. (Every date field
    now refuses dates outside 2000-2100 itself, tests/security/test_out_of_range.py.)"""
    world = build_world("Far")
    assert client.post("/login", data={"username": "coord.world", "password": PASSWORD}).status_code == 302
    visit, hospital, team = world["visit"], world["hospital"], world["team"]
    data = {"hospital_id": hospital.id, "team_id": team.id, "start_date": start, "days": "2", "notes": "",
            "version": visit.version}
    for path in ("/visits/new", f"/visits/{visit.id}/edit"):
        response = client.post(path, data=data)
        assert response.status_code == 422, (path, response.status_code)
        assert b"between 1 Jan 2000 and 31 Dec 2100" in response.data
    response = client.get("/visits/clashes", query_string={k: v for k, v in data.items() if k != "version"},
                          headers={"HX-Request": "true"})
    assert response.status_code < 500


@pytest.mark.parametrize("where", ["form", "query"])
def test_a_nul_character_anywhere_is_a_400_not_a_500(client, where):
    """PostgreSQL refuses NUL in text (psycopg raised DataError: a 500); now refused at the door on both databases."""
    world = build_world("Nul")
    assert client.post("/login", data={"username": "coord.world", "password": PASSWORD}).status_code == 302
    hospital = world["hospital"]
    data = {"name": "a\x00b", "district": "d", "province": "p", "team_id": ""}
    if where == "form":
        response = client.post(f"/hospitals/{hospital.id}/edit", data=data)
    else:
        response = client.get("/mentees/", query_string={"q": "a\x00b"})
    assert response.status_code == 400 and b"Traceback" not in response.data
    assert client.post("/login", data={"username": "coord\x00.world", "password": PASSWORD}).status_code == 400
