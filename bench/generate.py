"""A deterministic national-scale programme for the benchmarks (issue 9).

    .venv/bin/python -m bench.generate                          # scale 1 into bench/national.db
    .venv/bin/python -m bench.generate --scale 3 --reset --database-url postgresql://...

Scale 1 is the national roll-out: 42 district hospitals in 5 provinces, one team of five mentors
for each, and five years of mentees (about 3,000; most are past: completed, left, or transferred to
another hospital where a mentor of the same profession takes them on). `--scale N` multiplies the
hospitals; `--hospitals N` sets them directly (the test suite uses 2).

Same seed and same anchor date (`--today`), same rows. Each table group is one function in STEPS
with its own random stream, so a step added later (visits, attendance, feedback ratings,
reflections, absences, equipment checks) changes nothing an earlier step made. Rows go in as bulk
inserts of plain dicts with explicit ids (no ORM objects, so later steps can refer to ids without
a round trip); PostgreSQL's sequences are then moved past them.
"""

import argparse
import bisect
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import Integer, func, insert, select, text
from werkzeug.security import generate_password_hash

from app import create_app
from blueprints.auth.models import User
from blueprints.core.clock import today as programme_today
from blueprints.core.extensions import db
from blueprints.core.models import Setting
from blueprints.core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTEE, MENTOR, SYSADMIN
from blueprints.defaults import seed_defaults
from blueprints.demo import database_is_empty, wipe
from blueprints.equipment.models import (
    WARDS,
    EquipmentCheck,
    EquipmentCount,
    EquipmentGapChange,
    EquipmentItem,
    EquipmentNorm,
    EquipmentRequest,
    EquipmentRequestFollowUp,
    EquipmentStatus,
)
from blueprints.equipment.status import refresh_status
from blueprints.mentoring.demo import ACTIONS, AREAS, STRENGTHS, SUPPORT
from blueprints.mentoring.demo_depth import TOPICS as SUPPORT_TOPICS
from blueprints.mentoring.models import (
    ActionItem,
    ContactSession,
    Feedback,
    Reflection,
    SelfAssessment,
    Skill,
    SkillRating,
    VisitWriting,
)
from blueprints.mentoring.sheet_items import refresh_item_counts
from blueprints.mentoring.writing import refresh_writing
from blueprints.people.demo import FAMILY_NAMES, GIVEN_NAMES, MENTEE_PLAN
from blueprints.people.models import Absence, Assignment, Department, Hospital, Mentee, Mentor, Profession, Team, Transfer
from blueprints.visits.models import MenteeAttendance, MentorAttendance, Visit

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_DATABASE_URL = "sqlite:///" + str(BENCH_DIR / "national.db")
BENCH_PASSWORD = "bench-password"
DEFAULT_SEED = 2021
HOSPITALS_AT_SCALE_1 = 42
MENTOR_PROFESSIONS = ("obgyn", "paediatrician", "anaesthetist", "midwife", "paediatric_nurse")

# Rwanda's five provinces and thirty districts; hospitals are spread round-robin over provinces.
DISTRICTS = {
    "Kigali City": ("Gasabo", "Kicukiro", "Nyarugenge"),
    "Northern Province": ("Burera", "Gakenke", "Gicumbi", "Musanze", "Rulindo"),
    "Southern Province": ("Gisagara", "Huye", "Kamonyi", "Muhanga", "Nyamagabe", "Nyanza", "Nyaruguru", "Ruhango"),
    "Eastern Province": ("Bugesera", "Gatsibo", "Kayonza", "Kirehe", "Ngoma", "Nyagatare", "Rwamagana"),
    "Western Province": ("Karongi", "Ngororero", "Nyabihu", "Nyamasheke", "Rubavu", "Rusizi", "Rutsiro"),
}
HOME_INSTITUTIONS = ("Referral Hospital A (bench)", "Referral Hospital B (bench)", "Teaching Hospital C (bench)")

HISTORY_DAYS = 5 * 365            # five years of the programme up to the anchor date
SLOTS_PER_MENTOR = (2, 3)         # mentees a mentor has at a time
MENTORED_DAYS = (180, 360)        # how long one mentee stays with one mentor
GAP_DAYS = (7, 45)                # before the mentor takes the next mentee in a slot
END_REASONS = {"completed": 55, "transferred": 25, "left_service": 15, "other": 5}
TRANSFER_FOLLOWED = 0.6           # share of transferred mentees who reappear at another programme hospital
TRANSFER_WINDOW = (14, 120)       # days between leaving one hospital and starting at the next
FULL_TEAM = 1                     # its mentors have 3 mentees each, so its visits have up to 15 (the visit PDF's case)


@dataclass
class Programme:
    """The plan, and what the steps made so far (row dicts), for later steps to refer to."""

    hospital_count: int
    seed: int
    today: date
    password_hash: str
    counts: dict[str, int] = field(default_factory=dict)
    professions: dict[str, int] = field(default_factory=dict)   # code -> id
    departments: dict[str, int] = field(default_factory=dict)   # code -> id
    teams: list[dict] = field(default_factory=list)
    hospitals: list[dict] = field(default_factory=list)
    mentors: list[dict] = field(default_factory=list)
    mentees: list[dict] = field(default_factory=list)
    assignments: list[dict] = field(default_factory=list)
    stays: dict[int, dict] = field(default_factory=dict)         # assignment id -> hospital, department, mentor
    users: list[dict] = field(default_factory=list)
    visits: list[dict] = field(default_factory=list)
    held: list[dict] = field(default_factory=list)               # held visits, by start date
    absent_days: set[tuple[int, date]] = field(default_factory=set)  # (mentee id, day) away on leave or nights
    mentors_present: set[tuple[int, int]] = field(default_factory=set)  # (visit id, mentor id)
    mentees_present: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # visit id -> [(mentee, mentor)]

    @property
    def history_start(self) -> date:
        return self.today - timedelta(days=HISTORY_DAYS)

    def rng(self, step: str) -> random.Random:
        """A random stream of its own for each step: adding a step leaves the others' rows alone."""
        return random.Random(f"{self.seed}:{step}")

    def insert(self, model, rows: list[dict], chunk: int = 5000) -> None:
        """Bulk INSERT (executemany) through the session, of rows that all have every column.

        Into the model's table rather than the ORM entity: the ORM's bulk path costs 40% more per
        row, and splits a batch wherever the set of NULL columns changes (10x slower on PostgreSQL).
        The database still checks every constraint; column defaults still apply.
        """
        statement = insert(model.__table__)
        for start in range(0, len(rows), chunk):
            db.session.execute(statement, rows[start:start + chunk])
        self.counts[model.__tablename__] = self.counts.get(model.__tablename__, 0) + len(rows)


