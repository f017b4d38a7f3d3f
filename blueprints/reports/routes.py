"""PDF feedback sheets: one mentee's sheet for a visit, every sheet of a visit in one PDF, and bulk exports of
every sheet of a date range as a zip built in the background. Same access rules as the pages; the data is read
first, the transaction ended, and only then the PDF rendered."""

from datetime import timedelta

from flask import Blueprint, Response, abort, flash, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.clock import today
from ..core.downloads import attachment
from ..core.errors import saved
from ..core.extensions import db
from ..core.formatting import format_day
from ..core.forms import EmptyForm
from ..core.htmx import htmx_redirect, render_page_or_fragment
from ..core.i18n import in_language
from ..core.models import utcnow
from ..core.navigation import menu
from ..core.pagination import paginate
from ..core.permissions import allow, passive, user
from ..core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTEE, MENTOR
from ..mentoring import own_queries
from ..mentoring import queries as mentoring
from ..people.models import Mentee
from ..people.queries.hospitals import hospitals_for_select
from ..visits.queries import get_visit_or_404
from . import exports as runner
from . import prerender as _prerender  # noqa: F401 - signed sheets rendered on the job queue when signed
from . import queries, services, stored_sheets
from .cli import run_export_command
from .cpd import cpd_certificate_pdf
from .forms import ExportForm
from .pdf import breakable, css_string, render_pdf
from .sheets import visit_sheets_html

bp = Blueprint("reports", __name__, cli_group=None)  # its commands are top-level: `flask --app app run-export ID`
bp.cli.add_command(run_export_command)
menu.add("reports.exports", _l("Exports"), 90)

READERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)

bp.app_template_filter("css_string")(css_string)  # the PDFs' page footer words, in their <style>
bp.app_template_filter("breakable")(breakable)  # long typed text in the PDFs, cheap to wrap


def _pdf(feedbacks, visit, name: str) -> Response:
    html = visit_sheets_html(feedbacks, visit)
    title = None  # sheets in one language: the document's own title, in that language; in several, the reader's
    if len({feedback.mentee.preferred_language for feedback in feedbacks}) > 1:
        title = f"{_('Feedback sheets')} · {visit.hospital.name} · {format_day(visit.start_date)}"
    db.session.rollback()  # every value is read; nothing below holds a transaction open while rendering
    return attachment(Response(render_pdf(html, title=title), mimetype="application/pdf"), name, "pdf")


def _sheet_pdf(feedback, visit, name: str) -> Response:
    """One sheet: a signed one from the store (rendered and stored the first time), a draft rendered each time."""
    if not feedback.signed:
        return _pdf([feedback], visit, name)
    made = saved(None, lambda: stored_sheets.signed_sheet_pdf(feedback, visit))
    return attachment(Response(made.result, mimetype="application/pdf"), name, "pdf")


@bp.get("/visits/<int:visit_id>/feedback/<int:mentee_id>.pdf")
@allow(*READERS)
def feedback_pdf(visit_id: int, mentee_id: int):
    place = mentoring.feedback_or_404(visit_id, mentee_id, user())
    if place.feedback is None:
        abort(404)
    return _sheet_pdf(place.feedback, place.visit, f"feedback-{place.mentee.full_name}-{place.visit.start_date.isoformat()}")


@bp.get("/me/feedback/<int:feedback_id>.pdf")
@allow(MENTEE)
def my_sheet_pdf(feedback_id: int):
    """A mentee's own signed sheet as the PDF (never a draft, never another mentee's: 404)."""
    feedback = own_queries.my_sheet_or_404(feedback_id, user())
    return _sheet_pdf(feedback, feedback.visit, f"feedback-{feedback.mentee.full_name}-{feedback.visit.start_date.isoformat()}")


@bp.get("/visits/<int:visit_id>/feedback.pdf")
@allow(*READERS)
def visit_feedback_pdf(visit_id: int):
    visit = get_visit_or_404(visit_id, user())
    feedbacks = db.session.scalars(mentoring.visit_feedbacks(visit, user())).all()
    if not feedbacks:
        abort(404)
    return _pdf(feedbacks, visit, f"feedback-{visit.hospital.name}-{visit.start_date.isoformat()}")


