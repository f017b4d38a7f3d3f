"""People pages (hospitals, teams, mentors, mentees and their transfers, absences and assignments): the area's one
blueprint, with a module of routes per resource, imported below so that their routes register on it."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ...core import limits
from ...core.navigation import menu
from ...core.roles import COORDINATOR

bp = Blueprint("people", __name__)
menu.add("people.hospitals", _l("Hospitals"), 30, roles=(COORDINATOR,))  # in the bar for coordinators only; others open their hospital from its links
menu.add("people.teams", _l("Teams"), 40)
menu.add("people.mentors", _l("Mentors"), 50)
menu.add("people.mentees", _l("Mentees"), 60)


def int_arg(name: str) -> int | None:
    return limits.id_arg(name)


from . import absences, assignments, hospitals, invitations, mentees, mentors, teams, transfers  # noqa: E402, F401
