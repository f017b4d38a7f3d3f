"""Writes for teams: add and edit, and which hospitals each visits."""


from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ...core import audit
from ...core.errors import RuleBroken
from ...core.extensions import db
from ..models import Hospital, Team


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
    audit.record("team.create", team, summary=f"added team {team.name}", after=audit.snapshot(team))
    return team


def update_team(team: Team, *, name: str, hospital_ids=()) -> Team:
    name = _team_name(name, team)
    before = audit.snapshot(team)
    team.name = name
    db.session.flush()
    _set_team_hospitals(team, hospital_ids)
    audit.record_changes("team.update", team, before, summary=f"updated team {team.name}")
    return team
