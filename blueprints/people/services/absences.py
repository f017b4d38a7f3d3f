"""Writes for absences: leave, training and night rotas, each audited."""

from datetime import date, timedelta

from flask_babel import gettext as _

from ...core import audit
from ...core.errors import RuleBroken
from ...core.extensions import db
from ..models import MENTEE_ABSENCE_KINDS, Absence, Mentee, Mentor


def add_absence(person: Mentee | Mentor, *, kind: str, start_date: date, end_date: date, note: str = "", by=None) -> Absence:
    """A mentee's or a mentor's absence: the same rows, read together by the clash grid and the planner."""
    is_mentor = isinstance(person, Mentor)
    if not is_mentor and kind not in MENTEE_ABSENCE_KINDS:
        raise RuleBroken("kind", _("Home-hospital duty is a mentor's absence; choose another kind."))
    if end_date < start_date:
        raise RuleBroken("end_date", _("The end date cannot be before the start date."))
    if (end_date - start_date).days > 366:
        raise RuleBroken("end_date", _("An absence longer than a year is a transfer or leaving service; log that instead."))
    absence = Absence(mentor=person, mentee=None) if is_mentor else Absence(mentee=person, mentor=None)
    absence.kind, absence.start_date, absence.end_date, absence.note = kind, start_date, end_date, note.strip()
    absence.created_by_id = getattr(by, "id", None)
    db.session.add(absence)
    db.session.flush()
    audit.record("absence.create", absence, summary=f"{kind} for {person.full_name}", after=audit.snapshot(absence),
                 hospital_id=None if is_mentor else person.hospital_id)
    return absence


def delete_absence(absence: Absence) -> None:
    audit.record("absence.delete", absence, summary=f"removed {absence.kind} of {absence.person.full_name}",
                 before=audit.snapshot(absence), hospital_id=absence.mentee.hospital_id if absence.mentee else None)
    db.session.delete(absence)
    db.session.flush()


def night_rota_ranges(start: date, weeks: int, weekdays: set[int]) -> list[tuple[date, date]]:
    """Nights on the given weekdays (0 = Monday) for `weeks` weeks, as ranges of consecutive days."""
    days = [start + timedelta(days=n) for n in range(weeks * 7) if (start + timedelta(days=n)).weekday() in weekdays]
    ranges: list[tuple[date, date]] = []
    for day in days:
        if ranges and ranges[-1][1] + timedelta(days=1) == day:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def add_night_rota(mentee: Mentee, *, start: date, weeks: int, weekdays: set[int], note: str = "", by=None) -> list[Absence]:
    if not weekdays:
        raise RuleBroken("weekdays", _("Choose at least one night of the week."))
    if not 1 <= weeks <= 26:
        raise RuleBroken("weeks", _("A rota covers 1 to 26 weeks."))
    return [add_absence(mentee, kind="night_shift", start_date=a, end_date=b, note=note, by=by)
            for a, b in night_rota_ranges(start, weeks, weekdays)]
