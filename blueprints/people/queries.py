"""Reads for people and places. Scoping lives here: pages, fragments, CSV and PDFs all start from
these selects, so none of them can show a mentee the page would not."""

from datetime import date, timedelta

from flask import abort, current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select, true
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import COORDINATOR, HOSPITAL_ADMIN, MENTOR, User
from ..core.extensions import db
from ..core.models import utcnow
from .models import (
    Absence,
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


def team_hospital_ids(mentor_id: int) -> Select:
    return select(Hospital.id).join(Mentor, Mentor.team_id == Hospital.team_id).where(Mentor.id == mentor_id)


def mentee_scope(user: User) -> ColumnElement[bool]:
    """Which mentees a user may read: coordinators all; a hospital administrator those now at their
    hospital; a mentor their own (present or past) and those at the hospitals their team visits."""
    if user.role == COORDINATOR:
        return true()
    if user.role == HOSPITAL_ADMIN:
        return Mentee.hospital_id == user.hospital_id
    if user.role == MENTOR and user.mentor_id:
        own = exists().where(Assignment.mentee_id == Mentee.id, Assignment.mentor_id == user.mentor_id)
        return or_(own, Mentee.hospital_id.in_(team_hospital_ids(user.mentor_id)))
    return false()


def can_edit_mentee(user: User, mentee: Mentee) -> bool:
    """Coordinators edit any mentee; a hospital administrator those now at their hospital; mentors read only."""
    if user.role == COORDINATOR:
        return True
    return user.role == HOSPITAL_ADMIN and mentee.hospital_id == user.hospital_id


def get_mentee_or_404(mentee_id: int, user: User, action: str = "view") -> Mentee:
    """The mentee if this user may see it (404 otherwise, so ids reveal nothing); 403 to edit read-only."""
    mentee = db.session.scalar(
        select(Mentee)
        .where(Mentee.id == mentee_id, mentee_scope(user))
        .options(joinedload(Mentee.profession), joinedload(Mentee.hospital), joinedload(Mentee.department))
    )
    if mentee is None:
        abort(404)
    if action == "edit" and not can_edit_mentee(user, mentee):
        abort(403)
    return mentee


def mentees_query(
    user: User,
    search: str = "",
    department_id: int | None = None,
    profession_id: int | None = None,
    status: str | None = MenteeStatus.ACTIVE,
    hospital_id: int | None = None,
) -> Select:
    """The mentee list as this user may see it, with everything a row shows loaded in the same query."""
    active_mentor = (
        select(func.min(Mentor.full_name))
        .join(Assignment, Assignment.mentor_id == Mentor.id)
        .where(Assignment.mentee_id == Mentee.id, Assignment.end_date.is_(None))
        .correlate(Mentee)
        .scalar_subquery()
        .label("mentor_name")
    )
    query = (
        select(Mentee, active_mentor)
        .where(mentee_scope(user))
        .options(joinedload(Mentee.profession), joinedload(Mentee.hospital), joinedload(Mentee.department))
        .order_by(Mentee.full_name, Mentee.id)
    )
    if search:
        query = query.where(Mentee.full_name.ilike(f"%{search.strip()}%"))
    if department_id:
        query = query.where(Mentee.department_id == department_id)
    if profession_id:
        query = query.where(Mentee.profession_id == profession_id)
    if status:
        query = query.where(Mentee.status == status)
    if hospital_id:
        query = query.where(Mentee.hospital_id == hospital_id)
    return query


def mentee_assignments(mentee_id: int) -> Select:
    return (
        select(Assignment)
        .where(Assignment.mentee_id == mentee_id)
        .options(joinedload(Assignment.mentor).joinedload(Mentor.profession))
        .order_by(Assignment.start_date.desc(), Assignment.id.desc())
    )


def mentee_transfers(mentee_id: int) -> Select:
    return (
        select(Transfer)
        .where(Transfer.mentee_id == mentee_id)
        .options(
            joinedload(Transfer.from_hospital), joinedload(Transfer.to_hospital),
            joinedload(Transfer.from_department), joinedload(Transfer.to_department),
        )
        .order_by(Transfer.effective_date.desc(), Transfer.id.desc())
    )


def mentee_absences(mentee_id: int) -> Select:
    return select(Absence).where(Absence.mentee_id == mentee_id).order_by(Absence.start_date.desc())


def active_mentee_count(mentor_id: int) -> int:
    return db.session.scalar(
        select(func.count(Assignment.id)).where(Assignment.mentor_id == mentor_id, Assignment.end_date.is_(None))
    )


def active_assignments(mentee_id: int) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.mentee_id == mentee_id, Assignment.end_date.is_(None))
            .options(joinedload(Assignment.mentor))
        )
    )


