"""Reads for teams: which hospitals a team visits, its mentors' accounts and its make-up."""


from flask import abort
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from ...auth.models import User
from ...core.extensions import db
from ..models import Mentor, Profession, Team


def team_mentor_users(team_id: int) -> list[User]:
    """The sign-in accounts of a team's active mentors."""
    return list(db.session.scalars(
        select(User).join(Mentor, User.mentor_id == Mentor.id).where(Mentor.team_id == team_id, Mentor.active, User.active)
    ))


def teams_with_mentors() -> Select:
    return select(Team).options(joinedload(Team.mentors).joinedload(Mentor.profession), joinedload(Team.hospitals)).order_by(Team.name)


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
