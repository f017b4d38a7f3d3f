"""Reads for the mentoring record. Scoping lives here: the feedback page, its autosave, the PDFs and the
mentee page all start from `feedback_mentees`, so none of them can show feedback the page would not."""

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import Select, exists, false, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ..auth.models import User
from ..core.extensions import db
from ..core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ..people.models import Assignment, Hospital, Mentee, Mentor, Profession
from ..people.scopes import contact_mentees, feedback_mentees, readable_mentees, readable_reflections, support_requests_scope
from ..visits.models import Visit, VisitStatus
from ..visits.queries import get_visit_or_404
from .models import ActionItem, ContactSession, Feedback, FeedbackStatus, Reflection, SelfAssessment, Skill, SkillRating


def writable_mentee_ids(visit: Visit, user: User, mentee_ids, authors: dict[int, int] | None = None) -> set[int]:
    """Of these mentees, those whose feedback at this visit the user writes: a mentor writes the feedback they
    started, or, before anyone has started it, one for a mentee assigned to them on some day of the visit.
    `authors` (mentee id: mentor id of the existing feedback) spares the query when the caller has them."""
    ids = list(mentee_ids)
    if user.role != MENTOR or not user.mentor_id or not ids:
        return set()
    if authors is None:
        authors = dict(db.session.execute(
            select(Feedback.mentee_id, Feedback.mentor_id).where(Feedback.visit_id == visit.id, Feedback.mentee_id.in_(ids))
        ).all())
    covered = set(db.session.scalars(select(Assignment.mentee_id).where(
        Assignment.mentee_id.in_([i for i in ids if i not in authors]), *_assigned_during(visit, user.mentor_id),
    ))) if len(authors) < len(ids) else set()
    return {i for i in ids if (authors[i] == user.mentor_id if i in authors else i in covered)}


def _assigned_during(visit: Visit, mentor_id: int) -> tuple:
    """The mentor's assignments on some day of the visit: theirs is the feedback of those mentees nobody has started."""
    return (Assignment.mentor_id == mentor_id, Assignment.start_date <= visit.end_date,
            or_(Assignment.end_date.is_(None), Assignment.end_date >= visit.start_date))


def feedback_readable_mentee_ids(user: User, mentee_ids) -> set[int]:
    """Of these mentees, those whose feedback the user may open (`feedback_mentees`, one query)."""
    ids = list(mentee_ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Mentee.id).where(Mentee.id.in_(ids), feedback_mentees(user))))


@dataclass
class FeedbackPlace:
    visit: Visit
    mentee: Mentee
    feedback: Feedback | None
    can_write: bool
    can_reopen: bool
    opens_record: bool = False  # whether the mentee's own page (record, CPD certificates) opens for this user
    writer: Mentor | None = None  # with their profession: who wrote it, or, before anyone has, the signed-in mentor
    next_visit: date | None = None  # before anyone has written it, the calendar's next visit (the form's default)


def feedback_or_404(visit_id: int, mentee_id: int, user: User) -> FeedbackPlace:
    """The visit, the mentee and their feedback if this user may read them (404 otherwise, so ids reveal nothing)."""
    visit = get_visit_or_404(visit_id, user)
    found = db.session.execute(
        select(Mentee, readable_mentees(user)).where(Mentee.id == mentee_id, feedback_mentees(user))
        .options(joinedload(Mentee.profession), joinedload(Mentee.hospital), joinedload(Mentee.department))
    ).first()
    if found is None:
        abort(404)
    mentee, opens_record = found
    # The mentor's profession (the form names the framework when it is not the mentee's) and the ratings (one row each)
    # come in the same statement; the action items by a second one, as joining both would multiply their rows.
    feedback = db.session.scalars(
        select(Feedback).where(Feedback.visit_id == visit.id, Feedback.mentee_id == mentee.id)
        .options(joinedload(Feedback.mentor).joinedload(Mentor.profession), joinedload(Feedback.ratings),
                 selectinload(Feedback.action_items))
    ).unique().one_or_none()
    if feedback is None and user.role == HOSPITAL_ADMIN and mentee.hospital_id != visit.hospital_id:
        abort(404)
    if feedback is not None:
        can_write = mentee.id in writable_mentee_ids(visit, user, [mentee.id], {mentee.id: feedback.mentor_id})
        return FeedbackPlace(visit, mentee, feedback, can_write, user.role == COORDINATOR, bool(opens_record), feedback.mentor)
    can_write, writer, next_visit = _not_started(visit, mentee, user)
    return FeedbackPlace(visit, mentee, None, can_write, user.role == COORDINATOR, bool(opens_record), writer, next_visit)


