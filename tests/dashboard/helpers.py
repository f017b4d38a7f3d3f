"""A small programme for the dashboard tests: `programme(n)` makes n hospitals, each with a team, a
mentor, a mentee, held and planned visits (the older with a draft feedback and a reflection asking for support), a missed visit, a transfer out, an absence and an equipment
gap, so every tile has rows and its query count can be compared at 10 and 100."""

from datetime import date, timedelta

from sqlalchemy import select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.notify import notify
from blueprints.mentoring.models import ActionItem, Feedback, Reflection, Skill, SkillRating
from blueprints.people.models import Profession, TrainingRecord
from blueprints.people.services.absences import add_absence
from blueprints.people.services.transfers import log_transfer
from blueprints.visits.models import MentorAttendance, Visit
from tests.equipment.helpers import make_check
from tests.factories import assign, make_hospital, make_mentee, make_mentor, make_team


def make_visit(hospital, team, start: date, status: str = "held", days: int = 3) -> Visit:
    visit = Visit(hospital=hospital, team=team, start_date=start, days=days, end_date=start + timedelta(days=days - 1),
                  status=status, status_reason="weather" if status in ("postponed", "cancelled") else "")
    db.session.add(visit)
    db.session.flush()
    return visit


def write_feedback(visit, mentor, mentee, rating: int = 3, action: str = "Plot the partograph", status: str = "draft") -> Feedback:
    """A feedback with the first midwife skill rated and one action item due 45 days after the visit."""
    skill = db.session.scalar(select(Skill).join(Profession).where(Profession.code == "midwife").order_by(Skill.position).limit(1))
    feedback = Feedback(visit_id=visit.id, mentee_id=mentee.id, mentor_id=mentor.id, status=status,
                        ratings=[SkillRating(skill_id=skill.id, rating=rating)],
                        action_items=[ActionItem(mentee_id=mentee.id, text=action, due_date=visit.end_date + timedelta(days=45))])
    db.session.add(feedback)
    db.session.flush()
    return feedback


def programme(n: int, province: str = "Northern Province", prefix: str = "H") -> dict:
    day = today()
    made = {"hospitals": [], "mentors": [], "mentees": [], "teams": [], "next_visits": []}
    for i in range(n):
        team = make_team(f"{prefix} Team {i}")
        hospital = make_hospital(f"{prefix} Hospital {i:03d}", team=team, province=province)
        mentor = make_mentor(team, name=f"{prefix} Mentor {i:03d}")
        mentee, leaver = make_mentee(hospital, name=f"{prefix} Mentee {i:03d}"), make_mentee(hospital, name=f"{prefix} Leaver {i:03d}")
        assign(mentor, mentee, start=day - timedelta(days=200))
        held = make_visit(hospital, team, day - timedelta(days=100 + i % 20))
        earlier = make_visit(hospital, team, day - timedelta(days=200))
        write_feedback(earlier, mentor, mentee, rating=2, action=f"{prefix} action {i:03d}")
        db.session.add(Reflection(visit_id=earlier.id, mentor_id=mentor.id, support_needed=f"{prefix} oxygen {i:03d}"))
        db.session.add(MentorAttendance(visit_id=held.id, mentor_id=mentor.id, present=False, reason="sick"))
        upcoming = make_visit(hospital, team, day + timedelta(days=3), status="planned")
        add_absence(mentee, kind="annual_leave", start_date=upcoming.start_date, end_date=upcoming.start_date + timedelta(days=1))
        log_transfer(leaver, kind="left_service", effective_date=day - timedelta(days=10), reason="moved away")
        db.session.add(TrainingRecord(mentor_id=mentor.id, title="Refresher", course_date=day - timedelta(days=400)))
        make_check(hospital, day - timedelta(days=30), {"Bubble CPAP": (1, 0)})
        made["hospitals"].append(hospital)
        made["mentors"].append(mentor)
        made["mentees"].append(mentee)
        made["teams"].append(team)
        made["next_visits"].append(upcoming)
    db.session.flush()
    return made


def notify_many(user, n: int) -> None:
    notify([user], "first")
    for i in range(n - 1):
        notify([user], f"message {i}")