def mentor_users(mentor_ids) -> list[User]:
    return list(db.session.scalars(select(User).where(User.mentor_id.in_(mentor_ids), User.active)))


def hospital_admins(hospital_id: int) -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.role == HOSPITAL_ADMIN, User.hospital_id == hospital_id, User.active))
    )


def team_mentor_users(team_id: int) -> list[User]:
    """The sign-in accounts of a team's active mentors."""
    return list(db.session.scalars(
        select(User).join(Mentor, User.mentor_id == Mentor.id).where(Mentor.team_id == team_id, Mentor.active, User.active)
    ))


def cancellable_transfers(user: User, transfers) -> set[int]:
    """Of these transfers, those the user logged and may still cancel (for the hospital page, where the sending
    administrator, who no longer sees the mentee, finds the move)."""
    now = utcnow()
    return {t.id for t in transfers if t.logged_by_id == user.id and t.cancelled_at is None
            and correction_refusal(t, user, now) is None and (last_transfer(t.mentee_id) or t).id == t.id}


def pending_transfer(mentee_id: int) -> Transfer | None:
    """The mentee's move waiting for its date (at most one: `uq_transfer_pending_mentee`)."""
    return db.session.scalar(
        select(Transfer).where(Transfer.mentee_id == mentee_id, Transfer.applied_at.is_(None), Transfer.cancelled_at.is_(None))
    )


def last_transfer(mentee_id: int) -> Transfer | None:
    return db.session.scalar(
        select(Transfer)
        .where(Transfer.mentee_id == mentee_id, Transfer.cancelled_at.is_(None))
        .order_by(Transfer.effective_date.desc(), Transfer.id.desc())
        .limit(1)
    )


def transfers_out_last_12_months(today: date, hospital_id: int | None = None) -> Select:
    """Turnover: transfers out of each hospital (to another hospital or out of service) in the last year."""
    query = (
        select(Hospital.id, Hospital.name, func.count(Transfer.id).label("transfers_out"))
        .outerjoin(
            Transfer,
            and_(
                Transfer.from_hospital_id == Hospital.id,
                Transfer.kind != TransferKind.DEPARTMENT,
                Transfer.cancelled_at.is_(None),
                Transfer.effective_date > today - timedelta(days=365),
                Transfer.effective_date <= today,
            ),
        )
        .group_by(Hospital.id, Hospital.name)
        .order_by(func.count(Transfer.id).desc(), Hospital.name)
    )
    if hospital_id is not None:
        query = query.where(Hospital.id == hospital_id)
    return query


def hospital_transfers(hospital_id: int, direction: str, limit: int | None = 20, between: tuple[date, date] | None = None) -> Select:
    """Recent transfers into or out of a hospital (department moves inside it count as out), newest first; with
    `between` only those whose effective date falls in it (both ends included)."""
    column = Transfer.to_hospital_id if direction == "in" else Transfer.from_hospital_id
    query = (
        select(Transfer)
        .where(column == hospital_id, Transfer.cancelled_at.is_(None))
        .options(
            joinedload(Transfer.mentee), joinedload(Transfer.from_hospital), joinedload(Transfer.to_hospital),
            joinedload(Transfer.from_department), joinedload(Transfer.to_department),
        )
        .order_by(Transfer.effective_date.desc(), Transfer.id.desc())
        .limit(limit)
    )
    if between is not None:
        query = query.where(Transfer.effective_date.between(*between))
    if direction == "in":
        query = query.where(Transfer.kind == TransferKind.HOSPITAL)
    return query


def upcoming_absences(hospital_id: int, today: date, limit: int = 30) -> Select:
    return (
        select(Absence)
        .join(Mentee, Mentee.id == Absence.mentee_id)
        .where(Mentee.hospital_id == hospital_id, Absence.end_date >= today)
        .options(joinedload(Absence.mentee))
        .order_by(Absence.start_date)
        .limit(limit)
    )


