"""Writes for people: each validates, changes, audits and flushes; the request commits once."""

from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select

from ..core import audit
from ..core.clock import today as programme_today
from ..core.concurrency import insert_once, lock
from ..core.errors import RuleBroken, check_version, flush_or_conflict
from ..core.extensions import db
from ..core.formatting import format_day
from ..core.models import utcnow
from ..core.notify import link_to, notify
from . import queries
from .models import (
    Absence,
    AbsenceKind,
    Assignment,
    Department,
    Hospital,
    Mentee,
    MenteeStatus,
    Mentor,
    Profession,
    Team,
    TrainingRecord,
    Transfer,
    TransferKind,
)
from .transfer_corrections import correction_refusal
from .transfer_notices import notify_transfer

# Which mentee professions fit each mentor profession; another pairing is allowed with a warning.
PROFESSION_FIT = {
    "obgyn": {"general_practitioner", "midwife"},
    "paediatrician": {"general_practitioner", "nurse", "paediatric_nurse"},
    "anaesthetist": {"anaesthesia_technician", "general_practitioner"},
    "midwife": {"midwife", "nurse"},
    "paediatric_nurse": {"nurse", "paediatric_nurse"},
}


def mentee_snapshot(mentee: Mentee) -> dict:
    return {
        "full_name": mentee.full_name,
        "profession_id": mentee.profession_id,
        "hospital_id": mentee.hospital_id,
        "department_id": mentee.department_id,
        "status": mentee.status,
        "phone": mentee.phone,
        "preferred_language": mentee.preferred_language,
    }


def create_mentee(**values) -> Mentee:
    mentee = Mentee(**values)
    db.session.add(mentee)
    db.session.flush()
    audit.record("mentee.create", mentee, summary=f"added mentee {mentee.full_name}",
                 after=mentee_snapshot(mentee), hospital_id=mentee.hospital_id)
    return mentee


def update_mentee(mentee: Mentee, version: int | None, **values) -> Mentee:
    """Change a mentee; `version` is the one the editor opened, and a newer one means a conflict."""
    check_version(mentee, version)
    before = mentee_snapshot(mentee)
    for key, value in values.items():
        setattr(mentee, key, value)
    flush_or_conflict()
    changed_before, changed_after = audit.changes(before, mentee_snapshot(mentee))
    if changed_after:
        audit.record("mentee.update", mentee, summary=f"updated mentee {mentee.full_name}",
                     before=changed_before, after=changed_after, hospital_id=mentee.hospital_id)
    return mentee


# --- assignments ---------------------------------------------------------------------------

def profession_fits(mentor: Mentor, mentee: Mentee) -> bool:
    return mentee.profession.code in PROFESSION_FIT.get(mentor.profession.code, set())


def assign(mentor: Mentor, mentee: Mentee, start_date: date) -> tuple[Assignment, list[str]]:
    """Pair a mentor with a mentee; refuses a mentor already at the limit. Returns warnings to show."""
    limit = current_app.config["MAX_ACTIVE_MENTEES"]
    if mentee.status != MenteeStatus.ACTIVE:
        raise RuleBroken("mentee_id", _("%(name)s is no longer in the programme.", name=mentee.full_name))
    if any(a.mentor_id == mentor.id for a in queries.active_assignments(mentee.id)):
        raise RuleBroken("mentor_id", _("%(mentor)s already mentors %(mentee)s.", mentor=mentor.full_name, mentee=mentee.full_name))
    if queries.active_mentee_count(mentor.id) >= limit:
        raise RuleBroken("mentor_id", ngettext(
            "%(mentor)s already has %(num)s active mentee, the most allowed. End that assignment first.",
            "%(mentor)s already has %(num)s active mentees, the most allowed. End one of those assignments first.",
            limit, mentor=mentor.full_name))
    warnings = []
    if not profession_fits(mentor, mentee):
        warnings.append(_("%(mentor)s is a %(mp)s and %(mentee)s a %(tp)s: check this pairing is intended.",
                          mentor=mentor.full_name, mp=mentor.profession.display_name.lower(),
                          mentee=mentee.full_name, tp=mentee.profession.display_name.lower()))
    assignment = Assignment(mentor=mentor, mentee=mentee, start_date=start_date)
    db.session.add(assignment)
    db.session.flush()
    audit.record("assignment.create", assignment, summary=f"{mentor.full_name} now mentors {mentee.full_name}",
                 after={"mentor_id": mentor.id, "mentee_id": mentee.id, "start_date": start_date.isoformat()},
                 hospital_id=mentee.hospital_id)
    return assignment, warnings


