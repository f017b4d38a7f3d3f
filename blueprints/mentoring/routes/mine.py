"""A mentee's own pages, phone first: their signed feedback sheets (read, acknowledge, reply) and their action items
(done or partly done, with a note). Each row is found through the mentee scopes, so another mentee's id is 404."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...core.errors import saved
from ...core.extensions import db
from ...core.navigation import menu
from ...core.permissions import allow, user
from ...core.roles import MENTEE
from .. import own_queries, own_services, queries
from ..forms import MENTEE_STATUS_LABELS, AcknowledgeForm, ActionProgressForm
from ..framework import rating_scale
from . import LABELS, bp

menu.add("mentoring.my_sheets", _l("My feedback"), 62)
menu.add("mentoring.my_actions", _l("My action items"), 64)


@bp.get("/me/feedback/")
@allow(MENTEE)
def my_sheets():
    return render_template("mentoring/my_sheets.html", sheets=db.session.scalars(own_queries.my_sheets(user())).all())


@bp.route("/me/feedback/<int:feedback_id>", methods=["GET", "POST"])
@allow(MENTEE)
def my_sheet(feedback_id: int):
    feedback = own_queries.my_sheet_or_404(feedback_id, user())
    form = AcknowledgeForm()
    if form.validate_on_submit() and saved(form, lambda: own_services.acknowledge(feedback, form.reply.data or ""),
                                           _("Thank you: the sheet is marked read and acknowledged.")):
        return redirect(url_for("mentoring.my_sheet", feedback_id=feedback.id))
    return render_template("mentoring/my_sheet.html", feedback=feedback, form=form, visit=feedback.visit,
                           skills=queries.skills_for(feedback.mentee.profession, keep_ids=[r.skill_id for r in feedback.ratings]),
                           scale=rating_scale(), open_items=[], **LABELS), 422 if form.errors else 200


@bp.get("/me/action-items/")
@allow(MENTEE)
def my_actions():
    items = db.session.scalars(own_queries.my_action_items(user())).all()
    return render_template("mentoring/my_actions.html", items=items, form=ActionProgressForm(formdata=None),
                           status_labels=MENTEE_STATUS_LABELS, **LABELS)


@bp.post("/me/action-items/<int:action_item_id>")
@allow(MENTEE)
def my_action(action_item_id: int):
    item = own_queries.my_action_item_or_404(action_item_id, user())
    form = ActionProgressForm()
    if form.validate_on_submit() and saved(form, lambda: own_services.report_progress(item, form.status.data, form.note.data or ""),
                                           _("Saved. Your mentor sees it at the next visit.")):
        return redirect(url_for("mentoring.my_actions"))
    items = db.session.scalars(own_queries.my_action_items(user())).all()
    return render_template("mentoring/my_actions.html", items=items, form=form, failed_id=item.id,
                           status_labels=MENTEE_STATUS_LABELS, **LABELS), 422
