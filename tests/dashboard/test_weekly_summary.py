"""The coordinators' weekly summary: visits held last week, feedback still to sign, critical equipment gaps; by
e-mail, once a week."""

from datetime import date

from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.core.models import OutgoingMail
from blueprints.dashboard.weekly_summary import send_weekly_summary
from blueprints.visits.models import Visit, VisitStatus
from tests.factories import make_hospital, make_team, make_user


def test_the_weekly_summary_is_emailed_to_each_coordinator_once_a_week(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_TO_LOG", True)
    team = make_team("Team A")
    nemba = make_hospital("Nemba", team=team)
    make_user("coordinator", email="coord@example.org", language="fr")
    make_user("coordinator", email="other@example.org")
    for start in (date(2026, 6, 2), date(2026, 5, 1)):  # held last week, and long before (not counted)
        db.session.add(Visit(hospital=nemba, team=team, start_date=start, end_date=start.replace(day=start.day + 2), days=3,
                             status=VisitStatus.HELD))
    db.session.commit()
    assert send_weekly_summary(date(2026, 6, 8)) == 2
    db.session.commit()
    assert send_weekly_summary(date(2026, 6, 10)) == 0  # the same week
    mails = {m.to_address: m for m in db.session.scalars(select(OutgoingMail))}
    assert set(mails) == {"coord@example.org", "other@example.org"}
    assert mails["other@example.org"].subject == "Weekly summary since 1 Jun 2026"
    assert "1 visit held." in mails["other@example.org"].body
    assert "1 visite réalisée." in mails["coord@example.org"].body
    assert "0 critical equipment gaps." in mails["other@example.org"].body