def end_assignment(assignment: Assignment, end_date: date, reason: str) -> None:
    if assignment.end_date is not None:
        raise RuleBroken("end_date", _("This assignment has already ended."))
    if end_date < assignment.start_date:
        raise RuleBroken("end_date", _("The end date cannot be before the start (%(start)s).", start=format_day(assignment.start_date)))
    assignment.end_date, assignment.end_reason = end_date, reason
    db.session.flush()
    audit.record("assignment.end", assignment, summary=f"{assignment.mentor.full_name} stopped mentoring {assignment.mentee.full_name}",
                 before={"end_date": None}, after={"end_date": end_date.isoformat(), "end_reason": reason},
                 hospital_id=assignment.mentee.hospital_id)


# --- transfers -----------------------------------------------------------------------------

def log_transfer(
    mentee: Mentee,
    *,
    kind: str,
    effective_date: date,
    reason: str = "",
    to_hospital: Hospital | None = None,
    to_department: Department | None = None,
    by=None,
    today: date | None = None,
) -> Transfer:
    """Record a move; tell everyone it concerns at once (`transfer_notices`), kept on `transfer.told`.

    The move itself (new hospital, ended assignments) happens now if the date has come, or on
    that date otherwise (see `apply_due_transfers`). One move waits at a time: a second is refused
    while one is pending (it may be a colleague's, already announced; cancelling it is the audited way
    to change it). The mentee stays locked until the request commits, so parallel posts of one move
    are decided one after the other, and a partial unique index holds the rule in the database.
    """
    today = today or programme_today()
    lock(mentee)
    waiting = queries.pending_transfer(mentee.id)
    if waiting is not None:
        raise RuleBroken("effective_date", _one_move_at_a_time(waiting))
    previous = queries.last_transfer(mentee.id)
    if previous is not None and effective_date < previous.effective_date:
        raise RuleBroken("effective_date", _("%(name)s's previous move was on %(date)s; a transfer cannot be dated before it.",
                                             name=mentee.full_name, date=format_day(previous.effective_date)))
    if mentee.status != MenteeStatus.ACTIVE:
        raise RuleBroken("kind", _("%(name)s is no longer in the programme.", name=mentee.full_name))
    if kind == TransferKind.DEPARTMENT:
        to_hospital = mentee.hospital
        if to_department is None:
            raise RuleBroken("to_department_id", _("Choose the department the mentee moves to."))
        if to_department.id == mentee.department_id:
            raise RuleBroken("to_department_id", _("The mentee already works in this department."))
    elif kind == TransferKind.HOSPITAL:
        if to_hospital is None:
            raise RuleBroken("to_hospital_id", _("Choose the hospital the mentee moves to."))
        if to_hospital.id == mentee.hospital_id:
            raise RuleBroken("to_hospital_id", _("This is the mentee's current hospital; log a department move instead."))
        if to_department is None:  # else they arrive nowhere in it, and no mentor is found for them
            raise RuleBroken("to_department_id", _("Choose the department the mentee will work in at the new hospital."))
    else:
        to_hospital = to_department = None
    if abs((effective_date - today).days) > 366:
        raise RuleBroken("effective_date", _("The date must be within a year of today."))

    transfer = Transfer(
        mentee=mentee, kind=kind, effective_date=effective_date, reason=reason.strip(),
        from_hospital_id=mentee.hospital_id, from_department_id=mentee.department_id,
        to_hospital=to_hospital, to_department=to_department, logged_by_id=getattr(by, "id", None),
    )
    if not insert_once(transfer):  # the index's answer, should a move have slipped in since the check above
        raise RuleBroken("effective_date", _one_move_at_a_time(queries.pending_transfer(mentee.id)))
    audit.record("transfer.create", transfer, summary=transfer_sentence(transfer),
                 after=transfer_snapshot(transfer), hospital_id=transfer.from_hospital_id)
    transfer.told = notify_transfer(transfer, lambda: transfer_sentence(transfer))  # for the success message
    if effective_date <= today:
        apply_transfer(transfer)
    return transfer