def _not_started(visit: Visit, mentee: Mentee, user: User) -> tuple[bool, Mentor | None, date | None]:
    """What a feedback nobody has started needs, in one statement (the page's budget is the started one's): whether
    the signed-in mentor writes it (the mentee is theirs on some day of the visit), that mentor with their profession
    (the form names the framework when it is not the mentee's) and the calendar's next visit."""
    next_visit = next_visit_date(visit).scalar_subquery()
    if not user.mentor_id:
        return False, None, db.session.scalar(select(next_visit))
    assigned = exists().where(Assignment.mentee_id == mentee.id, *_assigned_during(visit, user.mentor_id))
    writer, is_assigned, next_date = db.session.execute(
        select(Mentor, assigned, next_visit).where(Mentor.id == user.mentor_id).options(joinedload(Mentor.profession))
    ).one()
    return user.role == MENTOR and bool(is_assigned), writer, next_date


def skills_for(profession: Profession, keep_ids=()) -> list[Skill]:
    """The skills a mentee of this profession is rated on: their own profession's current framework, plus skills
    already rated (a retired one, or another framework's in feedback written before theirs existed)."""
    rated = Skill.profession_id == profession.id
    if keep_ids:
        wanted = or_(rated & Skill.retired_on.is_(None), Skill.id.in_(list(keep_ids)))
    else:
        wanted = rated & Skill.retired_on.is_(None)
    return list(db.session.scalars(select(Skill).where(wanted).order_by(Skill.position, Skill.name)))


def last_ratings(mentee_id: int, before: date) -> dict[int, int]:
    """Each skill's most recent rating of a mentee at visits before a date (one query)."""
    rows = db.session.execute(
        select(SkillRating.skill_id, SkillRating.rating)
        .join(Feedback, Feedback.id == SkillRating.feedback_id).join(Visit, Visit.id == Feedback.visit_id)
        .where(Feedback.mentee_id == mentee_id, Visit.start_date < before, SkillRating.rating.is_not(None))
        .order_by(Visit.start_date, Visit.id)
    ).all()
    return {skill_id: rating for skill_id, rating in rows}


def weakest_first(skills: list[Skill], last: dict[int, int]) -> list[Skill]:
    """Skills rated lowest last time first; never-rated skills after them, in framework order."""
    return sorted(skills, key=lambda s: (last.get(s.id, 99), s.position, s.name))


def last_signed_sheet(mentee_id: int, before: date) -> Feedback | None:
    """The mentee's signed sheet of their last visit before a date: whether they read and acknowledged it, and their
    reply, shown on the next visit's feedback form."""
    return db.session.scalar(
        select(Feedback).join(Visit, Visit.id == Feedback.visit_id)
        .where(Feedback.mentee_id == mentee_id, Feedback.status == FeedbackStatus.SIGNED, Visit.start_date < before)
        .options(contains_eager(Feedback.visit)).order_by(Visit.start_date.desc(), Feedback.id.desc()).limit(1))


def open_action_items(mentee_id: int, visit: Visit, feedback_id: int | None) -> list[ActionItem]:
    """Earlier visits' action items still to follow up, and those this feedback already followed up."""
    followed_here = ActionItem.followed_up_in_id == feedback_id if feedback_id else false()
    return list(db.session.scalars(
        select(ActionItem).join(Feedback, Feedback.id == ActionItem.feedback_id).join(Visit, Visit.id == Feedback.visit_id)
        .where(ActionItem.mentee_id == mentee_id, Visit.start_date < visit.start_date,
               or_(ActionItem.followup.is_(None), followed_here))
        .order_by(ActionItem.due_date, ActionItem.id)
    ))


