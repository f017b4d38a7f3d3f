"""What the visit page says of each mentee's own part (issue 22 item 4): whether they filled their self-assessment in
the fortnight before the visit and acknowledged their last signed sheet. One statement whatever the mentee count.
And the coordinator's tile of the same over the programme: of the signed sheets of mentees with an account, how many
the mentee self-assessed before, acknowledged, and how many of their action items the mentee closed."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..core.extensions import db
from ..core.models import utcnow
from ..core.roles import MENTEE
from ..people.models import Hospital, Mentee, MenteeInvitation
from ..people.scopes import feedback_mentees
from ..visits.models import Visit
from .models import Feedback, FeedbackStatus, SelfAssessment
from .self_assessment_window import WINDOW_DAYS


def visit_engagement(visit: Visit, mentee_ids: list[int]) -> dict[int, dict]:
    """Mentee id -> {"self_assessed": bool, "acknowledged": True/False, or None with no earlier signed sheet}."""
    if not mentee_ids:
        return {}
    assessed = exists().where(SelfAssessment.mentee_id == Mentee.id,
                              SelfAssessment.assessed_on >= visit.start_date - timedelta(days=WINDOW_DAYS),
                              SelfAssessment.assessed_on <= visit.start_date)
    last_acknowledged = (
        select(case((Feedback.acknowledged_at.is_(None), 0), else_=1)).join(Visit, Visit.id == Feedback.visit_id)
        .where(Feedback.mentee_id == Mentee.id, Feedback.status == FeedbackStatus.SIGNED, Visit.start_date < visit.start_date)
        .order_by(Visit.start_date.desc(), Feedback.id.desc()).limit(1).correlate(Mentee).scalar_subquery())
    rows = db.session.execute(select(Mentee.id, assessed, last_acknowledged).where(Mentee.id.in_(mentee_ids)))
    return {mentee_id: {"self_assessed": bool(filled), "acknowledged": None if acknowledged is None else bool(acknowledged)}
            for mentee_id, filled, acknowledged in rows}


def visit_engagement_slot(visit: Visit, user: User, mentees: list[dict], mentors: list[dict]) -> dict:
    return {"engagement": visit_engagement(visit, [row["mentee"].id for row in mentees])}


@dataclass(frozen=True)
class Engagement:
    accounts: int  # active mentee accounts in scope
    invited: int  # invitations waiting to be used (not used, revoked or expired)
    sheets: int  # signed sheets of visits in the range, of mentees with an active account
    self_assessed: int  # of those, sheets whose mentee self-assessed from their account in the fortnight before
    acknowledged: int  # of those, sheets the mentee read and acknowledged
    items: int  # action items set on those sheets
    closed: int  # of those, items the mentee marked done


def programme_engagement(user: User, start: date, end: date, province: str | None = None) -> Engagement:
    """The mentees' own part over the visits that started from `start` to `end` (a province's, when given), in two
    statements whatever the number of mentees, sheets or items."""
    account = aliased(User)  # the sheet's mentee's own account: one at most (a unique mentee_id), and active
    where = [Feedback.status == FeedbackStatus.SIGNED, Visit.start_date >= start, Visit.start_date <= end, feedback_mentees(user)]
    if province:
        where.append(Hospital.province == province)

    def sheets(*columns):
        return (select(*columns).select_from(Feedback).join(Visit, Visit.id == Feedback.visit_id)
                .join(Hospital, Hospital.id == Visit.hospital_id).join(Mentee, Mentee.id == Feedback.mentee_id)
                .join(account, (account.mentee_id == Feedback.mentee_id) & (account.role == MENTEE) & account.active)
                .where(*where))

    own_assessment = exists().where(
        SelfAssessment.mentee_id == Feedback.mentee_id, SelfAssessment.entered_by_id == account.id,
        SelfAssessment.assessed_on >= Visit.start_date - timedelta(days=WINDOW_DAYS), SelfAssessment.assessed_on <= Visit.start_date)
    # The sheets are found once (issue 23: a second statement for their action items found them again, 90 ms at scale 10);
    # their items are counted on the sheets themselves (sheet_items.py), not probed sheet by sheet (8,832 sheets, 35 ms).
    count, assessed, acknowledged, items, closed = db.session.execute(sheets(
        func.count(Feedback.id), func.coalesce(func.sum(case((own_assessment, 1), else_=0)), 0),
        func.count(Feedback.acknowledged_at), func.coalesce(func.sum(Feedback.item_count), 0),
        func.coalesce(func.sum(Feedback.closed_item_count), 0))).one()
    mentee_where = [feedback_mentees(user)] + ([Hospital.province == province] if province else [])

    def in_scope(model, *where):
        """Rows of `model` (accounts, invitations: one mentee each) of mentees in scope, counted through a join from
        each row to its mentee: an IN of every mentee in scope hashed all 30,101 of scale 10 (issue 23)."""
        return (select(func.count(model.id)).join(Mentee, Mentee.id == model.mentee_id)
                .join(Hospital, Hospital.id == Mentee.hospital_id).where(*where, *mentee_where).scalar_subquery())

    accounts = in_scope(User, User.role == MENTEE, User.active)
    waiting = in_scope(MenteeInvitation, MenteeInvitation.used_at.is_(None), MenteeInvitation.revoked_at.is_(None),
                       MenteeInvitation.expires_at > utcnow())
    active, invited = db.session.execute(select(accounts, waiting)).one()
    return Engagement(active, invited, count, int(assessed), acknowledged, int(items), int(closed))
