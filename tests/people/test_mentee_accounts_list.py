"""The list of who signed in, who has a link waiting and who was never invited (issue 22): scoped to the mentees the
user may invite, searched by name and paged like the other lists, in a constant number of queries."""

from blueprints.core.extensions import db
from blueprints.people.services.invitations import invite
from tests.conftest import count_queries
from tests.factories import assign, login, make_hospital, make_mentee, make_mentor, make_team, make_user


def test_the_list_says_who_signed_in_who_is_invited_and_who_is_not_and_is_searched_and_paged(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    team = make_team("Team North")
    nemba = make_hospital("Nemba", team=team)
    admin = make_user("hospital_admin", hospital=nemba)
    signed_in, invited, never = (make_mentee(nemba, name=name) for name in ("Aline Signed", "Belise Invited", "Claude Never"))
    make_user("mentee", mentee=signed_in)
    invite(invited, by=admin)
    make_mentee(make_hospital("Byumba"), name="Zz Other Hospital")
    db.session.commit()
    login(client, admin)
    first = client.get("/mentees/accounts").get_data(as_text=True)
    assert "Aline Signed" in first and "Has an account" in first
    assert "Belise Invited" in first and "Invited: the link works until" in first
    assert "Claude Never" not in first and "1–2 of 3" in first
    second = client.get("/mentees/accounts?page=2").get_data(as_text=True)
    assert "Claude Never" in second and "Not invited yet" in second
    found = client.get("/mentees/accounts?q=claude", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Claude Never" in found and "Aline Signed" not in found and "<html" not in found
    for page in (first, second):
        assert "Zz Other" not in page


def test_a_mentor_lists_only_their_current_mentees_in_a_constant_number_of_queries(client):
    team = make_team("Team South")
    hospital = make_hospital("Kabgayi", team=team)
    mentor = make_mentor(team)
    user = make_user("mentor", mentor=mentor)
    make_mentee(hospital, name="Zz Not Mine")

    def add(count: int, prefix: str) -> int:
        for i in range(count):
            mentee = make_mentee(hospital, name=f"{prefix} {i:03d}")
            assign(mentor, mentee)
            if i % 2:
                make_user("mentee", mentee=mentee)
            else:
                invite(mentee, by=user)
        db.session.commit()
        with count_queries() as statements:
            body = client.get("/mentees/accounts").get_data(as_text=True)
        assert "Zz Not Mine" not in body
        return len(statements)

    login(client, user)
    assert add(2, "Few") == add(40, "Many")
