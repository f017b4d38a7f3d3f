"""Absence pages: record an absence or a night rota on a mentee's record, a mentor's leave or home-hospital duty on
theirs, remove one."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ...core.errors import saved
from ...core.extensions import db
from ...core.forms import EmptyForm
from ...core.htmx import htmx_redirect, render_page_or_fragment
from ...core.permissions import allow, user
from ...core.roles import COORDINATOR, MENTOR
from ..forms import AbsenceForm, MentorAbsenceForm, NightRotaForm
from ..models import Absence
from ..queries import mentees as mentee_queries
from ..queries import mentors as mentor_queries
from ..services import absences as absence_services
from . import bp
from .mentees import MENTEE_EDITORS


@bp.post("/mentees/<int:mentee_id>/absences")
@allow(*MENTEE_EDITORS)
def absence_add(mentee_id: int):
    mentee = mentee_queries.get_mentee_or_404(mentee_id, user(), action="edit")
    form = AbsenceForm()
    if form.validate_on_submit():
        if saved(form, lambda: absence_services.add_absence(mentee, kind=form.kind.data, start_date=form.start_date.data,
                                                    end_date=form.end_date.data, note=form.note.data or "", by=user()),
                 _("Absence recorded.")):
            return htmx_redirect(url_for("people.mentee", mentee_id=mentee.id, _anchor="absences"))
    return render_page_or_fragment("people/absence_page.html", "people/_absence_form.html", status=422,
                                   form=form, mentee=mentee)


@bp.post("/mentees/<int:mentee_id>/night-rota")
@allow(*MENTEE_EDITORS)
def night_rota_add(mentee_id: int):
    mentee = mentee_queries.get_mentee_or_404(mentee_id, user(), action="edit")
    form = NightRotaForm()
    if form.validate_on_submit():
        added = saved(form, lambda: absence_services.add_night_rota(mentee, start=form.start.data, weeks=form.weeks.data,
                                                            weekdays=set(form.weekdays.data), note=form.note.data or "", by=user()))
        if added:
            flash(ngettext("Night-shift rota recorded as %(num)s period.", "Night-shift rota recorded as %(num)s periods.",
                           len(added.result)), "success")
            return htmx_redirect(url_for("people.mentee", mentee_id=mentee.id, _anchor="absences"))
    return render_page_or_fragment("people/rota_page.html", "people/_rota_form.html", status=422,
                                   form=form, mentee=mentee)


@bp.post("/absences/<int:absence_id>/delete")
@allow(*MENTEE_EDITORS)
def absence_delete(absence_id: int):
    absence = db.get_or_404(Absence, absence_id)
    mentee = mentee_queries.get_mentee_or_404(absence.mentee_id, user(), action="edit")
    if EmptyForm().validate_on_submit():
        saved(None, lambda: absence_services.delete_absence(absence), _("Absence removed (kept in the audit trail)."),
              category="info")
    return redirect(url_for("people.mentee", mentee_id=mentee.id, _anchor="absences"))


@bp.post("/mentors/<int:mentor_id>/absences")
@allow(COORDINATOR, MENTOR)
def mentor_absence_add(mentor_id: int):
    mentor = mentor_queries.get_mentor_or_404(mentor_id, user(), action="absence")
    form = MentorAbsenceForm()
    if form.validate_on_submit():
        if saved(form, lambda: absence_services.add_absence(mentor, kind=form.kind.data, start_date=form.start_date.data,
                                                            end_date=form.end_date.data, note=form.note.data or "", by=user()),
                 _("Absence recorded.")):
            return htmx_redirect(url_for("people.mentor", mentor_id=mentor.id, _anchor="absences"))
    return render_page_or_fragment("people/mentor_absence_page.html", "people/_absence_form.html", status=422, form=form,
                                   mentor=mentor, absence_action=url_for("people.mentor_absence_add", mentor_id=mentor.id))


@bp.post("/mentors/<int:mentor_id>/absences/<int:absence_id>/delete")
@allow(COORDINATOR, MENTOR)
def mentor_absence_delete(mentor_id: int, absence_id: int):
    mentor = mentor_queries.get_mentor_or_404(mentor_id, user(), action="absence")
    absence = db.first_or_404(db.select(Absence).where(Absence.id == absence_id, Absence.mentor_id == mentor.id))
    if EmptyForm().validate_on_submit():
        saved(None, lambda: absence_services.delete_absence(absence), _("Absence removed (kept in the audit trail)."),
              category="info")
    return redirect(url_for("people.mentor", mentor_id=mentor.id, _anchor="absences"))
