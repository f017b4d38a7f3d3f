"""The CPD certificate: a mentee's signed-off mentoring visits in one year, with their CPD hours, for the
professional council's logbook. `cpd_certificate_pdf(mentee, year)` reads, renders in the current locale and
returns the PDF, so a caller can wrap it in the mentee's own language (flask_babel.force_locale)."""

from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template
from flask_babel import gettext as _

from ..core.clock import today
from ..core.extensions import db
from ..core.i18n import current_language
from ..mentoring import queries as mentoring
from ..mentoring.forms import CONTACT_LABELS
from ..mentoring.models import ContactMode
from ..people.models import Mentee
from .pdf import render_pdf


@dataclass
class CpdCertificate:
    mentee: str
    profession: str
    hospital: str
    department: str
    year: int
    rows: list[dict]
    total_hours: float
    visits: int
    contacts: int = 0


def cpd_certificate(mentee: Mentee, year: int) -> CpdCertificate:
    """The certificate's data, read into plain values: signed-off visits and contact sessions (two queries)."""
    rows = [{"start": start, "end": end, "hospital": hospital, "mentor": mentor,
             "contact": str(CONTACT_LABELS.get(contact, contact)), "hours": hours}
            for start, end, hospital, mentor, contact, hours in db.session.execute(mentoring.cpd_visits(mentee.id, year))]
    visits = len(rows)
    rows += [{"start": day, "end": day, "hospital": "—", "mentor": mentor, "contact": str(ContactMode(mode).label),
              "hours": round(minutes / 60, 2)}
             for day, mentor, mode, minutes in db.session.execute(mentoring.cpd_contacts(mentee.id, year))]
    rows.sort(key=lambda row: row["start"])
    return CpdCertificate(
        mentee=mentee.full_name, profession=mentee.profession.display_name, hospital=mentee.hospital.name if mentee.hospital else "",
        department=mentee.department.display_name if mentee.department else "", year=year, rows=rows,
        total_hours=round(sum(row["hours"] or 0 for row in rows), 2), visits=visits, contacts=len(rows) - visits,
    )


def cpd_certificate_html(certificate: CpdCertificate, generated: date | None = None) -> str:
    return render_template("reports/pdf/cpd_certificate.html", certificate=certificate, generated=generated or today(),
                           language=current_language(),
                           programme=current_app.config.get("PROGRAMME_NAME") or _("Clinical mentorship programme"))


def cpd_certificate_pdf(mentee: Mentee, year: int) -> bytes | None:
    """The mentee's CPD certificate for a year as PDF bytes (None when no signed-off visit or contact session falls in
    that year).
    Every value is read and the HTML rendered first; the transaction ends before WeasyPrint runs."""
    certificate = cpd_certificate(mentee, year)
    if not certificate.rows:
        return None
    html = cpd_certificate_html(certificate)
    db.session.rollback()
    return render_pdf(html)