@bp.route("/reports/exports", methods=["GET", "POST"])
@allow(COORDINATOR)
def exports():
    """Ask for every feedback sheet of a date range and hospitals as a zip; the exports asked for so far."""
    form = ExportForm()
    form.hospital_ids.choices = hospitals_for_select()
    if not form.is_submitted():
        form.date_to.data = today()
        form.date_from.data = today() - timedelta(days=90)
    if form.validate_on_submit():
        asked = saved(form, lambda: services.request_export(
            date_from=form.date_from.data, date_to=form.date_to.data, hospital_ids=form.hospital_ids.data or [],
            signed_only=form.signed_only.data, user=user()))
        if asked:
            job = asked.result
            runner.start_in_background(job.id)
            flash(_("Export asked for: the zip is being built. This page shows its progress."), "success")
            return htmx_redirect(url_for("reports.export", job_id=job.id))
    elif request.method == "GET":
        services.reap_dead_exports()
    page = paginate(queries.export_jobs())
    return render_page_or_fragment("reports/exports.html", "reports/_exports_table.html", 422 if form.errors else 200,
                                   form=form, page=page, now=utcnow())


def _job_context(job_id: int) -> dict:
    services.reap_dead_exports()
    job = queries.get_export_or_404(job_id)
    return {"job": job, "hospitals": queries.hospital_names(job.hospital_ids), "form": EmptyForm(), "now": utcnow()}


@bp.get("/reports/exports/<int:job_id>")
@allow(COORDINATOR)
def export(job_id: int):
    return render_template("reports/export.html", **_job_context(job_id))


@bp.get("/reports/exports/<int:job_id>/progress")
@allow(COORDINATOR)
@passive
def export_progress(job_id: int):
    """The progress bar alone, polled by htmx every two seconds until the job is done or failed."""
    return render_template("reports/_export_progress.html", **_job_context(job_id))


@bp.post("/reports/exports/<int:job_id>/retry")
@allow(COORDINATOR)
def export_retry(job_id: int):
    services.reap_dead_exports()
    job = queries.get_export_or_404(job_id)
    if EmptyForm().validate_on_submit():
        if saved(None, lambda: services.retry_export(job, user())):
            runner.start_in_background(job.id)
            flash(_("Export queued again."), "success")
    return htmx_redirect(url_for("reports.export", job_id=job.id))


@bp.get("/reports/exports/<int:job_id>/download")
@allow(COORDINATOR)
def export_download(job_id: int):
    """The finished zip, for a day, streamed from the database a piece at a time; never cached, under a plain
    attachment name."""
    job = queries.get_export_or_404(job_id)
    if job.status != "done":
        abort(404)
    if job.expired():
        abort(410)
    name, size = runner.download_name(job), job.file_size
    db.session.rollback()
    response = Response(stream_with_context(queries.export_zip_pieces(job_id)), mimetype="application/zip",
                        headers={"Content-Length": str(size)})
    return attachment(response, name.removesuffix(".zip"), "zip")


@bp.get("/mentees/<int:mentee_id>/cpd/<int:year>.pdf")
@allow(*READERS)
def cpd_certificate(mentee_id: int, year: int):
    """A mentee's CPD certificate for one year: who may read their feedback sheets may print it."""
    return _certificate(mentoring.readable_mentee_or_404(mentee_id, user()), year)


@bp.get("/me/cpd/<int:year>.pdf")
@allow(MENTEE)
def my_cpd_certificate(year: int):
    """A signed-in mentee's own CPD certificate for one year (issue 22, "My progress")."""
    mentee = db.session.get(Mentee, user().mentee_id)
    if mentee is None:
        abort(404)
    return _certificate(mentee, year)


def _certificate(mentee: Mentee, year: int) -> Response:
    """The certificate in the mentee's language; 404 for a year out of range or without a signed visit or contact."""
    if not 2000 <= year <= 2100:
        abort(404)
    with in_language(mentee.preferred_language):
        pdf = cpd_certificate_pdf(mentee, year)
    if pdf is None:
        abort(404)
    return attachment(Response(pdf, mimetype="application/pdf"), f"cpd-{mentee.full_name}-{year}", "pdf")
