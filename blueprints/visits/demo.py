"""The demo programme's visits: about two years of them at each hospital, with gaps, postponements, absences and
attendance, and planned visits ahead. Called by blueprints/demo.py after the people and accounts."""

import random
from datetime import date, timedelta

from sqlalchemy import insert, select

from ..core.extensions import db
from ..people.models import Absence, Assignment, Mentee, Mentor
from .defaults import FIXED_HOLIDAYS
from .models import AvailabilityAnswer, MenteeAttendance, MentorAttendance, Visit

POSTPONE_REASONS = (
    "Team's obstetrician called to an emergency at the home hospital",
    "Hospital hosting a district health inspection that week",
    "Vehicle broke down; no transport available",
    "Heavy rains closed the road",
)


def add_visits(rng: random.Random, today: date, hospitals, mentors) -> dict[str, int]:
    """About two years of visits (North 15, South 13 held per hospital) with gaps over three months
    at two hospitals, postponements with reasons, a few missed mentors, attendance for every held
    visit, one hospital overdue now, and planned visits ahead, one of them clashing with leave."""
    holidays = {(month, day) for month, day, _name in FIXED_HOLIDAYS}

    def working_start(day: date) -> date:
        """The nearest start on or before `day` whose three days are working days."""
        day -= timedelta(days=max(day.weekday() - 2, 0))
        while any(((day + timedelta(days=offset)).month, (day + timedelta(days=offset)).day) in holidays for offset in range(3)):
            day += timedelta(days=7)
        return day

    def add(hospital, start, status, reason=""):
        visit = Visit(hospital=hospital, team=hospital.team, start_date=start, days=3, end_date=start + timedelta(days=2),
                      status=status, status_reason=reason)
        db.session.add(visit)
        return visit

    held, postponed, missed, mentee_days, planned = [], 0, 0, 0, []
    mentor_rows, mentee_rows = [], []  # attendance, inserted in bulk once the visits have ids
    for index, hospital in enumerate(hospitals):
        count = 15 if hospital.province == "Northern Province" else 13
        last_ago = {3: 100, 9: 70}.get(index, rng.randint(18, 50))  # Ruli overdue now, Gitwe due
        first = today - timedelta(days=725 - rng.randint(0, 10))
        span = (today - timedelta(days=last_ago) - first).days
        gap = rng.randint(100, 120) if index in (1, 6) else 0  # Kinihira and Kibilizi went over three months
        step = (span - gap) / (count - 1 - (1 if gap else 0))
        gap_at = rng.randint(4, count - 4) if gap else -1
        starts, day = [], first
        for number in range(count):
            starts.append(working_start(day))
            day = day + timedelta(days=gap if number == gap_at else round(step) + rng.randint(-5, 5))
        team_mentors = [mentor for mentor in mentors if mentor.team is hospital.team]
        assignments = db.session.scalars(select(Assignment).where(Assignment.mentor_id.in_([mentor.id for mentor in team_mentors]))
                                          .order_by(Assignment.id)).all()  # the random stream follows this order
        for number, start in enumerate(starts):
            if number < count - 1 and index % 3 == 0 and number == 5 + index % 4:
                postponed_visit = add(hospital, start - timedelta(days=14), "postponed", rng.choice(POSTPONE_REASONS))
                visit = add(hospital, start, "held")
                postponed_visit.postponed_to = visit
                postponed += 1
            else:
                visit = add(hospital, start, "held")
            held.append(visit)
            for mentor in team_mentors:
                absent = rng.random() < 0.04
                missed += absent
                mentor_rows.append((visit, {"mentor_id": mentor.id, "present": not absent,
                                            "reason": rng.choice(("Sick", "Called to the home hospital", "Annual leave")) if absent else ""}))
            for assignment in assignments:
                for visit_day in visit.day_dates:
                    assigned = assignment.start_date <= visit_day and (assignment.end_date is None or assignment.end_date >= visit_day)
                    if assigned and rng.random() < 0.8:
                        mentee_rows.append((visit, {"mentee_id": assignment.mentee_id, "day": visit_day}))
                        mentee_days += 1
        if index == 3:
            continue  # overdue, nothing planned yet: the planner and the daily alert have something to say
        next_start = working_start(max(starts[-1] + timedelta(days=60), today + timedelta(days=10 + index)))
        for _n in range(2):
            status = "confirmed" if (next_start - today).days <= 30 else "planned"
            planned.append(add(hospital, next_start, status))
            next_start = working_start(next_start + timedelta(days=60))
    db.session.flush()
    db.session.execute(insert(MentorAttendance), [{"visit_id": visit.id, **row} for visit, row in mentor_rows])
    db.session.execute(insert(MenteeAttendance), [{"visit_id": visit.id, **row} for visit, row in mentee_rows])

    clash = planned[0]
    on_leave = db.session.scalar(
        select(Mentee).where(Mentee.hospital_id == clash.hospital_id, Mentee.status == "active").order_by(Mentee.full_name).limit(1))
    if on_leave is not None:
        db.session.add(Absence(mentee=on_leave, kind="annual_leave", start_date=clash.start_date - timedelta(days=4),
                               end_date=clash.end_date + timedelta(days=3), note="Annual leave (demo): clashes with the next visit"))
    db.session.flush()
    return {"visits": len(held) + postponed + len(planned), "held visits": len(held), "postponed visits": postponed,
            "missed by a mentor": missed, "mentee-days present": mentee_days}


