"""When a team mentor cannot come (issue 25 item 3): a substitute of the same profession, from a neighbouring team
first, free on the visit's days; arranged once per absent mentor; then on the visit and its attendance (who came)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from blueprints.core.audit import AuditEvent
from blueprints.core.errors import RuleBroken
from blueprints.core.extensions import db
from blueprints.people.services.absences import add_absence
from blueprints.visits import queries, services, substitutes
from blueprints.visits.models import MentorAttendance, VisitSubstitute
from tests.factories import login, make_hospital, make_mentor, make_team
from tests.visits.conftest import make_visit, monday


@pytest.fixture
def missing(programme):
    """Mentor Alpha (midwife, Team North) on leave during Nemba's visit; Team East visits a Northern hospital too."""
    team_c = make_team("Team East")
    make_hospital("Byumba", team=team_c, province="Northern Province")
    neighbour = make_mentor(team_c, name="Mentor Gamma")
    away = make_mentor(team_c, name="Mentor Away")
    visit = make_visit(programme["nemba"], programme["team_a"], monday(3))
    add_absence(programme["mentor_a"], kind="annual_leave", start_date=monday(3), end_date=monday(3) + timedelta(days=4))
    add_absence(away, kind="home_duty", start_date=monday(3) + timedelta(days=1), end_date=monday(3) + timedelta(days=1))
    db.session.commit()
    return {"visit": visit, "neighbour": neighbour, "away": away}


def suggested(programme, missing):
    rows = [{"mentor": m, "cells": [None] * 3} for m in (programme["mentor_a2"],)]
    rows.append({"mentor": programme["mentor_a"], "cells": ["annual_leave"] * 3})
    return substitutes.suggestions(missing["visit"], rows, arranged=set())


def test_a_substitute_of_the_same_profession_from_a_neighbouring_team_comes_first(programme, missing):
    found = suggested(programme, missing)
    assert list(found) == [programme["mentor_a"].id]  # Mentor Alpha Two is not missing
    assert [(s.mentor.full_name, s.neighbouring) for s in found[programme["mentor_a"].id]] == [("Mentor Gamma", True), ("Mentor Beta", False)]


def test_a_mentor_whose_own_team_visits_then_is_not_suggested(programme, missing):
    make_visit(programme["kabgayi"], programme["team_b"], monday(3) + timedelta(days=2))
    names = [s.mentor.full_name for s in suggested(programme, missing)[programme["mentor_a"].id]]
    assert names == ["Mentor Gamma"]


def test_the_visit_page_suggests_and_the_coordinator_arranges_then_attendance_records_who_came(client, programme, missing):
    login(client, programme["coordinator"])
    page = client.get(f"/visits/{missing['visit'].id}").get_data(as_text=True)
    assert "In place of Mentor Alpha" in page and "Mentor Gamma" in page.split('id="substitutes"', 1)[1]
    response = client.post(f"/visits/{missing['visit'].id}/substitutes",
                           data={"mentor_id": missing["neighbour"].id, "for_mentor_id": programme["mentor_a"].id})
    assert response.status_code == 302
    page = client.get(f"/visits/{missing['visit'].id}").get_data(as_text=True)
    assert "substitute for Mentor Alpha" in page and 'id="substitutes"' not in page
    rows = queries.visit_mentors(missing["visit"])
    assert {r["mentor"].full_name: r["substitute_for"] for r in rows}["Mentor Gamma"] == programme["mentor_a"].id
    refusals = services.record_attendance(missing["visit"], mentors={missing["neighbour"].id: (True, ""), programme["mentor_a"].id: (False, "Leave")},
                                          mentee_days=set(), allowed_mentor_ids={r["mentor"].id for r in rows}, allowed_mentee_ids=set(),
                                          opened_version=None, today=missing["visit"].start_date)
    assert refusals == []
    assert db.session.scalar(select(MentorAttendance.present).where(MentorAttendance.mentor_id == missing["neighbour"].id))


