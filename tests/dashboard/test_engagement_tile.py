"""The coordinator's tile of the mentees' own part (issue 22 item 4): of the signed sheets of mentees with an account,
how many the mentee self-assessed before, acknowledged, and how many of their action items they closed."""

from datetime import timedelta

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import utcnow
from blueprints.mentoring.models import Feedback, SelfAssessment
from blueprints.people.services.invitations import invite
from tests.conftest import count_queries
from tests.dashboard.helpers import make_visit, write_feedback
from tests.factories import assign, login, make_hospital, make_mentee, make_mentor, make_team, make_user

HX = {"HX-Request": "true"}


def engaged_mentees(hospital, mentor, visit, count: int, prefix: str = "M") -> list:
    """`count` mentees with an account and a signed sheet of `visit` each; the first of each three self-assessed from
    their account in the fortnight before, acknowledged the sheet and closed its action item."""
    made = []
    for i in range(count):
        mentee = make_mentee(hospital, name=f"{prefix} Mentee {i:03d}")
        assign(mentor, mentee, start=visit.start_date - timedelta(days=100))
        account = make_user("mentee", mentee=mentee)
        feedback = write_feedback(visit, mentor, mentee, status="signed")
        if i % 3 == 0:
            db.session.add(SelfAssessment(mentee_id=mentee.id, assessed_on=visit.start_date - timedelta(days=5), entered_by_id=account.id))
            feedback.acknowledged_at = utcnow()
            feedback.action_items[0].mentee_status = "done"
        made.append(mentee)
    db.session.flush()
    return made


def test_the_tile_shares_the_self_assessments_acknowledgements_and_closed_items_of_mentees_with_an_account(client):
    coordinator = make_user("coordinator")
    team = make_team("Team E")
    hospital = make_hospital("Engaged Hospital", team=team)
    mentor = make_mentor(team)
    visit = make_visit(hospital, team, today() - timedelta(days=20))
    engaged_mentees(hospital, mentor, visit, 2)  # one did all three, one nothing
    staff_entered = engaged_mentees(hospital, mentor, visit, 1, prefix="S")[0]  # ... but their self-assessment ...
    db.session.execute(db.update(SelfAssessment).where(SelfAssessment.mentee_id == staff_entered.id)
                       .values(entered_by_id=coordinator.id))  # ... was entered by staff: not theirs
    partly = engaged_mentees(hospital, mentor, visit, 2, prefix="P")[1]
    without_account = make_mentee(hospital, name="No Account")
    assign(mentor, without_account, start=visit.start_date - timedelta(days=100))
    unseen = write_feedback(visit, mentor, without_account, status="signed")
    unseen.acknowledged_at = utcnow()  # acknowledged, but counted nowhere: no account
    invite(without_account, by=coordinator)
    draft_of_engaged = write_feedback(make_visit(hospital, team, today() - timedelta(days=60)), mentor, partly)
    assert draft_of_engaged.status == "draft"
    unseen.action_items[0].mentee_status = "done"
    db.session.commit()

    login(client, coordinator)
    body = client.get("/dashboard/tiles/engagement", headers=HX).get_data(as_text=True)
    assert "5 mentee accounts" in body and "1 invitation waiting" in body
    # five sheets of mentees with an account: M0 and P0 did everything, S0 only with staff's self-assessment
    assert "Self-assessed before the visit: <strong>40%</strong>" in body and "2 of 5" in body
    assert "Feedback sheets acknowledged: <strong>60%</strong>" in body and "3 of 5" in body
    assert "Action items closed by the mentee: <strong>60%</strong>" in body
    older = client.get("/dashboard/tiles/engagement", headers=HX,
                       query_string={"to": (today() - timedelta(days=30)).isoformat()}).get_data(as_text=True)
    assert "0 of 0" in older and "5 mentee accounts" in older


def test_the_tile_runs_the_same_queries_for_few_or_many_mentees(client):
    login(client, make_user("coordinator"))
    team = make_team("Team Q")
    hospital = make_hospital("Query Hospital", team=team)
    mentor = make_mentor(team)
    visit = make_visit(hospital, team, today() - timedelta(days=20))

    def count() -> int:
        db.session.commit()
        with count_queries() as statements:
            response = client.get("/dashboard/tiles/engagement", headers=HX)
        assert response.status_code == 200 and b"could not be loaded" not in response.data
        return len(statements)

    engaged_mentees(hospital, mentor, visit, 3)
    few = count()
    engaged_mentees(hospital, mentor, visit, 30, prefix="More")
    assert count() == few


def test_the_tile_counts_every_action_item_of_each_sheet_and_those_the_mentee_closed(client):
    """Sheets of two items, one and none: the share is of items, not sheets."""
    from blueprints.mentoring.models import ActionItem

    login(client, make_user("coordinator"))
    team = make_team("Team I")
    hospital = make_hospital("Items Hospital", team=team)
    mentor = make_mentor(team)
    visit = make_visit(hospital, team, today() - timedelta(days=20))
    two, one, none = engaged_mentees(hospital, mentor, visit, 3, prefix="I")  # the first closed its item
    sheets = {m.id: db.session.scalar(db.select(Feedback).where(Feedback.mentee_id == m.id)) for m in (two, one, none)}
    sheets[two.id].action_items.append(ActionItem(mentee_id=two.id, text="Second", due_date=today(), mentee_status="partly"))
    sheets[one.id].action_items[0].mentee_status = "done"
    sheets[none.id].action_items.clear()
    db.session.commit()
    body = client.get("/dashboard/tiles/engagement", headers=HX).get_data(as_text=True)
    assert "Action items closed by the mentee: <strong>67%</strong>" in body and "2 of 3" in body
