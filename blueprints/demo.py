"""The demo programme of DOMAIN.md: invented people at ten real district hospitals.

Deterministic: the same seed and the same anchor date give the same rows. Above the areas (it fills them all, in
one seeded order), so no area and not the kernel imports it.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, select, update
from werkzeug.security import generate_password_hash

from .auth.forms import ROLE_LABELS
from .auth.models import User
from .core.clock import today as programme_today
from .core.extensions import db
from .core.models import Setting, utcnow
from .core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR, SYSADMIN
from .defaults import FIXED_HOLIDAYS, seed_defaults
from .equipment.models import EquipmentCheck, EquipmentCount, EquipmentItem
from .equipment.status import refresh_status
from .mentoring.mentee_demo import demo_mentee_engagement
from .mentoring.models import ActionItem, Feedback, Reflection, SelfAssessment, SkillRating
from .mentoring.queries import skills_for
from .people.models import Absence, Assignment, Department, Hospital, Mentee, Mentor, Profession, Team, TrainingRecord
from .people.services.absences import add_absence, add_night_rota
from .people.services.transfers import log_transfer
from .visits.models import MenteeAttendance, MentorAttendance, Visit

DEMO_PASSWORD = "mentorship-demo"
DEFAULT_SEED = 2021

# (hospital, district, province), as in DOMAIN.md.
HOSPITALS = (
    ("Rutongo", "Rulindo", "Northern Province"),
    ("Kinihira", "Rulindo", "Northern Province"),
    ("Byumba", "Gicumbi", "Northern Province"),
    ("Ruli", "Gakenke", "Northern Province"),
    ("Nemba", "Gakenke", "Northern Province"),
    ("Kabgayi", "Muhanga", "Southern Province"),
    ("Kibilizi", "Gisagara", "Southern Province"),
    ("Gakoma", "Gisagara", "Southern Province"),
    ("Ruhango", "Ruhango", "Southern Province"),
    ("Gitwe", "Ruhango", "Southern Province"),
)

MENTOR_PROFESSIONS = ("obgyn", "paediatrician", "anaesthetist", "midwife", "paediatric_nurse")

REFRESHER_TOPICS = (
    "Helping Babies Breathe and neonatal resuscitation",
    "Emergency obstetric care drills (PPH, eclampsia)",
    "Bubble CPAP set-up and weaning",
    "Mentoring skills: bedside teaching and feedback",
    "ETAT triage and paediatric emergencies",
    "Simulation teaching and debriefing",
    "Maternal and perinatal death audit",
    "Infection prevention and safe surgery checklist",
)
OVERDUE_MENTORS = 4  # a few mentors have missed their last refresher(s), so the flag has something to show

# Which mentees each mentor profession takes, and where they work.
MENTEE_PLAN = {
    "obgyn": (("general_practitioner", "maternity"), ("general_practitioner", "theatre")),
    "paediatrician": (("general_practitioner", "paediatrics"), ("general_practitioner", "neonatology")),
    "anaesthetist": (("anaesthesia_technician", "theatre"),),
    "midwife": (("midwife", "maternity"),),
    "paediatric_nurse": (("nurse", "neonatology"), ("nurse", "paediatrics"), ("paediatric_nurse", "neonatology")),
}

HOME_INSTITUTIONS = {
    "Northern Province": ("University Teaching Hospital of Kigali (demo)", "Rwanda Military Hospital (demo)"),
    "Southern Province": ("University Teaching Hospital of Butare (demo)",),
}

GIVEN_NAMES = (
    "Aline", "Jean Claude", "Claudine", "Eric", "Diane", "Patrick", "Josiane", "Emmanuel", "Chantal",
    "Olivier", "Vestine", "Innocent", "Solange", "Théogène", "Angélique", "Fabrice", "Espérance",
    "Jean Bosco", "Immaculée", "Didier", "Grace", "Alphonse", "Clarisse", "Gaspard", "Jeannette",
    "Pacifique", "Béatrice", "Célestin", "Médiatrice", "Yves", "Odette", "Samuel", "Florence",
    "Gilbert", "Marie Rose", "Thierry", "Denyse", "Valens", "Francine", "Jacques",
)
FAMILY_NAMES = (
    "Uwimana", "Mukamana", "Niyonzima", "Habimana", "Ingabire", "Nshimiyimana", "Uwase", "Mugisha",
    "Nyirahabimana", "Hakizimana", "Mukeshimana", "Bizimana", "Uwera", "Ndayisaba", "Iradukunda",
    "Nsengimana", "Umutoni", "Kayitesi", "Manzi", "Tuyisenge", "Mutesi", "Niyitegeka", "Rukundo",
    "Ishimwe", "Gatete", "Murekatete", "Byiringiro", "Mukandayisenga", "Twagirayezu", "Uwamahoro",
)

DEMO_MENTEE_LANGUAGES = ("rw", "en", "rw", "fr", "rw", "en")


class DemoRefused(Exception):
    """The database already holds data and no reset was asked for."""


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count(User.id))) and not db.session.scalar(select(func.count(Hospital.id)))


def wipe() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.flush()


def build_demo(seed: int = DEFAULT_SEED, today: date | None = None, reset: bool = False) -> dict[str, int]:
    """Create the demo programme; returns the row counts it made. Flushes, the caller commits."""
    if not database_is_empty():
        if not reset:
            raise DemoRefused("the database already has data; use --reset to replace it with the demo programme")
        wipe()
    today = today or programme_today()  # Kigali's date, as every page reads it, not the server's
    rng = random.Random(seed)
    names = _name_pool(rng)
    seed_defaults()
    professions = {p.code: p for p in db.session.scalars(select(Profession))}
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    password_hash = generate_password_hash(DEMO_PASSWORD)  # hashed once: the same password for every account

    hospitals, teams, mentors = [], [], []
    for number, (name, district, province) in enumerate(HOSPITALS, start=1):
        team = Team(name=f"Team {number:02d} ({name})")
        hospital = Hospital(name=name, district=district, province=province, team=team,
                            departments=sorted(departments.values(), key=lambda d: d.name))
        teams.append(team)
        hospitals.append(hospital)
        for code in MENTOR_PROFESSIONS:
            mentor_number = len(mentors) + 1
            mentors.append(
                Mentor(
                    full_name=next(names),
                    profession=professions[code],
                    team=team,
                    home_institution=rng.choice(HOME_INSTITUTIONS[province]),
                    phone=f"+250 700 000 {mentor_number:03d}",
                    email=f"mentor.{mentor_number:02d}@example.org",
                )
            )
    db.session.add_all(hospitals + teams + mentors)

    mentees, assignments = [], []
    for mentor in mentors:
        hospital = hospitals[teams.index(mentor.team)]
        start = today - timedelta(days=720 - rng.randint(0, 60))
        for _ in range(rng.choice((2, 3))):
            profession_code, department_code = rng.choice(MENTEE_PLAN[mentor.profession.code])
            mentee = Mentee(
                full_name=next(names),
                profession=professions[profession_code],
                hospital=hospital,
                department=departments[department_code],
                status="active",
                # Most read Kinyarwanda, some English or French (a fixed cycle: the random draws stay as they were).
                preferred_language=DEMO_MENTEE_LANGUAGES[len(mentees) % len(DEMO_MENTEE_LANGUAGES)],
            )
            mentees.append(mentee)
            assignments.append(Assignment(mentor=mentor, mentee=mentee, start_date=start))
    db.session.add_all(mentees + assignments)
    db.session.flush()

    users = [
        User(username="sysadmin", display_name="System Administrator (demo)", role=SYSADMIN),
        User(username="coordinator", display_name="Programme Coordinator (demo)", role=COORDINATOR),
    ]
    users += [
        User(username=f"admin.{h.name.lower()}", display_name=f"{h.name} Administrator (demo)", role=HOSPITAL_ADMIN, hospital=h)
        for h in hospitals
    ]
    users += [
        User(username=f"mentor.{n:02d}", display_name=m.full_name, role=MENTOR, mentor=m)
        for n, m in enumerate(mentors, start=1)
    ]
    for user in users:
        user.password_hash = password_hash
    db.session.add_all(users)
    movements = _demo_movements(rng, today, hospitals, mentees, departments)
    trainings = _training_logs(rng, mentors, today)
    db.session.add_all(trainings)
    movements |= _demo_visits(rng, today, hospitals, mentors)
    db.session.add(Setting(key="demo_data", value=f"seed={seed}; anchor={today.isoformat()}"))
    db.session.flush()
    return {
        "hospitals": len(hospitals),
        "teams": len(teams),
        "mentors": len(mentors),
        "mentees": len(mentees),
        "assignments": len(assignments),
        "users": len(users),
        **movements,
        "training records": len(trainings),
        **_demo_equipment(rng, today, hospitals),
        **_demo_mentoring(rng, today),
        **demo_mentee_engagement(rng, today, password_hash),
    }


def accounts_table() -> str:
    """Every active account as a Markdown table (account, role, hospital or team): the README's table of demo
    accounts is this output (`flask --app app demo-accounts`), so a newcomer can tell whose account is whose."""
    users = db.session.scalars(select(User).where(User.active).order_by(User.username)).all()
    scope = {SYSADMIN: "users and settings only", COORDINATOR: "the whole programme"}
    rows = [([u.username], u.role, scope[u.role]) for role in (SYSADMIN, COORDINATOR) for u in users if u.role == role]
    mentors_by_team: dict[int | None, list[str]] = {}
    for user in users:
        if user.role == MENTOR:
            mentors_by_team.setdefault(user.mentor.team_id, []).append(user.username)
    for hospital in db.session.scalars(select(Hospital).order_by(Hospital.id)):
        admins = [u.username for u in users if u.role == HOSPITAL_ADMIN and u.hospital_id == hospital.id]
        if admins:
            rows.append((admins, HOSPITAL_ADMIN, f"{hospital.name} ({hospital.district}, {hospital.province})"))
        team = hospital.team
        if team is not None and team.id in mentors_by_team:
            visits = ", ".join(h.name for h in team.hospitals)
            rows.append((mentors_by_team.pop(team.id), MENTOR, f"{team.name}, visits {visits}"))
    for team_id, usernames in mentors_by_team.items():  # teams that visit no hospital, and mentors with no team
        team = db.session.get(Team, team_id) if team_id is not None else None
        rows.append((usernames, MENTOR, f"{team.name}, visits no hospital" if team else "no team"))
    lines = ["| account | role | hospital or team |", "| --- | --- | --- |"]
    lines += [f"| {' '.join(f'`{name}`' for name in names)} | {ROLE_LABELS[role]} | {where} |" for names, role, where in rows]
    return "\n".join(lines)


def _training_logs(rng: random.Random, mentors: list[Mentor], today: date) -> list[TrainingRecord]:
    """Each mentor's initial training two years ago and a refresher about every three months since;
    a few mentors missed the latest one or two, so they are overdue."""
    late = set(rng.sample(range(len(mentors)), OVERDUE_MENTORS))
    records = []
    for number, mentor in enumerate(mentors):
        records.append(TrainingRecord(mentor=mentor, title="Clinical mentorship training (initial)",
                                      course_date=today - timedelta(days=735), hours=40, is_refresher=False))
        skipped = rng.choice((1, 2)) if number in late else 0
        for quarter in range(skipped, 8):
            course_date = today - timedelta(days=15 + 91 * quarter + rng.randint(0, 10))
            records.append(TrainingRecord(mentor=mentor, title=f"Refresher: {REFRESHER_TOPICS[(quarter + number) % len(REFRESHER_TOPICS)]}",
                                          course_date=course_date, hours=rng.choice((6, 8, 12, 16))))
    return records


def _name_pool(rng: random.Random):
    """Unique invented full names in a seeded order."""
    pool = [f"{given} {family}" for family in FAMILY_NAMES for given in GIVEN_NAMES]
    rng.shuffle(pool)
    return iter(pool)


def _demo_movements(rng: random.Random, today: date, hospitals, mentees, departments) -> dict[str, int]:
    """Transfers (between departments, between demo hospitals, out of the programme, one still to
    come) logged through the real service so mentors are notified; and leave and night shifts."""
    movers = rng.sample(mentees, 10)
    plans = [
        ("department", 200), ("department", 150), ("department", 40),
        ("hospital", 300), ("hospital", 120), ("hospital", 20),
        ("out_of_programme", 250), ("left_service", 90), ("out_of_programme", 10),
        ("hospital", -21),  # logged now, takes effect in three weeks
    ]
    for mentee, (kind, days_ago) in zip(movers, plans, strict=True):
        to_hospital = to_department = None
        if kind == "department":
            to_department = rng.choice([d for d in departments.values() if d.id != mentee.department_id])
        elif kind == "hospital":
            same_province = [h for h in hospitals if h.province == mentee.hospital.province and h.id != mentee.hospital_id]
            to_hospital = rng.choice(same_province)
            to_department = mentee.department
        log_transfer(mentee, kind=kind, effective_date=today - timedelta(days=days_ago), to_hospital=to_hospital,
                     to_department=to_department, reason=rng.choice(TRANSFER_REASONS[kind]), today=today)

    absences = 0
    for mentee in rng.sample([m for m in mentees if m.status == "active"], 30):
        start = today + timedelta(days=rng.randint(-20, 90))
        kind = rng.choice(("annual_leave", "annual_leave", "sick_leave", "training"))
        length = {"annual_leave": 14, "sick_leave": 3, "training": 5}[kind]
        add_absence(mentee, kind=kind, start_date=start, end_date=start + timedelta(days=rng.randint(1, length)))
        absences += 1
    for mentee in rng.sample([m for m in mentees if m.status == "active"], 12):
        monday = today + timedelta(days=7 - today.weekday() + 7 * rng.randint(0, 4))
        absences += len(add_night_rota(mentee, start=monday, weeks=4, weekdays={0, 1, 2}, note="Night rota (demo)"))
    return {"transfers": len(plans), "absences": absences}


TRANSFER_REASONS = {
    "department": ("Staff shortage in the receiving department", "Rotation decided by the hospital director"),
    "hospital": ("Posted by the district to cover a shortage", "Family reasons: asked to move closer to home"),
    "out_of_programme": ("Posted to a health centre outside the programme",),
    "left_service": ("Resigned to start further studies",),
}


# Persistent equipment problems per demo hospital (DOMAIN.md problem 5): item name -> (available, functional)
# at the start, and for some the check from which it was fixed (index of the check, then its numbers).
EQUIPMENT_PROBLEMS = {
    "Nemba": {"Bubble CPAP": (0, 0), "Oxygen cylinders with regulator and flowmeter": (2, 1)},
    "Kinihira": {"Bubble CPAP": (1, 0), "Pulse oximeter with neonatal probes": (1, 1)},
    "Gakoma": {"Bubble CPAP": (0, 0), "Oxygen concentrator": (1, 0), "CTG / fetal monitor (labour monitor)": (1, 1)},
    "Byumba": {"CTG / fetal monitor (labour monitor)": (1, 1), "Oxygen cylinders with regulator and flowmeter": (2, 2)},
    "Kabgayi": {"CTG / fetal monitor (labour monitor)": (2, 1), "Radiant warmer / resuscitaire": (1, 1)},
    "Ruhango": {"Oxygen cylinders with regulator and flowmeter": (1, 1), "Phototherapy unit": (1, 0)},
    "Rutongo": {"Bubble CPAP": (1, 0)},
    "Ruli": {"Pulse oximeter": (1, 0), "Neonatal bag-valve-mask (masks 0 and 1)": (1, 1)},
    "Kibilizi": {"Oxygen cylinders with regulator and flowmeter": (1, 0)},
}
EQUIPMENT_FIXED = {("Rutongo", "Bubble CPAP"): 6, ("Ruli", "Pulse oximeter"): 4, ("Kibilizi", "Oxygen cylinders with regulator and flowmeter"): 8}


def _demo_equipment(rng: random.Random, today: date, hospitals) -> dict[str, int]:
    """Equipment checks at the demo hospitals over two years: at each held visit when visits exist, else every
    two months by the hospital administrator. Gaps persist (no CPAP, shared oxygen, one labour monitor), a few
    items get fixed, and ordinary wear comes and goes. Gitwe's last check is left in progress."""
    items = list(db.session.scalars(select(EquipmentItem).where(EquipmentItem.retired.is_(False)).order_by(EquipmentItem.id)))
    admins = {u.hospital_id: u.id for u in db.session.scalars(select(User).where(User.role == HOSPITAL_ADMIN))}
    held = {}
    for visit in db.session.scalars(select(Visit).where(Visit.status == "held", Visit.start_date <= today).order_by(Visit.start_date)):
        held.setdefault(visit.hospital_id, []).append(visit)
    checks = []  # (check, its number at the hospital, hospital)
    for hospital in hospitals:
        visits = held.get(hospital.id, [])
        dates = [(v.start_date, v) for v in visits] or [
            (today - timedelta(days=720 - 60 * n + rng.randint(0, 10)), None) for n in range(12)]
        for number, (on, visit) in enumerate(dates):
            last = number == len(dates) - 1
            check = EquipmentCheck(hospital_id=hospital.id, check_date=min(on, today), visit_id=visit.id if visit else None,
                                   checked_by_id=None if visit else admins.get(hospital.id),
                                   completed_at=None if last and hospital.name == "Gitwe" else utcnow())
            db.session.add(check)
            checks.append((check, number, hospital))
    db.session.flush()  # one flush gives every check its id; the counts then go in as one bulk insert
    rows = []
    for check, number, hospital in checks:
        problems = EQUIPMENT_PROBLEMS.get(hospital.name, {})
        for item in items:
            available = functional = item.required_quantity
            reason = None
            fixed_at = EQUIPMENT_FIXED.get((hospital.name, item.name))
            if item.name in problems and (fixed_at is None or number < fixed_at):
                available, functional = problems[item.name]
                reason = "broken" if item.name == "Bubble CPAP" else "no_spare_part"
            elif available and rng.random() < 0.05:  # ordinary wear, repaired by the next check or two
                functional = available - 1
                reason = rng.choice(("broken", "no_spare_part", "no_consumables", "nobody_trained"))
            rows.append({"check_id": check.id, "item_id": item.id, "available": available, "functional": functional,
                         "reason": reason if functional < available else None,
                         "note": "Demo: oxygen shared between two babies" if "Oxygen cylinders" in item.name and functional < 2 else ""})
    db.session.execute(insert(EquipmentCount), rows)
    refresh_status()  # bulk inserts bypass the ORM's flush hook that keeps the status rows
    return {"equipment checks": len(checks), "equipment counts": len(rows)}