def add_availability(rng: random.Random, today: date) -> dict[str, int]:
    """A mentor's home-hospital duty on a coming visit, and mentees' own answers for their hospital's next visit (issue 22): about two in three answered, mostly "I will be
    there", some on nights or leave; one answers "there" on a day the administrator recorded leave, so the clash grid
    shows a disagreement."""
    next_visit: dict[int, Visit] = {}
    for visit in db.session.scalars(select(Visit).where(Visit.status.in_(("planned", "confirmed")), Visit.end_date >= today)
                                    .order_by(Visit.start_date)):
        next_visit.setdefault(visit.hospital_id, visit)
    rows = []
    leave = db.session.scalar(select(Absence).where(Absence.note.like("Annual leave (demo)%")).limit(1))
    for mentee in db.session.scalars(select(Mentee).where(Mentee.status == "active").order_by(Mentee.id)):
        visit = next_visit.get(mentee.hospital_id)
        on_leave = leave is not None and mentee.id == leave.mentee_id
        if visit is None or (rng.random() >= 0.65 and not on_leave):
            continue
        for day in visit.day_dates:
            if on_leave:
                answer = "there" if day == visit.start_date else "annual_leave"
            else:
                answer = rng.choices(("there", "night_shift", "annual_leave"), weights=(85, 10, 5))[0]
            rows.append({"mentee_id": mentee.id, "day": day, "answer": answer})
    if rows:
        db.session.execute(insert(AvailabilityAnswer), rows)
    # Mentors' own absences (issue 25): at the second hospital with a coming visit, one mentor is on duty at their home
    # hospital on its middle day, so its clash grid says "4 of 5 mentors available".
    mentor_absences = 0
    coming = sorted(next_visit.values(), key=lambda v: (v.start_date, v.id))
    if len(coming) > 1:
        visit = coming[1]
        mentor = db.session.scalar(select(Mentor).where(Mentor.team_id == visit.team_id, Mentor.active).order_by(Mentor.full_name).limit(1))
        if mentor is not None:
            day = visit.start_date + timedelta(days=1)
            db.session.add(Absence(mentor=mentor, kind="home_duty", start_date=day, end_date=day,
                                   note="On call for the home hospital's theatre (demo)"))
            mentor_absences += 1
    db.session.flush()
    return {"availability answers": len(rows), "mentor absences": mentor_absences}
