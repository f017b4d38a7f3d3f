"""Reads for hospitals: who may see which, their list and page, and their administrators."""

from datetime import date

from flask import abort
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ...auth.models import User
from ...core.extensions import db
from ...core.roles import COORDINATOR, HOSPITAL_ADMIN
from ..models import Hospital, Mentee, Mentor, Team
from ..scopes import readable_hospitals
from .choices import choices, departments
from .transfers import transfers_out_last_12_months


def hospital_admins(hospital_id: int) -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.role == HOSPITAL_ADMIN, User.hospital_id == hospital_id, User.active))
    )


def hospitals_for_select() -> list[tuple[int, str]]:
    return choices(Hospital, Hospital.name)


def get_hospital_or_404(hospital_id: int, user: User, action: str = "view") -> Hospital:
    """The hospital with its team, mentors and departments, if this user may see it (404 otherwise);
    403 to edit for anyone but a coordinator."""
    hospital = db.session.scalar(
        select(Hospital)
        .where(Hospital.id == hospital_id, readable_hospitals(user))
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
        .where(readable_hospitals(user))
        .options(joinedload(Hospital.team), selectinload(Hospital.departments))
        .order_by(Hospital.name, Hospital.id)
    )
    if search:
        like = f"%{search.strip()}%"
        query = query.where(or_(Hospital.name.ilike(like), Hospital.district.ilike(like)))
    if province:
        query = query.where(Hospital.province == province)
    return query


# Past this many hospitals a page over all of them (the equipment matrix, the coordinator's calendar) opens on one
# province, with "All provinces" one choice away: at ten times national scale, 420 hospitals made 25,200 matrix
# cells and 420 cadence rows (issue 23).
ONE_PROVINCE_ABOVE = 100


def opening_province(provinces_of_hospitals: list[str | None]) -> str | None:
    """The province such a page opens on, from the province of each hospital it covers: the first by name past
    ONE_PROVINCE_ABOVE hospitals, else None (every province)."""
    named = sorted(p for p in set(provinces_of_hospitals) if p)
    return named[0] if len(provinces_of_hospitals) > ONE_PROVINCE_ABOVE and named else None


def provinces(user: User) -> list[str]:
    return list(db.session.scalars(select(Hospital.province).where(readable_hospitals(user)).distinct().order_by(Hospital.province)))


def active_mentee_counts(hospital_ids) -> dict[int, int]:
    """Active mentees per hospital, for a page of hospitals, in one query."""
    rows = db.session.execute(
        select(Mentee.hospital_id, func.count(Mentee.id))
        .where(Mentee.hospital_id.in_(list(hospital_ids)), Mentee.status == "active")
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
            .where(Mentee.hospital_id == hospital.id, Mentee.status == "active")
            .group_by(Mentee.department_id)
        ).all()
    )
    rows = [{"department": d, "mentees": counts.pop(d.id, 0)} for d in hospital.departments]
    if counts:
        others = {d.id: d for d in departments()}
        rows += [{"department": others.get(department_id), "mentees": n} for department_id, n in counts.items()]
    return rows


def hospitals_with_teams() -> list[tuple[int, str, str | None]]:
    """(id, name, current team name) for the team form's checkboxes."""
    rows = db.session.execute(
        select(Hospital.id, Hospital.name, Team.name).outerjoin(Team, Team.id == Hospital.team_id).order_by(Hospital.name)
    )
    return [(row[0], row[1], row[2]) for row in rows]
