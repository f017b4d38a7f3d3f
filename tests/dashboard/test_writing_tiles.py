"""Issue 7: the tiles about the mentoring record -- visits with feedback or reflections still missing and the
reflection follow-up list (coordinator), feedback and reflections to write and my mentees' last ratings and open
action items (mentor). One test per rule; the generic rules (CSV, access, constant queries) are in test_dashboard.py."""

import re
from datetime import timedelta

import pytest

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.dashboard.tiles import HOME_TILES
from blueprints.mentoring.models import Reflection
from blueprints.visits.models import MentorAttendance
from tests.dashboard.helpers import make_visit, write_feedback
from tests.factories import assign, login, make_hospital, make_mentee, make_mentor, make_team, make_user

HX = {"HX-Request": "true"}


def tile(client, name, **args) -> str:
    response = client.get(f"/dashboard/tiles/{name}", query_string=args, headers=HX)
    assert response.status_code == 200, name
    return response.get_data(as_text=True)


def held(hospital, team, days_ago: int, present=(), absent=()):
    visit = make_visit(hospital, team, today() - timedelta(days=days_ago))
    for mentor in present:
        db.session.add(MentorAttendance(visit_id=visit.id, mentor_id=mentor.id, present=True))
    for mentor in absent:
        db.session.add(MentorAttendance(visit_id=visit.id, mentor_id=mentor.id, present=False, reason="Sick"))
    db.session.flush()
    return visit


def reflect(visit, mentor, support: str = "", status: str = "open", owner=None) -> Reflection:
    reflection = Reflection(visit_id=visit.id, mentor_id=mentor.id, went_well="ok", support_needed=support, support_status=status,
                            support_owner_id=owner.id if owner else None)
    db.session.add(reflection)
    db.session.flush()
    return reflection


@pytest.fixture
def team_world():
    """Team North at Nemba: two mentors (one absent from the visit), each with mentees; a held visit 20 days ago."""
    team = make_team("Team North")
    nemba = make_hospital("Nemba", team=team)
    me, colleague, away = make_mentor(team, name="Mentor Me"), make_mentor(team, name="Mentor Colleague"), make_mentor(team, name="Mentor Away")
    mentees = {name: make_mentee(nemba, name=name) for name in ("Aline Signed", "Bosco Draft", "Claire Missing", "Denise Colleague", "Eric Away")}
    start = today() - timedelta(days=300)
    for mentor, name in ((me, "Aline Signed"), (me, "Bosco Draft"), (me, "Claire Missing"), (colleague, "Denise Colleague"),
                         (away, "Eric Away")):
        assign(mentor, mentees[name], start=start)
    visit = held(nemba, team, 20, present=[me, colleague], absent=[away])
    write_feedback(visit, me, mentees["Aline Signed"], status="signed")
    write_feedback(visit, me, mentees["Bosco Draft"], status="draft")
    write_feedback(visit, colleague, mentees["Denise Colleague"], status="signed")
    reflect(visit, colleague)
    return {"team": team, "nemba": nemba, "me": me, "colleague": colleague, "away": away, "mentees": mentees, "visit": visit}


# --- coordinator: visits with feedback or reflections still missing ------------------------------

def test_writing_tile_counts_feedback_drafted_and_not_started_and_reflections_missing_per_held_visit(client, team_world):
    login(client, make_user("coordinator"))
    body = tile(client, "writing")
    visit = team_world["visit"]
    assert f'href="/visits/{visit.id}#feedback"' in body
    # expected: my three mentees and the colleague's (the absent mentor's mentee is not expected)
    assert "feedback for 4 mentees: not started 1, drafted 1" in body
    assert "reflections: 1 of 2 missing" in body


