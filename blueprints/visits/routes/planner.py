"""The cadence planner and the public holidays it plans around."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ...core import limits
from ...core.clock import today
from ...core.errors import RuleBroken, saved
from ...core.extensions import db
from ...core.forms import EmptyForm, select_choices
from ...core.permissions import allow, user
from ...core.roles import COORDINATOR
from ...people.models import Hospital
from .. import planning, queries, services
from ..forms import HolidayForm, PlanForm, PlannerForm
from ..models import Holiday
from . import LABELS, bp


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
            if plan := saved(plan_form, lambda: services.save_plan(rows), refused=lambda refusal: _show_row_error(plan_form, refusal, rows)):
                created = plan.result
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
