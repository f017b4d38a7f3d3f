"""Writes for transfers: log a move, apply it on its date, cancel a mistaken one; the receiving administrator sets
the department the mentee arrives in and asks for a mentor."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ...auth.queries import active_coordinators
from ...core import audit
from ...core.clock import today as programme_today
from ...core.concurrency import insert_once, lock
from ...core.errors import RuleBroken
from ...core.extensions import db
from ...core.formatting import format_day
from ...core.models import utcnow
from ...core.notify import link_to, notify
from ..models import Assignment, Department, Hospital, Mentee, Transfer
from ..queries import mentees as mentee_queries
from ..queries import mentors as mentor_queries
from ..queries import teams as team_queries
from ..queries import transfers as transfer_queries
from ..transfer_corrections import correction_refusal
from ..transfer_notices import notify_transfer, told_record


def log_transfer(
    mentee: Mentee,
    *,
    kind: str,
    effective_date: date,
    reason: str = "",
    to_hospital: Hospital | None = None,
    to_department: Department | None = None,
    by=None,
    today: date | None = None,
) -> Transfer:
    """Record a move; tell everyone it concerns at once (`transfer_notices`), kept on `transfer.told`.

    The move itself (new hospital, ended assignments) happens now if the date has come, or on
    that date otherwise (see `apply_due_transfers`). One move waits at a time: a second is refused
    while one is pending (it may be a colleague's, already announced; cancelling it is the audited way
    to change it). The mentee stays locked until the request commits, so parallel posts of one move
    are decided one after the other, and a partial unique index holds the rule in the database.
    """
    today = today or programme_today()
    lock(mentee)
    waiting = transfer_queries.pending_transfer(mentee.id)
    if waiting is not None:
        raise RuleBroken("effective_date", _one_move_at_a_time(waiting))
    previous = transfer_queries.last_transfer(mentee.id)
    if previous is not None and effective_date < previous.effective_date:
        raise RuleBroken("effective_date", _("%(name)s's previous move was on %(date)s; a transfer cannot be dated before it.",
                                             name=mentee.full_name, date=format_day(previous.effective_date)))
    if mentee.status != "active":
        raise RuleBroken("kind", _("%(name)s is no longer in the programme.", name=mentee.full_name))
    if kind == "department":
        to_hospital = mentee.hospital
        if to_department is None:
            raise RuleBroken("to_department_id", _("Choose the department the mentee moves to."))
        if to_department.id == mentee.department_id:
            raise RuleBroken("to_department_id", _("The mentee already works in this department."))
    elif kind == "hospital":
        if to_hospital is None:
            raise RuleBroken("to_hospital_id", _("Choose the hospital the mentee moves to."))
        if to_hospital.id == mentee.hospital_id:
            raise RuleBroken("to_hospital_id", _("This is the mentee's current hospital; log a department move instead."))
        if to_department is None:  # else they arrive nowhere in it, and no mentor is found for them
            raise RuleBroken("to_department_id", _("Choose the department the mentee will work in at the new hospital."))
    else:
        to_hospital = to_department = None
    if abs((effective_date - today).days) > 366:
        raise RuleBroken("effective_date", _("The date must be within a year of today."))

    transfer = Transfer(
        mentee=mentee, kind=kind, effective_date=effective_date, reason=reason.strip(),
        from_hospital_id=mentee.hospital_id, from_department_id=mentee.department_id,
        to_hospital=to_hospital, to_department=to_department, logged_by_id=getattr(by, "id", None),
    )
    if not insert_once(transfer):  # the index's answer, should a move have slipped in since the check above
        raise RuleBroken("effective_date", _one_move_at_a_time(transfer_queries.pending_transfer(mentee.id)))
    audit.record("transfer.create", transfer, summary=transfer_sentence(transfer),
                 after=audit.snapshot(transfer), hospital_id=transfer.from_hospital_id)
    transfer.told = told_record(notify_transfer(transfer, lambda: transfer_sentence(transfer)))
    if effective_date <= today:
        apply_transfer(transfer)
    return transfer


def _one_move_at_a_time(waiting: Transfer | None) -> str:
    sentence = transfer_sentence(waiting) if waiting is not None else ""
    return _("One move at a time: %(sentence)s To change it, cancel that move on the mentee's page, then log the new one.",
             sentence=sentence)


def transfer_sentence(transfer: Transfer) -> str:
    """'Aline Uwase moves from Nemba (Maternity) to Byumba (Neonatology) on 12 Mar 2026.'"""
    mentee = transfer.mentee
    origin = _place(transfer.from_hospital_id, transfer.from_department_id)
    when = format_day(transfer.effective_date)
    if transfer.kind == "out_of_programme":
        return _("%(name)s leaves the mentorship programme (%(origin)s) on %(date)s.", name=mentee.full_name, origin=origin, date=when)
    if transfer.kind == "left_service":
        return _("%(name)s leaves service at %(origin)s on %(date)s.", name=mentee.full_name, origin=origin, date=when)
    destination = _place(transfer.to_hospital_id, transfer.to_department_id)
    return _("%(name)s moves from %(origin)s to %(destination)s on %(date)s.", name=mentee.full_name, origin=origin,
             destination=destination, date=when)


def _place(hospital_id: int | None, department_id: int | None) -> str:
    hospital = db.session.get(Hospital, hospital_id) if hospital_id else None
    department = db.session.get(Department, department_id) if department_id else None
    if hospital and department:
        return f"{hospital.name} ({department.display_name})"
    return hospital.name if hospital else (department.display_name if department else _("no hospital"))


def apply_transfer(transfer: Transfer) -> None:
    """Move the mentee; a move out of the hospital ends their mentorships with a reason."""
    mentee = transfer.mentee
    before = audit.snapshot(mentee)
    if transfer.kind in ("department", "hospital"):
        mentee.hospital_id = transfer.to_hospital_id
        mentee.department_id = transfer.to_department_id
    else:
        mentee.status = "left"
    if transfer.leaves_hospital:
        reason = "left_service" if transfer.kind == "left_service" else "transferred"
        for assignment in mentee_queries.active_assignments(mentee.id):
            assignment.end_date = max(transfer.effective_date, assignment.start_date)
            assignment.end_reason = reason
    transfer.applied_at = utcnow()
    db.session.flush()
    changed_before, changed_after = audit.changes(before, audit.snapshot(mentee))
    audit.record("transfer.apply", transfer, summary=transfer_sentence(transfer), before=changed_before,
                 after=changed_after, hospital_id=transfer.from_hospital_id)


def apply_due_transfers(today: date | None = None) -> int:
    """Apply every transfer whose date has come (for the daily job); safe to run any number of times."""
    today = today or programme_today()
    due = db.session.scalars(
        select(Transfer)
        .where(Transfer.applied_at.is_(None), Transfer.cancelled_at.is_(None), Transfer.effective_date <= today)
        .order_by(Transfer.effective_date, Transfer.id)
    ).all()
    for transfer in due:
        apply_transfer(transfer)
    return len(due)


def cancel_transfer(transfer: Transfer, by) -> None:
    """Correct a mistaken transfer (by whom and until when: `transfer_corrections`): undo its move and reopen the
    mentorships it ended; audited."""
    lock(transfer.mentee)
    db.session.refresh(transfer)  # as the request that held the lock before us left it
    if transfer.cancelled_at is not None:
        raise RuleBroken("transfer", _("This transfer was already cancelled."))
    if refusal := correction_refusal(transfer, by, utcnow()):
        raise RuleBroken("transfer", refusal)
    latest = transfer_queries.last_transfer(transfer.mentee_id)
    if latest is None or latest.id != transfer.id:
        raise RuleBroken("transfer", _("A later move was logged since; correct that one first."))
    mentee = transfer.mentee
    before = audit.snapshot(mentee)
    if transfer.applied_at is not None:
        mentee.hospital_id = transfer.from_hospital_id
        mentee.department_id = transfer.from_department_id
        mentee.status = "active"
        if transfer.leaves_hospital:
            ended = db.session.scalars(
                select(Assignment).where(
                    Assignment.mentee_id == mentee.id,
                    Assignment.end_reason.in_(("transferred", "left_service")),
                    Assignment.end_date >= transfer.effective_date,  # this is the latest move: these ended with it
                )
            )
            for assignment in ended:
                assignment.end_date = assignment.end_reason = None
    transfer.cancelled_at = utcnow()
    db.session.flush()
    changed_before, changed_after = audit.changes(before, audit.snapshot(mentee))
    audit.record("transfer.cancel", transfer, summary=_("Cancelled: %(sentence)s", sentence=transfer_sentence(transfer)),
                 before=changed_before, after=changed_after, hospital_id=transfer.from_hospital_id)
    mentor_ids = [a.mentor_id for a in mentee_queries.active_assignments(mentee.id)]
    notify(mentor_queries.mentor_users(mentor_ids), lambda: _("Correction: the transfer of %(name)s was cancelled; nothing changes.",
                                                       name=mentee.full_name),
           link=link_to("people.mentee", mentee_id=mentee.id), kind="transfer")


def _still_open(transfer: Transfer) -> None:
    """The receiving side acts on a move that stands: locked against a cancellation running at the same moment
    (`cancel_transfer` takes the same lock), then read again as the request before us left it."""
    lock(transfer.mentee)
    db.session.refresh(transfer)
    if transfer.cancelled_at is not None:
        raise RuleBroken("transfer", _("This transfer was cancelled; the mentee stays where they were."))
    latest = transfer_queries.last_transfer(transfer.mentee_id)
    if latest is None or latest.id != transfer.id:
        raise RuleBroken("transfer", _("A later move was logged since; correct that one first."))


def set_arrival_department(transfer: Transfer, department: Department, by) -> None:
    """The receiving administrator names the department the mentee works in at their hospital: on the transfer, and
    on the mentee's record once the move has happened. Counts as the receiving side acting (`transfer_corrections`)."""
    _still_open(transfer)
    before = transfer.to_department_id
    transfer.to_department_id = department.id
    if transfer.applied_at is not None:
        transfer.mentee.department_id = department.id
    transfer.received_at = transfer.received_at or utcnow()
    db.session.flush()
    if before != department.id:
        audit.record("transfer.department", transfer, summary=transfer_sentence(transfer), user=by,
                     before={"to_department_id": before}, after={"to_department_id": department.id},
                     hospital_id=transfer.to_hospital_id)