def test_writing_tile_expects_writing_from_a_team_mentor_with_no_attendance_and_a_mentor_of_another_team_recorded_present(
        client, team_world):
    guest_team = make_team("Team Guest")
    guest = make_mentor(guest_team, name="Mentor Guest")
    assign(guest, make_mentee(team_world["nemba"], name="Gina Guest"), start=today() - timedelta(days=300))
    # Mentor Me and Mentor Away have nothing recorded (team mentors: they came), Mentor Colleague is recorded absent and
    # the guest from another team recorded present; the guest signs Aline's sheet.
    visit = held(team_world["nemba"], team_world["team"], 40, present=[guest], absent=[team_world["colleague"]])
    write_feedback(visit, guest, team_world["mentees"]["Aline Signed"], status="signed")
    login(client, make_user("coordinator"))
    body = tile(client, "writing")
    row = re.search(rf'/visits/{visit.id}#feedback">[^<]*</a> <span class="muted small">([^<]*)</span>', body).group(1)
    # expected: Mentor Me's three mentees, Eric Away and Gina Guest, not Denise Colleague; one signed
    assert row == "feedback for 5 mentees: not started 4, drafted 0 · reflections: 3 of 3 missing"


def test_writing_tile_leaves_out_visits_whose_writing_is_done_and_visits_not_held(client, team_world):
    done = held(team_world["nemba"], team_world["team"], 80, present=[team_world["colleague"]], absent=[team_world["me"], team_world["away"]])
    write_feedback(done, team_world["colleague"], team_world["mentees"]["Denise Colleague"], status="signed")
    reflect(done, team_world["colleague"])
    planned = make_visit(team_world["nemba"], team_world["team"], today() - timedelta(days=50), status="planned")
    login(client, make_user("coordinator"))
    body = tile(client, "writing")
    assert f"/visits/{team_world['visit'].id}#" in body
    assert f"/visits/{done.id}#" not in body and f"/visits/{planned.id}#" not in body


def test_writing_tile_follows_the_date_range_and_the_province(client, team_world):
    south_team = make_team("Team South")
    kabgayi = make_hospital("Kabgayi", team=south_team, province="Southern Province")
    south_mentor = make_mentor(south_team, name="Mentor South")
    assign(south_mentor, make_mentee(kabgayi, name="Fabrice South"), start=today() - timedelta(days=300))
    south_visit = held(kabgayi, south_team, 200, present=[south_mentor])
    login(client, make_user("coordinator"))
    south = tile(client, "writing", province="Southern Province")
    assert "Kabgayi" in south and "Nemba" not in south
    recent = tile(client, "writing", **{"from": (today() - timedelta(days=100)).isoformat(), "to": today().isoformat()})
    assert "Nemba" in recent and f"/visits/{south_visit.id}#" not in recent


def test_writing_tile_empty_says_what_to_do(client):
    login(client, make_user("coordinator"))
    body = tile(client, "writing")
    assert 'class="empty"' in body and "Open the visit list" in body


# --- coordinator: the reflection follow-up list ---------------------------------------------------

def test_support_tile_counts_open_in_progress_and_resolved_and_lists_the_oldest_open_with_owner(client, team_world):
    coordinator = make_user("coordinator", display_name="Coord Owner")
    old = held(team_world["nemba"], team_world["team"], 150, present=[team_world["me"]])
    reflect(old, team_world["me"], support="Oldest: a second CPAP", status="in_progress", owner=coordinator)
    reflect(team_world["visit"], team_world["me"], support="Newer: partograph forms")
    resolved = held(team_world["nemba"], team_world["team"], 250, present=[team_world["me"]])
    reflect(resolved, team_world["me"], support="Done: oxygen regulator", status="resolved", owner=coordinator)
    login(client, coordinator)
    body = tile(client, "support")
    assert "<strong>1 open</strong> · <strong>1 in progress</strong>" in body and "1 resolved" in body
    assert body.index("Oldest: a second CPAP") < body.index("Newer: partograph forms")
    assert "Coord Owner" in body and "nobody owns it yet" in body
    assert "Done: oxygen regulator" not in body
    assert 'href="/reflections/support?status=in_progress"' in body and 'href="/reflections/support?status=open"' in body


