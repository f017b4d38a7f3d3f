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
from sqlalchemy import Integer, insert, select, text
from werkzeug.security import generate_password_hash

import blueprints.core  # noqa: F401 - first, as the app imports it: core's package imports auth.models itself
from app import create_app
from blueprints.auth.models import COORDINATOR, HOSPITAL_ADMIN, MENTOR, SYSADMIN, User
from blueprints.core.defaults import seed_defaults
from blueprints.core.demo import FAMILY_NAMES, GIVEN_NAMES, MENTEE_PLAN, database_is_empty, wipe
from blueprints.core.extensions import db
from blueprints.core.models import Setting
from blueprints.people.models import Assignment, Department, Hospital, Mentee, Mentor, Profession, Team

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
    users: list[dict] = field(default_factory=list)

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
        for _ in range(rng.choice(SLOTS_PER_MENTOR)):
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
    """sysadmin, coordinator, admin.h001... (one per hospital), mentor.0001... (one per mentor)."""
    rng = p.rng("users")
    created = datetime.combine(p.history_start, datetime.min.time(), UTC)

    def account(username: str, display_name: str, role: str, hospital_id=None, mentor_id=None) -> dict:
        last_login = datetime.combine(p.today - timedelta(days=rng.randint(0, 60)), datetime.min.time(), UTC) + timedelta(hours=rng.randint(6, 18))
        return {"id": len(p.users) + 1, "username": username, "display_name": display_name, "password_hash": p.password_hash,
                "role": role, "hospital_id": hospital_id, "mentor_id": mentor_id, "active": True, "session_version": 1,
                "created_at": created, "last_login_at": last_login}

    p.users.append(account("sysadmin", "System Administrator (bench)", SYSADMIN))
    p.users.append(account("coordinator", "Programme Coordinator (bench)", COORDINATOR))
    for h in p.hospitals:
        p.users.append(account(f"admin.h{h['id']:03d}", f"{h['name']} Administrator", HOSPITAL_ADMIN, hospital_id=h["id"]))
    for m in p.mentors:
        p.users.append(account(f"mentor.{m['id']:04d}", m["full_name"], MENTOR, mentor_id=m["id"]))
    p.insert(User, p.users)


def marker(p: Programme) -> None:
    """A setting saying what made this database (the demo banner's `demo_data` stays unset)."""
    p.insert(Setting, [{"key": "bench_data", "value": f"hospitals={p.hospital_count}; seed={p.seed}; anchor={p.today.isoformat()}"}])


STEPS: tuple[Callable[[Programme], None], ...] = (
    reference_data,
    hospitals_and_teams,
    mentors,
    mentees_and_assignments,
    users,
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
        today=today or date.today(),
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
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="anchor date YYYY-MM-DD (default today)")
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
