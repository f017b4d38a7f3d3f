"""Visit pages: the month calendar and agenda, the visit list with cadence, a visit with its clashes
and attendance, the cadence planner, and the secret .ics feeds."""

import calendar as month_calendar
from datetime import date, timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from ..core import limits
from ..core.clock import today
from ..core.downloads import attachment
from ..core.errors import RuleBroken, saved
from ..core.extensions import db
from ..core.forms import EmptyForm, select_choices
from ..core.htmx import htmx_redirect, is_htmx, render_page_or_fragment
from ..core.i18n import in_language
from ..core.navigation import menu
from ..core.pagination import paginate
from ..core.permissions import allow, public, user
from ..core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ..core.slots import slots
from ..people.models import Hospital
from . import planning, queries, services
from .cadence import hospital_cadence
from .forms import (
    STATUS_LABELS,
    HolidayForm,
    PlanForm,
    PlannerForm,
    StatusForm,
    VisitForm,
    WindowSearchForm,
)
from .models import Holiday

bp = Blueprint("visits", __name__)
menu.add("visits.calendar", _l("Calendar"), 20)
slots.fill("people.hospital", "visits", lambda hospital, user, day: {"cadence": hospital_cadence(day, user, hospital_id=hospital.id)})
slots.fill("people.mentee", "visits", lambda mentee: {"attendance": queries.mentee_attendance_rate(mentee.id)})
slots.fill("people.mentor", "visits", lambda mentor: {"attendance": queries.mentor_attendance_summary(mentor.id)})

READERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)
LABELS = {"status_labels": STATUS_LABELS}


