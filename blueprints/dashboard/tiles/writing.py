"""Feedback, reflections and their follow-up: what is still to write and the support asked for. Each loader runs a
fixed number of statements."""

from datetime import date

from flask_babel import gettext as _

from ...auth.models import User
from ...core.extensions import db
from ...mentoring import followup as mentoring_followup
from ...mentoring.models import FeedbackStatus
from .. import charts
from .base import LIST_ROWS, TABLE_ROWS, Filters, Table, as_of


def load_writing(filters: Filters, user: User, today: date) -> dict:
    """Held visits in the range with feedback not signed off or reflections not written, oldest first."""
    end = as_of(filters, today)
    start = min(filters.start, end)
    rows = []
    for visit_id, start_date, hospital, team, expected, signed, drafted, reflections_expected, written in db.session.execute(
            mentoring_followup.visits_with_writing_missing(user, start, end, filters.province)):
        rows.append({"visit_id": visit_id, "start_date": start_date, "hospital": hospital, "team": team or "",
                     "expected": expected, "signed": signed, "drafted": drafted,
                     "missing": max(expected - signed - drafted, 0), "reflections": reflections_expected,
                     "written": written, "reflections_missing": max(reflections_expected - written, 0)})
    table = Table([_("Visit start"), _("Hospital"), _("Team"), _("Feedback expected"), _("Feedback signed off"),
                   _("Feedback drafted"), _("Feedback not started"), _("Reflections expected"), _("Reflections missing")],
                  [[r["start_date"], r["hospital"], r["team"], r["expected"],
                    r["signed"], r["drafted"], r["missing"], r["reflections"], r["reflections_missing"]] for r in rows])
    per_hospital: dict[str, int] = {}
    for row in rows:
        name = row["hospital"]
        per_hospital[name] = per_hospital.get(name, 0) + row["drafted"] + row["missing"] + row["reflections_missing"]
    busiest = sorted(per_hospital.items(), key=lambda pair: (-pair[1], pair[0]))[:LIST_ROWS]
    return {"rows": rows[:LIST_ROWS], "more": max(len(rows) - LIST_ROWS, 0), "table": table, "empty": not rows,
            "drafted": sum(r["drafted"] for r in rows), "missing": sum(r["missing"] for r in rows),
            "reflections_missing": sum(r["reflections_missing"] for r in rows), "chart": charts.bars(busiest)}


def load_support(filters: Filters, user: User, today: date) -> dict:
    """Support asked for in reflections: how many open, in progress and resolved, and the oldest still open."""
    on = as_of(filters, today)
    counts = dict(db.session.execute(mentoring_followup.support_counts(user, on, filters.province)).all())
    waiting = counts.get("open", 0) + counts.get("in_progress", 0)
    # The fragment builds only the rows it shows (5 listed, TABLE_ROWS in its table); the CSV all of them.
    query = mentoring_followup.support_followup(user, on, filters.province)
    rows = db.session.execute(query if filters.complete else query.limit(TABLE_ROWS)).all()
    table = Table([_("Visit start"), _("Hospital"), _("Mentor"), _("Support needed"), _("Status"), _("Owner"), _("Days since the visit")],
                  [[visit.start_date, hospital, reflection.mentor.full_name, reflection.support_needed,
                    reflection.support_status.label, owner or "",
                    max((on - visit.end_date).days, 0)] for reflection, visit, hospital, owner in rows], total=waiting)
    return {"rows": rows[:5], "more": max(waiting - 5, 0), "table": table, "empty": not counts, "as_of": on,
            "open": counts.get("open", 0), "in_progress": counts.get("in_progress", 0), "resolved": counts.get("resolved", 0)}


def load_to_write(filters: Filters, user: User, today: date) -> dict:
    """The signed-in mentor's held visits with their mentees' feedback not signed off or their reflection not written."""
    table = Table([_("Visit start"), _("Hospital"), _("To write"), _("Mentee"), _("Status")])
    end = as_of(filters, today)
    start = min(filters.start, end)
    visits: dict[int, dict] = {}
    if user.mentor_id:
        for visit, mentee_id, name, status in db.session.execute(mentoring_followup.my_feedback_to_write(user, start, end)):
            row = visits.setdefault(visit.id, {"visit": visit, "feedback": [], "reflection": False})
            row["feedback"].append((mentee_id, name, status or FeedbackStatus.MISSING))
        for visit in db.session.scalars(mentoring_followup.my_reflections_to_write(user, start, end)):
            visits.setdefault(visit.id, {"visit": visit, "feedback": [], "reflection": False})["reflection"] = True
    rows = sorted(visits.values(), key=lambda r: (r["visit"].start_date, r["visit"].id))
    labels = {"feedback": _("Feedback"), "reflection": _("Reflection")}
    for row in rows:
        visit = row["visit"]
        table.rows += [[visit.start_date, visit.hospital.name, labels["feedback"], name, status.label]
                       for _id, name, status in row["feedback"]]
        if row["reflection"]:
            table.rows.append([visit.start_date, visit.hospital.name, labels["reflection"], "", FeedbackStatus.MISSING.label])
    return {"rows": rows[:LIST_ROWS], "more": max(len(rows) - LIST_ROWS, 0), "table": table, "empty": not rows,
            "missing": FeedbackStatus.MISSING,
            "feedback_count": sum(len(r["feedback"]) for r in rows), "reflection_count": sum(1 for r in rows if r["reflection"])}
