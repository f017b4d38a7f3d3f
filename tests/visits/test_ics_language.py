"""The calendar feed (issue 17, item 13): written in its owner's saved language, not in whatever language the
calendar application asks for; and linked from the calendar page, each reader seeing only their own feed."""

import pytest
from icalendar import Calendar

from blueprints.auth.models import User
from blueprints.core.extensions import db
from tests.factories import login
from tests.visits.conftest import make_visit, monday

TOKEN = "the-mentors-own-feed-token-000000000001"


@pytest.mark.parametrize(("saved", "asked", "name", "summary"), [
    ("fr", "rw", "Visites de mentorat", "Visite de mentorat : Nemba (Team North)"),
    ("rw", "fr", "Inzinduko z'ubujyanama", "Uruzinduko rw'ubujyanama: Nemba (Team North)"),
    (None, "fr", "Mentorship visits", "Mentorship visit: Nemba (Team North)"),
])
def test_the_feed_speaks_its_owners_saved_language_whatever_the_calendar_application_asks(client, programme, saved, asked,
                                                                                         name, summary):
    make_visit(programme["nemba"], programme["team_a"], monday())
    owner = programme["mentor_user"]
    owner.language, owner.calendar_token = saved, TOKEN
    response = client.get(f"/calendar/{TOKEN}.ics", headers={"Accept-Language": asked})
    feed = Calendar.from_ical(response.data)
    assert str(feed["x-wr-calname"]) == name
    assert [str(event["summary"]) for event in feed.walk("VEVENT")] == [summary]


def test_the_calendar_page_links_the_readers_own_feed_and_no_one_elses(client, programme):
    other = programme["mentor_b_user"]
    other.calendar_token = "someone-elses-feed-token-0000000000002"
    login(client, programme["mentor_user"])
    page = client.get("/calendar/").get_data(as_text=True)
    assert 'href="/account#calendar-feed"' in page, "without a feed yet, the page says where to make one"
    client.post("/account/calendar-token")
    token = db.session.get(User, programme["mentor_user"].id).calendar_token
    page = client.get("/calendar/").get_data(as_text=True)
    assert f'href="http://localhost/calendar/{token}.ics"' in page
    assert other.calendar_token not in page
