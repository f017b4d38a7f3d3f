"""The demo programme's mentoring record: feedback, ratings, action items, self-assessments and reflections for
the held visits. Called by blueprints/demo.py after the visits and their attendance."""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update

from ..auth.models import User
from ..core.extensions import db
from ..people.models import Assignment, Hospital, Mentee, Mentor
from ..visits.models import MenteeAttendance, MentorAttendance, Visit
from .models import ActionItem, ContactSession, Feedback, Reflection, SelfAssessment, SkillRating
from .queries import skills_for

STRENGTHS = ("Calm and organised in emergencies", "Good rapport with mothers", "Careful documentation",
             "Quick to call for help", "Teaches colleagues on the ward")
AREAS = ("Plotting the partograph on time", "Escalating early when vital signs change", "Drug dose calculation",
         "Thermal care of small babies", "Structured handover")
ACTIONS = ("Plot every labour on the partograph this month", "Lead a ward drill on PPH", "Review five charts with the ward in-charge",
           "Practise the HBB golden minute weekly", "Audit ten neonatal admissions", "Present one case at the morning meeting")
SUPPORT = ("A second CPAP machine for the neonatal unit", "Oxygen cylinders are shared between babies",
           "Night-shift rota keeps mentees away during visits", "Printing of partograph forms")


def add_record(rng: random.Random, today: date, visits_per_hospital: int = 4) -> dict[str, int]:
    """Feedback for each hospital's held visits of the last 13 months (at least the last four): ratings that
    mostly improve (some stall), action items followed up at the next visit, the latest visit's feedback partly
    still in draft or not started and some of its reflections not written (the dashboards' "still to write"),
    always so for mentor.01 at Rutongo; a baseline self-assessment per mentee; reflections with a few
    support-needed items, some in progress or resolved by the coordinator (the follow-up list)."""
    held = db.session.scalars(select(Visit).where(Visit.status == "held", Visit.end_date < today)
                              .order_by(Visit.hospital_id, Visit.start_date)).all()
    by_hospital: dict[int, list] = {}
    for visit in held:
        by_hospital.setdefault(visit.hospital_id, []).append(visit)
    chosen = [visit for visits in by_hospital.values()
              for visit in visits[-max(visits_per_hospital, sum(1 for recent in visits if (today - recent.start_date).days <= 400)):]]
    chosen_ids = [visit.id for visit in chosen]
    # mentor.01 came to Rutongo's latest visit and has its writing still to do (the mentor home's demo).
    first_mentor_id = db.session.scalar(select(User.mentor_id).where(User.username == "mentor.01"))
    first_hospital_id = db.session.scalar(select(Hospital.id).join(Mentor, Mentor.team_id == Hospital.team_id)
                                          .where(Mentor.id == first_mentor_id))
    first_visit = by_hospital[first_hospital_id][-1] if first_hospital_id in by_hospital else None
    if first_visit is not None and first_mentor_id is not None:
        db.session.execute(update(MentorAttendance).where(MentorAttendance.visit_id == first_visit.id,
                                                          MentorAttendance.mentor_id == first_mentor_id).values(present=True, reason=""))
    present = set(db.session.execute(select(MenteeAttendance.visit_id, MenteeAttendance.mentee_id)
                                     .where(MenteeAttendance.visit_id.in_(chosen_ids))).all())
    mentors_there = set(db.session.execute(select(MentorAttendance.visit_id, MentorAttendance.mentor_id)
                                           .where(MentorAttendance.visit_id.in_(chosen_ids), MentorAttendance.present)).all())
    coordinator_id = db.session.scalar(select(User.id).where(User.username == "coordinator"))
    first_mentor_drafted = False
    assignments = db.session.scalars(select(Assignment).order_by(Assignment.id)).all()  # the random stream follows this order
    mentees = {mentee.id: mentee for mentee in db.session.scalars(select(Mentee))}
    frameworks: dict[int, list] = {}
    level: dict[tuple[int, int], int] = {}
    open_items: dict[int, list] = {}
    stalled: set[int] = set()
    feedbacks, reflections, assessments = 0, 0, 0
    for visit in sorted(chosen, key=lambda visit: (visit.start_date, visit.id)):
        latest = visit is by_hospital[visit.hospital_id][-1]
        followed_up = []  # (action item, the feedback that follows it up): ids given after one flush per visit
        for assignment in assignments:
            if (visit.id, assignment.mentee_id) not in present or (visit.id, assignment.mentor_id) not in mentors_there:
                continue
            if visit is first_visit and assignment.mentor_id == first_mentor_id:
                if first_mentor_drafted:
                    continue  # not started
                first_mentor_drafted = True
            elif latest and rng.random() < 0.15:
                continue  # not started
            if assignment.start_date > visit.end_date or (assignment.end_date and assignment.end_date < visit.start_date):
                continue
            mentee = mentees[assignment.mentee_id]
            if mentee.profession_id not in frameworks:  # read once per profession (setdefault would read it each time)
                frameworks[mentee.profession_id] = skills_for(mentee.profession)
            skills = frameworks[mentee.profession_id][:5]
            if not any((mentee.id, skill.id) in level for skill in skills):
                for skill in skills:
                    level[(mentee.id, skill.id)] = rng.randint(1, 3)
                db.session.add(SelfAssessment(
                    mentee_id=mentee.id, assessed_on=visit.start_date,
                    ratings={str(skill.id): max(1, level[(mentee.id, skill.id)] + rng.choice((-1, 0, 1))) for skill in skills},
                    learning_needs=rng.choice(AREAS) + " (demo)"))
                assessments += 1
                if rng.random() < 0.1:
                    stalled.add(mentee.id)
            ratings = []
            for skill in skills:
                key = (mentee.id, skill.id)
                if rng.random() < (0.0 if mentee.id in stalled else 0.6):  # most improve; a few mentees stall
                    level[key] = min(5, level[key] + 1)
                ratings.append(SkillRating(skill_id=skill.id, rating=level[key], comment=""))
            draft = (latest and rng.random() < 0.35) or (visit is first_visit and assignment.mentor_id == first_mentor_id)
            feedback = Feedback(
                visit_id=visit.id, mentee_id=mentee.id, mentor_id=assignment.mentor_id, contact_type="on_site",
                teaching_methods=rng.sample(["bedside_teaching", "case_scenario", "simulation", "ward_round", "debriefing"], 2),
                strengths=rng.choice(STRENGTHS), areas_to_improve=rng.choice(AREAS), mentee_comment="",
                cpd_hours=rng.choice((6, 8, 12)), status="draft" if draft else "signed", ratings=ratings,
                signed_at=None if draft else datetime.combine(visit.end_date, time(15), tzinfo=UTC),
            )
            feedback.action_items = [ActionItem(mentee_id=mentee.id, text=text, due_date=visit.end_date + timedelta(days=45))
                                     for text in rng.sample(ACTIONS, rng.choice((1, 2)))]
            db.session.add(feedback)
            for item in open_items.pop(mentee.id, []):
                item.followup = rng.choice(("done", "done", "partly", "not_done"))
                followed_up.append((item, feedback))
            open_items[mentee.id] = list(feedback.action_items)
            feedbacks += 1
        db.session.flush()
        for item, feedback in followed_up:
            item.followed_up_in_id = feedback.id
        for visit_id, mentor_id in sorted(mentors_there):
            if visit_id == visit.id and visit is first_visit and mentor_id == first_mentor_id:
                continue
            if visit_id == visit.id and not (latest and rng.random() < 0.3):
                support = rng.choice(SUPPORT) if rng.random() < 0.12 else ""
                status = rng.choice(("open", "open", "in_progress", "resolved")) if support else "open"
                db.session.add(Reflection(visit_id=visit.id, mentor_id=mentor_id, went_well="Simulation sessions were well attended (demo)",
                                          challenges="Mentees on night shift missed a day" if rng.random() < 0.3 else "",
                                          support_needed=support, support_status=status,
                                          support_owner_id=coordinator_id if status != "open" else None,
                                          submitted_at=datetime.combine(visit.end_date, time(16), tzinfo=UTC)))
                reflections += 1
    db.session.flush()
    return {"feedback": feedbacks, "self-assessments": assessments, "reflections": reflections}


