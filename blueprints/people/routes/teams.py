"""Team pages: the list, a team's page, adding and editing."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...core.clock import today
from ...core.errors import saved
from ...core.pagination import paginate
from ...core.permissions import allow
from ...core.roles import COORDINATOR
from ..forms import TeamForm
from ..models import Team
from ..queries import hospitals as hospital_queries
from ..queries import mentors as mentor_queries
from ..queries import teams as team_queries
from ..services import teams as team_services
from . import bp
from .mentors import _overdue_mentor_ids


@bp.get("/teams/")
@allow(COORDINATOR)
def teams():
    page = paginate(team_queries.teams_query())
    professions = team_queries.mentor_professions()
    mentors = [m for team in page.items for m in team.mentors]
    return render_template(
        "people/teams.html", page=page, professions=professions,
        warnings={team.id: team_queries.team_warnings(team.mentors, professions) for team in page.items},
        overdue=_overdue_mentor_ids(mentors, mentor_queries.mentor_facts(m.id for m in mentors), today()),
    )


@bp.get("/teams/<int:team_id>")
@allow(COORDINATOR)
def team(team_id: int):
    team = team_queries.get_team_or_404(team_id)
    professions = team_queries.mentor_professions()
    facts = mentor_queries.mentor_facts(m.id for m in team.mentors)
    return render_template(
        "people/team.html", team=team, warnings=team_queries.team_warnings(team.mentors, professions),
        facts=facts, overdue=_overdue_mentor_ids(team.mentors, facts, today()),
    )


def _team_form(form: TeamForm, team: Team | None) -> TeamForm:
    form.hospital_ids.choices = [
        (hospital_id, _("%(hospital)s (now visited by %(team)s)", hospital=name, team=team_name)
         if team_name and (team is None or team_name != team.name) else name)
        for hospital_id, name, team_name in hospital_queries.hospitals_with_teams()
    ]
    return form


@bp.route("/teams/new", methods=["GET", "POST"])
@allow(COORDINATOR)
def team_new():
    form = _team_form(TeamForm(), None)
    if form.validate_on_submit():
        if created := saved(form, lambda: team_services.create_team(name=form.name.data, hospital_ids=form.hospital_ids.data)):
            team = created.result
            flash(_("%(name)s created. Now add its five mentors.", name=team.name), "success")
            return redirect(url_for("people.team", team_id=team.id))
    return render_template("people/team_form.html", form=form, team=None), 422 if form.errors else 200


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@allow(COORDINATOR)
def team_edit(team_id: int):
    team = team_queries.get_team_or_404(team_id)
    form = _team_form(TeamForm(obj=team), team)
    if request.method == "GET":
        form.hospital_ids.data = [h.id for h in team.hospitals]
    if form.validate_on_submit():
        if saved(form, lambda: team_services.update_team(team, name=form.name.data, hospital_ids=form.hospital_ids.data),
                 _("Saved.")):
            return redirect(url_for("people.team", team_id=team.id))
    return render_template("people/team_form.html", form=form, team=team), 422 if form.errors else 200
