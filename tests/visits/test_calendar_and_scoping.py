"""The month calendar, agenda and visit list: htmx navigation that keeps the URL, filters, and the
same scoping for every role in pages, fragments, the agenda and the .ics feed; constant query counts."""

from datetime import date, timedelta

import pytest

from blueprints.core.clock import today
from tests.conftest import count_queries
from tests.factories import login, make_hospital, make_user
from tests.visits.conftest import make_visit, monday

HTMX = {"HX-Request": "true"}


@pytest.fixture
def month_visits(programme):
    """One visit per hospital in the month after next."""
    first = (today().replace(day=1) + timedelta(days=40)).replace(day=1)
    start = first + timedelta(days=(7 - first.weekday()) % 7 + 7)  # the second Monday or so
    visits = {
        "nemba": make_visit(programme["nemba"], programme["team_a"], start),
        "ruli": make_visit(programme["ruli"], programme["team_a"], start + timedelta(days=7)),
        "kabgayi": make_visit(programme["kabgayi"], programme["team_b"], start),
    }
    return {"month": f"{first:%Y-%m}", "start": start, **visits}


def body(response) -> str:
    return response.get_data(as_text=True).split("<main", 1)[-1]


def test_month_grid_shows_each_visit_on_each_of_its_days(client, programme, month_visits):
    login(client, programme["coordinator"])
    page = client.get(f"/calendar/?month={month_visits['month']}")
    assert page.status_code == 200
    html = body(page)
    for n in range(3):
        day = month_visits["start"] + timedelta(days=n)
        cell = html.split(f'datetime="{day.isoformat()}"', 1)[1].split("</td>", 1)[0]
        assert "Nemba" in cell and "Kabgayi" in cell
    grid = html.split('<table class="month"', 1)[1].split("</table>", 1)[0]
    agenda = html.split('<ol class="month-agenda"', 1)[1].split("</ol>", 1)[0]  # the phone's list (issue 19): once each
    assert grid.count(f'/visits/{month_visits["nemba"].id}"') == 3
    assert agenda.count(f'/visits/{month_visits["nemba"].id}"') == 1


