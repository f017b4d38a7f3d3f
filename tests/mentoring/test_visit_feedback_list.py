"""The visit page's feedback list as each reader sees it: their own mentees first with plain actions, other
mentors' mentees as a status with a link only where the reader may open it; a held visit shows no clash grid."""

import tinyhtml5

from blueprints.core.extensions import db
from blueprints.mentoring.models import Feedback
from tests.factories import assign, login, make_mentee
from tests.mentoring.conftest import url

NS = "{http://www.w3.org/1999/xhtml}"


def feedback_rows(client, world) -> list[tuple[str, str, dict[str, str]]]:
    """(mentee, status words, {link text: href}) for each row of the visit page's feedback table."""
    page = tinyhtml5.parse(client.get(f"/visits/{world['visit'].id}").get_data(as_text=True))
    table = page.find(".//*[@id='feedback-list']")
    assert table is not None, "the visit page has no feedback list"
    rows = []
    for tr in table.iter(f"{NS}tr"):
        cells = tr.findall(f"{NS}td")
        if not cells:
            continue
        links = {" ".join("".join(a.itertext()).split()): a.get("href") for a in tr.iter(f"{NS}a")}
        rows.append((" ".join("".join(cells[0].itertext()).split()), " ".join("".join(cells[1].itertext()).split()), links))
    return rows


def colleague_mentee(world):
    """A mentee at the same hospital whose mentor is a colleague; named to sort before the reader's own."""
    other = make_mentee(world["nemba"], name="Aaron Other")
    assign(world["colleague"], other, start=world["visit"].start_date.replace(year=world["visit"].start_date.year - 1))
    return other


def test_a_mentor_sees_their_own_mentees_first_with_plain_actions(client, world):
    colleague_mentee(world)
    db.session.add(Feedback(visit_id=world["visit"].id, mentee_id=world["mentee_2"].id, mentor_id=world["mentor"].id, status="draft"))
    db.session.commit()
    login(client, world["mentor_user"])
    rows = feedback_rows(client, world)
    assert [r[0] for r in rows][:2] == ["Amina Uwase your mentee", "Grace Mukamana your mentee"]
    amina, grace = rows[0], rows[1]
    assert amina[2] == {"Write feedback": url(world)}
    assert grace[2]["Continue draft"] == url(world, mentee="mentee_2")


def test_a_mentor_gets_no_link_to_another_mentors_mentee(client, world):
    other = colleague_mentee(world)
    db.session.commit()
    login(client, world["mentor_user"])
    rows = feedback_rows(client, world)
    aaron = next(r for r in rows if r[0].startswith("Aaron Other"))
    assert aaron[2] == {} and "missing" in aaron[1]
    assert rows[-1][0].startswith("Aaron Other")
    assert client.get(f"/visits/{world['visit'].id}/feedback/{other.id}").status_code == 404  # the rule the page follows


def test_signed_feedback_offers_the_printed_sheet(client, world):
    db.session.add(Feedback(visit_id=world["visit"].id, mentee_id=world["mentee"].id, mentor_id=world["mentor"].id, status="signed"))
    db.session.commit()
    login(client, world["mentor_user"])
    amina = feedback_rows(client, world)[0]
    assert amina[2] == {"Print sheet": url(world, suffix=".pdf")}


def test_a_coordinator_reads_every_written_feedback_but_writes_none(client, world):
    colleague_mentee(world)
    db.session.add(Feedback(visit_id=world["visit"].id, mentee_id=world["mentee"].id, mentor_id=world["mentor"].id, status="draft"))
    db.session.commit()
    login(client, world["coordinator"])
    rows = {r[0].split(" ")[0]: r for r in feedback_rows(client, world)}
    assert rows["Amina"][2] == {"Read draft": url(world)}
    assert rows["Grace"][2] == {} and rows["Aaron"][2] == {}


def test_a_held_visit_shows_no_clash_grid_nor_best_windows(client, world):
    login(client, world["coordinator"])
    page = client.get(f"/visits/{world['visit'].id}?search_from=2026-12-01&search_to=2026-12-31").get_data(as_text=True)
    assert "mentee-days available" not in page and "Best windows" not in page and "Find windows" not in page
    planned = client.get(f"/visits/{world['planned'].id}").get_data(as_text=True)
    assert "mentee-days available" in planned