POSTPONE_REASONS = (
    "Team's obstetrician called to an emergency at the home hospital",
    "Hospital hosting a district health inspection that week",
    "Vehicle broke down; no transport available",
    "Heavy rains closed the road",
)


def _demo_visits(rng: random.Random, today: date, hospitals, mentors) -> dict[str, int]:
    """About two years of visits (North 15, South 13 held per hospital) with gaps over three months
    at two hospitals, postponements with reasons, a few missed mentors, attendance for every held
    visit, one hospital overdue now, and planned visits ahead, one of them clashing with leave."""
    holidays = {(m, d) for m, d, _name in FIXED_HOLIDAYS}

    def working_start(day: date) -> date:
        """The nearest start on or before `day` whose three days are working days."""
        day -= timedelta(days=max(day.weekday() - 2, 0))
        while any(((day + timedelta(days=n)).month, (day + timedelta(days=n)).day) in holidays for n in range(3)):
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
        for n in range(count):
            starts.append(working_start(day))
            day = day + timedelta(days=gap if n == gap_at else round(step) + rng.randint(-5, 5))
        team_mentors = [m for m in mentors if m.team is hospital.team]
        assignments = db.session.scalars(select(Assignment).where(Assignment.mentor_id.in_([m.id for m in team_mentors]))).all()
        for n, start in enumerate(starts):
            if n < count - 1 and index % 3 == 0 and n == 5 + index % 4:
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
                    on = assignment.start_date <= visit_day and (assignment.end_date is None or assignment.end_date >= visit_day)
                    if on and rng.random() < 0.8:
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
    db.session.execute(insert(MentorAttendance), [{"visit_id": v.id, **row} for v, row in mentor_rows])
    db.session.execute(insert(MenteeAttendance), [{"visit_id": v.id, **row} for v, row in mentee_rows])

    clash = planned[0]
    on_leave = db.session.scalar(
        select(Mentee).where(Mentee.hospital_id == clash.hospital_id, Mentee.status == "active").order_by(Mentee.full_name).limit(1))
    if on_leave is not None:
        db.session.add(Absence(mentee=on_leave, kind="annual_leave", start_date=clash.start_date - timedelta(days=4),
                               end_date=clash.end_date + timedelta(days=3), note="Annual leave (demo): clashes with the next visit"))
    db.session.flush()
    return {"visits": len(held) + postponed + len(planned), "held visits": len(held), "postponed visits": postponed,
            "missed by a mentor": missed, "mentee-days present": mentee_days}