def _one_move_at_a_time(waiting: Transfer | None) -> str:
    sentence = transfer_sentence(waiting) if waiting is not None else ""
    return _("One move at a time: %(sentence)s To change it, cancel that move on the mentee's page, then log the new one.",
             sentence=sentence)


def transfer_snapshot(transfer: Transfer) -> dict:
    return {
        "mentee_id": transfer.mentee_id, "kind": transfer.kind, "effective_date": transfer.effective_date.isoformat(),
        "from_hospital_id": transfer.from_hospital_id, "from_department_id": transfer.from_department_id,
        "to_hospital_id": transfer.to_hospital_id, "to_department_id": transfer.to_department_id, "reason": transfer.reason,
    }


def transfer_sentence(transfer: Transfer) -> str:
    """'Aline Uwase moves from Nemba (Maternity) to Byumba (Neonatology) on 12 Mar 2026.'"""
    mentee = transfer.mentee
    origin = _place(transfer.from_hospital_id, transfer.from_department_id)
    when = format_day(transfer.effective_date)
    if transfer.kind == TransferKind.OUT_OF_PROGRAMME:
        return _("%(name)s leaves the mentorship programme (%(origin)s) on %(date)s.", name=mentee.full_name, origin=origin, date=when)
    if transfer.kind == TransferKind.LEFT_SERVICE:
        return _("%(name)s leaves service at %(origin)s on %(date)s.", name=mentee.full_name, origin=origin, date=when)
    destination = _place(transfer.to_hospital_id, transfer.to_department_id)
    return _("%(name)s moves from %(origin)s to %(destination)s on %(date)s.", name=mentee.full_name, origin=origin,
             destination=destination, date=when)


def _place(hospital_id: int | None, department_id: int | None) -> str:
    hospital = db.session.get(Hospital, hospital_id) if hospital_id else None
    department = db.session.get(Department, department_id) if department_id else None
    if hospital and department:
        return f"{hospital.name} ({department.display_name})"
    return hospital.name if hospital else (department.display_name if department else _("no hospital"))


def apply_transfer(transfer: Transfer) -> None:
    """Move the mentee; a move out of the hospital ends their mentorships with a reason."""
    mentee = transfer.mentee
    before = mentee_snapshot(mentee)
    if transfer.kind in (TransferKind.DEPARTMENT, TransferKind.HOSPITAL):
        mentee.hospital_id = transfer.to_hospital_id
        mentee.department_id = transfer.to_department_id
    else:
        mentee.status = MenteeStatus.LEFT
    if transfer.leaves_hospital:
        reason = "left_service" if transfer.kind == TransferKind.LEFT_SERVICE else "transferred"
        for assignment in queries.active_assignments(mentee.id):
            assignment.end_date = max(transfer.effective_date, assignment.start_date)
            assignment.end_reason = reason
    transfer.applied_at = utcnow()
    db.session.flush()
    changed_before, changed_after = audit.changes(before, mentee_snapshot(mentee))
    audit.record("transfer.apply", transfer, summary=transfer_sentence(transfer), before=changed_before,
                 after=changed_after, hospital_id=transfer.from_hospital_id)


def apply_due_transfers(today: date | None = None) -> int:
    """Apply every transfer whose date has come (for the daily job); safe to run any number of times."""
    today = today or programme_today()
    due = db.session.scalars(
        select(Transfer)
        .where(Transfer.applied_at.is_(None), Transfer.cancelled_at.is_(None), Transfer.effective_date <= today)
        .order_by(Transfer.effective_date, Transfer.id)
    ).all()
    for transfer in due:
        apply_transfer(transfer)
    return len(due)


