"""Writes for assignments: pair a mentor with a mentee and end the pairing."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from ...core import audit
from ...core.concurrency import lock
from ...core.errors import RuleBroken
from ...core.extensions import db
from ...core.formatting import format_day
from ...core.programme import programme_settings
from ..models import Assignment, Mentee, Mentor
from ..queries import mentees as mentee_queries
from ..queries import mentors as mentor_queries

# Which mentee professions fit each mentor profession; another pairing is allowed with a warning.
PROFESSION_FIT = {
    "obgyn": {"general_practitioner", "midwife"},
    "paediatrician": {"general_practitioner", "nurse", "paediatric_nurse"},
    "anaesthetist": {"anaesthesia_technician", "general_practitioner"},
    "midwife": {"midwife", "nurse"},
    "paediatric_nurse": {"nurse", "paediatric_nurse"},
}


def profession_fits(mentor: Mentor, mentee: Mentee) -> bool:
    return mentee.profession.code in PROFESSION_FIT.get(mentor.profession.code, set())


def assign(mentor: Mentor, mentee: Mentee, start_date: date) -> tuple[Assignment, list[str]]:
    """Pair a mentor with a mentee; refuses a mentor already at the limit. Returns warnings to show."""
    limit = programme_settings().max_active_mentees
    lock(mentee)  # one at a time with a cancellation of their transfer, which reads the mentee's assignments
    if mentee.status != "active":
        raise RuleBroken("mentee_id", _("%(name)s is no longer in the programme.", name=mentee.full_name))
    if any(a.mentor_id == mentor.id for a in mentee_queries.active_assignments(mentee.id)):
        raise RuleBroken("mentor_id", _("%(mentor)s already mentors %(mentee)s.", mentor=mentor.full_name, mentee=mentee.full_name))
    if mentor_queries.active_mentee_count(mentor.id) >= limit:
        raise RuleBroken("mentor_id", ngettext(
            "%(mentor)s already has %(num)s active mentee, the most allowed. End that assignment first.",
            "%(mentor)s already has %(num)s active mentees, the most allowed. End one of those assignments first.",
            limit, mentor=mentor.full_name))
    warnings = []
    if not profession_fits(mentor, mentee):
        warnings.append(_("%(mentor)s is a %(mp)s and %(mentee)s a %(tp)s: check this pairing is intended.",
                          mentor=mentor.full_name, mp=mentor.profession.display_name.lower(),
                          mentee=mentee.full_name, tp=mentee.profession.display_name.lower()))
    assignment = Assignment(mentor=mentor, mentee=mentee, start_date=start_date)
    db.session.add(assignment)
    db.session.flush()
    audit.record("assignment.create", assignment, summary=f"{mentor.full_name} now mentors {mentee.full_name}",
                 after={"mentor_id": mentor.id, "mentee_id": mentee.id, "start_date": start_date.isoformat()},
                 hospital_id=mentee.hospital_id)
    return assignment, warnings


def end_assignment(assignment: Assignment, end_date: date, reason: str) -> None:
    if assignment.end_date is not None:
        raise RuleBroken("end_date", _("This assignment has already ended."))
    if end_date < assignment.start_date:
        raise RuleBroken("end_date", _("The end date cannot be before the start (%(start)s).", start=format_day(assignment.start_date)))
    assignment.end_date, assignment.end_reason = end_date, reason
    db.session.flush()
    audit.record("assignment.end", assignment, summary=f"{assignment.mentor.full_name} stopped mentoring {assignment.mentee.full_name}",
                 before={"end_date": None}, after={"end_date": end_date.isoformat(), "end_reason": reason},
                 hospital_id=assignment.mentee.hospital_id)
