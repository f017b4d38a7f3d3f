"""Regressions for what the form fuzzer found."""

import pytest

from tests.factories import PASSWORD
from tests.security.world import build_world


@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-31"])
def test_a_visit_dated_at_the_ends_of_the_calendar_is_refused_not_a_500(client, start):
    """The clash check next to the visit form computed ±14 days around the date and overflowed."""
    world = build_world("Far")
    assert client.post("/login", data={"username": "coord.world", "password": PASSWORD}).status_code == 302
    visit, hospital, team = world["visit"], world["hospital"], world["team"]
    data = {"hospital_id": hospital.id, "team_id": team.id, "start_date": start, "days": "2", "notes": "",
            "version": visit.version}
    for path in ("/visits/new", f"/visits/{visit.id}/edit"):
        response = client.post(path, data=data)
        assert response.status_code == 422, (path, response.status_code)
        assert b"within three years" in response.data
    response = client.get("/visits/clashes", query_string={k: v for k, v in data.items() if k != "version"},
                          headers={"HX-Request": "true"})
    assert response.status_code < 500
