"""Assignment pages: pair a mentor with a mentee, end the pairing."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...core.clock import today
from ...core.errors import saved
from ...core.extensions import db
from ...core.forms import select_choices
from ...core.permissions import allow, user
from ...core.roles import COORDINATOR
from ..forms import AssignForm, EndAssignmentForm
from ..models import Assignment, Mentor
from ..queries import mentees as mentee_queries
from ..queries import mentors as mentor_queries
from ..services import assignments as assignment_services
from . import bp


@bp.route("/mentees/<int:mentee_id>/assign", methods=["GET", "POST"])
@allow(COORDINATOR)
def mentee_assign(mentee_id: int):
    mentee = mentee_queries.get_mentee_or_404(mentee_id, user(), action="edit")
    form = AssignForm()
    form.mentor_id.choices = select_choices(mentor_queries.mentors_for_select(mentee.hospital_id), blank=_("— choose —"))
    if request.method == "GET":
        form.start_date.data = today()
    if form.validate_on_submit():
        mentor = db.get_or_404(Mentor, form.mentor_id.data)
        assigned = saved(form, lambda: assignment_services.assign(mentor, mentee, form.start_date.data),
                         _("%(mentor)s now mentors %(mentee)s.", mentor=mentor.full_name, mentee=mentee.full_name))
        if assigned:
            _assignment, warnings = assigned.result
            for warning in warnings:
                flash(warning, "warning")
            return redirect(url_for("people.mentee", mentee_id=mentee.id))
    return render_template("people/assign_form.html", form=form, mentee=mentee), 422 if form.errors else 200


@bp.route("/assignments/<int:assignment_id>/end", methods=["GET", "POST"])
@allow(COORDINATOR)
def assignment_end(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    form = EndAssignmentForm()
    if request.method == "GET":
        form.end_date.data = today()
    if form.validate_on_submit():
        if saved(form, lambda: assignment_services.end_assignment(assignment, form.end_date.data, form.end_reason.data),
                 _("Assignment ended; the history is kept.")):
            return redirect(url_for("people.mentee", mentee_id=assignment.mentee_id))
    return render_template("people/assignment_end.html", form=form, assignment=assignment), 422 if form.errors else 200