CONTACT_TOPICS = ("Questions on a difficult labour", "Reviewing a neonatal death", "CPAP settings for a preterm baby",
                  "Preparing a case presentation", "Checking drug doses by phone", "Follow-up of an action item")
CONTACT_FOLLOW_UPS = ("", "", "Send the partograph photos", "Call again after the night shift", "Share the ETAT chart")


def add_contact_sessions(rng: random.Random, today: date, months: int = 8) -> dict[str, int]:
    """Phone, video and message sessions between visits over the last `months` months: most current pairings have a
    few, some none (so some hospitals' longest stretch without contact is a visit gap)."""
    pairs = db.session.execute(select(Assignment.mentee_id, Assignment.mentor_id, Assignment.start_date)
                               .where(Assignment.end_date.is_(None)).order_by(Assignment.id)).all()
    users = dict(db.session.execute(select(User.mentor_id, User.id).where(User.mentor_id.is_not(None))).all())
    rows = []
    for mentee_id, mentor_id, start in pairs:
        if rng.random() < 0.35:
            continue
        first = max(start, today - timedelta(days=30 * months))
        for _n in range(rng.randint(1, 3)):
            day = first + timedelta(days=rng.randint(0, max((today - first).days - 1, 0)))
            rows.append(ContactSession(
                mentee_id=mentee_id, mentor_id=mentor_id, held_on=day, mode=rng.choice(("phone", "phone", "video", "message")),
                minutes=rng.choice((10, 15, 20, 30, 45, 60)), topic=rng.choice(CONTACT_TOPICS),
                follow_up=rng.choice(CONTACT_FOLLOW_UPS), created_by_id=users.get(mentor_id)))
    db.session.add_all(rows)
    db.session.flush()
    return {"contact sessions": len(rows)}
