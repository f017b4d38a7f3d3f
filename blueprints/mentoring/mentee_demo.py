"""The demo's mentee accounts and what the mentees did with them (issue 22): an account `mentee.<record number>` for
every demo mentee, with the demo password, and a realistic share of sheets acknowledged, action items answered and
self-assessments filled before the next visit. Called once from blueprints/demo.py."""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from ..auth.models import User
from ..core.extensions import db
from ..core.roles import MENTEE
from ..people.models import Mentee, MenteeStatus
from ..visits.models import Visit
from .models import ActionItem, Feedback, FeedbackStatus, SelfAssessment
from .queries import skills_for
from .self_assessment_window import COMING, WINDOW_DAYS

ACKNOWLEDGED_SHARE = 0.6  # of signed sheets
ANSWERED_SHARE = 0.45  # of action items the mentor has not followed up yet
SELF_ASSESSED_SHARE = 0.5  # of mentees whose next visit is within the window
REPLIES = ("Thank you, I will practise this on my next shifts (demo)", "The simulation helped me a lot (demo)", "")
NOTES = ("Practised on three shifts (demo)", "Need the new partograph forms (demo)", "")


def demo_mentee_engagement(rng: random.Random, today: date, password_hash: str) -> dict[str, int]:
    """Flushes; `password_hash` is the demo password hashed once by the caller (hashing per account would take minutes)."""
    mentees = db.session.scalars(select(Mentee).order_by(Mentee.id)).all()
    accounts = {m.id: User(username=f"mentee.{m.id}", display_name=m.full_name, role=MENTEE, mentee_id=m.id,
                           password_hash=password_hash, active=m.status == MenteeStatus.ACTIVE) for m in mentees}
    db.session.add_all(accounts.values())
    db.session.flush()
    acknowledged = answered = assessed = 0
    for feedback in db.session.scalars(select(Feedback).where(Feedback.status == FeedbackStatus.SIGNED).order_by(Feedback.id)):
        if rng.random() < ACKNOWLEDGED_SHARE and feedback.signed_at is not None:
            feedback.acknowledged_at = feedback.signed_at + timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 8))
            feedback.mentee_reply = rng.choice(REPLIES)
            acknowledged += 1
    signed_ids = select(Feedback.id).where(Feedback.status == FeedbackStatus.SIGNED)
    for item in db.session.scalars(select(ActionItem).where(ActionItem.followup.is_(None), ActionItem.feedback_id.in_(signed_ids))
                                   .order_by(ActionItem.id)):
        if rng.random() < ANSWERED_SHARE:
            item.mentee_status, item.mentee_note = rng.choice(("done", "done", "partly")), rng.choice(NOTES)
            item.mentee_updated_at = datetime.combine(today - timedelta(days=rng.randint(0, 20)), time(9), tzinfo=UTC)
            answered += 1
    next_visit = dict(db.session.execute(
        select(Visit.hospital_id, Visit.start_date).where(Visit.status.in_(COMING), Visit.start_date >= today,
                                                          Visit.start_date <= today + timedelta(days=WINDOW_DAYS))
        .order_by(Visit.start_date.desc())).all())  # the earliest per hospital wins (last written)
    frameworks: dict[int, list] = {}
    for mentee in mentees:
        start = next_visit.get(mentee.hospital_id)
        if start is None or mentee.status != MenteeStatus.ACTIVE or rng.random() >= SELF_ASSESSED_SHARE:
            continue
        if mentee.profession_id not in frameworks:
            frameworks[mentee.profession_id] = skills_for(mentee.profession)[:5]
        opened = max(start - timedelta(days=WINDOW_DAYS), today - timedelta(days=WINDOW_DAYS))
        day = opened + timedelta(days=rng.randint(0, (today - opened).days)) if today > opened else today
        db.session.add(SelfAssessment(mentee_id=mentee.id, assessed_on=day, entered_by_id=accounts[mentee.id].id,
                                      ratings={str(s.id): rng.randint(1, 4) for s in frameworks[mentee.profession_id]},
                                      learning_needs="Neonatal resuscitation practice (demo)"))
        assessed += 1
    db.session.flush()
    return {"mentee accounts": len(accounts), "sheets acknowledged": acknowledged, "action items answered by mentees": answered,
            "self-assessments by mentees": assessed}