def request_mentor(transfer: Transfer, by) -> None:
    """Ask for a mentor for a mentee moving in: the coordinators (who assign across hospitals) and the mentors of the
    team visiting the hospital are told, once per transfer (a second request is refused, whoever makes it)."""
    _still_open(transfer)
    if transfer.mentor_requested_at is not None:
        raise RuleBroken("transfer", _("A mentor was already requested on %(date)s; the coordinator was told then.",
                                       date=format_day(transfer.mentor_requested_at.date())))
    now = utcnow()
    transfer.mentor_requested_at, transfer.mentor_requested_by_id = now, by.id
    transfer.received_at = transfer.received_at or now
    db.session.flush()
    hospital, mentee = transfer.to_hospital, transfer.mentee
    audit.record("transfer.mentor_request", transfer, summary=f"{hospital.name} asked for a mentor for {mentee.full_name}",
                 user=by, after={"mentor_requested_at": now.isoformat()}, hospital_id=hospital.id)
    team = team_queries.team_mentor_users(hospital.team_id) if hospital.team_id else []
    notify([*active_coordinators(), *team],
           lambda: _("%(hospital)s asks for a mentor for %(name)s, who moves there on %(date)s.", hospital=hospital.name,
                     name=mentee.full_name, date=format_day(transfer.effective_date)),
           link=link_to("people.mentee", mentee_id=mentee.id), kind="mentor_request")