def next_visit_date(visit: Visit) -> Select:
    """The first day of the next planned or confirmed visit to the same hospital, from the calendar."""
    return select(func.min(Visit.start_date)).where(
        Visit.hospital_id == visit.hospital_id, Visit.start_date > visit.end_date,
        Visit.status.in_((VisitStatus.PLANNED, VisitStatus.CONFIRMED)))


def progress(mentee_id: int, until: date | None = None) -> list[tuple[date, int, str, int]]:
    """Every rating of a mentee over time: (visit start, skill id, skill name, rating), oldest first."""
    query = (
        select(Visit.start_date, Skill.id, Skill.name, SkillRating.rating)
        .join(Feedback, Feedback.id == SkillRating.feedback_id).join(Visit, Visit.id == Feedback.visit_id)
        .join(Skill, Skill.id == SkillRating.skill_id)
        .where(Feedback.mentee_id == mentee_id, SkillRating.rating.is_not(None))
        .order_by(Visit.start_date, Skill.position)
    )
    if until is not None:
        query = query.where(Visit.start_date <= until)
    return [tuple(row) for row in db.session.execute(query).all()]


def visit_feedback_status(visit_id: int) -> dict[int, FeedbackStatus]:
    """Mentee id -> draft or signed for one visit's feedback."""
    return dict(db.session.execute(select(Feedback.mentee_id, Feedback.status).where(Feedback.visit_id == visit_id)).all())


def reflected_mentor_ids(visit_id: int) -> set[int]:
    """The mentors who have written their reflection on a visit."""
    return set(db.session.scalars(select(Reflection.mentor_id).where(Reflection.visit_id == visit_id)))


def visit_status_slot(visit: Visit, user: User, mentees: list[dict], mentors: list[dict]) -> dict:
    """What the visit page's feedback and reflection status (mentoring/_visit_status.html) shows, for a held visit:
    the visit page (visits, below mentoring) offers its rows through the "visits.visit" slot."""
    if visit.status != "held":
        return {}
    statuses = visit_feedback_status(visit.id)
    rows = [{**row, "feedback_status": statuses.get(row["mentee"].id)} for row in mentees]
    return {"feedback_rows": visit_feedback_list(visit, user, rows), "reflected": reflected_mentor_ids(visit.id)}


def visit_feedbacks(visit: Visit, user: User) -> Select:
    """A visit's feedback this user may read, mentee by mentee."""
    return (
        select(Feedback).join(Mentee, Mentee.id == Feedback.mentee_id)
        .where(Feedback.visit_id == visit.id, feedback_mentees(user))
        .options(contains_eager(Feedback.mentee))
        .order_by(Mentee.full_name)
    )


def skills_query(profession_id: int | None = None, show_retired: bool = False) -> Select:
    query = (
        select(Skill).join(Profession, Profession.id == Skill.profession_id).options(joinedload(Skill.profession))
        .order_by(Profession.name, Skill.position, Skill.name)
    )
    if profession_id:
        query = query.where(Skill.profession_id == profession_id)
    if not show_retired:
        query = query.where(Skill.retired_on.is_(None))
    return query


def get_skill_or_404(skill_id: int) -> Skill:
    return db.get_or_404(Skill, skill_id)


def skill_name_taken(profession_id: int, name: str, exclude_id: int | None = None) -> bool:
    query = select(Skill.id).where(Skill.profession_id == profession_id, func.lower(Skill.name) == name.lower())
    if exclude_id:
        query = query.where(Skill.id != exclude_id)
    return db.session.scalar(query) is not None


def mentee_open_items(mentee_id: int) -> list[ActionItem]:
    return list(db.session.scalars(
        select(ActionItem).where(ActionItem.mentee_id == mentee_id, ActionItem.followup.is_(None)).order_by(ActionItem.due_date)
    ))



def reflection_for(visit_id: int, mentor_id: int):
    return db.session.scalar(select(Reflection).where(Reflection.visit_id == visit_id, Reflection.mentor_id == mentor_id))


def get_reflection_or_404(reflection_id: int, user: User):
    return db.first_or_404(select(Reflection).where(Reflection.id == reflection_id, readable_reflections(user)))


