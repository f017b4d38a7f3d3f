"""The cadence rule: how long since a hospital's last held visit, and what that makes it (on track, due, overdue,
never visited), by the programme's settings and the hospital's own cadence; and the planner's target for the next visit. The hospital list, the
calendar, the dashboard, the daily overdue notice and the planner all read it here."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, case, func, select

from ..auth.models import User
from ..core.enums import LabelledEnum
from ..core.extensions import db
from ..core.programme import ProgrammeSettings, programme_settings
from ..people.models import Hospital, Team
from ..people.scopes import cadence_hospitals
from .models import Visit, VisitStatus
from .queries import UPCOMING_STATUSES


class CadenceStatus(LabelledEnum):
    """Computed, never stored: from the days since the last held visit and the programme's settings."""

    ON_TRACK = "on_track", _l("on track"), "ok"
    DUE = "due", _l("due"), "due"
    OVERDUE = "overdue", _l("overdue"), "overdue"
    NEVER = "never", _l("never visited"), "overdue"


@dataclass
class Cadence:
    hospital_id: int
    hospital: str
    province: str
    team: str | None
    last_held: date | None
    next_planned: date | None
    days_since: int | None
    status: CadenceStatus
    cadence_days: int = 0  # this hospital's cadence: its own, or the programme's
    overdue_after_days: int = 0


def cadence_days(own: int | None, settings: ProgrammeSettings | None = None) -> int:
    """A hospital's cadence: its own when it has one, else the programme's."""
    return own if own else (settings or programme_settings()).cadence_days


def cadence_status(last_held: date | None, today: date, own_cadence: int | None = None,
                   settings: ProgrammeSettings | None = None) -> tuple[int | None, CadenceStatus]:
    """Days since the last held visit and the status it gives: due after the hospital's cadence (its own, or the
    programme's), overdue after the programme's overdue limit."""
    if last_held is None:
        return None, CadenceStatus.NEVER
    settings = settings or programme_settings()
    days = (today - last_held).days
    if days > settings.overdue_after_days:
        return days, CadenceStatus.OVERDUE
    if days > cadence_days(own_cadence, settings):
        return days, CadenceStatus.DUE
    return days, CadenceStatus.ON_TRACK


def hospital_cadence_query(today: date, scope: ColumnElement[bool] | None = None, hospital_id: int | None = None,
                           province: str | None = None) -> Select:
    """Each hospital's last held visit (its last day) and next planned visit, in one grouped query."""
    last_held = func.max(case((and_(Visit.status == VisitStatus.HELD, Visit.end_date <= today), Visit.end_date)))
    next_planned = func.min(case((and_(Visit.status.in_(UPCOMING_STATUSES), Visit.end_date >= today), Visit.start_date)))
    query = (
        select(Hospital.id, Hospital.name, Hospital.province, Hospital.cadence_days, Team.name.label("team"),
               last_held.label("last_held"), next_planned.label("next_planned"))
        .outerjoin(Team, Team.id == Hospital.team_id)
        .outerjoin(Visit, Visit.hospital_id == Hospital.id)
        .group_by(Hospital.id, Hospital.name, Hospital.province, Hospital.cadence_days, Team.name)
        .order_by(Hospital.province, Hospital.name)
    )
    if scope is not None:
        query = query.where(scope)
    if hospital_id is not None:
        query = query.where(Hospital.id == hospital_id)
    if province:
        query = query.where(Hospital.province == province)
    return query


def hospital_cadence(today: date, user: User | None = None, hospital_id: int | None = None,
                     province: str | None = None) -> list[Cadence]:
    """Cadence rows (status on track, due, overdue or never visited) for the hospitals a user sees.

    For the hospital page: `hospital_cadence(today(), current_user, hospital_id=h.id)` and include
    `visits/_cadence.html` with `cadence=` those rows.
    """
    rows = db.session.execute(
        hospital_cadence_query(today, cadence_hospitals(user) if user is not None else None, hospital_id, province)
    ).all()
    settings = programme_settings()
    result = []
    for row in rows:
        days, status = cadence_status(row.last_held, today, row.cadence_days, settings)
        result.append(Cadence(row.id, row.name, row.province, row.team, row.last_held, row.next_planned, days, status,
                              cadence_days(row.cadence_days, settings), settings.overdue_after_days))
    return result


def next_target(anchor: date, start_from: date, cadence: int | None = None) -> tuple[date, bool]:
    """The planner's target for the visit after `anchor`: one cadence (the hospital's, else the programme's) later;
    when that day is already before `start_from`, the visit is late and is planned from `start_from` (True)."""
    target = anchor + timedelta(days=cadence_days(cadence))
    if target < start_from:
        return start_from, True
    return target, False
