"""The same invitation link redeemed by many requests at once (issue 22): the database lets exactly one through
(one conditional UPDATE under the row's lock, and one account per mentee), every other request gets the
"already used" answer, never a 500, and one account exists."""

from collections import Counter

from sqlalchemy import func, select

from blueprints.auth.models import User
from blueprints.core.extensions import db
from blueprints.people.models import MenteeInvitation
from blueprints.people.services.invitations import invite
from tests.factories import make_hospital, make_mentee, make_user
from tests.live import Client, fire

PARALLEL = 12


def test_one_link_redeemed_in_parallel_opens_exactly_one_account(live):
    mentee = make_mentee(make_hospital("Nemba"), name="Aline Uwase")
    _invitation, token = invite(mentee, by=make_user("coordinator", username="coord"))
    mentee_id = mentee.id
    db.session.commit()  # and nothing read after it: outside a request the test's session would BEGIN IMMEDIATE on SQLite

    def redeem(i: int):
        password = f"my own long password number {i}"
        return Client(live).post(f"/welcome/{token}", {"password": password, "confirm": password})

    answers = fire(PARALLEL, redeem)
    statuses = Counter(a.status for a in answers)
    assert statuses[302] == 1, statuses
    assert all(a.status in (302, 410, 422) for a in answers), statuses
    assert all("already been used" in a.body for a in answers if a.status != 302)
    [winner] = [i for i, a in enumerate(answers) if a.status == 302]
    db.session.remove()
    [account] = db.session.scalars(select(User).where(User.mentee_id == mentee_id)).all()
    assert account.check_password(f"my own long password number {winner}")
    assert db.session.scalar(select(func.count()).select_from(MenteeInvitation).where(MenteeInvitation.used_at.is_not(None))) == 1