def test_support_tile_builds_only_the_requests_it_shows_and_its_csv_has_them_all(client, team_world):
    """Issue 23: the tile built 1,762 requests at national scale to show 5 (and 15 in its table)."""
    from sqlalchemy import event

    for n in range(20):
        visit = held(team_world["nemba"], team_world["team"], 30 + 7 * n, present=[team_world["me"]])
        reflect(visit, team_world["me"], support=f"Request {n:02d}")
    reflect(held(team_world["nemba"], team_world["team"], 400, present=[team_world["me"]]), team_world["me"])  # asks nothing
    login(client, make_user("coordinator"))
    built = []

    def on_load(target, context):
        built.append(target.id)

    event.listen(Reflection, "load", on_load)
    try:
        body = tile(client, "support")
    finally:
        event.remove(Reflection, "load", on_load)
    assert "<strong>20 open</strong>" in body and "Request 19" in body and "and 15 more" in body
    assert "(20)" in body and len(built) <= 15
    rows = client.get("/dashboard/tiles/support.csv").get_data(as_text=True).splitlines()
    assert len(rows) == 21 and sum("Request" in row for row in rows) == 20


def test_support_tile_follows_the_province(client, team_world):
    reflect(team_world["visit"], team_world["me"], support="North needs oxygen")
    login(client, make_user("coordinator"))
    assert "North needs oxygen" in tile(client, "support")
    assert "North needs oxygen" not in tile(client, "support", province="Southern Province")


def test_support_tile_empty_says_what_to_do(client):
    login(client, make_user("coordinator"))
    body = tile(client, "support")
    assert 'class="empty"' in body and "Open the follow-up list" in body


# --- mentor: feedback and reflections to write -------------------------------------------------

def test_mentor_sees_their_mentees_feedback_not_signed_and_their_missing_reflection_with_links_to_the_forms(client, team_world):
    visit = team_world["visit"]
    login(client, make_user("mentor", mentor=team_world["me"]))
    body = tile(client, "to_write")
    mentees = team_world["mentees"]
    assert f'href="/visits/{visit.id}/feedback/{mentees["Claire Missing"].id}">Feedback for Claire Missing</a> <span class="badge overdue">missing' in body
    assert f'href="/visits/{visit.id}/feedback/{mentees["Bosco Draft"].id}">Feedback for Bosco Draft</a> <span class="badge due">draft' in body
    assert "Aline Signed" not in body and "Denise Colleague" not in body and "Eric Away" not in body
    assert f'href="/visits/{visit.id}/reflection">Your reflection</a>' in body


def test_mentor_with_their_writing_done_or_absent_from_the_visit_has_nothing_to_write(client, team_world):
    login(client, make_user("mentor", mentor=team_world["colleague"]))
    body = tile(client, "to_write")
    assert 'class="empty"' in body and "Open the calendar" in body
    client.post("/logout")
    login(client, make_user("mentor", mentor=team_world["away"]))
    assert 'class="empty"' in tile(client, "to_write")


def test_mentor_home_lists_the_writing_tile(client, team_world):
    login(client, make_user("mentor", mentor=team_world["me"]))
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'id="tile-to_write".*Nemba.*id="tile-my_mentees"', page, re.S), "drawn with the page, before my mentees"
    assert HOME_TILES["mentor"].index("to_write") < HOME_TILES["mentor"].index("my_mentees")


# --- mentor: my mentees' last ratings and open action items ---------------------------------------

def test_my_mentees_show_their_last_ratings_in_words_and_their_open_action_items(client, team_world):
    me, mentees = team_world["me"], team_world["mentees"]
    earlier = held(team_world["nemba"], team_world["team"], 120, present=[me])
    write_feedback(earlier, me, mentees["Claire Missing"], rating=1, action="Plot ten partographs", status="signed")
    login(client, make_user("mentor", mentor=me))
    body = tile(client, "my_mentees")
    claire = re.search(r"Claire Missing</a>.*?</li>", body, re.S).group(0)
    assert f"Last ratings ({earlier.start_date.day} " in claire and "<strong>1</strong> not yet able" in claire
    assert "1 open action item: Plot ten partographs" in claire
    bosco = re.search(r"Bosco Draft</a>.*?</li>", body, re.S).group(0)
    assert "draft" in bosco and "<strong>3</strong> needs some help" in bosco
    csv_text = client.get("/dashboard/tiles/my_mentees.csv").get_data(as_text=True)
    assert "Open action items" in csv_text and "1 not yet able" in csv_text


