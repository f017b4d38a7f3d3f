"""The demo programme: the shape DOMAIN.md describes, refused over real data, same data for the same seed."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from blueprints.auth.models import User
from blueprints.core.extensions import db
from blueprints.core.models import Setting
from blueprints.people.models import Assignment, Hospital, Mentee, Mentor, Team
from tests.factories import login

MODELS = (Hospital, Team, Mentor, Mentee, Assignment, User)


def counts() -> dict[str, int]:
    db.session.expire_all()
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def test_demo_data_has_the_programme_shape(runner):
    result = runner.invoke(args=["demo-data", "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert "invented" in result.output
    shape = counts()
    assert shape["Hospital"] == 10 and shape["Team"] == 10 and shape["Mentor"] == 50
    assert 100 <= shape["Mentee"] <= 150
    districts = db.session.scalars(select(func.count(func.distinct(Hospital.district)))).one()
    provinces = db.session.scalars(select(func.count(func.distinct(Hospital.province)))).one()
    assert (districts, provinces) == (6, 2)
    per_mentor = db.session.execute(select(Assignment.mentor_id, func.count()).group_by(Assignment.mentor_id)).all()
    assert len(per_mentor) == 50 and all(2 <= n <= 3 for _, n in per_mentor)
    for team in db.session.scalars(select(Team)):
        assert sorted(m.profession.code for m in team.mentors) == sorted(
            ["obgyn", "paediatrician", "anaesthetist", "midwife", "paediatric_nurse"]
        )


def test_demo_accounts_sign_in(runner, client):
    runner.invoke(args=["demo-data"])
    for username in ("sysadmin", "coordinator", "admin.byumba", "admin.kabgayi", "mentor.01", "mentor.50"):
        response = login(client, username, password="mentorship-demo")
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200
        client.post("/logout")


def test_demo_data_refuses_a_database_with_data(runner):
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    before = counts()
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "--reset" in result.output
    assert counts() == before


def test_demo_data_loads_twice_with_reset_and_gives_the_same_counts(runner):
    assert runner.invoke(args=["demo-data", "--today", "2026-11-26"]).exit_code == 0
    first = counts()
    first_names = db.session.scalars(select(Mentee.full_name).order_by(Mentee.full_name)).all()
    result = runner.invoke(args=["demo-data", "--reset", "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert counts() == first
    assert db.session.scalars(select(Mentee.full_name).order_by(Mentee.full_name)).all() == first_names


def test_demo_data_if_empty_keeps_existing_data(runner):
    runner.invoke(args=["demo-data"])
    before = counts()
    result = runner.invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0
    assert counts() == before


def test_demo_banner_says_the_data_is_invented(runner, client):
    runner.invoke(args=["demo-data"])
    login(client, "coordinator", password="mentorship-demo")
    assert b"every name and figure here is invented" in client.get("/").data


def test_the_demo_is_built_around_the_programmes_today_not_the_servers_date(runner, time_machine):
    """At 23:30 UTC on 31 January it is already 1 February in Kigali: the demo's visits, transfers and
    feedback are dated around the day the app itself calls today."""
    time_machine.move_to(datetime(2027, 1, 31, 23, 30, tzinfo=UTC).timestamp(), tick=False)
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    anchor = db.session.scalar(select(Setting.value).where(Setting.key == "demo_data"))
    assert anchor.endswith("anchor=2027-02-01")


def account_rows(table: str) -> dict[str, tuple[str, str]]:
    """{username: (role, hospital or team)} from the Markdown table `demo-accounts` prints."""
    rows = {}
    for line in table.strip().splitlines()[2:]:
        accounts, role, where = (cell.strip() for cell in line.strip("|").split("|"))
        for name in accounts.split():
            rows[name.strip("`")] = (role, where)
    return rows


def test_demo_accounts_prints_every_account_with_its_role_and_hospital_or_team(runner):
    assert runner.invoke(args=["demo-data", "--today", "2026-11-26"]).exit_code == 0
    result = runner.invoke(args=["demo-accounts"])
    assert result.exit_code == 0, result.output
    rows = account_rows(result.output)
    users = db.session.scalars(select(User).where(User.role != "mentee")).all()  # one per mentee: the README says how to find one
    assert sorted(rows) == sorted(u.username for u in users)
    assert rows["coordinator"] == ("Programme coordinator", "the whole programme")
    assert rows["admin.nemba"] == ("Hospital administrator", "Nemba (Gakenke, Northern Province)")
    for user in users:
        if user.role == "mentor":
            team = user.mentor.team
            assert rows[user.username] == ("Mentor", f"{team.name}, visits {', '.join(h.name for h in team.hospitals)}")
    assert rows["mentor.21"] == ("Mentor", "Team 05 (Nemba), visits Nemba")


def test_the_readme_lists_the_demo_accounts_that_demo_accounts_prints(runner):
    """The README's table is the command's output on the demo programme: it names every account's hospital or team."""
    from pathlib import Path

    assert runner.invoke(args=["demo-data", "--today", "2026-11-26"]).exit_code == 0
    table = runner.invoke(args=["demo-accounts"]).output.strip()
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert table in readme