def test_one_substitute_per_absent_mentor_and_only_an_allowed_one(programme, missing):
    substitutes.arrange(missing["visit"], mentor_id=missing["neighbour"].id, for_mentor_id=programme["mentor_a"].id)
    with pytest.raises(RuleBroken):
        substitutes.arrange(missing["visit"], mentor_id=programme["mentor_b"].id, for_mentor_id=programme["mentor_a"].id)
    for mentor in (programme["mentor_a2"], missing["away"]):  # another profession; away on a day of the visit
        with pytest.raises(RuleBroken):
            substitutes.arrange(missing["visit"], mentor_id=mentor.id, for_mentor_id=programme["mentor_a2"].id)
    assert db.session.scalar(select(func.count(VisitSubstitute.id))) == 1
    db.session.add(VisitSubstitute(visit_id=missing["visit"].id, mentor_id=programme["mentor_b"].id, for_mentor_id=programme["mentor_a"].id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_refused_substitute_says_why_and_saves_nothing(client, programme, missing):
    login(client, programme["coordinator"])
    response = client.post(f"/visits/{missing['visit'].id}/substitutes",
                           data={"mentor_id": programme["mentor_a2"].id, "for_mentor_id": programme["mentor_a"].id}, follow_redirects=True)
    assert "This mentor cannot stand in" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(VisitSubstitute.id))) == 0


def test_a_coordinator_cancels_an_arranged_substitute_after_confirming_audited_and_the_suggestion_shows_again(client, programme, missing):
    visit_id = missing["visit"].id
    substitutes.arrange(missing["visit"], mentor_id=missing["neighbour"].id, for_mentor_id=programme["mentor_a"].id)
    db.session.commit()
    login(client, programme["coordinator"])
    page = client.get(f"/visits/{visit_id}").get_data(as_text=True)
    cancel = f"/visits/{visit_id}/substitutes/{missing['neighbour'].id}/cancel"
    form = page.split(f'action="{cancel}"', 1)[1].split(">", 1)[0]
    assert "Cancel this substitute? The suggestions for Mentor Alpha show again." in form  # asked before it happens
    response = client.post(cancel, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Substitute cancelled" in page and "substitute for Mentor Alpha" not in page
    assert "Mentor Gamma" in page.split('id="substitutes"', 1)[1]  # suggested again
    assert db.session.scalar(select(func.count(VisitSubstitute.id))) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "visit.substitute_cancel"))
    assert event.summary == "Mentor Gamma no longer in place of Mentor Alpha" and event.username == programme["coordinator"].username


def test_a_substitute_whose_attendance_is_recorded_cannot_be_cancelled(client, programme, missing):
    visit = missing["visit"]
    substitutes.arrange(visit, mentor_id=missing["neighbour"].id, for_mentor_id=programme["mentor_a"].id)
    db.session.add(MentorAttendance(visit_id=visit.id, mentor_id=missing["neighbour"].id, present=True, reason=""))
    db.session.commit()
    login(client, programme["coordinator"])
    assert f"/substitutes/{missing['neighbour'].id}/cancel" not in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    response = client.post(f"/visits/{visit.id}/substitutes/{missing['neighbour'].id}/cancel", follow_redirects=True)
    assert "Mentor Gamma&#39;s attendance at this visit is recorded" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(VisitSubstitute.id))) == 1
    assert db.session.scalar(select(func.count(MentorAttendance.id))) == 1


def test_attendance_opened_before_a_substitute_was_cancelled_does_not_record_them(programme, missing):
    visit = missing["visit"]
    substitutes.arrange(visit, mentor_id=missing["neighbour"].id, for_mentor_id=programme["mentor_a"].id)
    db.session.commit()
    allowed = {r["mentor"].id for r in queries.visit_mentors(visit)}  # the form as it was opened
    substitutes.cancel(visit, mentor_id=missing["neighbour"].id)
    db.session.commit()
    refusals = services.record_attendance(visit, mentors={missing["neighbour"].id: (True, ""), programme["mentor_a2"].id: (True, "")},
                                          mentee_days=set(), allowed_mentor_ids=allowed, allowed_mentee_ids=set(),
                                          opened_version=None, today=visit.start_date)
    assert [r.field for r in refusals] == [f"mentor-{missing['neighbour'].id}"]
    db.session.rollback()
    assert db.session.scalar(select(func.count(MentorAttendance.id))) == 0


def test_cancelling_a_substitute_not_arranged_says_so(client, programme, missing):
    login(client, programme["coordinator"])
    response = client.post(f"/visits/{missing['visit'].id}/substitutes/{missing['neighbour'].id}/cancel", follow_redirects=True)
    assert response.status_code == 200 and "This substitute is not arranged for this visit" in response.get_data(as_text=True)
