"""The navigation bar: each role sees its own menu, built only from endpoints that exist."""

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.models import COORDINATOR, HOSPITAL_ADMIN, MENTOR, SYSADMIN

ALL = (SYSADMIN, COORDINATOR, HOSPITAL_ADMIN, MENTOR)

# (endpoint, label, roles). Entries whose blueprint has not landed yet are simply not shown.
MENU = (
    ("dashboard.home", _l("Home"), ALL),
    ("visits.calendar", _l("Calendar"), (COORDINATOR, HOSPITAL_ADMIN, MENTOR)),
    ("people.hospitals", _l("Hospitals"), (COORDINATOR,)),
    ("people.teams", _l("Teams"), (COORDINATOR,)),
    ("people.mentors", _l("Mentors"), (COORDINATOR,)),
    ("people.mentees", _l("Mentees"), (COORDINATOR, HOSPITAL_ADMIN, MENTOR)),
    ("mentoring.skills", _l("Skills"), (COORDINATOR,)),
    ("mentoring.support_list", _l("Support"), (COORDINATOR,)),
    ("reports.exports", _l("Exports"), (COORDINATOR,)),
    ("equipment.matrix", _l("Equipment"), (COORDINATOR, HOSPITAL_ADMIN)),
    ("auth.users", _l("Users"), (SYSADMIN,)),
    ("core.audit", _l("Audit"), (SYSADMIN, COORDINATOR)),
)


def menu_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, label, roles in MENU:
        if current_user.role in roles and endpoint in current_app.view_functions:
            blueprint = endpoint.split(".")[0]
            current = request.endpoint == endpoint or (
                endpoint != "dashboard.home" and request.blueprint == blueprint and _same_section(endpoint)
            )
            items.append({"endpoint": endpoint, "label": label, "current": current})
    return items


def _same_section(endpoint: str) -> bool:
    """A sub-page (users/new) counts as its menu entry (users) when the URL path starts with it."""
    from flask import url_for

    return request.path.startswith(url_for(endpoint))