# ---------------------------------------------------------------------------------------------
# Steps, one per table group, in foreign-key order. A later issue adds its function and one line
# in STEPS: visits (5 years at the 60-day cadence), attendance, feedback ratings (~20 skills per
# mentee per held visit), reflections, absences, equipment checks (~60 items per held visit).
# ---------------------------------------------------------------------------------------------

def reference_data(p: Programme) -> None:
    """The app's default departments and professions (the same rows a real installation has)."""
    seed_defaults()
    p.professions = dict(db.session.execute(select(Profession.code, Profession.id)).all())
    p.departments = dict(db.session.execute(select(Department.code, Department.id)).all())


def hospitals_and_teams(p: Programme) -> None:
    """One team per hospital, hospitals spread round-robin over the provinces and their districts."""
    places = _districts_round_robin()
    for n in range(1, p.hospital_count + 1):
        province, district = places[(n - 1) % len(places)]
        p.teams.append({"id": n, "name": f"Team {n:03d}"})
        p.hospitals.append({"id": n, "name": f"{district} Hospital {n:03d}", "district": district, "province": province, "team_id": n})
    p.insert(Team, p.teams)
    p.insert(Hospital, p.hospitals)


def mentors(p: Programme) -> None:
    """Five mentors per team, one of each mentor profession."""
    rng = p.rng("mentors")
    for team in p.teams:
        for code in MENTOR_PROFESSIONS:
            n = len(p.mentors) + 1
            p.mentors.append({
                "id": n,
                "full_name": _name(rng),
                "profession_id": p.professions[code],
                "team_id": team["id"],
                "home_institution": rng.choice(HOME_INSTITUTIONS),
                "phone": f"+250 788 {n // 1000:03d} {n % 1000:03d}",
                "email": f"mentor.{n:04d}@example.org",
                "active": True,
            })
    p.insert(Mentor, p.mentors)


def mentees_and_assignments(p: Programme) -> None:
    """Five years of mentees: each mentor's 2-3 slots take one mentee after another; a pairing
    ends completed, left_service, other or transferred, and most transferred mentees reappear at
    another hospital with that hospital's mentor of the same profession (one record, two stays)."""
    rng = p.rng("mentees")
    code_of = {pid: code for code, pid in p.professions.items()}
    reasons, weights = list(END_REASONS), list(END_REASONS.values())

    stays = []  # one mentor-mentee pairing each; a mentee is a chain of stays linked by transfers
    for mentor in p.mentors:
        plan = MENTEE_PLAN[code_of[mentor["profession_id"]]]
        slots = rng.choice(SLOTS_PER_MENTOR)
        if mentor["team_id"] == FULL_TEAM:
            slots = max(SLOTS_PER_MENTOR)
        for _ in range(slots):
            start = p.history_start + timedelta(days=rng.randint(0, 90))
            while start < p.today:
                end = start + timedelta(days=rng.randint(*MENTORED_DAYS))
                profession, department = rng.choice(plan)
                stay = {"mentor": mentor, "hospital_id": mentor["team_id"], "profession": profession,
                        "department": department, "start": start, "end": None, "reason": None,
                        "previous": None, "next": None}
                stays.append(stay)
                if end >= p.today:
                    break
                stay["end"], stay["reason"] = end, rng.choices(reasons, weights)[0]
                start = end + timedelta(days=rng.randint(*GAP_DAYS))

    # Link transfers: a later first stay at another hospital, same mentor profession and same
    # mentee profession, becomes the transferred mentee's next stay.
    firsts: dict[tuple, list] = {}
    for stay in stays:
        firsts.setdefault((stay["mentor"]["profession_id"], stay["profession"]), []).append(stay)
    for group in firsts.values():
        group.sort(key=lambda s: (s["start"], s["mentor"]["id"]))
    starts = {key: [s["start"] for s in group] for key, group in firsts.items()}
    for stay in sorted((s for s in stays if s["reason"] == "transferred"), key=lambda s: (s["end"], s["mentor"]["id"])):
        if rng.random() >= TRANSFER_FOLLOWED:
            continue
        key = (stay["mentor"]["profession_id"], stay["profession"])
        group, keys = firsts[key], starts[key]
        low = bisect.bisect_left(keys, stay["end"] + timedelta(days=TRANSFER_WINDOW[0]))
        high = bisect.bisect_right(keys, stay["end"] + timedelta(days=TRANSFER_WINDOW[1]))
        candidates = [s for s in group[low:high] if s["previous"] is None and s["hospital_id"] != stay["hospital_id"]]
        if candidates:
            following = rng.choice(candidates)
            following["previous"], stay["next"] = stay, following

    for stay in stays:
        if stay["previous"] is not None:
            continue
        mentee_id = len(p.mentees) + 1
        last = stay
        while True:
            p.stays[len(p.assignments) + 1] = {"hospital_id": last["hospital_id"], "department": last["department"],
                                               "profession": last["profession"]}
            p.assignments.append({
                "id": len(p.assignments) + 1,
                "mentor_id": last["mentor"]["id"],
                "mentee_id": mentee_id,
                "start_date": last["start"],
                "end_date": last["end"],
                "end_reason": last["reason"],
            })
            if last["next"] is None:
                break
            last = last["next"]
        status = {None: "active", "completed": "completed"}.get(last["reason"], "left")
        p.mentees.append({
            "id": mentee_id,
            "full_name": _name(rng),
            "profession_id": p.professions[stay["profession"]],
            # transferred away from the programme's hospitals: no hospital of ours any more
            "hospital_id": None if last["reason"] == "transferred" else last["hospital_id"],
            "department_id": p.departments[last["department"]],
            "status": status,
            "phone": f"+250 78{mentee_id // 10000 % 10} {mentee_id // 100 % 100:02d} {mentee_id % 100:02d} 00",
        })
    p.insert(Mentee, p.mentees)
    p.assignments.sort(key=lambda a: a["id"])
    p.insert(Assignment, p.assignments)


