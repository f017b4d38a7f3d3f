"""The month calendar and its printable agenda, and each user's secret .ics feed."""

import calendar as month_calendar
from datetime import date, timedelta

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...core import limits
from ...core.clock import today
from ...core.downloads import attachment
from ...core.errors import saved
from ...core.extensions import db
from ...core.forms import EmptyForm
from ...core.htmx import is_htmx, render_page_or_fragment
from ...core.i18n import in_language
from ...core.permissions import allow, public, user
from ...core.roles import COORDINATOR
from ...people.models import Hospital
from ...people.queries import hospitals as hospital_queries
from ...people.scopes import cadence_hospitals
from .. import attendance, queries, services
from ..cadence import hospital_cadence
from ..models import VisitStatus
from . import LABELS, READERS, bp, int_arg


def _month_arg() -> tuple[date, str | None]:
    """The first day of the month asked for (`YYYY-MM`), or this month with a message when it is not a month."""
    raw = request.args.get("month", "").strip()
    if raw:
        try:
            year, month = (int(part) for part in raw.split("-"))
            if limits.FIRST_DAY.year <= year <= limits.LAST_DAY.year:
                return date(year, month, 1), None
        except ValueError:
            pass
        return today().replace(day=1), _("“%(value)s” is not a month; showing this month. Use the form YYYY-MM.", value=raw)
    return today().replace(day=1), None


def _filters() -> dict:
    province = request.args.get("province")
    return {
        # No province asked for: past ONE_PROVINCE_ABOVE hospitals, the first province; "All provinces" sends province=.
        "province": province.strip() or None if province is not None else hospital_queries.opening_province(
            list(db.session.scalars(select(Hospital.province).where(cadence_hospitals(user()))))),
        "hospital_id": int_arg("hospital"),
        "team_id": int_arg("team") if current_user.role == COORDINATOR else None,
        "mine": request.args.get("mine") == "1" and current_user.role != COORDINATOR,
    }


def _month_context() -> dict:
    first, month_error = _month_arg()
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    grid_start = first - timedelta(days=first.weekday())
    grid_end = last + timedelta(days=6 - last.weekday())
    filters = _filters()
    visits = db.session.scalars(queries.visits_between(user(), grid_start, grid_end, **filters)).all()
    by_day: dict[date, list] = {}
    for visit in visits:
        for day in visit.day_dates:
            by_day.setdefault(day, []).append(visit)
    weeks, day = [], grid_start
    while day <= grid_end:
        weeks.append([day + timedelta(days=n) for n in range(7)])
        day += timedelta(days=7)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    args = {k: v for k, v in request.args.items() if k not in ("month", "page")}
    return {
        "first": first, "last": last, "weeks": weeks, "by_day": by_day, "today": today(), "filters": filters,
        "month_error": month_error, "month_visits": [v for v in visits if v.start_date <= last and v.end_date >= first],
        "prev_url": url_for("visits.calendar", month=f"{previous:%Y-%m}", **args),
        "next_url": url_for("visits.calendar", month=f"{following:%Y-%m}", **args),
        "this_url": url_for("visits.calendar", **args),
        "agenda_url": url_for("visits.agenda", month=f"{first:%Y-%m}", **args),
        "status_text": VisitStatus.texts(),  # translated once a page, not once a visit
        **LABELS,
    }


@bp.get("/calendar/")
@allow(*READERS)
def calendar():
    context = _month_context()
    if not is_htmx():
        hospitals = queries.hospitals_for_select(user())
        context.update(
            hospitals=[(h.id, h.name) for h in hospitals],
            provinces=sorted({h.province for h in hospitals}),
            teams=queries.teams_for_select() if current_user.role == COORDINATOR else [],
            cadence=hospital_cadence(today(), user(), province=context["filters"]["province"]),
            missed=attendance.recent_missed_visits(today() - timedelta(days=365), user()) if current_user.role == COORDINATOR else [],
            can_plan=current_user.role == COORDINATOR,
        )
    return render_page_or_fragment("visits/calendar.html", "visits/_month.html", **context)


@bp.get("/calendar/agenda")
@allow(*READERS)
def agenda():
    """The month's visits as a list that prints cleanly."""
    context = _month_context()
    return render_template("visits/agenda.html", **context)


@bp.get("/calendar/<token>.ics")
@public
def ics_feed(token: str):
    """A user's own visits for calendar apps; the secret token is the only credential, so no
    personal data goes in beyond hospital and team names. Unknown or old tokens get 404. Written in the
    owner's saved language (English if none), not the calendar application's Accept-Language."""
    owner = queries.calendar_user(token)
    if owner is None:
        abort(404)
    from icalendar import Calendar, Event  # ~0.1 s of imports, for feeds only: not at every worker's start

    feed = Calendar()
    feed.add("prodid", "-//Clinical mentorship//Visits//EN")
    feed.add("version", "2.0")
    with in_language(owner.language):
        feed.add("x-wr-calname", _("Mentorship visits"))
        for visit in db.session.scalars(queries.feed_visits(owner, today())):
            event = Event()
            event.add("uid", f"visit-{visit.id}@clinical-mentorship")
            event.add("dtstamp", visit.created_at)
            event.add("dtstart", visit.start_date)
            event.add("dtend", visit.end_date + timedelta(days=1))
            event.add("summary", _("Mentorship visit: %(hospital)s (%(team)s)", hospital=visit.hospital.name, team=visit.team.name))
            event.add("status", {"cancelled": "CANCELLED", "postponed": "CANCELLED", "planned": "TENTATIVE"}.get(visit.status, "CONFIRMED"))
            event.add("sequence", visit.version)
            event.add("transp", "TRANSPARENT")
            feed.add_component(event)
    return attachment(Response(feed.to_ical(), mimetype="text/calendar"), "visits", "ics", inline=True)


@bp.post("/account/calendar-token")
@allow(*READERS)
def calendar_token():
    if EmptyForm().validate_on_submit():
        saved(None, lambda: services.regenerate_calendar_token(user()),
              _("Your calendar feed has a new address; the old one no longer works."))
    return redirect(url_for("auth.account", _anchor="calendar-feed"))
