"""Teams: five mentors, one of each mentor profession, visiting one or more hospitals. The
coordinator manages them; the list and the team page warn when a profession is missing or doubled."""

from datetime import timedelta

from sqlalchemy import func, select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent
from blueprints.people.models import Hospital, Mentor, Profession, Team, TrainingRecord
from tests.conftest import count_queries
from tests.factories import login, make_hospital, make_mentor, make_team, make_user, profession

MENTOR_PROFESSIONS = ("obgyn", "paediatrician", "anaesthetist", "midwife", "paediatric_nurse")


def signed_in(client, role="coordinator", **fields):
    user = make_user(role, **fields)
    login(client, user)
    return user


def full_team(name="Team North", refreshed_days_ago: int | None = 10):
    """A team with one active mentor of each mentor profession, each refreshed that many days ago."""
    team = make_team(name)
    professions = db.session.scalars(select(Profession).where(Profession.code.in_(MENTOR_PROFESSIONS))).all() or [
        profession(code) for code in MENTOR_PROFESSIONS]
    for p in professions:
        mentor = Mentor(full_name=f"{p.name} of {name}", profession=p, team=team)
        db.session.add(mentor)
        if refreshed_days_ago is not None:
            db.session.add(TrainingRecord(mentor=mentor, title="Refresher", course_date=today() - timedelta(days=refreshed_days_ago), hours=8))
    db.session.flush()
    return team


# --- access ------------------------------------------------------------------------------------

def test_teams_are_for_coordinators_only(client):
    team = full_team()
    hospital = make_hospital("Nemba", team=team)
    signed_in(client, "hospital_admin", hospital=hospital)
    for path in ("/teams/", f"/teams/{team.id}", "/teams/new", f"/teams/{team.id}/edit"):
        assert client.get(path).status_code == 403, path


def test_a_mentor_cannot_open_team_pages_even_of_their_own_team(client):
    team = full_team()
    signed_in(client, "mentor", mentor=team.mentors[0])
    assert client.get("/teams/").status_code == 403
    assert client.get(f"/teams/{team.id}").status_code == 403


def test_unknown_team_is_404(client):
    signed_in(client)
    assert client.get("/teams/99999").status_code == 404
    assert client.get("/teams/99999/edit").status_code == 404


# --- list --------------------------------------------------------------------------------------

def test_team_list_shows_hospitals_and_mentor_professions(client):
    signed_in(client)
    team = full_team("Team North")
    make_hospital("Nemba", team=team)
    make_hospital("Ruli", team=team)
    page = client.get("/teams/").get_data(as_text=True)
    for text in ("Team North", "Nemba", "Ruli", "Obstetrician/gynaecologist", "Paediatric nurse", "Anaesthetist"):
        assert text in page, text
    assert "badge overdue" not in page


def test_team_list_warns_when_a_profession_is_missing_or_doubled(client):
    signed_in(client)
    short = make_team("Team Short")
    for code in ("obgyn", "paediatrician", "midwife", "midwife", "paediatric_nurse"):
        make_mentor(short, code)
    page = client.get("/teams/").get_data(as_text=True)
    row = page[page.index("Team Short"):]
    row = row[: row.index("</tr>")]
    assert "badge due" in row
    assert "No anaesthetist" in row and "2 midwife mentors" in row


def test_team_list_empty_state_says_what_to_do(client):
    signed_in(client)
    assert "Create the first team" in client.get("/teams/").get_data(as_text=True)


def test_team_list_uses_the_same_number_of_queries_for_10_and_100_teams(client):
    signed_in(client)

    def add_teams(n, start):
        for i in range(start, start + n):
            team = full_team(f"Team {i:03d}")
            make_hospital(f"Hospital {i:03d}", team=team)

    add_teams(10, 0)
    with count_queries() as few:
        assert client.get("/teams/").status_code == 200
    add_teams(90, 10)
    with count_queries() as many:
        response = client.get("/teams/")
    assert len(many) == len(few), many
    assert b'rel="next"' in response.data


# --- team page ---------------------------------------------------------------------------------

def test_complete_team_page_shows_no_warning(client):
    signed_in(client)
    team = full_team()
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "One mentor of each profession" in page
    for name in ("obstetrician/gynaecologist", "paediatrician", "anaesthetist", "midwife", "paediatric nurse"):
        assert f"No {name}" not in page
        assert f"2 {name} mentors" not in page
    assert "badge due" not in page