def refresher_overdue(last_refresher: date | None, today: date) -> bool:
    interval = current_app.config["REFRESHER_INTERVAL_DAYS"]
    return last_refresher is None or (today - last_refresher).days > interval


def choices(model, label_column, where=None) -> list[tuple[int, str]]:
    """(id, label) pairs for a select box, in label order."""
    query = select(model.id, label_column).order_by(label_column)
    if where is not None:
        query = query.where(where)
    return [(row[0], row[1]) for row in db.session.execute(query)]


def named_choices(items) -> list[tuple[int, str]]:
    """(id, name in the reader's language) for a select box of professions or departments, in the reader's order."""
    return sorted(((item.id, item.display_name) for item in items), key=lambda pair: pair[1].casefold())


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.name)))


def professions() -> list[Profession]:
    return list(db.session.scalars(select(Profession).order_by(Profession.name)))


def teams_with_mentors() -> Select:
    return select(Team).options(joinedload(Team.mentors).joinedload(Mentor.profession), joinedload(Team.hospitals)).order_by(Team.name)


def mentee_history(mentee: Mentee) -> dict:
    """Everything on a mentee's time line, newest first, in three queries whatever its length."""
    assignments = db.session.scalars(mentee_assignments(mentee.id)).all()
    transfers = db.session.scalars(mentee_transfers(mentee.id)).all()
    absences = db.session.scalars(mentee_absences(mentee.id)).all()
    events = []
    for a in assignments:
        events.append({"date": a.start_date, "kind": "assignment_start", "assignment": a})
        if a.end_date:
            events.append({"date": a.end_date, "kind": "assignment_end", "assignment": a})
    for t in transfers:
        events.append({"date": t.effective_date, "kind": "transfer", "transfer": t})
    for ab in absences:
        events.append({"date": ab.start_date, "kind": "absence", "absence": ab})
    order = {"transfer": 0, "assignment_end": 1, "assignment_start": 2, "absence": 3}
    events.sort(key=lambda e: (e["date"], -order[e["kind"]]), reverse=True)
    return {"assignments": assignments, "transfers": transfers, "absences": absences, "events": events,
            "places": places_over_time(mentee, transfers),
            "latest_transfer": next((t for t in transfers if not t.cancelled_at), None)}


def places_over_time(mentee: Mentee, transfers) -> list[dict]:
    """Where the mentee worked, period by period, derived from the applied transfers."""
    applied = sorted((t for t in transfers if t.applied_at and not t.cancelled_at), key=lambda t: (t.effective_date, t.id))
    periods, since = [], None
    for t in applied:
        periods.append({"hospital": t.from_hospital, "department": t.from_department, "since": since, "until": t.effective_date})
        since = t.effective_date
    if mentee.status == MenteeStatus.ACTIVE:
        periods.append({"hospital": mentee.hospital, "department": mentee.department, "since": since, "until": None})
    return list(reversed(periods))


def hospitals_for_select() -> list[tuple[int, str]]:
    return choices(Hospital, Hospital.name)


def mentors_for_select(hospital_id: int | None) -> list[tuple[int, str]]:
    """Mentors to offer when assigning: those of the team that visits the hospital first, then the rest."""
    rows = db.session.execute(
        select(Mentor.id, Mentor.full_name, Profession.name, Team.name, Hospital.id.is_not(None))
        .join(Profession, Profession.id == Mentor.profession_id)
        .outerjoin(Team, Team.id == Mentor.team_id)
        .outerjoin(Hospital, (Hospital.team_id == Team.id) & (Hospital.id == hospital_id))
        .where(Mentor.active)
        .order_by(Hospital.id.is_(None), Mentor.full_name)
    ).all()
    return [(r[0], f"{r[1]} · {_(r[2])}" + (f" · {r[3]}" if r[3] else "")) for r in rows]


# --- hospitals -----------------------------------------------------------------------------

def hospital_scope(user: User) -> ColumnElement[bool]:
    """Which hospitals a user may read: coordinators all; a hospital administrator their own; a
    mentor those their team visits."""
    if user.role == COORDINATOR:
        return true()
    if user.role == HOSPITAL_ADMIN:
        return Hospital.id == user.hospital_id
    if user.role == MENTOR and user.mentor_id:
        return Hospital.id.in_(team_hospital_ids(user.mentor_id))
    return false()


