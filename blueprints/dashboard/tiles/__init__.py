"""Dashboard tiles, and their registry: adding a tile is one entry in `TILES` here and one template,
dashboard/tiles/_<name>.html. A tile is one `Tile` entry in `TILES`: who may see it, how it loads its data (from the
features' own scoped queries), where its detail is and what to do when it is empty. The routes give each
tile a fragment (/dashboard/tiles/<name>) and a CSV of its table (/dashboard/tiles/<name>.csv); the
home pages list the tiles of the role. Every loader runs a fixed number of queries, whatever the rows."""

from collections.abc import Callable

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...auth.models import User
from ...core.extensions import db
from ...core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ...people.models import Hospital
from .base import Filters, Tile
from .coordinator import (
    load_cadence,
    load_consistency,
    load_engagement,
    load_equipment,
    load_missed,
    load_refresher,
    load_turnover,
    load_visits,
)
from .own import load_equipment_due, load_hospital_mentees, load_my_mentees, load_next_visit, load_notifications, load_transfers
from .writing import load_support, load_to_write, load_writing


def _url(endpoint: str, **fixed) -> Callable[[Filters, User], str]:
    return lambda filters, user: url_for(endpoint, **fixed)


def _province(endpoint: str, **fixed) -> Callable[[Filters, User], str]:
    return lambda filters, user: url_for(endpoint, **fixed, **({"province": filters.province} if filters.province else {}))


def _own_hospital(endpoint: str) -> Callable[[Filters, User], str]:
    return lambda filters, user: url_for(endpoint, hospital_id=user.hospital_id)


def _month(filters: Filters, user: User) -> str:
    return url_for("visits.calendar", month=filters.end.strftime("%Y-%m"))


