"""Mentoring pages (the feedback form with its autosave, sign-off and reopening, the skills framework and rating
scale, reflections and their support follow-up, self-assessments and the mentee's record): the area's one blueprint,
with a module of routes per resource, imported below so that their routes register on it."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ...core.navigation import menu
from ...core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ...core.slots import slots
from .. import engagement, queries
from ..forms import CONTACT_LABELS, FOLLOWUP_LABELS, MENTEE_STATUS_LABELS, METHOD_LABELS
from ..framework import NOT_OBSERVED

bp = Blueprint("mentoring", __name__)
menu.add("mentoring.skills", _l("Skills"), 70)
menu.add("mentoring.support_list", _l("Support"), 80)
slots.fill("visits.visit", "mentoring", queries.visit_status_slot)
slots.fill("visits.visit", "mentee_engagement", engagement.visit_engagement_slot)

READERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)
LABELS = {"contact_labels": CONTACT_LABELS, "method_labels": METHOD_LABELS, "followup_labels": FOLLOWUP_LABELS,
          "not_observed": NOT_OBSERVED, "mentee_status_labels": MENTEE_STATUS_LABELS}


from . import contacts, feedback, mine, progress, reflections, self_assessments, skills  # noqa: E402, F401
