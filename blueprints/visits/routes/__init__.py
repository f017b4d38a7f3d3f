"""Visit pages (the month calendar and agenda, the visit list with cadence, a visit with its clashes and attendance,
the cadence planner, and the secret .ics feeds): the area's one blueprint, with a module of routes per page
family, imported below so that their routes register on it."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ...core import limits
from ...core.navigation import menu
from ...core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ...core.slots import slots
from .. import attendance
from ..cadence import hospital_cadence
from ..models import VisitStatus

bp = Blueprint("visits", __name__)
menu.add("visits.calendar", _l("Calendar"), 20)
slots.fill("people.hospital", "visits", lambda hospital, user, day: {"cadence": hospital_cadence(day, user, hospital_id=hospital.id)})
slots.fill("people.mentee", "visits", lambda mentee: {"attendance": attendance.mentee_attendance_rate(mentee.id)})
slots.fill("people.mentor", "visits", lambda mentor: {"attendance": attendance.mentor_attendance_summary(mentor.id)})

READERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)
LABELS = {"status_labels": VisitStatus.labels()}


def int_arg(name: str) -> int | None:
    return limits.id_arg(name)


from . import calendar, mine, planner, visits  # noqa: E402, F401