TILES: dict[str, Tile] = {tile.name: tile for tile in (
    Tile("cadence", _l("Hospitals overdue or due for a visit"), (COORDINATOR,), load_cadence, _province("people.hospitals"),
         _l("Every hospital had a visit recently enough."), (_l("Open the planner"), _url("visits.planner")),
         note=_l("As on the last day of the range.")),
    Tile("visits", _l("Visits this month and next"), (COORDINATOR,), load_visits, _month,
         _l("No visits planned these two months."), (_l("Open the planner"), _url("visits.planner")),
         note=_l("The month of the range's last day and the next.")),
    Tile("consistency", _l("Visit consistency per hospital"), (COORDINATOR,), load_consistency, _province("people.hospitals"),
         _l("No hospitals in the programme yet."), (_l("Add a hospital"), _url("people.hospital_new"))),
    Tile("missed", _l("Mentors' missed visits"), (COORDINATOR,), load_missed, _url("visits.visits", status="held"),
         _l("No mentor missed a held visit in this range. Record attendance on every held visit so this stays true."),
         (_l("Open the visit list"), _url("visits.visits", status="held"))),
    Tile("turnover", _l("Mentee turnover per hospital"), (COORDINATOR,), load_turnover, _province("people.hospitals"),
         _l("No mentee transferred out or left in this range."), (_l("Open the mentee list"), _url("people.mentees"))),
    Tile("writing", _l("Visits with feedback or reflections still missing"), (COORDINATOR,), load_writing,
         _url("visits.visits", status="held"),
         _l("Every held visit in this range has its feedback signed off and its reflections written. Mark visits held so their "
            "mentors are asked for them."), (_l("Open the visit list"), _url("visits.visits", status="held")),
         note=_l("Held visits that started in the range.")),
    Tile("support", _l("Reflection follow-up list"), (COORDINATOR,), load_support, _url("mentoring.support_list"),
         _l("No mentor asked for support in a reflection. When one does, follow it up here until it is resolved."),
         (_l("Open the follow-up list"), _url("mentoring.support_list", status="all")),
         note=_l("Requests from visits up to the last day of the range, however old.")),
    Tile("equipment", _l("Critical equipment gaps"), (COORDINATOR,), load_equipment, _province("equipment.matrix", critical="1"),
         _l("No critical equipment gap in the latest counts. Hospitals check their equipment on each visit."),
         (_l("Open the equipment matrix"), _province("equipment.matrix")), note=_l("Latest counts, whatever the date range.")),
    Tile("refresher", _l("Mentors overdue for a refresher course"), (COORDINATOR,), load_refresher,
         _url("people.mentors", overdue="1"), _l("Every active mentor's refresher course is up to date."),
         (_l("Open the mentor list"), _url("people.mentors")), note=_l("As on the last day of the range.")),
    Tile("engagement", _l("Mentee engagement"), (COORDINATOR,), load_engagement, _url("people.mentees"),
         _l("No mentee has an account yet. Invite mentees from their page so they can read their feedback and prepare for visits."),
         (_l("Open the mentee list"), _url("people.mentees")),
         note=_l("Signed feedback sheets of visits that started in the range, of mentees with an account.")),
    Tile("next_visit", _l("Next visit"), (MENTOR, HOSPITAL_ADMIN), load_next_visit, _url("visits.agenda"),
         _l("No visit planned yet. The programme coordinator plans visits."), (_l("Open the calendar"), _url("visits.calendar"))),
    Tile("to_write", _l("Feedback and reflections to write"), (MENTOR,), load_to_write, _url("visits.visits", status="held"),
         _l("Nothing to write: every held visit of yours has its feedback signed off and your reflection written. "
            "After your next visit, write them from its page."), (_l("Open the calendar"), _url("visits.calendar")),
         note=_l("Your held visits of the last 12 months.")),
    Tile("my_mentees", _l("My mentees"), (MENTOR,), load_my_mentees, lambda f, u: url_for("people.mentor", mentor_id=u.mentor_id),
         _l("No mentees assigned to you yet. The programme coordinator assigns them."), None),
    Tile("hospital_mentees", _l("The hospital's mentees"), (HOSPITAL_ADMIN,), load_hospital_mentees, _url("people.mentees"),
         _l("No mentees at this hospital yet: import your roster."), (_l("Import the roster"), _url("people.roster_import"))),
    Tile("transfers", _l("Transfers in and out in the last 12 months"), (HOSPITAL_ADMIN,), load_transfers,
         _own_hospital("people.hospital"), _l("No mentee moved in or out in the last 12 months."), None),
    Tile("equipment_due", _l("Equipment checklist"), (HOSPITAL_ADMIN,), load_equipment_due, _own_hospital("equipment.hospital"),
         _l("No equipment check yet: start the checklist."), (_l("Open the checklist"), _own_hospital("equipment.hospital"))),
    Tile("notifications", _l("Notifications"), (MENTOR, HOSPITAL_ADMIN), load_notifications, _url("core.notifications"),
         _l("No notifications. Changes to your visits and mentees will appear here."), None),
)}

# Drawn with the page rather than loaded after it (issue 19): small and first on the screen, which then never moves
# as the other tiles load.
INLINE_TILES = frozenset({"next_visit", "to_write"})

# Loaded with the page for the card that leads the home page: a mentor on the ward opens the app for the visit of
# today (or the next) and the feedback left to write (issue 19); the next visit lives in that card.
HOME_LEAD = {MENTOR: ("next_visit", "to_write")}

HOME_TILES = {
    COORDINATOR: ("cadence", "visits", "consistency", "missed", "turnover", "writing", "support", "equipment", "refresher",
                  "engagement"),
    MENTOR: ("to_write", "my_mentees", "notifications"),
    HOSPITAL_ADMIN: ("next_visit", "hospital_mentees", "transfers", "equipment_due", "notifications"),
}


def hospital_name(hospital_id: int | None) -> str | None:
    return db.session.scalar(select(Hospital.name).where(Hospital.id == hospital_id)) if hospital_id else None
