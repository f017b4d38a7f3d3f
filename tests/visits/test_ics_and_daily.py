"""Secret .ics feeds (all-day events, stable UIDs, cancelled visits marked, no personal data, old
tokens dead) and the daily job's alerts (overdue hospitals to coordinators, reminders to mentors),
each sent once however often it runs."""

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from blueprints.auth.models import User
from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import Notification
from tests.factories import login
from tests.visits.conftest import held_visit, make_visit, monday


def feed(client, token):
    return client.get(f"/calendar/{token}.ics")


def test_feed_has_all_day_events_with_stable_uids_and_cancelled_status(client, programme):
    planned = make_visit(programme["nemba"], programme["team_a"], monday())
    cancelled = make_visit(programme["ruli"], programme["team_a"], monday(2), status="cancelled", status_reason="Mentee names here")
    login(client, programme["mentor_user"])
    client.post("/account/calendar-token")
    token = db.session.get(User, programme["mentor_user"].id).calendar_token
    client.post("/logout")
    response = feed(client, token)  # no session needed: the token is the credential
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = {str(e["uid"]): e for e in Calendar.from_ical(response.data).walk("VEVENT")}
    first = events[f"visit-{planned.id}@clinical-mentorship"]
    assert first.decoded("dtstart") == monday() and first.decoded("dtend") == monday() + timedelta(days=3)
    assert str(events[f"visit-{cancelled.id}@clinical-mentorship"]["status"]) == "CANCELLED"
    text = response.get_data(as_text=True)
    for personal in ("Mentor Alpha", "Nemba Mentee", "Mentee names here", "mentor.alpha"):
        assert personal not in text
    assert "Nemba" in text and "Team North" in text
    again = {str(e["uid"]) for e in Calendar.from_ical(feed(client, token).data).walk("VEVENT")}
    assert again == set(events)  # the same UIDs every time, so calendar apps update rather than duplicate
    assert response.headers["Content-Disposition"] == 'inline; filename="visits.ics"'
    assert response.headers["Cache-Control"] == "no-store"


def test_a_wrong_or_old_token_gives_404(client, programme):
    login(client, programme["coordinator"])
    client.post("/account/calendar-token")
    old = db.session.get(User, programme["coordinator"].id).calendar_token
    assert feed(client, old).status_code == 200
    client.post("/account/calendar-token")
    new = db.session.get(User, programme["coordinator"].id).calendar_token
    assert new != old
    assert feed(client, old).status_code == 404
    assert feed(client, "not-a-token-at-all-but-long-enough").status_code == 404
    assert feed(client, new).status_code == 200


def test_an_inactive_users_feed_stops(client, programme):
    user = programme["mentor_user"]
    user.calendar_token = "a-token-long-enough-to-be-checked-0001"
    user.active = False
    db.session.flush()
    assert feed(client, user.calendar_token).status_code == 404


def test_account_page_shows_the_feed_address_and_a_button_to_change_it(client, programme):
    login(client, programme["nemba_admin"])
    page = client.get("/account").get_data(as_text=True)
    assert "Calendar feed" in page and "Create my feed address" in page
    client.post("/account/calendar-token")
    token = db.session.get(User, programme["nemba_admin"].id).calendar_token
    page = client.get("/account").get_data(as_text=True)
    assert f"/calendar/{token}.ics" in page and "Make a new address" in page


def messages(user):
    return db.session.scalars(select(Notification.message).where(Notification.user_id == user.id)).all()


def test_daily_notifies_coordinators_once_when_a_hospital_becomes_overdue(runner, programme):
    held_visit(programme["ruli"], programme["team_a"], today() - timedelta(days=95))
    held_visit(programme["nemba"], programme["team_a"], today() - timedelta(days=30))
    db.session.commit()
    result = runner.invoke(args=["daily"])
    assert result.exit_code == 0 and "Overdue hospitals notified: 1." in result.output
    assert runner.invoke(args=["daily"]).exit_code == 0
    db.session.expire_all()
    [message] = messages(programme["coordinator"])
    assert message.startswith("Ruli is overdue")


def test_daily_reminds_the_teams_mentors_a_week_before_their_visit_once(runner, programme):
    make_visit(programme["nemba"], programme["team_a"], today() + timedelta(days=7))
    make_visit(programme["kabgayi"], programme["team_b"], today() + timedelta(days=20))
    db.session.commit()
    assert "Visit reminders: 1." in runner.invoke(args=["daily"]).output
    assert "Visit reminders: 0." in runner.invoke(args=["daily"]).output
    db.session.expire_all()
    [message] = messages(programme["mentor_user"])
    assert "Nemba" in message
    assert messages(programme["mentor_b_user"]) == []