def cancel_transfer(transfer: Transfer, by) -> None:
    """Correct a mistaken transfer (by whom and until when: `transfer_corrections`): undo its move and reopen the
    mentorships it ended; audited."""
    lock(transfer.mentee)
    db.session.refresh(transfer)  # as the request that held the lock before us left it
    if transfer.cancelled_at is not None:
        raise RuleBroken("transfer", _("This transfer was already cancelled."))
    if refusal := correction_refusal(transfer, by, utcnow()):
        raise RuleBroken("transfer", refusal)
    latest = queries.last_transfer(transfer.mentee_id)
    if latest is None or latest.id != transfer.id:
        raise RuleBroken("transfer", _("A later move was logged since; correct that one first."))
    mentee = transfer.mentee
    before = mentee_snapshot(mentee)
    if transfer.applied_at is not None:
        mentee.hospital_id = transfer.from_hospital_id
        mentee.department_id = transfer.from_department_id
        mentee.status = MenteeStatus.ACTIVE
        if transfer.leaves_hospital:
            ended = db.session.scalars(
                select(Assignment).where(
                    Assignment.mentee_id == mentee.id,
                    Assignment.end_reason.in_(("transferred", "left_service")),
                    Assignment.end_date >= transfer.effective_date,  # this is the latest move: these ended with it
                )
            )
            for assignment in ended:
                assignment.end_date = assignment.end_reason = None
    transfer.cancelled_at = utcnow()
    db.session.flush()
    changed_before, changed_after = audit.changes(before, mentee_snapshot(mentee))
    audit.record("transfer.cancel", transfer, summary=_("Cancelled: %(sentence)s", sentence=transfer_sentence(transfer)),
                 before=changed_before, after=changed_after, hospital_id=transfer.from_hospital_id)
    mentor_ids = [a.mentor_id for a in queries.active_assignments(mentee.id)]
    notify(queries.mentor_users(mentor_ids), lambda: _("Correction: the transfer of %(name)s was cancelled; nothing changes.",
                                                       name=mentee.full_name),
           link=link_to("people.mentee", mentee_id=mentee.id), kind="transfer")


# --- absences ------------------------------------------------------------------------------

def add_absence(mentee: Mentee, *, kind: str, start_date: date, end_date: date, note: str = "", by=None) -> Absence:
    if end_date < start_date:
        raise RuleBroken("end_date", _("The end date cannot be before the start date."))
    if (end_date - start_date).days > 366:
        raise RuleBroken("end_date", _("An absence longer than a year is a transfer or leaving service; log that instead."))
    absence = Absence(mentee=mentee, kind=kind, start_date=start_date, end_date=end_date, note=note.strip(),
                      created_by_id=getattr(by, "id", None))
    db.session.add(absence)
    db.session.flush()
    audit.record("absence.create", absence, summary=f"{kind} for {mentee.full_name}", after=absence_snapshot(absence),
                 hospital_id=mentee.hospital_id)
    return absence


def absence_snapshot(absence: Absence) -> dict:
    return {"mentee_id": absence.mentee_id, "kind": absence.kind, "start_date": absence.start_date.isoformat(),
            "end_date": absence.end_date.isoformat(), "note": absence.note}


def delete_absence(absence: Absence) -> None:
    audit.record("absence.delete", absence, summary=f"removed {absence.kind} of {absence.mentee.full_name}",
                 before=absence_snapshot(absence), hospital_id=absence.mentee.hospital_id)
    db.session.delete(absence)
    db.session.flush()