def get_support_request_or_404(reflection_id: int, user: User) -> Reflection:
    """A reflection's support request, for one who follows it (a hospital administrator: their hospital's only)."""
    return db.first_or_404(select(Reflection).where(Reflection.id == reflection_id, Reflection.support_needed != "",
                                                    support_requests_scope(user)))


def support_requests(user: User, status: str | None = None) -> Select:
    """Reflections that asked for support and that the user follows (people/scopes.py), oldest open first, with
    their visit and hospital."""
    return (
        select(Reflection, Visit, Hospital.name.label("hospital_name"))
        .join(Visit, Visit.id == Reflection.visit_id).join(Hospital, Hospital.id == Visit.hospital_id)
        .where(*_support_request_conditions(user, status))
        .options(joinedload(Reflection.mentor))
        .order_by(Reflection.support_status, Visit.start_date, Reflection.id)
    )


def support_request_count(user: User, status: str | None = None) -> Select:
    """How many rows `support_requests` lists, read from the reflections alone (each has its one visit and hospital):
    through their support index, not a join of 890 open requests to all 13,582 visits (scale 10, issue 23)."""
    return select(func.count()).select_from(Reflection).where(*_support_request_conditions(user, status))


def _support_request_conditions(user: User, status: str | None) -> list:
    """The support requests a user follows, in a status if given: conditions on the reflection only."""
    conditions = [Reflection.support_needed != "", support_requests_scope(user)]
    if status:
        conditions.append(Reflection.support_status == status)
    return conditions


def can_enter_self_assessment(user: User, mentee: Mentee) -> bool:
    """The mentee's own mentor or their hospital's administrator enters it on their behalf."""
    if user.role == HOSPITAL_ADMIN:
        return mentee.hospital_id == user.hospital_id
    if user.role == MENTOR and user.mentor_id:
        return db.session.scalar(select(exists().where(
            Assignment.mentee_id == mentee.id, Assignment.mentor_id == user.mentor_id, Assignment.end_date.is_(None)))) or False
    return False


def mentee_record(mentee: Mentee, user: User) -> dict:
    """The mentee page's mentoring section: baseline against latest self-assessment, ratings over time,
    open action items, CPD hours per year (visits and contact sessions), contact sessions, and the feedback this user
    may open (six queries whatever the history)."""
    assessments = list(db.session.scalars(
        select(SelfAssessment).where(SelfAssessment.mentee_id == mentee.id).order_by(SelfAssessment.assessed_on, SelfAssessment.id)))
    skills = {s.id: s for s in skills_for(mentee.profession)}
    over_time: dict[int, dict] = {}
    days: list[date] = []
    for day, skill_id, name, rating in progress(mentee.id):
        if day not in days:
            days.append(day)
        shown = skills[skill_id].display_name if skill_id in skills else name
        over_time.setdefault(skill_id, {"name": shown, "ratings": {}})["ratings"][day] = rating
    feedbacks = db.session.execute(
        select(Feedback.visit_id, Feedback.status, Visit.start_date, Feedback.cpd_hours)
        .join(Visit, Visit.id == Feedback.visit_id).where(Feedback.mentee_id == mentee.id).order_by(Visit.start_date.desc())
    ).all()
    contacts = mentee_contacts(mentee.id, user)
    cpd = cpd_hours_by_year(feedbacks, contacts)
    can_self_assess = can_enter_self_assessment(user, mentee)
    return {
        "baseline": assessments[0] if assessments else None,
        "latest": assessments[-1] if len(assessments) > 1 else None,
        "assessment_count": len(assessments),
        "framework": list(skills.values()),
        "over_time": over_time, "rating_days": days[-6:],
        "open_items": mentee_open_items(mentee.id),
        "cpd_by_year": sorted(cpd.items(), reverse=True),
        "feedbacks": feedbacks,
        "can_self_assess": can_self_assess,
        "contacts": contacts, "can_log_contact": can_self_assess and user.role == MENTOR,
        "can_read_feedback": bool(feedbacks) and bool(db.session.scalar(
            select(exists().where(Mentee.id == mentee.id, feedback_mentees(user))))),
    }


