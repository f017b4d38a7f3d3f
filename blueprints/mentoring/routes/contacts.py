"""Contact between visits: a mentor logs a phone, video or message session with one of their mentees."""

from flask import render_template, url_for
from flask_babel import gettext as _

from ...core.clock import today
from ...core.errors import saved
from ...core.htmx import htmx_redirect
from ...core.permissions import allow, user
from ...core.roles import MENTOR
from .. import queries, services
from ..forms import ContactSessionForm
from . import bp


@bp.route("/mentees/<int:mentee_id>/contacts/new", methods=["GET", "POST"])
@allow(MENTOR)
def contact_new(mentee_id: int):
    mentee = queries.contact_mentee_or_404(mentee_id, user())
    form = ContactSessionForm()
    if not form.is_submitted():
        form.held_on.data, form.mode.data = today(), "phone"
    if form.validate_on_submit() and saved(form, lambda: services.log_contact_session(
            mentee, user().mentor_id, held_on=form.held_on.data, mode=form.mode.data, minutes=form.minutes.data,
            topic=form.topic.data or "", follow_up=form.follow_up.data or "", by=user(), on=today()),
            _("Contact session saved.")):
        return htmx_redirect(url_for("people.mentee", mentee_id=mentee.id))
    return render_template("mentoring/contact_form.html", form=form, mentee=mentee), 422 if form.errors else 200