def get_hospital_or_404(hospital_id: int, user: User, action: str = "view") -> Hospital:
    """The hospital with its team, mentors and departments, if this user may see it (404 otherwise);
    403 to edit for anyone but a coordinator."""
    hospital = db.session.scalar(
        select(Hospital)
        .where(Hospital.id == hospital_id, hospital_scope(user))
        .options(
            joinedload(Hospital.team).selectinload(Team.mentors).joinedload(Mentor.profession),
            selectinload(Hospital.departments),
        )
    )
    if hospital is None:
        abort(404)
    if action == "edit" and user.role != COORDINATOR:
        abort(403)
    return hospital


def hospitals_query(user: User, search: str = "", province: str = "") -> Select:
    """The hospital list as this user may see it; the row's team and departments load with the page."""
    query = (
        select(Hospital)
        .where(hospital_scope(user))
        .options(joinedload(Hospital.team), selectinload(Hospital.departments))
        .order_by(Hospital.name, Hospital.id)
    )
    if search:
        like = f"%{search.strip()}%"
        query = query.where(or_(Hospital.name.ilike(like), Hospital.district.ilike(like)))
    if province:
        query = query.where(Hospital.province == province)
    return query


def provinces(user: User) -> list[str]:
    return list(db.session.scalars(select(Hospital.province).where(hospital_scope(user)).distinct().order_by(Hospital.province)))


def active_mentee_counts(hospital_ids) -> dict[int, int]:
    """Active mentees per hospital, for a page of hospitals, in one query."""
    rows = db.session.execute(
        select(Mentee.hospital_id, func.count(Mentee.id))
        .where(Mentee.hospital_id.in_(list(hospital_ids)), Mentee.status == MenteeStatus.ACTIVE)
        .group_by(Mentee.hospital_id)
    )
    return {hospital_id: n for hospital_id, n in rows}


def turnover(today: date, hospital_ids) -> dict[int, int]:
    """Transfers out in the last 12 months per hospital, for a page of hospitals, in one query."""
    rows = db.session.execute(transfers_out_last_12_months(today).where(Hospital.id.in_(list(hospital_ids))))
    return {row.id: row.transfers_out for row in rows}


def mentees_by_department(hospital: Hospital) -> list[dict]:
    """The hospital's departments, each with its number of active mentees (departments holding mentees
    but not listed for the hospital are shown too, so no mentee is hidden)."""
    counts = dict(
        db.session.execute(
            select(Mentee.department_id, func.count(Mentee.id))
            .where(Mentee.hospital_id == hospital.id, Mentee.status == MenteeStatus.ACTIVE)
            .group_by(Mentee.department_id)
        ).all()
    )
    rows = [{"department": d, "mentees": counts.pop(d.id, 0)} for d in hospital.departments]
    if counts:
        others = {d.id: d for d in departments()}
        rows += [{"department": others.get(department_id), "mentees": n} for department_id, n in counts.items()]
    return rows


def readable_mentee_ids(user: User, mentee_ids) -> set[int]:
    """Which of these mentees this user may open, so a page links only to what would not be a 404."""
    ids = set(mentee_ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Mentee.id).where(Mentee.id.in_(ids), mentee_scope(user))))


def hospitals_with_teams() -> list[tuple[int, str, str | None]]:
    """(id, name, current team name) for the team form's checkboxes."""
    rows = db.session.execute(
        select(Hospital.id, Hospital.name, Team.name).outerjoin(Team, Team.id == Hospital.team_id).order_by(Hospital.name)
    )
    return [(row[0], row[1], row[2]) for row in rows]


# --- teams ---------------------------------------------------------------------------------

def teams_query() -> Select:
    """Teams with their hospitals and mentors (and professions) loaded in two more queries per page."""
    return (
        select(Team)
        .options(selectinload(Team.hospitals), selectinload(Team.mentors).joinedload(Mentor.profession))
        .order_by(Team.name, Team.id)
    )


def get_team_or_404(team_id: int) -> Team:
    """Teams are the coordinator's alone (the routes say so), so existence is the only check."""
    team = db.session.scalar(teams_query().where(Team.id == team_id))
    if team is None:
        abort(404)
    return team


def mentor_professions() -> list[Profession]:
    return list(db.session.scalars(select(Profession).where(Profession.is_mentor_profession).order_by(Profession.name)))


