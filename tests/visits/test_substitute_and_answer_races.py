"""Parallel requests on the visits' rows decided by the database (issue 25): two coordinators (or a double click)
arranging a substitute for the same absent mentor keep one, the others told so; a mentee's answers for one day sent
at once keep one row. Never a 500. Meaningful on PostgreSQL, where the requests really overlap."""

from collections import Counter

from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.visits.models import AvailabilityAnswer, VisitSubstitute
from tests.factories import make_user
from tests.live import Client, fire, flashed
from tests.visits.conftest import make_visit, monday
from tests.visits.test_substitutes import missing  # noqa: F401 (a fixture)

PARALLEL = 8


def test_substitutes_arranged_in_parallel_for_one_absent_mentor_keep_one_and_tell_the_others(live, programme, missing):  # noqa: F811
    visit_id, absent = missing["visit"].id, programme["mentor_a"].id
    candidates = [missing["neighbour"].id, programme["mentor_b"].id]  # two coordinators choosing different substitutes
    db.session.commit()
    client = Client(live, "coord")
    answers = fire(PARALLEL, lambda i: client.post(f"/visits/{visit_id}/substitutes",
                                                   {"mentor_id": candidates[i % 2], "for_mentor_id": absent}))
    assert Counter(a.status for a in answers) == {302: PARALLEL}, [a.status for a in answers]
    messages = Counter(m for a in answers for m in flashed(live.app, a))
    assert messages == {"Substitute arranged: they appear with the team on this visit and its attendance.": 1,
                        "A substitute is already arranged for this mentor.": PARALLEL - 1}, messages
    rows = db.session.execute(select(VisitSubstitute.for_mentor_id).where(VisitSubstitute.visit_id == visit_id)).scalars().all()
    assert rows == [absent]


def test_a_mentees_answers_for_one_day_sent_in_parallel_keep_one_row(live, programme):
    visit = make_visit(programme["nemba"], programme["team_a"], monday(3))
    make_user("mentee", mentee=programme["mentee_1"], username="mentee.one")
    visit_id, mentee_id, day = visit.id, programme["mentee_1"].id, visit.day_dates[0]
    db.session.commit()
    client = Client(live, "mentee.one")
    choices = ("there", "annual_leave", "night_shift")
    answers = fire(PARALLEL, lambda i: client.post(f"/me/visits/{visit_id}/availability", {f"day-{day.isoformat()}": choices[i % 3]}))
    assert Counter(a.status for a in answers) == {302: PARALLEL}, [a.status for a in answers]
    rows = db.session.execute(select(AvailabilityAnswer.day, AvailabilityAnswer.answer)
                              .where(AvailabilityAnswer.mentee_id == mentee_id)).all()
    assert len(rows) == 1 and rows[0].day == day and rows[0].answer in choices