def users(p: Programme) -> None:
    """sysadmin, coordinator, admin.h001... (one per hospital), mentor.0001... (one per mentor), then mentee.1... (one
    per mentee, as the demo names them; switched off for those no longer in the programme, as the app does)."""
    rng = p.rng("users")
    created = datetime.combine(p.history_start, datetime.min.time(), UTC)

    def account(username: str, display_name: str, role: str, hospital_id=None, mentor_id=None, mentee_id=None,
                active: bool = True) -> dict:
        last_login = datetime.combine(p.today - timedelta(days=rng.randint(0, 60)), datetime.min.time(), UTC) + timedelta(hours=rng.randint(6, 18))
        return {"id": len(p.users) + 1, "username": username, "display_name": display_name, "password_hash": p.password_hash,
                "role": role, "hospital_id": hospital_id, "mentor_id": mentor_id, "mentee_id": mentee_id, "active": active,
                "session_version": 1, "created_at": created, "last_login_at": last_login}

    p.users.append(account("sysadmin", "System Administrator (bench)", SYSADMIN))
    p.users.append(account("coordinator", "Programme Coordinator (bench)", COORDINATOR))
    for h in p.hospitals:
        p.users.append(account(f"admin.h{h['id']:03d}", f"{h['name']} Administrator", HOSPITAL_ADMIN, hospital_id=h["id"]))
    for m in p.mentors:
        p.users.append(account(f"mentor.{m['id']:04d}", m["full_name"], MENTOR, mentor_id=m["id"]))
    for m in p.mentees:
        p.users.append(account(f"mentee.{m['id']}", m["full_name"], MENTEE, mentee_id=m["id"], active=m["status"] == "active"))
    p.insert(User, p.users)


# --- visits and what happened at them ---------------------------------------------------------

VISIT_EVERY = (50, 70)            # days from one visit to the next at a hospital (the 60-day cadence, give or take)
LONG_GAP = (0.06, (95, 130))      # share of intervals that run over three months, and their length
NOT_HELD = (("postponed", 0.05), ("cancelled", 0.03))
POSTPONED_BY = (10, 21)           # days a postponed visit moves
PLANNED_AHEAD = 2                 # planned or confirmed visits after today at each hospital
OVERDUE_EVERY = 7                 # every 7th hospital has had no visit for over three months, and none planned
MENTOR_MISSES = 0.05              # share of mentors absent from a held visit (a missed visit)
MENTEE_PRESENT_DAY = 0.85         # chance a mentee not on leave or nights is present on a visit day
NOT_HELD_REASONS = ("Team's obstetrician called to an emergency at the home hospital (bench)",
                    "Vehicle broke down; no transport available (bench)", "Heavy rains closed the road (bench)")
MISSED_REASONS = ("Sick", "Called to the home hospital", "Annual leave")


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=hour)


def visits(p: Programme) -> None:
    """Five years of visits per hospital at about the 60-day cadence: most held, some postponed (with the
    visit they moved to) or cancelled, a few gaps over three months, and the next visits planned; every
    7th hospital is overdue now, with nothing planned."""
    rng = p.rng("visits")

    def visit(hospital: dict, start: date, status: str, reason: str = "", postponed_to: int | None = None) -> dict:
        row = {"id": len(p.visits) + 1, "hospital_id": hospital["id"], "team_id": hospital["team_id"], "start_date": start,
               "days": 3, "end_date": start + timedelta(days=2), "status": status, "status_reason": reason,
               "postponed_to_id": postponed_to, "notes": "", "created_at": _at(start - timedelta(days=45), 9), "version": 1}
        p.visits.append(row)
        return row

    for hospital in p.hospitals:
        overdue = hospital["id"] % OVERDUE_EVERY == 0
        last_past = p.today - timedelta(days=rng.randint(100, 140) if overdue else 3)
        day = p.history_start + timedelta(days=rng.randint(0, 40))
        while True:
            start = _working_start(day)
            if start + timedelta(days=2) >= last_past:
                break
            roll, status = rng.random(), "held"
            for kind, share in NOT_HELD:
                if roll < share:
                    status = kind
                    break
                roll -= share
            if status == "postponed":  # the visit it moved to gets its id first, so the reference points back
                moved = _working_start(start + timedelta(days=rng.randint(*POSTPONED_BY)))
                if moved + timedelta(days=2) < p.today:
                    held = visit(hospital, moved, "held")
                    visit(hospital, start, "postponed", rng.choice(NOT_HELD_REASONS), held["id"])
                    start = moved
                else:
                    visit(hospital, start, "cancelled", rng.choice(NOT_HELD_REASONS))
            else:
                visit(hospital, start, status, rng.choice(NOT_HELD_REASONS) if status != "held" else "")
            long_gap = rng.random() < LONG_GAP[0]
            day = start + timedelta(days=rng.randint(*(LONG_GAP[1] if long_gap else VISIT_EVERY)))
        if overdue:
            continue
        start = max(day, p.today + timedelta(days=rng.randint(5, 30)))
        for _ in range(PLANNED_AHEAD):
            start = _working_start(start)
            visit(hospital, start, "confirmed" if (start - p.today).days <= 30 else "planned")
            start += timedelta(days=rng.randint(*VISIT_EVERY))
    p.visits.sort(key=lambda v: v["id"])
    p.insert(Visit, p.visits)
    p.held = sorted((v for v in p.visits if v["status"] == "held"), key=lambda v: (v["start_date"], v["id"]))