def team_composition(mentors, professions) -> list[dict]:
    """For each mentor profession, how many active mentors of the team have it (one is right)."""
    counts = {p.id: 0 for p in professions}
    for mentor in mentors:
        if mentor.active and mentor.profession_id in counts:
            counts[mentor.profession_id] += 1
    return [{"profession": p, "count": counts[p.id]} for p in professions]


def team_warnings(mentors, professions) -> list[str]:
    """What is wrong with a team's make-up, in words: 'No anaesthetist', '2 midwife mentors' (the profession is not
    put in the plural: no rule does that in every language)."""
    warnings = []
    for row in team_composition(mentors, professions):
        name, count = row["profession"].display_name.lower(), row["count"]
        if count == 0:
            warnings.append(_("No %(profession)s", profession=name))
        elif count > 1:
            warnings.append(ngettext("%(num)s %(profession)s mentor", "%(num)s %(profession)s mentors", count, profession=name))
    return warnings


# --- mentors -------------------------------------------------------------------------------

def mentor_scope(user: User) -> ColumnElement[bool]:
    """Coordinators read every mentor; a mentor reads their own record."""
    if user.role == COORDINATOR:
        return true()
    if user.role == MENTOR and user.mentor_id:
        return Mentor.id == user.mentor_id
    return false()


def get_mentor_or_404(mentor_id: int, user: User, action: str = "view") -> Mentor:
    mentor = db.session.scalar(
        select(Mentor)
        .where(Mentor.id == mentor_id, mentor_scope(user))
        .options(
            joinedload(Mentor.profession),
            joinedload(Mentor.team).selectinload(Team.hospitals),
            selectinload(Mentor.trainings),
        )
    )
    if mentor is None:
        abort(404)
    if action == "edit" and user.role != COORDINATOR:
        abort(403)
    return mentor


def last_refresher_column():
    """The date of the mentor's latest refresher course, as a column correlated to Mentor."""
    return (
        select(func.max(TrainingRecord.course_date))
        .where(TrainingRecord.mentor_id == Mentor.id, TrainingRecord.is_refresher)
        .correlate(Mentor)
        .scalar_subquery()
    )


def refresher_cutoff(today: date) -> date:
    """A refresher before this date is too old (the same rule as `refresher_overdue`)."""
    return today - timedelta(days=current_app.config["REFRESHER_INTERVAL_DAYS"])


def mentors_query(
    search: str = "",
    profession_id: int | None = None,
    team_id: int | None = None,
    overdue_on: date | None = None,
) -> Select:
    """The mentor list; `overdue_on` keeps the active mentors whose last refresher is too old on that day."""
    query = (
        select(Mentor)
        .options(joinedload(Mentor.profession), joinedload(Mentor.team))
        .order_by(Mentor.full_name, Mentor.id)
    )
    if search:
        query = query.where(Mentor.full_name.ilike(f"%{search.strip()}%"))
    if profession_id:
        query = query.where(Mentor.profession_id == profession_id)
    if team_id:
        query = query.where(Mentor.team_id == team_id)
    if overdue_on is not None:
        last = last_refresher_column()
        query = query.where(Mentor.active, or_(last.is_(None), last < refresher_cutoff(overdue_on)))
    return query


def mentor_facts(mentor_ids) -> dict[int, dict]:
    """Last refresher and number of active mentees for each of these mentors, in one query."""
    ids = list(mentor_ids)
    if not ids:
        return {}
    active = (
        select(func.count(Assignment.id))
        .where(Assignment.mentor_id == Mentor.id, Assignment.end_date.is_(None))
        .correlate(Mentor)
        .scalar_subquery()
    )
    rows = db.session.execute(select(Mentor.id, last_refresher_column(), active).where(Mentor.id.in_(ids)))
    return {mentor_id: {"last_refresher": last, "active_mentees": n} for mentor_id, last, n in rows}


def mentor_assignments(mentor_id: int) -> Select:
    """Every pairing of the mentor, current first, with where the mentee works now."""
    return (
        select(Assignment)
        .where(Assignment.mentor_id == mentor_id)
        .options(
            joinedload(Assignment.mentee).joinedload(Mentee.hospital),
            joinedload(Assignment.mentee).joinedload(Mentee.department),
            joinedload(Assignment.mentee).joinedload(Mentee.profession),
        )
        .order_by(Assignment.end_date.is_not(None), Assignment.end_date.desc(), Assignment.start_date.desc(), Assignment.id.desc())
    )
