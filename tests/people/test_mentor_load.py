"""Mentors with fewer than 2 active mentees (issue 25 item 3): flagged on the mentor list and page; after a transfer
out, the page suggests mentees without a mentor at the team's hospitals, the mentor's own profession first."""

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.people.services.transfers import log_transfer
from tests.factories import assign, login, make_hospital, make_mentee, make_mentor, make_team, make_user


def test_after_a_transfer_out_a_mentor_under_two_mentees_is_flagged_and_offered_a_mentee(client):
    team, other_team = make_team("Team North"), make_team("Team South")
    nemba = make_hospital("Nemba", team=team)
    kabgayi = make_hospital("Kabgayi", team=other_team)
    mentor = make_mentor(team, "midwife", name="Mentor Alpha")
    busy = make_mentor(team, "midwife", name="Mentor Busy")
    leaving, staying = make_mentee(nemba, name="Leaving Mentee"), make_mentee(nemba, name="Staying Mentee")
    for mentee in (leaving, staying):
        assign(mentor, mentee, start=today().replace(year=today().year - 1))
    for name in ("Busy One", "Busy Two"):
        assign(busy, make_mentee(nemba, name=name), start=today().replace(year=today().year - 1))
    make_mentee(nemba, "nurse", name="Aa Unmentored Nurse")
    make_mentee(nemba, name="Unmentored Midwife")
    make_mentee(kabgayi, name="Elsewhere Unmentored")
    coordinator = make_user("coordinator", username="coord")
    db.session.commit()
    login(client, coordinator)
    assert "Fewer than 2 mentees" not in client.get(f"/mentors/{mentor.id}").get_data(as_text=True)

    log_transfer(leaving, kind="out_of_programme", effective_date=today())
    db.session.commit()
    page = client.get(f"/mentors/{mentor.id}").get_data(as_text=True)
    offer = page.split('id="take-on"', 1)[1].split("</div>", 1)[0]
    assert "Fewer than 2 mentees" in offer
    assert offer.index("Unmentored Midwife") < offer.index("Aa Unmentored Nurse")  # own profession first
    assert "Elsewhere Unmentored" not in offer and "Busy One" not in offer
    listing = client.get("/mentors/").get_data(as_text=True)
    row = listing.split("Mentor Alpha", 1)[1].split("</tr>", 1)[0]
    assert "Fewer than 2 mentees" in row
    assert "Fewer than 2 mentees" not in listing.split("Mentor Busy", 1)[1].split("</tr>", 1)[0]