def test_my_mentees_not_rated_yet_say_so(client):
    team = make_team()
    hospital = make_hospital(team=team)
    me = make_mentor(team)
    assign(me, make_mentee(hospital, name="New Mentee"), start=today() - timedelta(days=5))
    login(client, make_user("mentor", mentor=me))
    body = tile(client, "my_mentees")
    assert "Not rated yet" in body and "No open action items" in body


# --- failures ------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, name, query", [
    ("coordinator", "writing", "visits_with_writing_missing"),
    ("coordinator", "support", "support_followup"),
    ("mentor", "to_write", "my_feedback_to_write"),
    ("mentor", "my_mentees", "latest_ratings"),
])
def test_a_failing_new_tile_shows_a_short_error_in_its_box(client, monkeypatch, team_world, role, name, query):
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(f"blueprints.mentoring.followup.{query}", broken)
    login(client, make_user(role, mentor=team_world["me"]) if role == "mentor" else make_user(role))
    body = tile(client, name)
    assert "could not be loaded" in body and 'role="alert"' in body and "database on fire" not in body


# --- the demo programme ----------------------------------------------------------------------------

def test_demo_coordinator_and_mentor_01_have_writing_and_follow_up_to_see(client, runner):
    runner.invoke(args=["demo-data"])
    login(client, "coordinator", password="mentorship-demo")
    writing = tile(client, "writing")
    assert 'class="empty"' not in writing and re.search(r'<a href="/visits/\d+#feedback">', writing)
    support = tile(client, "support")
    assert 'class="empty"' not in support and re.search(r"<strong>[1-9]\d* open</strong> · <strong>[1-9]\d* in progress</strong>", support)
    client.post("/logout")
    login(client, "mentor.01", password="mentorship-demo")
    to_write = tile(client, "to_write")
    assert re.search(r'<a href="/visits/\d+/feedback/\d+">Feedback for ', to_write) and "Your reflection" in to_write
    mentees = tile(client, "my_mentees")
    assert "Last ratings (" in mentees and "open action item" in mentees


# --- performance ---------------------------------------------------------------------------------

def test_the_mentors_writing_tiles_run_a_constant_number_of_queries_for_10_or_100_mentees(client):
    from tests.conftest import count_queries

    team = make_team()
    hospital = make_hospital(team=team)
    me = make_mentor(team)
    visits = [held(hospital, team, days_ago, present=[me]) for days_ago in (30, 90)]

    def add(n: int, offset: int) -> None:
        for i in range(n):
            mentee = make_mentee(hospital, name=f"Mentee {offset + i:03d}")
            assign(me, mentee, start=today() - timedelta(days=200))
            write_feedback(visits[0], me, mentee, rating=1 + i % 5, action=f"Action {offset + i}", status="signed" if i % 2 else "draft")
        db.session.commit()

    def counts() -> dict[str, int]:
        out = {}
        for name in ("to_write", "my_mentees"):
            with count_queries() as statements:
                body = tile(client, name)
            assert "could not be loaded" not in body and 'class="empty"' not in body, name
            out[name] = len(statements)
        return out

    login(client, make_user("mentor", mentor=me))
    add(10, 0)
    small = counts()
    add(90, 10)
    assert counts() == small
    print("mentor writing tile queries:", small)


@pytest.mark.no_db
def test_the_writing_tile_reads_the_mentee_and_status_of_each_visits_feedback_from_one_index():
    """Issue 23: a year of national visits has 22,106 feedback rows among 116,144 (scale 10); an index holding the visit,
    the mentee and the status lets PostgreSQL read them per visit from the index alone, not scan the whole table."""
    from blueprints.mentoring.models import Feedback

    assert ("visit_id", "mentee_id", "status") in {tuple(column.name for column in index.columns) for index in Feedback.__table__.indexes}
