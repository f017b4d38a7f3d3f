"""People pages (hospitals, teams, mentors, mentees and their transfers, absences and assignments): the area's one
blueprint, with a module of routes per resource, imported below so that their routes register on it."""

from flask import Blueprint

from ...core import limits

bp = Blueprint("people", __name__)


def int_arg(name: str) -> int | None:
    return limits.id_arg(name)


from . import absences, assignments, hospitals, mentees, mentors, teams, transfers  # noqa: E402, F401