def cpd_hours_by_year(feedbacks, contacts) -> dict[int, float]:
    """CPD hours per year: each signed-off visit's hours, and each contact session's minutes as hours."""
    cpd: dict[int, float] = {}
    for _visit_id, status, day, hours in feedbacks:
        if status == FeedbackStatus.SIGNED and hours:
            cpd[day.year] = cpd.get(day.year, 0) + hours
    for session in contacts:
        cpd[session.held_on.year] = cpd.get(session.held_on.year, 0) + session.minutes / 60
    return {year: round(hours, 2) for year, hours in cpd.items()}


def mentee_contacts(mentee_id: int, user: User) -> list[ContactSession]:
    """A mentee's contact sessions between visits, newest first, if this user may read their feedback (one query)."""
    return list(db.session.scalars(
        select(ContactSession).where(ContactSession.mentee_id == mentee_id,
                                     exists().where(Mentee.id == mentee_id, feedback_mentees(user)))
        .options(joinedload(ContactSession.mentor)).order_by(ContactSession.held_on.desc(), ContactSession.id.desc())
    ))


def contact_mentee_or_404(mentee_id: int, user: User) -> Mentee:
    """A mentee this user logs contact with (a mentor's current mentee); 404 otherwise, so ids reveal nothing."""
    mentee = db.session.scalar(select(Mentee).where(Mentee.id == mentee_id, contact_mentees(user)))
    if mentee is None:
        abort(404)
    return mentee


def cpd_contacts(mentee_id: int, year: int) -> Select:
    """A mentee's contact sessions in a calendar year as CPD logbook rows: day, mentor, mode, minutes."""
    return (
        select(ContactSession.held_on, Mentor.full_name.label("mentor"), ContactSession.mode, ContactSession.minutes)
        .join(Mentor, Mentor.id == ContactSession.mentor_id)
        .where(ContactSession.mentee_id == mentee_id, ContactSession.held_on >= date(year, 1, 1),
               ContactSession.held_on <= date(year, 12, 31))
        .order_by(ContactSession.held_on, ContactSession.id)
    )


def readable_mentee_or_404(mentee_id: int, user: User) -> Mentee:
    """A mentee whose feedback (and so whose CPD record) this user may read, with profession, hospital and
    department; 404 otherwise, the same rule as the feedback sheets."""
    found = db.session.execute(
        select(Mentee, readable_mentees(user)).where(Mentee.id == mentee_id, feedback_mentees(user))
        .options(joinedload(Mentee.profession), joinedload(Mentee.hospital), joinedload(Mentee.department))
    ).first()
    if found is None:
        abort(404)
    mentee, opens_record = found
    return mentee


def cpd_visits(mentee_id: int, year: int) -> Select:
    """A mentee's signed-off feedback in a calendar year (by the visit's first day), oldest first, as logbook
    rows: visit dates, hospital, mentor, contact type, CPD hours."""
    return (
        select(Visit.start_date, Visit.end_date, Hospital.name.label("hospital"), Mentor.full_name.label("mentor"),
               Feedback.contact_type, Feedback.cpd_hours)
        .join(Visit, Visit.id == Feedback.visit_id).join(Hospital, Hospital.id == Visit.hospital_id)
        .join(Mentor, Mentor.id == Feedback.mentor_id)
        .where(Feedback.mentee_id == mentee_id, Feedback.status == FeedbackStatus.SIGNED,
               Visit.start_date >= date(year, 1, 1), Visit.start_date <= date(year, 12, 31))
        .order_by(Visit.start_date, Visit.id)
    )


def visit_feedback_list(visit: Visit, user: User, mentees: list[dict]) -> list[dict]:
    """The visit page's feedback rows: the reader's own mentees first (name order kept), each saying whether the
    reader writes it or may only read it, so the page links only where the feedback page would open."""
    ids = [row["mentee"].id for row in mentees]
    writes, reads = writable_mentee_ids(visit, user, ids), feedback_readable_mentee_ids(user, ids)
    rows = [{**row, "feedback_status": row["feedback_status"] or FeedbackStatus.MISSING,
             "writes": row["mentee"].id in writes, "reads": row["mentee"].id in reads} for row in mentees]
    return sorted(rows, key=lambda row: not row["writes"])
