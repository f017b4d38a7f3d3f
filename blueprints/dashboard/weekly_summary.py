"""The coordinators' weekly summary, by e-mail (and the bell): the visits held last week, the feedback still to
sign from the last month's visits, and the programme's critical equipment gaps. Sent once a week (a SentAlert key
per week), whatever the number of runs."""

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from ..auth.queries import active_coordinators
from ..core.clock import today as programme_today
from ..core.concurrency import insert_once
from ..core.dispatch import dispatch
from ..core.extensions import db
from ..core.formatting import format_day
from ..core.models import SentAlert
from ..core.notify import link_to
from ..equipment import gap_matrix
from ..mentoring.followup import visits_with_writing_missing
from ..visits.models import Visit, VisitStatus

FEEDBACK_DAYS = 30  # how far back a visit's unsigned feedback still counts as missing


def weekly_figures(user, today: date) -> dict[str, int]:
    """Visits held in the seven days before `today`, sheets unsigned after the last month's visits, critical gaps."""
    week_ago = today - timedelta(days=7)
    held = db.session.scalar(select(func.count(Visit.id)).where(Visit.status == VisitStatus.HELD,
                                                               Visit.end_date >= week_ago, Visit.end_date < today))
    missing = sum(max(row.feedback_expected - row.feedback_signed, 0) for row in db.session.execute(
        visits_with_writing_missing(user, today - timedelta(days=FEEDBACK_DAYS), today - timedelta(days=1))))
    data = gap_matrix.matrix(user, critical_only=True)
    gaps = sum(1 for row in data["rows"] for cell in row["cells"] if cell is not None and cell.gap)
    return {"held": held, "missing": missing, "gaps": gaps, "since": week_ago}


def send_weekly_summary(today: date | None = None) -> int:
    """Send the summary of the week before `today` to every active coordinator, once per week; how many were told."""
    today = today or programme_today()
    monday = today - timedelta(days=today.weekday())
    coordinators = active_coordinators()
    if not coordinators or not insert_once(SentAlert(key=f"weekly-summary:{monday.isoformat()}")):
        return 0
    figures = weekly_figures(coordinators[0], today)

    def body() -> str:
        return "\n".join([
            ngettext("%(num)s visit held.", "%(num)s visits held.", figures["held"]),
            ngettext("%(num)s feedback sheet not yet signed (visits of the last %(days)s days).",
                     "%(num)s feedback sheets not yet signed (visits of the last %(days)s days).",
                     figures["missing"], days=FEEDBACK_DAYS),
            ngettext("%(num)s critical equipment gap.", "%(num)s critical equipment gaps.", figures["gaps"]),
        ])

    dispatch(coordinators, "weekly_summary",
             lambda: _("Weekly summary since %(day)s", day=format_day(figures["since"])),
             link=link_to("dashboard.home"), body=body)
    return len(coordinators)
