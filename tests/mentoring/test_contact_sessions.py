"""Contact between visits (issue 25, item 4): a mentor logs a phone, video or message session with their own mentee;
it shows on the mentee's record and feedback sheet, counts toward CPD hours, and the consistency tile counts it."""

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.mentoring.models import ContactSession, Feedback, FeedbackStatus
from tests.conftest import count_queries
from tests.factories import login
from tests.mentoring.conftest import midwife_skills


def contact(world, **changes) -> dict:
    data = {"held_on": (today() - timedelta(days=20)).isoformat(), "mode": "phone", "minutes": "30",
            "topic": "Partograph questions", "follow_up": "Send two partograph cases"}
    data.update(changes)
    return data


def new_url(world, mentee="mentee") -> str:
    return f"/mentees/{world[mentee].id}/contacts/new"


def sessions() -> list[ContactSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(ContactSession).order_by(ContactSession.id)))


def test_a_mentor_logs_a_phone_session_with_their_mentee_and_it_shows_on_the_record(client, world):
    login(client, world["mentor_user"])
    assert client.get(new_url(world)).status_code == 200
    response = client.post(new_url(world), data=contact(world))
    assert response.status_code == 302
    [row] = sessions()
    assert (row.mentee_id, row.mentor_id, row.held_on, row.mode, row.minutes, row.topic, row.follow_up) == (
        world["mentee"].id, world["mentor"].id, today() - timedelta(days=20), "phone", 30, "Partograph questions",
        "Send two partograph cases")
    record = client.get(f"/mentees/{world['mentee'].id}/mentoring").get_data(as_text=True)
    assert "Partograph questions" in record and "Send two partograph cases" in record and "21 May 2026" in record


def test_a_session_dated_in_the_future_is_refused_next_to_the_date_and_nothing_is_saved(client, world):
    login(client, world["mentor_user"])
    response = client.post(new_url(world), data=contact(world, held_on=(today() + timedelta(days=1)).isoformat()))
    assert response.status_code == 422 and "A contact session cannot be in the future." in response.get_data(as_text=True)
    assert 'value="Partograph questions"' in response.get_data(as_text=True)
    assert sessions() == []


def test_a_session_lasts_1_to_240_minutes(client, world):
    login(client, world["mentor_user"])
    for minutes in ("0", "241", "ten"):
        response = client.post(new_url(world), data=contact(world, minutes=minutes))
        assert response.status_code == 422, minutes
        assert "from 1 to 240 minutes" in response.get_data(as_text=True), minutes
    response = client.post(new_url(world), data=contact(world, mode="fax"))
    assert response.status_code == 422
    assert sessions() == []
    assert client.post(new_url(world), data=contact(world, minutes="240", mode="video")).status_code == 302


def test_a_mentor_logs_contact_only_with_their_own_mentees(client, world):
    login(client, world["mentor_user"])
    assert client.get(new_url(world, "mentee_k")).status_code == 404
    assert client.post(new_url(world, "mentee_k"), data=contact(world)).status_code == 404
    client.post("/logout")
    login(client, world["colleague_user"])  # same team, not the mentee's mentor
    assert client.post(new_url(world), data=contact(world)).status_code == 404
    client.post("/logout")
    for role in ("coordinator", "nemba_admin"):
        login(client, world[role])
        assert client.post(new_url(world), data=contact(world)).status_code == 403
        client.post("/logout")
    assert sessions() == []


def test_contact_sessions_count_toward_cpd_hours(client, world):
    db.session.add(Feedback(visit_id=world["visit"].id, mentee_id=world["mentee"].id, mentor_id=world["mentor"].id,
                            status=FeedbackStatus.SIGNED, cpd_hours=6))
    db.session.flush()
    login(client, world["mentor_user"])
    client.post(new_url(world), data=contact(world, minutes="90"))
    client.post("/logout")
    login(client, world["coordinator"])
    record = client.get(f"/mentees/{world['mentee'].id}/mentoring").get_data(as_text=True)
    assert "2026: <strong>7.5 hours</strong>" in record
    response = client.get(f"/mentees/{world['mentee'].id}/cpd/2026.pdf")
    text = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert "Phone" in text and "7.5" in text


