"""A mentor's reflection on a visit, and the follow-up of the support it asks for (coordinators, and the hospital's
administrator for what concerns the hospital)."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...auth.queries import active_coordinators
from ...core.errors import EditConflict, saved
from ...core.extensions import db
from ...core.forms import EmptyForm, select_choices
from ...core.htmx import htmx_redirect, render_page_or_fragment
from ...core.pagination import paginate
from ...core.permissions import allow, user
from ...core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ...visits.queries import get_visit_or_404
from .. import queries, services
from ..forms import ReflectionForm, SupportForm
from ..models import SupportStatus
from . import bp


@bp.route("/visits/<int:visit_id>/reflection", methods=["GET", "POST"])
@allow(MENTOR)
def reflection(visit_id: int):
    """The signed-in mentor's own reflection on a visit they attended."""
    visit = get_visit_or_404(visit_id, user())
    if visit.team_id != current_user.mentor.team_id:
        abort(403, _("Reflections are written by the visiting team's mentors."))
    record = queries.reflection_for(visit.id, current_user.mentor_id)
    form = ReflectionForm(obj=record)
    if request.method == "GET" and record is not None:
        form.version.data = record.version
    if request.method == "POST" and form.validate():
        try:
            done = saved(form, lambda: services.save_reflection(
                visit, current_user.mentor_id, record, form.opened_at(),
                {name: getattr(form, name).data for name in services.REFLECTION_FIELDS}), _("Reflection saved."))
        except EditConflict:
            db.session.rollback()
            record = queries.reflection_for(visit.id, current_user.mentor_id)
            form.version.data = record.version if record else ""
            return render_template("mentoring/reflection.html", form=form, visit=visit, record=record, conflict=True), 409
        if done:
            return htmx_redirect(url_for("visits.visit", visit_id=visit.id))
    return render_template("mentoring/reflection.html", form=form, visit=visit, record=record), \
        422 if form.errors or form.form_errors else 200


@bp.get("/reflections/support")
@allow(COORDINATOR, HOSPITAL_ADMIN)
def support_list():
    """What mentors asked of the programme or the hospital, tracked until resolved; a hospital administrator sees
    and answers those about their hospital's staffing, equipment or scheduling."""
    status = request.args.get("status", "open")
    status_asked = status if status in SupportStatus.labels() else None
    page = paginate(queries.support_requests(user(), status_asked), count=queries.support_request_count(user(), status_asked))
    return render_page_or_fragment("mentoring/support.html", "mentoring/_support_table.html", page=page, status_filter=status,
                                   support_labels=SupportStatus.labels(),
                                   owners=_owners() if current_user.role == COORDINATOR else None, empty_form=EmptyForm())


def _owners() -> list[tuple[int, str]]:
    return [(u.id, u.display_name) for u in active_coordinators()]


@bp.post("/reflections/<int:reflection_id>/support")
@allow(COORDINATOR, HOSPITAL_ADMIN)
def support_update(reflection_id: int):
    record = queries.get_support_request_or_404(reflection_id, user())
    form = SupportForm()
    form.support_owner_id.choices = select_choices(_owners(), blank=_("— nobody yet —"))
    # Owners are coordinators, chosen by a coordinator; a hospital administrator's answer keeps the owner.
    owner_id = form.support_owner_id.data if current_user.role == COORDINATOR else record.support_owner_id
    answer = form.support_answer.data if "support_answer" in request.form else None
    if form.validate():
        if not saved(None, lambda: services.update_support(record, form.support_status.data, owner_id, answer, current_user),
                     _("Support request updated.")):
            return redirect(url_for("mentoring.support_list")), 303
    return htmx_redirect(url_for("mentoring.support_list"))