def absences(p: Programme) -> None:
    """What keeps mentees away from visits: a yearly annual leave, night-shift weeks every few months,
    some sick leave and training, logged by the hospital's administrator during each stay."""
    rng = p.rng("absences")
    admins = {u["hospital_id"]: u["id"] for u in p.users if u["role"] == HOSPITAL_ADMIN}
    rows = []
    for assignment in p.assignments:
        stay = p.stays[assignment["id"]]
        begin, end = assignment["start_date"], assignment["end_date"] or p.today + timedelta(days=90)
        day = begin + timedelta(days=rng.randint(0, 60))
        while day < end:
            kind = rng.choices(ABSENCE_KINDS, ABSENCE_WEIGHTS)[0]
            length = rng.randint(*ABSENCE_DAYS[kind])
            rows.append({"id": len(rows) + 1, "mentee_id": assignment["mentee_id"], "mentor_id": None, "kind": kind, "start_date": day,
                         "end_date": day + timedelta(days=length - 1), "note": "", "created_by_id": admins.get(stay["hospital_id"])})
            p.absent_days.update((assignment["mentee_id"], day + timedelta(days=n)) for n in range(length))
            day += timedelta(days=length + rng.randint(*ABSENCE_EVERY))
    # Mentors' own leave and home-hospital duty (issue 25), from their own stream so the mentees' rows stay as they were.
    mentor_rng = p.rng("mentor absences")
    for mentor in p.mentors:
        day = p.today - timedelta(days=365) + timedelta(days=mentor_rng.randint(0, 60))
        while day < p.today + timedelta(days=180):
            kind = mentor_rng.choices(MENTOR_ABSENCE_KINDS, MENTOR_ABSENCE_WEIGHTS)[0]
            length = mentor_rng.randint(*ABSENCE_DAYS[kind])
            rows.append({"id": len(rows) + 1, "mentee_id": None, "mentor_id": mentor["id"], "kind": kind, "start_date": day,
                         "end_date": day + timedelta(days=length - 1), "note": "", "created_by_id": None})
            day += timedelta(days=length + mentor_rng.randint(*ABSENCE_EVERY))
    p.insert(Absence, rows)


ABSENCE_KINDS = ("annual_leave", "night_shift", "sick_leave", "training")
ABSENCE_WEIGHTS = (20, 55, 15, 10)
ABSENCE_DAYS = {"annual_leave": (10, 21), "night_shift": (5, 7), "sick_leave": (1, 5), "training": (3, 10), "home_duty": (2, 5)}
MENTOR_ABSENCE_KINDS = ("annual_leave", "home_duty", "training", "sick_leave")
MENTOR_ABSENCE_WEIGHTS = (25, 50, 15, 10)
ABSENCE_EVERY = (40, 110)         # days between one absence and the next


def transfers(p: Programme) -> None:
    """The transfer log behind the assignment history: a move to another programme hospital where the
    mentee reappears, a posting out of the programme, or leaving service; applied on their date."""
    rng = p.rng("transfers")
    admins = {u["hospital_id"]: u["id"] for u in p.users if u["role"] == HOSPITAL_ADMIN}
    following = {}  # assignment id -> the next assignment of the same mentee (a transfer's destination)
    for before, after in zip(p.assignments, p.assignments[1:], strict=False):
        if before["mentee_id"] == after["mentee_id"]:
            following[before["id"]] = after
    rows = []
    for assignment in p.assignments:
        if assignment["end_reason"] not in ("transferred", "left_service"):
            continue
        stay, on = p.stays[assignment["id"]], assignment["end_date"]
        after = following.get(assignment["id"])
        kind = "left_service" if assignment["end_reason"] == "left_service" else ("hospital" if after else "out_of_programme")
        to = p.stays[after["id"]] if after else None
        rows.append({
            "id": len(rows) + 1, "mentee_id": assignment["mentee_id"], "kind": kind, "effective_date": on,
            "reason": rng.choice(TRANSFER_REASONS[kind]),
            "from_hospital_id": stay["hospital_id"], "from_department_id": p.departments[stay["department"]],
            "to_hospital_id": to["hospital_id"] if to else None, "to_department_id": p.departments[to["department"]] if to else None,
            "logged_by_id": admins.get(stay["hospital_id"]), "logged_at": _at(on - timedelta(days=rng.randint(0, 20)), 10),
            "applied_at": _at(on, 6), "cancelled_at": None,
        })
    p.insert(Transfer, rows)


TRANSFER_REASONS = {
    "hospital": ("Posted by the district to cover a shortage (bench)", "Family reasons (bench)"),
    "out_of_programme": ("Posted to a health centre outside the programme (bench)",),
    "left_service": ("Resigned to start further studies (bench)", "Retired (bench)"),
}