STRENGTHS = ("Calm and organised in emergencies", "Good rapport with mothers", "Careful documentation",
             "Quick to call for help", "Teaches colleagues on the ward")
AREAS = ("Plotting the partograph on time", "Escalating early when vital signs change", "Drug dose calculation",
         "Thermal care of small babies", "Structured handover")
ACTIONS = ("Plot every labour on the partograph this month", "Lead a ward drill on PPH", "Review five charts with the ward in-charge",
           "Practise the HBB golden minute weekly", "Audit ten neonatal admissions", "Present one case at the morning meeting")
SUPPORT = ("A second CPAP machine for the neonatal unit", "Oxygen cylinders are shared between babies",
           "Night-shift rota keeps mentees away during visits", "Printing of partograph forms")


def _demo_mentoring(rng: random.Random, today: date, visits_per_hospital: int = 4) -> dict[str, int]:
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
    chosen = [v for visits in by_hospital.values()
              for v in visits[-max(visits_per_hospital, sum(1 for v in visits if (today - v.start_date).days <= 400)):]]
    chosen_ids = [v.id for v in chosen]
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
    assignments = db.session.scalars(select(Assignment)).all()
    mentees = {m.id: m for m in db.session.scalars(select(Mentee))}
    frameworks: dict[int, list] = {}
    level: dict[tuple[int, int], int] = {}
    open_items: dict[int, list] = {}
    stalled: set[int] = set()
    feedbacks, reflections, assessments = 0, 0, 0
    for visit in sorted(chosen, key=lambda v: (v.start_date, v.id)):
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
            if not any((mentee.id, s.id) in level for s in skills):
                for skill in skills:
                    level[(mentee.id, skill.id)] = rng.randint(1, 3)
                db.session.add(SelfAssessment(
                    mentee_id=mentee.id, assessed_on=visit.start_date,
                    ratings={str(s.id): max(1, level[(mentee.id, s.id)] + rng.choice((-1, 0, 1))) for s in skills},
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
