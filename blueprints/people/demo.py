"""The demo programme's people (DOMAIN.md): ten real district hospitals with invented teams, mentors, mentees
and assignments, their transfers, leave and night rotas, and the mentors' training logs. Called by blueprints/demo.py,
which draws every area's rows from one random stream in a fixed order."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from ..auth.forms import ROLE_LABELS
from ..auth.models import User
from ..core.extensions import db
from ..core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR, SYSADMIN
from .models import Assignment, Department, Hospital, Mentee, Mentor, Profession, Team, TrainingRecord
from .services.absences import add_absence, add_night_rota
from .services.transfers import log_transfer

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


@dataclass
class DemoProgramme:
    """The rows the later areas' demo data builds on, and how many of each were made."""

    hospitals: list[Hospital]
    mentors: list[Mentor]
    mentees: list[Mentee]
    departments: dict[str, Department]
    counts: dict[str, int] = field(default_factory=dict)


def add_programme(rng: random.Random, today: date) -> DemoProgramme:
    """Hospitals with their teams, five mentors a team and two or three mentees a mentor, assigned about two years
    ago. Flushes."""
    names = _name_pool(rng)
    professions = {profession.code: profession for profession in db.session.scalars(select(Profession))}
    departments = {department.code: department for department in db.session.scalars(select(Department))}

    hospitals, teams, mentors = [], [], []
    for number, (name, district, province) in enumerate(HOSPITALS, start=1):
        team = Team(name=f"Team {number:02d} ({name})")
        hospital = Hospital(name=name, district=district, province=province, team=team,
                            departments=sorted(departments.values(), key=lambda department: department.name))
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
                    phone=f"+250788000{mentor_number:03d}",  # E.164, as the forms store it: text messages reach it
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
                # Every third has a mobile number and an e-mail address, so `make run`'s worker shows messages to them.
                **(_demo_contact(len(mentees)) if len(mentees) % 3 == 0 else {}),
            )
            mentees.append(mentee)
            assignments.append(Assignment(mentor=mentor, mentee=mentee, start_date=start))
    db.session.add_all(mentees + assignments)
    db.session.flush()
    return DemoProgramme(hospitals, mentors, mentees, departments, counts={
        "hospitals": len(hospitals), "teams": len(teams), "mentors": len(mentors), "mentees": len(mentees),
        "assignments": len(assignments)})


def _demo_contact(number: int) -> dict[str, str]:
    return {"phone": f"+250788500{number:03d}", "email": f"mentee.{number:03d}@example.org"}


def add_training_logs(rng: random.Random, today: date, mentors: list[Mentor]) -> dict[str, int]:
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
    db.session.add_all(records)
    return {"training records": len(records)}


def _name_pool(rng: random.Random):
    """Unique invented full names in a seeded order."""
    pool = [f"{given} {family}" for family in FAMILY_NAMES for given in GIVEN_NAMES]
    rng.shuffle(pool)
    return iter(pool)


def add_movements(rng: random.Random, today: date, programme: DemoProgramme) -> dict[str, int]:
    """Transfers (between departments, between demo hospitals, out of the programme, one still to
    come) logged through the real service so mentors are notified; and leave and night shifts. Needs the accounts."""
    hospitals, mentees, departments = programme.hospitals, programme.mentees, programme.departments
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
            to_department = rng.choice([department for department in departments.values() if department.id != mentee.department_id])
        elif kind == "hospital":
            same_province = [hospital for hospital in hospitals
                             if hospital.province == mentee.hospital.province and hospital.id != mentee.hospital_id]
            to_hospital = rng.choice(same_province)
            to_department = mentee.department
        log_transfer(mentee, kind=kind, effective_date=today - timedelta(days=days_ago), to_hospital=to_hospital,
                     to_department=to_department, reason=rng.choice(TRANSFER_REASONS[kind]), today=today)

    absences = 0
    for mentee in rng.sample([active for active in mentees if active.status == "active"], 30):
        start = today + timedelta(days=rng.randint(-20, 90))
        kind = rng.choice(("annual_leave", "annual_leave", "sick_leave", "training"))
        length = {"annual_leave": 14, "sick_leave": 3, "training": 5}[kind]
        add_absence(mentee, kind=kind, start_date=start, end_date=start + timedelta(days=rng.randint(1, length)))
        absences += 1
    for mentee in rng.sample([active for active in mentees if active.status == "active"], 12):
        monday = today + timedelta(days=7 - today.weekday() + 7 * rng.randint(0, 4))
        absences += len(add_night_rota(mentee, start=monday, weeks=4, weekdays={0, 1, 2}, note="Night rota (demo)"))
    return {"transfers": len(plans), "absences": absences}


TRANSFER_REASONS = {
    "department": ("Staff shortage in the receiving department", "Rotation decided by the hospital director"),
    "hospital": ("Posted by the district to cover a shortage", "Family reasons: asked to move closer to home"),
    "out_of_programme": ("Posted to a health centre outside the programme",),
    "left_service": ("Resigned to start further studies",),
}


def accounts_table() -> str:
    """Every active account as a Markdown table (account, role, hospital or team): the README's table of demo
    accounts is this output (`flask --app app demo-accounts`), so a newcomer can tell whose account is whose."""
    users = db.session.scalars(select(User).where(User.active).order_by(User.username)).all()
    scope = {SYSADMIN: "accounts and the audit trail, no programme data (the coordinator keeps the programme settings)",
             COORDINATOR: "the whole programme"}
    rows = [([account.username], account.role, scope[account.role]) for role in (SYSADMIN, COORDINATOR) for account in users
            if account.role == role]
    mentors_by_team: dict[int | None, list[str]] = {}
    for user in users:
        if user.role == MENTOR:
            mentors_by_team.setdefault(user.mentor.team_id, []).append(user.username)
    for hospital in db.session.scalars(select(Hospital).order_by(Hospital.id)):
        admins = [account.username for account in users if account.role == HOSPITAL_ADMIN and account.hospital_id == hospital.id]
        if admins:
            rows.append((admins, HOSPITAL_ADMIN, f"{hospital.name} ({hospital.district}, {hospital.province})"))
        team = hospital.team
        if team is not None and team.id in mentors_by_team:
            visits = ", ".join(visited.name for visited in team.hospitals)
            rows.append((mentors_by_team.pop(team.id), MENTOR, f"{team.name}, visits {visits}"))
    for team_id, usernames in mentors_by_team.items():  # teams that visit no hospital, and mentors with no team
        team = db.session.get(Team, team_id) if team_id is not None else None
        rows.append((usernames, MENTOR, f"{team.name}, visits no hospital" if team else "no team"))
    lines = ["| account | role | hospital or team |", "| --- | --- | --- |"]
    lines += [f"| {' '.join(f'`{name}`' for name in names)} | {ROLE_LABELS[role]} | {where} |" for names, role, where in rows]
    return "\n".join(lines)