def attendance(p: Programme) -> None:
    """Who came to each held visit: the team's mentors (a few miss it, with a reason) and, day by day,
    the mentees paired with them then, unless on leave or nights."""
    rng = p.rng("attendance")
    team_mentors: dict[int, list[dict]] = {}
    for mentor in p.mentors:
        team_mentors.setdefault(mentor["team_id"], []).append(mentor)
    pairings: dict[int, list[dict]] = {}
    for assignment in p.assignments:
        pairings.setdefault(assignment["mentor_id"], []).append(assignment)
    mentor_rows, mentee_rows = [], []
    for visit in p.held:
        days = [visit["start_date"] + timedelta(days=n) for n in range(visit["days"])]
        present = p.mentees_present.setdefault(visit["id"], [])
        for mentor in team_mentors[visit["team_id"]]:
            missed = rng.random() < MENTOR_MISSES
            mentor_rows.append({"id": len(mentor_rows) + 1, "visit_id": visit["id"], "mentor_id": mentor["id"], "present": not missed,
                                "reason": rng.choice(MISSED_REASONS) if missed else ""})
            if not missed:
                p.mentors_present.add((visit["id"], mentor["id"]))
            for assignment in pairings.get(mentor["id"], ()):
                if assignment["start_date"] > visit["start_date"] or (assignment["end_date"] and assignment["end_date"] < visit["end_date"]):
                    continue
                came = False
                for day in days:
                    if (assignment["mentee_id"], day) not in p.absent_days and rng.random() < MENTEE_PRESENT_DAY:
                        mentee_rows.append({"id": len(mentee_rows) + 1, "visit_id": visit["id"], "mentee_id": assignment["mentee_id"], "day": day})
                        came = True
                if came:
                    present.append((assignment["mentee_id"], mentor["id"]))
    p.insert(MentorAttendance, mentor_rows)
    p.insert(MenteeAttendance, mentee_rows)


# --- the mentoring record ----------------------------------------------------------------------

SKILLS_PER_FRAMEWORK = 20         # the framework topped up to ~20 skills, so each feedback rates about 20
NOT_OBSERVED = 0.1
IMPROVES = 0.35                   # chance a skill's level goes up from one visit to the next
DRAFT_AT_LATEST = 0.35            # feedback of each hospital's latest held visit still in draft
MISSING_AT_LATEST = 0.1           # ... or not written yet
METHODS = ("bedside_teaching", "case_scenario", "simulation", "case_presentation", "ward_round", "mm_audit", "debriefing")
SUPPORT_NEEDED = 0.12


def skills(p: Programme) -> dict[str, list[int]]:
    """Each profession's framework topped up to SKILLS_PER_FRAMEWORK with bench skills; profession code -> skill ids."""
    have: dict[int, list[int]] = {}
    for skill_id, profession_id in db.session.execute(select(Skill.id, Skill.profession_id).order_by(Skill.position, Skill.id)):
        have.setdefault(profession_id, []).append(skill_id)
    next_id = (db.session.scalar(select(func.max(Skill.id))) or 0) + 1
    rows = []
    for code in p.professions:
        profession_id = p.professions[code]
        ids = have.setdefault(profession_id, [])
        for n in range(len(ids) + 1, SKILLS_PER_FRAMEWORK + 1):
            rows.append({"id": next_id, "profession_id": profession_id, "area": "Bench", "name": f"Bench skill {n:02d}",
                         "position": 100 + n, "retired_on": None})
            ids.append(next_id)
            next_id += 1
    p.insert(Skill, rows)
    return {code: have[p.professions[code]] for code in p.professions}