def night_rota_ranges(start: date, weeks: int, weekdays: set[int]) -> list[tuple[date, date]]:
    """Nights on the given weekdays (0 = Monday) for `weeks` weeks, as ranges of consecutive days."""
    days = [start + timedelta(days=n) for n in range(weeks * 7) if (start + timedelta(days=n)).weekday() in weekdays]
    ranges: list[tuple[date, date]] = []
    for day in days:
        if ranges and ranges[-1][1] + timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def add_night_rota(mentee: Mentee, *, start: date, weeks: int, weekdays: set[int], note: str = "", by=None) -> list[Absence]:
    if not weekdays:
        raise RuleBroken("weekdays", _("Choose at least one night of the week."))
    if not 1 <= weeks <= 26:
        raise RuleBroken("weeks", _("A rota covers 1 to 26 weeks."))
    return [add_absence(mentee, kind=AbsenceKind.NIGHT_SHIFT, start_date=a, end_date=b, note=note, by=by)
            for a, b in night_rota_ranges(start, weeks, weekdays)]


# --- hospitals -----------------------------------------------------------------------------

def hospital_snapshot(hospital: Hospital) -> dict:
    return {
        "name": hospital.name,
        "district": hospital.district,
        "province": hospital.province,
        "team_id": hospital.team_id,
        "department_ids": sorted(d.id for d in hospital.departments),
    }


def _check_hospital_name(name: str, hospital: Hospital | None) -> None:
    other = db.session.scalar(select(Hospital).where(func.lower(Hospital.name) == name.lower()))
    if other is not None and other is not hospital:
        raise RuleBroken("name", _("There is already a hospital called %(name)s.", name=other.name))


def _hospital_values(name: str, district: str, province: str) -> tuple[str, str, str]:
    name, district, province = name.strip(), district.strip(), province.strip()
    for field, value in (("name", name), ("district", district), ("province", province)):
        if not value:
            raise RuleBroken(field, _("This field is required."))
    return name, district, province


def create_hospital(*, name: str, district: str, province: str, department_ids=(), team_id: int | None = None) -> Hospital:
    name, district, province = _hospital_values(name, district, province)
    _check_hospital_name(name, None)
    hospital = Hospital(name=name, district=district, province=province, team_id=team_id,
                        departments=_departments(department_ids))
    db.session.add(hospital)
    db.session.flush()
    audit.record("hospital.create", hospital, summary=f"added hospital {hospital.name}",
                 after=hospital_snapshot(hospital), hospital_id=hospital.id)
    return hospital


def update_hospital(hospital: Hospital, *, name: str, district: str, province: str, department_ids=(),
                    team_id: int | None = None) -> Hospital:
    name, district, province = _hospital_values(name, district, province)
    _check_hospital_name(name, hospital)
    departments = _departments(department_ids)
    before = hospital_snapshot(hospital)
    hospital.name, hospital.district, hospital.province, hospital.team_id = name, district, province, team_id
    hospital.departments = departments
    db.session.flush()
    changed_before, changed_after = audit.changes(before, hospital_snapshot(hospital))
    if changed_after:
        audit.record("hospital.update", hospital, summary=f"updated hospital {hospital.name}",
                     before=changed_before, after=changed_after, hospital_id=hospital.id)
    return hospital


def _departments(department_ids) -> list[Department]:
    ids = set(department_ids or ())
    if not ids:
        return []
    found = list(db.session.scalars(select(Department).where(Department.id.in_(ids)).order_by(Department.name)))
    if len(found) != len(ids):
        raise RuleBroken("department_ids", _("Choose departments from the list."))
    return found


# --- teams ---------------------------------------------------------------------------------

def team_snapshot(team: Team) -> dict:
    return {"name": team.name, "hospital_ids": sorted(h.id for h in team.hospitals)}


def _team_name(name: str, team: Team | None) -> str:
    name = name.strip()
    if not name:
        raise RuleBroken("name", _("This field is required."))
    other = db.session.scalar(select(Team).where(func.lower(Team.name) == name.lower()))
    if other is not None and other is not team:
        raise RuleBroken("name", _("There is already a team called %(name)s.", name=other.name))
    return name