def test_the_feedback_sheet_lists_the_contact_since_the_last_visit(client, world):
    skill = midwife_skills()[0]
    login(client, world["mentor_user"])
    for days, topic in ((80, "Before the earlier visit"), (30, "Between the visits"), (5, "After this visit")):
        client.post(new_url(world), data=contact(world, held_on=(today() - timedelta(days=days)).isoformat(), topic=topic))
    client.post(f"/visits/{world['earlier'].id}/feedback/{world['mentee'].id}", data={"contact_type": "on_site", "version": "",
                                                                                     f"rating-{skill.id}": "2"})
    client.post(f"/visits/{world['visit'].id}/feedback/{world['mentee'].id}", data={"contact_type": "on_site", "version": "",
                                                                                   f"rating-{skill.id}": "3"})
    response = client.get(f"/visits/{world['visit'].id}/feedback/{world['mentee'].id}.pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Contact since the last visit" in text
    assert "11 May 2026 · Phone · 30 min: Between the visits" in text
    assert "Before the earlier visit" not in text and "After this visit" not in text


def test_the_record_reads_contact_sessions_in_constant_queries(client, world):
    login(client, world["mentor_user"])
    client.post(new_url(world), data=contact(world))
    with count_queries() as few:
        assert client.get(f"/mentees/{world['mentee'].id}/mentoring").status_code == 200
    for n in range(8):
        client.post(new_url(world), data=contact(world, topic=f"Topic {n}", held_on=date(2026, 3, 1 + n).isoformat()))
    with count_queries() as many:
        assert client.get(f"/mentees/{world['mentee'].id}/mentoring").status_code == 200
    assert len(many) == len(few)
    with count_queries() as form_page:
        assert client.get(new_url(world)).status_code == 200
    assert len(form_page) <= 8


@pytest.mark.no_db
def test_the_consistency_tile_shows_the_longest_stretch_with_no_contact_of_any_kind():
    from blueprints.dashboard.tiles.coordinator import quiet_stretches, visit_gaps
    from blueprints.visits.models import VisitStatus

    start, end = date(2026, 1, 1), date(2026, 6, 1)
    raw = [(1, "Nemba", date(2026, 1, 10), date(2026, 1, 12), VisitStatus.HELD),
           (1, "Nemba", date(2026, 5, 10), date(2026, 5, 12), VisitStatus.HELD)]
    [row] = quiet_stretches(visit_gaps(raw, start, end), start, end, contacts=[(1, date(2026, 2, 20)), (1, date(2026, 3, 20))])
    assert row["longest_days"] == (date(2026, 5, 10) - date(2026, 1, 10)).days  # between visits: 120 days
    assert row["quiet"] == (date(2026, 3, 20), date(2026, 5, 10)) and row["quiet_days"] == 51



def test_the_consistency_tile_counts_a_contact_session_at_the_mentees_hospital(client, world):
    """Nemba's held visits are 70 and 10 days ago; a phone call 40 days ago halves its longest stretch without contact."""
    login(client, world["coordinator"])
    args = {"from": (today() - timedelta(days=100)).isoformat(), "to": today().isoformat()}
    before = client.get("/dashboard/tiles/consistency", query_string=args, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "longest with no contact 60 days" in before
    db.session.add(ContactSession(mentee_id=world["mentee"].id, mentor_id=world["mentor"].id,
                                  held_on=today() - timedelta(days=40), mode="phone", minutes=20, topic="Call"))
    db.session.flush()
    after = client.get("/dashboard/tiles/consistency", query_string=args, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "longest gap 60 days" in after and "longest with no contact 30 days" in after