def mentoring(p: Programme) -> None:
    """After every held visit: feedback from each present mentor to each present mentee with ~20 skill
    ratings (mostly improving), 1-2 action items followed up at the mentee's next feedback, a baseline
    self-assessment at the first one; a reflection from each present mentor, some asking for support.
    The latest visit at each hospital still has drafts and missing forms."""
    rng = p.rng("mentoring")
    framework = skills(p)
    code_of = {pid: code for code, pid in p.professions.items()}
    profession_of = {m["id"]: code_of[m["profession_id"]] for m in p.mentees}
    mentor_user = {u["mentor_id"]: u["id"] for u in p.users if u["mentor_id"]}
    team_mentors: dict[int, list[dict]] = {}
    for mentor in p.mentors:
        team_mentors.setdefault(mentor["team_id"], []).append(mentor)
    latest = {}
    for visit in p.held:
        latest[visit["hospital_id"]] = visit["id"]
    feedback, ratings, items, assessments, reflections = [], [], [], [], []
    level: dict[int, dict[int, int]] = {}
    open_items: dict[int, list[dict]] = {}
    for visit in p.held:
        is_latest = latest[visit["hospital_id"]] == visit["id"]
        signed_on = visit["end_date"] + timedelta(days=rng.randint(0, 10))
        for mentee_id, mentor_id in p.mentees_present.get(visit["id"], ()):
            if (visit["id"], mentor_id) not in p.mentors_present or (is_latest and rng.random() < MISSING_AT_LATEST):
                continue
            skill_ids = framework[profession_of[mentee_id]]
            levels = level.get(mentee_id)
            if levels is None:
                levels = level[mentee_id] = {s: rng.randint(1, 3) for s in skill_ids}
                assessments.append({"id": len(assessments) + 1, "mentee_id": mentee_id, "assessed_on": visit["start_date"],
                                    "learning_needs": rng.choice(AREAS), "ratings": {str(s): r for s, r in levels.items()},
                                    "entered_by_id": mentor_user[mentor_id], "created_at": _at(visit["start_date"], 9)})
            draft = is_latest and rng.random() < DRAFT_AT_LATEST
            row = {"id": len(feedback) + 1, "visit_id": visit["id"], "mentee_id": mentee_id, "mentor_id": mentor_id,
                   "contact_type": "on_site", "teaching_methods": rng.sample(METHODS, 2), "strengths": rng.choice(STRENGTHS),
                   "areas_to_improve": rng.choice(AREAS), "mentee_comment": "", "cpd_hours": rng.choice((6.0, 8.0, 12.0)),
                   "next_visit_date": None, "status": "draft" if draft else "signed",
                   "signed_at": None if draft else _at(signed_on, 15), "signed_by_id": None if draft else mentor_user[mentor_id],
                   "updated_at": _at(signed_on, 15), "version": 1}
            feedback.append(row)
            for skill_id in skill_ids:
                if rng.random() < IMPROVES:
                    levels[skill_id] = min(5, levels.get(skill_id, 1) + 1)
                ratings.append({"id": len(ratings) + 1, "feedback_id": row["id"], "skill_id": skill_id,
                                "rating": None if rng.random() < NOT_OBSERVED else levels.get(skill_id, 1), "comment": ""})
            for item in open_items.pop(mentee_id, ()):
                item["followup"], item["followed_up_in_id"] = rng.choice(("done", "done", "partly", "not_done")), row["id"]
            new = [{"id": len(items) + n + 1, "feedback_id": row["id"], "mentee_id": mentee_id, "text": text,
                    "due_date": visit["end_date"] + timedelta(days=45), "followup": None, "followed_up_in_id": None}
                   for n, text in enumerate(rng.sample(ACTIONS, rng.choice((1, 2))))]
            items += new
            open_items[mentee_id] = new
        for mentor_id in (m["id"] for m in team_mentors[visit["team_id"]] if (visit["id"], m["id"]) in p.mentors_present):
            if is_latest and rng.random() < 0.3:
                continue
            support = rng.choice(SUPPORT) if rng.random() < SUPPORT_NEEDED else ""
            age = (p.today - visit["end_date"]).days
            status = "open" if not support else ("resolved" if age > 180 and rng.random() < 0.8 else rng.choice(("open", "in_progress")))
            reflections.append({
                "id": len(reflections) + 1, "visit_id": visit["id"], "mentor_id": mentor_id,
                "went_well": "Simulation sessions were well attended (bench)",
                "challenges": "Mentees on night shift missed a day (bench)" if rng.random() < 0.3 else "",
                "mentees_absent": "", "equipment_problems": "", "support_needed": support, "support_status": status,
                "support_owner_id": None, "submitted_at": _at(signed_on, 16), "version": 1,
                "support_topic": SUPPORT_TOPICS.get(support, "programme"),  # equipment, scheduling: the hospital's to answer
            })
    p.insert(Feedback, feedback)
    p.insert(SkillRating, ratings)
    p.insert(ActionItem, items)
    refresh_item_counts()  # each sheet's item counts, which bulk inserts do not keep by themselves
    p.insert(SelfAssessment, assessments)
    p.insert(Reflection, reflections)
    # The writing counts of each held visit, which bulk inserts do not keep by themselves. Statistics first: planned
    # without any, the refresh's statement ran for over 6 minutes at scale 1 on PostgreSQL, where it takes seconds.
    db.session.execute(text("ANALYZE"))
    refresh_writing()
    p.counts["visit_writing"] = db.session.scalar(select(func.count(VisitWriting.visit_id)))


CONTACTED = 0.7                   # share of current pairings with phone, video or message sessions between visits
CONTACT_MODES = ("phone", "phone", "video", "message")


def contacts(p: Programme) -> None:
    """Contact between visits: most current pairings have 1-4 sessions over the last eight months (issue 25)."""
    rng = p.rng("contacts")
    mentor_user = {u["mentor_id"]: u["id"] for u in p.users if u["mentor_id"]}
    rows = []
    for assignment in p.assignments:
        if assignment["end_date"] is not None or rng.random() >= CONTACTED:
            continue
        first = max(assignment["start_date"], p.today - timedelta(days=240))
        span = max((p.today - first).days - 1, 0)
        for _n in range(rng.randint(1, 4)):
            rows.append({"id": len(rows) + 1, "mentee_id": assignment["mentee_id"], "mentor_id": assignment["mentor_id"],
                         "held_on": first + timedelta(days=rng.randint(0, span)), "mode": rng.choice(CONTACT_MODES),
                         "minutes": rng.choice((10, 20, 30, 45, 60)), "topic": "Questions between visits (bench)",
                         "follow_up": "", "created_by_id": mentor_user.get(assignment["mentor_id"]),
                         "created_at": _at(p.today, 9)})
    p.insert(ContactSession, rows)


# --- equipment -----------------------------------------------------------------------------------

ITEMS_IN_CATALOGUE = 60           # the default catalogue topped up with bench items
GAP_AT_START = 0.12               # share of (hospital, item) pairs short at the first check
CRITICAL_ABSENT = 0.2             # share of hospitals with none of a critical item at first
FIXED_PER_CHECK = 0.08            # chance a gap is fixed by the next check
BREAKS_PER_CHECK = 0.03           # chance a working item breaks before the next check
BIGGER_NORM = 0.1                 # share of hospitals needing more of an item than the default
UNFINISHED_LAST_CHECK = 0.2       # share of hospitals whose latest check is still open
REASONS = ("broken", "no_spare_part", "no_consumables", "nobody_trained")


