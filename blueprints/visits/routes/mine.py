"""A mentee's "My next visit" (issue 22): the days of the next visit at their hospital, and for each day their own
answer, which the clash grid and the planner read (visits/availability.py). Only their own hospital's coming visit:
another visit's id is not found."""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ...core.clock import today
from ...core.errors import saved
from ...core.forms import EmptyForm
from ...core.navigation import menu
from ...core.permissions import allow, user
from ...core.roles import MENTEE
from .. import availability
from ..models import DayAnswer
from . import bp

menu.add("visits.my_next_visit", _l("My next visit"), 58)


def _page(visit, form, posted: dict, errors: dict, status: int = 200):
    days = visit.day_dates if visit else []
    answers = availability.my_answers(user().mentee_id, days) if visit else {}
    return render_template("visits/my_next_visit.html", visit=visit, days=days, answers=answers, form=form, posted=posted,
                           errors=errors, choices=list(DayAnswer), today=today()), status


@bp.get("/me/next-visit")
@allow(MENTEE)
def my_next_visit():
    return _page(availability.next_visit(user().mentee, today()), EmptyForm(formdata=None), {}, {})


@bp.post("/me/visits/<int:visit_id>/availability")
@allow(MENTEE)
def my_availability(visit_id: int):
    mentee = user().mentee
    visit = availability.answerable_visit_or_404(visit_id, mentee, today())
    form = EmptyForm()
    errors: dict[str, list] = {}
    posted = {key: value for key, value in request.form.items() if key.startswith("day-")}
    answers: dict[date, str] = {}
    for day in visit.day_dates:
        value = posted.get(f"day-{day.isoformat()}", "")
        if value and day >= today():
            answers[day] = value
    if form.validate_on_submit():
        done = saved(form, lambda: availability.answer_days(mentee, visit, answers, today()),
                     refused=lambda refusal: errors.__setitem__(refusal.field, [refusal.message]))
        if done:
            flash(ngettext("Thank you: your answer for %(num)s day is saved; the visit's planners see it.",
                           "Thank you: your answers for %(num)s days are saved; the visit's planners see them.", done.result), "success")
            return redirect(url_for("visits.my_next_visit"))
    return _page(visit, form, posted, errors, 422)