def _set_team_hospitals(team: Team, hospital_ids) -> None:
    """The team visits exactly these hospitals; each hospital that changes team is audited on its own,
    so the hospital's trail says which team it had."""
    wanted = set(hospital_ids or ())
    hospitals = list(db.session.scalars(select(Hospital).where(or_(Hospital.id.in_(wanted), Hospital.team_id == team.id))))
    if len({h.id for h in hospitals} & wanted) != len(wanted):
        raise RuleBroken("hospital_ids", _("Choose hospitals from the list."))
    for hospital in hospitals:
        new_team_id = team.id if hospital.id in wanted else None
        if hospital.team_id != new_team_id:
            old_team_id = hospital.team_id
            hospital.team_id = new_team_id
            audit.record("hospital.update", hospital, summary=f"{hospital.name}: team changed",
                         before={"team_id": old_team_id}, after={"team_id": new_team_id}, hospital_id=hospital.id)
    db.session.flush()
    db.session.expire(team, ["hospitals"])


def create_team(*, name: str, hospital_ids=()) -> Team:
    team = Team(name=_team_name(name, None))
    db.session.add(team)
    db.session.flush()
    _set_team_hospitals(team, hospital_ids)
    audit.record("team.create", team, summary=f"added team {team.name}", after=team_snapshot(team))
    return team


def update_team(team: Team, *, name: str, hospital_ids=()) -> Team:
    name = _team_name(name, team)
    before = team_snapshot(team)
    team.name = name
    db.session.flush()
    _set_team_hospitals(team, hospital_ids)
    changed_before, changed_after = audit.changes(before, team_snapshot(team))
    if changed_after:
        audit.record("team.update", team, summary=f"updated team {team.name}", before=changed_before, after=changed_after)
    return team


# --- mentors -------------------------------------------------------------------------------

def mentor_snapshot(mentor: Mentor) -> dict:
    return {
        "full_name": mentor.full_name,
        "profession_id": mentor.profession_id,
        "team_id": mentor.team_id,
        "home_institution": mentor.home_institution,
        "phone": mentor.phone,
        "email": mentor.email,
        "active": mentor.active,
    }


def _mentor_values(values: dict) -> dict:
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    if not values.get("full_name"):
        raise RuleBroken("full_name", _("This field is required."))
    profession = db.session.get(Profession, values.get("profession_id") or 0)
    if profession is None or not profession.is_mentor_profession:
        raise RuleBroken("profession_id", _("Choose one of the mentor professions."))
    values["email"] = (values.get("email") or "").lower()
    return values


def create_mentor(**values) -> Mentor:
    mentor = Mentor(**_mentor_values(values))
    db.session.add(mentor)
    db.session.flush()
    audit.record("mentor.create", mentor, summary=f"added mentor {mentor.full_name}", after=mentor_snapshot(mentor))
    return mentor


def update_mentor(mentor: Mentor, **values) -> Mentor:
    values = _mentor_values({**mentor_snapshot(mentor), **values})
    before = mentor_snapshot(mentor)
    for key, value in values.items():
        setattr(mentor, key, value)
    db.session.flush()
    changed_before, changed_after = audit.changes(before, mentor_snapshot(mentor))
    if changed_after:
        audit.record("mentor.update", mentor, summary=f"updated mentor {mentor.full_name}",
                     before=changed_before, after=changed_after)
    return mentor


def add_training(mentor: Mentor, *, title: str, course_date: date, hours: float, is_refresher: bool = True,
                 today: date | None = None) -> TrainingRecord:
    """Log a course the mentor attended; only courses that have happened are logged."""
    today = today or programme_today()
    title = title.strip()
    if not title:
        raise RuleBroken("title", _("Enter the title of the course."))
    if course_date > today:
        raise RuleBroken("course_date", _("This course has not happened yet; log it once it has."))
    if not 0 < hours <= 200:
        raise RuleBroken("hours", _("Enter between 0.5 and 200 hours."))
    record = TrainingRecord(mentor=mentor, title=title, course_date=course_date, hours=float(hours), is_refresher=is_refresher)
    db.session.add(record)
    db.session.flush()
    audit.record("training.create", record, summary=f"{mentor.full_name} attended {title}",
                 after={"mentor_id": mentor.id, "title": title, "course_date": course_date.isoformat(),
                        "hours": float(hours), "is_refresher": is_refresher})
    return record