def equipment(p: Programme) -> None:
    """A check of the whole catalogue (~60 items) at every held visit, by a mentor of the team: gaps that
    persist for months (no CPAP, too few oxygen cylinders), some fixed, ordinary wear coming and going;
    a few hospitals need more than the default norm."""
    rng = p.rng("equipment")
    have = db.session.execute(select(EquipmentItem.id, EquipmentItem.ward).where(EquipmentItem.retired.is_(False))).all()
    next_id = (db.session.scalar(select(func.max(EquipmentItem.id))) or 0) + 1
    extra = [{"id": next_id + n, "ward": WARDS[n % len(WARDS)], "name": f"Bench item {n + 1:02d}", "unit": "unit",
              "required_quantity": 1 + n % 3, "critical": False, "retired": False, "position": 100 + n}
             for n in range(max(0, ITEMS_IN_CATALOGUE - len(have)))]
    p.insert(EquipmentItem, extra)
    items = db.session.execute(select(EquipmentItem.id, EquipmentItem.required_quantity, EquipmentItem.critical)
                               .where(EquipmentItem.retired.is_(False)).order_by(EquipmentItem.id)).all()
    norms, required = [], {}
    for hospital in p.hospitals:
        for item_id, default, _critical in items:
            need = default
            if default and rng.random() < BIGGER_NORM:
                need = default + rng.randint(1, 3)
                norms.append({"id": len(norms) + 1, "hospital_id": hospital["id"], "item_id": item_id, "required_quantity": need})
            required[(hospital["id"], item_id)] = need
    p.insert(EquipmentNorm, norms)

    mentor_users: dict[int, list[int]] = {}
    for u in p.users:
        if u["mentor_id"]:
            mentor_users.setdefault(p.mentors[u["mentor_id"] - 1]["team_id"], []).append(u["id"])
    latest = {}
    for visit in p.held:
        latest[visit["hospital_id"]] = visit["id"]
    state: dict[tuple[int, int], tuple[int, int, str | None]] = {}
    checks, counts = [], []
    for visit in p.held:
        hospital_id = visit["hospital_id"]
        by = rng.choice(mentor_users[visit["team_id"]])
        done = not (latest[hospital_id] == visit["id"] and rng.random() < UNFINISHED_LAST_CHECK)
        check = {"id": len(checks) + 1, "hospital_id": hospital_id, "check_date": visit["start_date"], "visit_id": visit["id"],
                 "checked_by_id": by, "created_at": _at(visit["start_date"], 10),
                 "completed_at": _at(visit["end_date"], 14) if done else None, "completed_by_id": by if done else None}
        checks.append(check)
        for item_id, _default, critical in items:
            need = required[(hospital_id, item_id)]
            key = (hospital_id, item_id)
            if key not in state:
                if critical and rng.random() < CRITICAL_ABSENT:
                    state[key] = (0, 0, None)
                elif need and rng.random() < GAP_AT_START:
                    available = rng.randint(0, need)
                    state[key] = (available, rng.randint(0, max(0, min(available, need - 1))), rng.choice(REASONS))
                else:
                    state[key] = (need, need, None)
            else:
                available, functional, reason = state[key]
                if functional < need and rng.random() < FIXED_PER_CHECK:
                    state[key] = (need, need, None)
                elif functional and functional >= need and rng.random() < BREAKS_PER_CHECK:
                    state[key] = (available, functional - 1, rng.choice(REASONS))
            available, functional, reason = state[key]
            counts.append({"id": len(counts) + 1, "check_id": check["id"], "item_id": item_id, "available": available,
                           "functional": functional, "reason": reason if functional < available else None, "note": "",
                           "updated_at": check["created_at"], "updated_by_id": by, "version": 1})
    p.insert(EquipmentCheck, checks)
    p.insert(EquipmentCount, counts)
    refresh_status()  # the status rows and gap changes of each hospital and item, which bulk inserts do not keep by themselves
    p.counts["equipment_status"] = len(required)
    p.counts["equipment_gap_change"] = db.session.scalar(select(func.count(EquipmentGapChange.id)))


REQUESTED_GAPS = 0.3              # share of today's gaps with an open request
REFUSED_BEFORE = 0.3              # share of those asked of someone else before, who refused or half-answered
ADDRESSEES = ("hospital", "district", "partner", "ministry")


def equipment_requests(p: Programme) -> None:
    """Requests for a share of today's gaps (issue 25.6), made some weeks after the gap began and followed up a
    few times, and for some of them an earlier request to someone else that ended refused, partly or withdrawn."""
    rng = p.rng("equipment_requests")
    coordinator = next(u["id"] for u in p.users if u["role"] == COORDINATOR)
    gaps = db.session.execute(select(EquipmentStatus.hospital_id, EquipmentStatus.item_id, EquipmentStatus.gap_since)
                              .where(EquipmentStatus.gap_since.is_not(None))
                              .order_by(EquipmentStatus.hospital_id, EquipmentStatus.item_id)).all()
    requests, follow_ups = [], []

    def request(hospital_id, item_id, addressee, on, outcome=None, resolved_on=None):
        requests.append({"id": len(requests) + 1, "hospital_id": hospital_id, "item_id": item_id, "addressee": addressee,
                         "addressee_name": "", "requested_on": on, "reference": f"REQ/{on.year}/{len(requests) + 1:05d}",
                         "note": "", "outcome": outcome, "resolved_on": resolved_on, "resolution_note": "",
                         "created_by_id": coordinator, "created_at": _at(on, 9)})
        end = resolved_on or p.today
        for _n in range(rng.randint(0, 3)):
            day = on + timedelta(days=rng.randint(0, (end - on).days))
            follow_ups.append({"id": len(follow_ups) + 1, "request_id": len(requests), "followed_up_on": day,
                               "note": "Reminder sent.", "created_by_id": coordinator, "created_at": _at(day, 11)})

    for hospital_id, item_id, gap_since in gaps:
        if rng.random() >= REQUESTED_GAPS:
            continue
        first, second = rng.sample(ADDRESSEES, 2)
        on = min(gap_since + timedelta(days=rng.randint(7, 60)), p.today)
        if rng.random() < REFUSED_BEFORE and (p.today - gap_since).days > 120:
            earlier = gap_since + timedelta(days=rng.randint(0, 30))
            request(hospital_id, item_id, second, earlier, rng.choice(("refused", "partly", "withdrawn")),
                    earlier + timedelta(days=rng.randint(10, 80)))
        request(hospital_id, item_id, first, on)
    p.insert(EquipmentRequest, requests)
    p.insert(EquipmentRequestFollowUp, follow_ups)