def test_team_page_says_in_words_which_profession_is_missing_or_doubled(client):
    signed_in(client)
    team = make_team("Team Short")
    for code in ("obgyn", "paediatrician", "midwife", "midwife", "paediatric_nurse"):
        make_mentor(team, code)
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "No anaesthetist" in page
    assert "2 midwife mentors" in page


def test_an_inactive_mentor_does_not_fill_a_place_in_the_team(client):
    signed_in(client)
    team = full_team()
    anaesthetist = next(m for m in team.mentors if m.profession.code == "anaesthetist")
    anaesthetist.active = False
    assert "No anaesthetist" in client.get(f"/teams/{team.id}").get_data(as_text=True)


def test_team_page_flags_mentors_overdue_for_a_refresher(client):
    signed_in(client)
    team = full_team(refreshed_days_ago=10)
    late = make_mentor(team, "midwife", name="Late Refresher")
    db.session.add(TrainingRecord(mentor=late, title="Refresher", course_date=today() - timedelta(days=120), hours=8))
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    row = page[page.index("Late Refresher"):]
    row = row[: row.index("</tr>")]
    assert "Refresher overdue" in row
    assert page.count("Refresher overdue") == 1


def test_team_page_lists_the_hospitals_it_visits(client):
    signed_in(client)
    team = full_team()
    nemba = make_hospital("Nemba", team=team)
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert f"/hospitals/{nemba.id}" in page


def test_team_without_hospitals_says_what_to_do(client):
    signed_in(client)
    team = full_team()
    assert "This team visits no hospital yet" in client.get(f"/teams/{team.id}").get_data(as_text=True)


# --- create and edit ---------------------------------------------------------------------------

def test_coordinator_creates_a_team_with_hospitals_and_it_is_audited(client):
    signed_in(client)
    nemba, ruli = make_hospital("Nemba"), make_hospital("Ruli")
    response = client.post("/teams/new", data={"name": "Team North", "hospital_ids": [nemba.id, ruli.id]})
    assert response.status_code == 302
    team = db.session.scalar(select(Team).where(Team.name == "Team North"))
    assert response.headers["Location"].endswith(f"/teams/{team.id}")
    assert {h.name for h in team.hospitals} == {"Nemba", "Ruli"}
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "team.create"))
    assert audit.object_id == team.id and sorted(audit.after["hospital_ids"]) == sorted([nemba.id, ruli.id])


def test_team_name_is_required_and_unique_next_to_the_field(client):
    signed_in(client)
    make_team("Team North")
    nemba = make_hospital("Nemba")
    missing = client.post("/teams/new", data={"name": "", "hospital_ids": [nemba.id]})
    assert missing.status_code == 422 and b'id="name-error"' in missing.data
    taken = client.post("/teams/new", data={"name": "team north", "hospital_ids": [nemba.id]})
    assert taken.status_code == 422 and b'id="name-error"' in taken.data and b"already a team called" in taken.data
    assert b'value="team north"' in taken.data
    assert db.session.scalar(select(func.count(Team.id))) == 1
    assert db.session.get(Hospital, nemba.id).team_id is None


def test_editing_a_team_moves_hospitals_and_is_audited(client):
    signed_in(client)
    team, other = make_team("Team North"), make_team("Team South")
    nemba = make_hospital("Nemba", team=team)
    ruli = make_hospital("Ruli", team=other)
    form = client.get(f"/teams/{team.id}/edit")
    assert form.status_code == 200 and b"Ruli" in form.data and b"Team South" in form.data
    response = client.post(f"/teams/{team.id}/edit", data={"name": "Team North", "hospital_ids": [ruli.id]})
    assert response.status_code == 302
    assert db.session.get(Hospital, nemba.id).team_id is None
    assert db.session.get(Hospital, ruli.id).team_id == team.id
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "team.update"))
    assert audit.before == {"hospital_ids": [nemba.id]} and audit.after == {"hospital_ids": [ruli.id]}
    moved = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "hospital.update")).all()
    assert {(a.hospital_id, a.before["team_id"], a.after["team_id"]) for a in moved} == {
        (nemba.id, team.id, None), (ruli.id, other.id, team.id)}