def test_previous_and_next_month_load_by_htmx_and_the_url_follows(client, programme, month_visits):
    login(client, programme["coordinator"])
    page = client.get(f"/calendar/?month={month_visits['month']}").get_data(as_text=True)
    assert 'data-hx-push-url="true"' in page and 'rel="next"' in page
    year, month = map(int, month_visits["month"].split("-"))
    following = date(year + month // 12, month % 12 + 1, 1)
    assert f'href="/calendar/?month={following:%Y-%m}"' in page  # works without JavaScript too
    fragment = client.get(f"/calendar/?month={month_visits['month']}", headers=HTMX)
    assert "<html" not in fragment.get_data(as_text=True) and "Nemba" in fragment.get_data(as_text=True)
    assert fragment.headers["Vary"] == "HX-Request" or "HX-Request" in fragment.headers["Vary"]


def test_a_month_that_is_not_a_month_shows_this_month_with_a_message(client, programme):
    login(client, programme["coordinator"])
    response = client.get("/calendar/?month=2026-13")
    assert response.status_code == 200 and "is not a month" in response.get_data(as_text=True)


def test_filters_by_province_hospital_and_team(client, programme, month_visits):
    login(client, programme["coordinator"])
    m = month_visits["month"]
    south = body(client.get(f"/calendar/?month={m}&province=Southern+Province", headers=HTMX))
    assert "Kabgayi" in south and "Nemba" not in south
    one = body(client.get(f"/calendar/?month={m}&hospital={programme['ruli'].id}", headers=HTMX))
    assert "Ruli" in one and "Nemba" not in one and "Kabgayi" not in one
    team = body(client.get(f"/calendar/?month={m}&team={programme['team_b'].id}", headers=HTMX))
    assert "Kabgayi" in team and "Nemba" not in team


def test_mine_shows_a_mentor_only_the_visits_they_are_not_recorded_absent_from(client, programme, month_visits):
    from blueprints.core.extensions import db
    from blueprints.visits.models import MentorAttendance

    db.session.add(MentorAttendance(visit_id=month_visits["ruli"].id, mentor_id=programme["mentor_a"].id, present=False, reason="Leave"))
    login(client, programme["mentor_user"])
    mine = body(client.get(f"/calendar/?month={month_visits['month']}&mine=1", headers=HTMX))
    assert "Nemba" in mine and "Ruli" not in mine


ROLE_SEES = {
    # user key: (hospitals seen, hospitals hidden)
    "coordinator": ({"Nemba", "Ruli", "Kabgayi"}, set()),
    "mentor_user": ({"Nemba", "Ruli"}, {"Kabgayi"}),
    "mentor_b_user": ({"Kabgayi"}, {"Nemba", "Ruli"}),
    "nemba_admin": ({"Nemba"}, {"Ruli", "Kabgayi"}),
    "kabgayi_admin": ({"Kabgayi"}, {"Nemba", "Ruli"}),
}


@pytest.mark.parametrize("who", sorted(ROLE_SEES))
def test_each_role_sees_the_same_visits_in_page_fragment_agenda_list_and_feed(client, programme, month_visits, who):
    from blueprints.core.extensions import db

    seen, hidden = ROLE_SEES[who]
    user = programme[who]
    user.calendar_token = f"token-for-{who}-0123456789abcdef"
    db.session.flush()
    login(client, user)
    m = month_visits["month"]
    views = {
        "page": body(client.get(f"/calendar/?month={m}")).split('id="calendar"', 1)[1].split("</table>", 1)[0],
        "fragment": body(client.get(f"/calendar/?month={m}", headers=HTMX)),
        "agenda": body(client.get(f"/calendar/agenda?month={m}")),
        "list": body(client.get("/visits/", headers=HTMX)),
        "feed": client.get(f"/calendar/{user.calendar_token}.ics").get_data(as_text=True),
    }
    for name, text in views.items():
        for hospital in seen:
            assert hospital in text, (name, hospital)
        for hospital in hidden:
            assert hospital not in text, (name, hospital)
    for key, visit in month_visits.items():
        if key in ("month", "start"):
            continue
        expected = 200 if visit.hospital.name in seen else 404
        assert client.get(f"/visits/{visit.id}").status_code == expected


@pytest.mark.parametrize("who", sorted(ROLE_SEES))
def test_the_visit_page_opens_exactly_the_visits_visit_scope_allows(client, programme, month_visits, who):
    """The visit page reads through a statement built once per kind of reader (bind parameters, for speed):
    it must open the same visits as `readable_visits`, including one a mentor attended with another team."""
    from sqlalchemy import select

    from blueprints.core.extensions import db
    from blueprints.people.scopes import readable_visits
    from blueprints.visits.models import MentorAttendance, Visit

    borrowed = make_visit(programme["kabgayi"], programme["team_b"], month_visits["start"] + timedelta(days=14))
    db.session.add(MentorAttendance(visit_id=borrowed.id, mentor=programme["mentor_a"], present=True, reason=""))
    db.session.flush()
    user = programme[who]
    allowed = set(db.session.scalars(select(Visit.id).where(readable_visits(user))))
    login(client, user)
    for visit_id in db.session.scalars(select(Visit.id)):
        assert client.get(f"/visits/{visit_id}").status_code == (200 if visit_id in allowed else 404), visit_id
    if who == "mentor_user":
        assert borrowed.id in allowed


def test_sysadmin_has_no_calendar(client, programme):
    login(client, make_user("sysadmin"))
    assert client.get("/calendar/").status_code == 403


def test_agenda_lists_the_month_for_printing(client, programme, month_visits):
    login(client, programme["coordinator"])
    agenda = body(client.get(f"/calendar/agenda?month={month_visits['month']}"))
    assert agenda.index("Kabgayi") < agenda.index("Ruli")  # in date order
    assert "<table" in agenda


def _add_visits(programme, n, offset_weeks):
    """n visits in the coming month at fresh hospitals (each a different team day)."""
    from tests.factories import make_team

    first = (today().replace(day=1) + timedelta(days=40)).replace(day=1)
    for i in range(n):
        team = make_team()
        hospital = make_hospital(team=team)
        make_visit(hospital, team, first + timedelta(days=(i + offset_weeks) % 25))


@pytest.mark.parametrize("who", ["coordinator", "mentor_user", "nemba_admin"])
def test_month_grid_query_count_does_not_grow_with_visits(client, programme, who):
    login(client, programme[who])
    month = f"{(today().replace(day=1) + timedelta(days=40)).replace(day=1):%Y-%m}"
    _add_visits(programme, 10, 0)
    with count_queries() as few:
        client.get(f"/calendar/?month={month}")
    _add_visits(programme, 90, 3)
    with count_queries() as many:
        response = client.get(f"/calendar/?month={month}")
    assert response.status_code == 200
    print("calendar queries", who, len(many))
    assert len(many) == len(few) <= 10


def test_visit_list_shows_cadence_and_pages_visits(client, programme):
    for n in range(30):
        make_visit(programme["nemba"], programme["team_a"], monday(n))
    login(client, programme["coordinator"])
    page = body(client.get("/visits/"))
    assert "Cadence" in page and "never visited" in page and 'rel="next"' in page


def test_the_filters_keep_the_month_shown_after_htmx_navigation(client, programme, month_visits):
    login(client, programme["coordinator"])
    fragment = client.get(f"/calendar/?month={month_visits['month']}", headers=HTMX).get_data(as_text=True)
    assert f'name="month" value="{month_visits["month"]}" form="calendar-filters"' in fragment
    page = client.get(f"/calendar/?month={month_visits['month']}").get_data(as_text=True)
    assert 'id="calendar-filters"' in page