def _working_start(day: date) -> date:
    """Monday to Wednesday, so the three visit days are working days."""
    return day - timedelta(days=max(day.weekday() - 2, 0))


def marker(p: Programme) -> None:
    """A setting saying what made this database (the demo banner's `demo_data` stays unset)."""
    p.insert(Setting, [{"key": "bench_data", "value": f"hospitals={p.hospital_count}; seed={p.seed}; anchor={p.today.isoformat()}"}])


STEPS: tuple[Callable[[Programme], None], ...] = (
    reference_data,
    hospitals_and_teams,
    mentors,
    mentees_and_assignments,
    users,
    visits,
    absences,
    transfers,
    attendance,
    mentoring,
    contacts,
    equipment,
    equipment_requests,
    marker,
)


# ---------------------------------------------------------------------------------------------

class GenerateRefused(Exception):
    """The database already holds a programme and no reset was asked for."""


def hospitals_for(scale: float) -> int:
    return max(1, round(HOSPITALS_AT_SCALE_1 * scale))


def build(*, hospitals: int, seed: int = DEFAULT_SEED, today: date | None = None, reset: bool = False,
          password_hash: str | None = None, log: Callable[[str], None] = lambda message: None) -> dict[str, int]:
    """Generate into the current app's (migrated) database; returns rows per table. Flushes, the caller commits."""
    if not database_is_empty():
        if not reset:
            raise GenerateRefused("the database already has data; use --reset to replace it")
        started = time.perf_counter()
        wipe()
        log(f"emptied the database in {time.perf_counter() - started:.1f} s")
    programme = Programme(
        hospital_count=hospitals,
        seed=seed,
        today=today or programme_today(),  # the programme's day (its time zone), as the app sees it, not the server's
        password_hash=password_hash or generate_password_hash(BENCH_PASSWORD),  # once: scrypt is slow on purpose
    )
    for step in STEPS:
        started = time.perf_counter()
        step(programme)
        log(f"{step.__name__}: {time.perf_counter() - started:.1f} s")
    db.session.flush()
    sync_sequences()
    return programme.counts


def sync_sequences() -> None:
    """PostgreSQL: move each id sequence past the explicit ids inserted, so the app's inserts work."""
    if db.engine.dialect.name != "postgresql":
        return
    quote = db.engine.dialect.identifier_preparer
    for table in db.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        name, column = quote.format_table(table), quote.quote(pk[0].name)
        db.session.execute(
            text(f"SELECT setval(pg_get_serial_sequence(:table, :column), COALESCE(MAX({column}), 1), MAX({column}) IS NOT NULL) FROM {name}"),
            {"table": name, "column": pk[0].name},
        )


def analyze() -> None:
    """Table statistics now, as a live database has them: right after a bulk load PostgreSQL has none until
    autovacuum's next pass, and the writing tile planned without them ran for over 13 minutes at scale 10.
    On PostgreSQL a VACUUM too, for the visibility map a live database's autovacuum keeps: without it an index-only
    scan reads the table as well (the writing and engagement tiles took 65-70 ms at scale 10, against 47-51 ms
    vacuumed), and autovacuum's first pass over 2.3 million ratings would run in the middle of the measurements."""
    if db.engine.dialect.name == "postgresql":
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        return
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def generate(database_url: str = DEFAULT_DATABASE_URL, *, hospitals: int, seed: int = DEFAULT_SEED,
             today: date | None = None, reset: bool = False, log: Callable[[str], None] = lambda message: None) -> dict[str, int]:
    """Migrate the database at `database_url` with the real migrations, generate, commit."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-generate"})
    with app.app_context():
        try:
            started = time.perf_counter()
            upgrade()
            log(f"migrations: {time.perf_counter() - started:.1f} s")
            counts = build(hospitals=hospitals, seed=seed, today=today, reset=reset, log=log)
            started = time.perf_counter()
            db.session.commit()
            log(f"commit: {time.perf_counter() - started:.1f} s")
            analyze()
        finally:
            db.session.remove()
            db.engine.dispose()
    return counts


def _districts_round_robin() -> list[tuple[str, str]]:
    lists = [[(province, d) for d in districts] for province, districts in DISTRICTS.items()]
    order = []
    for i in range(max(map(len, lists))):
        order += [places[i] for places in lists if i < len(places)]
    return order


def _name(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiple of the 42 hospitals of scale 1 (default 1)")
    parser.add_argument("--hospitals", type=int, default=None, help="number of hospitals (overrides --scale)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="anchor date YYYY-MM-DD (default the programme's today, in its time zone)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help=f"default {DEFAULT_DATABASE_URL}")
    parser.add_argument("--reset", action="store_true", help="delete everything in the database first")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each step's time")
    args = parser.parse_args(argv)
    hospitals = args.hospitals if args.hospitals is not None else hospitals_for(args.scale)
    if hospitals < 1:
        parser.error("at least one hospital")
    started = time.perf_counter()
    try:
        counts = generate(args.database_url, hospitals=hospitals, seed=args.seed, today=args.today, reset=args.reset,
                          log=(lambda message: print(f"  {message}", file=sys.stderr)) if args.verbose else (lambda message: None))
    except GenerateRefused as refusal:
        print(f"bench.generate: {refusal}", file=sys.stderr)
        return 2
    print(f"Generated in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