def _int_arg(name: str) -> int | None:
    return limits.id_arg(name)


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
    return {
        "province": request.args.get("province", "").strip() or None,
        "hospital_id": _int_arg("hospital"),
        "team_id": _int_arg("team") if current_user.role == COORDINATOR else None,
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
            cadence=hospital_cadence(today(), user()),
            missed=queries.recent_missed_visits(today() - timedelta(days=365), user()) if current_user.role == COORDINATOR else [],
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


# --- visit list and pages ------------------------------------------------------------------

@bp.get("/visits/")
@allow(*READERS)
def visits():
    status = request.args.get("status", "")
    filters = {"status": status if status in STATUS_LABELS else None, "hospital_id": _int_arg("hospital")}
    page = paginate(queries.visits_list(user(), **filters))
    context = {"page": page, "filters": filters, **LABELS}
    if not is_htmx():
        context.update(cadence=hospital_cadence(today(), user(), hospital_id=filters["hospital_id"]),
                       hospitals=[(h.id, h.name) for h in queries.hospitals_for_select(user())],
                       can_plan=current_user.role == COORDINATOR)
    return render_page_or_fragment("visits/visits.html", "visits/_visits_table.html", **context)


def _visit_form(form: VisitForm) -> VisitForm:
    hospitals = queries.hospitals_for_select(user())
    form.hospital_id.choices = select_choices([(h.id, h.name) for h in hospitals], blank=_("— choose —"))
    form.team_id.choices = select_choices(queries.teams_for_select(), blank=_("— choose —"))
    form.team_by_hospital = {h.id: h.team_id for h in hospitals}
    return form


def _form_clashes(form: VisitForm, visit_id: int | None = None):
    """Clashes for what the form holds, when it holds enough to check."""
    start = form.start_date.data
    if (form.hospital_id.data and form.team_id.data and start and form.days.data and 1 <= form.days.data <= 14
            and abs((start - today()).days) <= 3 * 366):  # the date rule of services._check_schedule: no date overflow
        return planning.clashes(form.hospital_id.data, form.team_id.data, form.start_date.data, form.days.data,
                                exclude_id=visit_id, today=today())
    return None


@bp.route("/visits/new", methods=["GET", "POST"])
@allow(COORDINATOR)
def visit_new():
    form = _visit_form(VisitForm())
    if request.method == "GET":
        form.days.data = form.days.data or _days_default()
        hospital_id = _int_arg("hospital")
        if hospital_id:
            form.hospital_id.data = hospital_id
            form.team_id.data = form.team_by_hospital.get(hospital_id)
        if request.args.get("start"):
            form.start_date.data = _day(request.args["start"])
    if form.validate_on_submit():
        planned = saved(form, lambda: services.create_visit(
            hospital_id=form.hospital_id.data, team_id=form.team_id.data, start_date=form.start_date.data,
            days=form.days.data, notes=form.notes.data or ""), _("Visit planned."))
        if planned:
            return redirect(url_for("visits.visit", visit_id=planned.result.id))
    return render_template("visits/visit_form.html", form=form, visit=None, clashes=_form_clashes(form), **LABELS), \
        422 if form.errors else 200


def _days_default() -> int:
    return current_app.config["VISIT_DAYS"]


def _day(value: str) -> date | None:
    """A date sent outside a form (a link's `?start=`, a ticked day); none when not a date between 2000 and 2100."""
    try:
        return limits.parse_day(value)
    except ValueError:
        return None


@bp.get("/visits/<int:visit_id>")
@allow(*READERS)
def visit(visit_id: int):
    visit = queries.get_visit_or_404(visit_id, user())
    mentors = queries.visit_mentors(visit)
    mentees = queries.visit_mentees(visit)
    search = WindowSearchForm(request.args)
    search_ok = search.validate() if request.args else True
    clashes = None
    if visit.status in queries.UPCOMING_STATUSES:  # clashes and better windows help plan a visit, not read one past
        clashes = planning.clashes(
            visit.hospital_id, visit.team_id, visit.start_date, visit.days, exclude_id=visit.id, mentees=[m["mentee"] for m in mentees],
            search_from=search.search_from.data if search_ok else None, search_to=search.search_to.data if search_ok else None,
            today=today(),
        )
    status_form = StatusForm(formdata=None, version=visit.version)
    return render_template(
        "visits/visit.html", visit=visit, mentors=mentors, mentees=mentees, clashes=clashes, search=search,
        status_form=status_form, can_edit=queries.can_edit_visit(user()),
        can_attend=queries.can_record_attendance(user(), visit), today=today(), **LABELS,
        **slots.context("visits.visit", visit=visit, user=user(), mentees=mentees, mentors=mentors),  # mentoring: feedback status
    )


@bp.route("/visits/<int:visit_id>/edit", methods=["GET", "POST"])
@allow(COORDINATOR)
def visit_edit(visit_id: int):
    visit = queries.get_visit_or_404(visit_id, user(), action="edit")
    form = _visit_form(VisitForm(obj=visit))
    if request.method == "GET":
        form.version.data = visit.version
    if form.validate_on_submit():
        done = saved(form, lambda: services.update_visit(
            visit, hospital_id=form.hospital_id.data, team_id=form.team_id.data, start_date=form.start_date.data,
            days=form.days.data, notes=form.notes.data or "", version=form.version.data), _("Visit saved."))
        if done:
            return redirect(url_for("visits.visit", visit_id=visit.id))
    return render_template("visits/visit_form.html", form=form, visit=visit, clashes=_form_clashes(form, visit.id), **LABELS), \
        422 if form.errors else 200


@bp.get("/visits/clashes")
@allow(COORDINATOR)
def visit_clashes():
    """The clash panel for the values in the visit form, refreshed by htmx as they change."""
    form = _visit_form(VisitForm(request.args, meta={"csrf": False}))
    form.validate()
    visit_id = _int_arg("visit_id")
    return render_template("visits/_clashes.html", clashes=_form_clashes(form, visit_id), editing=True, **LABELS)


@bp.post("/visits/<int:visit_id>/status")
@allow(COORDINATOR)
def visit_status(visit_id: int):
    visit = queries.get_visit_or_404(visit_id, user(), action="edit")
    form = StatusForm()
    if form.validate_on_submit():
        changed = saved(form, lambda: services.change_status(visit, form.status.data, reason=form.reason.data or "",
                                                             new_start_date=form.new_start_date.data, version=form.version.data))
        if changed:
            new_visit = changed.result
            if new_visit is not None:
                flash(_("Visit postponed; the new visit is planned and the team is told."), "success")
                return htmx_redirect(url_for("visits.visit", visit_id=new_visit.id))
            flash(_("Status changed to %(status)s.", status=STATUS_LABELS[form.status.data]), "success")
            return htmx_redirect(url_for("visits.visit", visit_id=visit.id))
    visit = queries.get_visit_or_404(visit_id, user(), action="edit")
    return render_page_or_fragment("visits/status_page.html", "visits/_status_form.html", status=422,
                                   visit=visit, status_form=form, **LABELS)


@bp.route("/visits/<int:visit_id>/attendance", methods=["GET", "POST"])
@allow(COORDINATOR, MENTOR)
def attendance(visit_id: int):
    visit = queries.get_visit_or_404(visit_id, user(), action="attendance")
    mentors = queries.visit_mentors(visit)
    mentees = queries.visit_mentees(visit)
    form = EmptyForm()
    errors: dict[str, str] = {}
    general = []
    if request.method == "POST" and form.validate_on_submit():
        chosen = {}
        for row in mentors:
            value = request.form.get(f"mentor-{row['mentor'].id}", "")
            present = {"present": True, "absent": False}.get(value)
            chosen[row["mentor"].id] = (present, request.form.get(f"mentor-{row['mentor'].id}-reason", ""))
        mentee_days = set()
        for row in mentees:
            for value in request.form.getlist(f"mentee-{row['mentee'].id}"):
                if day := _day(value):
                    mentee_days.add((row["mentee"].id, day))
        try:
            refusals = services.record_attendance(
                visit, mentors=chosen, mentee_days=mentee_days,
                allowed_mentor_ids={r["mentor"].id for r in mentors}, allowed_mentee_ids={r["mentee"].id for r in mentees})
        except RuleBroken as refusal:
            refusals = [refusal]
        if not refusals:
            db.session.commit()
            flash(_("Attendance saved."), "success")
            return redirect(url_for("visits.visit", visit_id=visit.id, _anchor="attendance"))
        db.session.rollback()
        for refusal in refusals:
            if refusal.field == "attendance":
                general.append(refusal.message)
            else:
                errors[refusal.field] = refusal.message
        visit = queries.get_visit_or_404(visit_id, user(), action="attendance")
        submitted = {"mentors": chosen, "mentee_days": mentee_days}
    else:
        submitted = None
    return render_template("visits/attendance.html", visit=visit, mentors=mentors, mentees=mentees, form=form, errors=errors,
                           general=general, submitted=submitted, today=today(), **LABELS), 422 if (errors or general) else 200


# --- planner -------------------------------------------------------------------------------

@bp.route("/visits/planner", methods=["GET", "POST"])
@allow(COORDINATOR)
def planner():
    """Propose the next visits (GET, nothing saved); the coordinator edits the dates and confirms (POST)."""
    hospitals = queries.hospitals_for_select(user())
    choose = PlannerForm(request.args)
    choose.hospital.choices = select_choices([(h.id, h.name) for h in hospitals], blank=_("All hospitals"))
    plan_form = PlanForm()
    proposals = []
    if request.method == "POST":
        if plan_form.validate_on_submit():
            rows = [{"hospital_id": _to_int(r.form.hospital_id.data), "team_id": _to_int(r.form.team_id.data),
                     "start_date": r.form.start_date.data} for r in plan_form.rows if r.form.include.data == "y"]
            try:
                created = services.save_plan(rows)
            except RuleBroken as refusal:
                db.session.rollback()
                _show_row_error(plan_form, refusal, rows)
            else:
                db.session.commit()
                flash(ngettext("%(num)s visit planned.", "%(num)s visits planned.", len(created)), "success")
                return redirect(url_for("visits.calendar", month=f"{created[0].start_date:%Y-%m}") if created else url_for("visits.planner"))
        proposals = _proposals_from_form(plan_form, hospitals)
        return render_template("visits/planner.html", choose=choose, plan_form=plan_form, proposals=proposals, **LABELS), 422
    if request.args and choose.validate():
        start = max(choose.start.data or today(), today() + timedelta(days=1))
        proposals = planning.plan(start, choose.count.data or 1, hospital_id=choose.hospital.data)[:limits.PLAN_ROWS]
        for proposal in proposals:
            plan_form.rows.append_entry({"hospital_id": proposal.hospital_id, "team_id": proposal.team_id or "",
                                         "start_date": proposal.start, "include": "y" if proposal.start else "n"})
    return render_template("visits/planner.html", choose=choose, plan_form=plan_form, proposals=proposals, **LABELS), \
        422 if choose.errors else 200


def _to_int(value) -> int | None:
    return limits.id_or_none(value)


def _show_row_error(plan_form: PlanForm, refusal: RuleBroken, rows) -> None:
    """Put a save refusal next to the start date of the row it is about."""
    included = [r for r in plan_form.rows if r.form.include.data == "y"]
    try:
        index = int(refusal.field.split("-")[1])
        included[index].form.start_date.errors = [*included[index].form.start_date.errors, refusal.message]
    except (IndexError, ValueError):
        plan_form.form_errors.append(refusal.message)


def _proposals_from_form(plan_form: PlanForm, hospitals: list[Hospital]) -> list[planning.Proposal]:
    """Rebuild the proposals shown next to the rows after a refused save (their reasons are gone)."""
    names = {h.id: h.name for h in hospitals}
    out = []
    for row in plan_form.rows:
        hid = _to_int(row.form.hospital_id.data)
        start = row.form.start_date.data
        out.append(planning.Proposal(hid or 0, names.get(hid, "?"), _to_int(row.form.team_id.data), None, start or today(), start, None))
    return out


@bp.route("/visits/holidays", methods=["GET", "POST"])
@allow(COORDINATOR)
def holidays():
    """The public holidays the planner and the clash check avoid (a setting coordinators keep)."""
    form = HolidayForm()
    if form.validate_on_submit():
        if saved(form, lambda: services.add_holiday(name=form.name.data, month=form.month.data, day=form.day.data,
                                                    year=form.year.data),
                 _("Holiday added; the planner avoids it from now on.")):
            return redirect(url_for("visits.holidays"))
    rows = db.session.scalars(queries.holiday_list()).all()
    return render_template("visits/holidays.html", form=form, holidays=rows, empty_form=EmptyForm()), 422 if form.errors else 200


@bp.post("/visits/holidays/<int:holiday_id>/delete")
@allow(COORDINATOR)
def holiday_delete(holiday_id: int):
    holiday = db.get_or_404(Holiday, holiday_id)
    if EmptyForm().validate_on_submit():
        saved(None, lambda: services.delete_holiday(holiday), _("Holiday removed (kept in the audit trail)."), category="info")
    return redirect(url_for("visits.holidays"))
