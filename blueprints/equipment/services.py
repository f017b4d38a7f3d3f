"""Writes for equipment: each validates, changes, audits and flushes; the request commits once."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..core import audit
from ..core.clock import today as programme_today
from ..core.concurrency import insert_once
from ..core.errors import RuleBroken
from ..core.extensions import db
from ..core.formatting import format_day
from ..core.i18n import clean_translations
from ..core.models import utcnow
from ..people.models import Hospital
from ..visits.models import Visit
from . import queries
from . import status as _status  # noqa: F401 - its flush listener keeps the status rows current
from .models import (
    REASONS,
    WARDS,
    EquipmentCheck,
    EquipmentCount,
    EquipmentItem,
    EquipmentNorm,
    EquipmentRequest,
    EquipmentRequestFollowUp,
    RequestAddressee,
    RequestOutcome,
)


class Conflict(Exception):
    """Someone else saved the same row since this form was loaded; `row` is what they saved."""

    def __init__(self, row: EquipmentCount):
        super().__init__("row changed")
        self.row = row


def _validate_item(ward: str, name: str, required_quantity: int | None, item_id: int | None = None) -> None:
    if ward not in WARDS:
        raise RuleBroken("ward", _("Choose a ward."))
    if required_quantity is None or required_quantity < 0:
        raise RuleBroken("required_quantity", _("The required quantity is a whole number, 0 or more."))
    same = db.session.scalar(select(EquipmentItem.id).where(EquipmentItem.ward == ward, EquipmentItem.name == name.strip()))
    if same is not None and same != item_id:
        raise RuleBroken("name", _("This ward already has an item with this name."))


def create_item(*, ward: str, name: str, unit: str, required_quantity: int, critical: bool,
                name_translations: dict | None = None) -> EquipmentItem:
    _validate_item(ward, name, required_quantity)
    item = EquipmentItem(ward=ward, name=name.strip(), unit=unit.strip() or "unit", required_quantity=required_quantity,
                         critical=critical, position=1000, name_translations=clean_translations(name_translations or {}))
    db.session.add(item)
    db.session.flush()
    audit.record("equipment_item.create", item, summary=f"added equipment item {item.name}", after=audit.snapshot(item))
    return item


def update_item(item: EquipmentItem, **values) -> EquipmentItem:
    _validate_item(values.get("ward", item.ward), values.get("name", item.name), values.get("required_quantity", item.required_quantity), item.id)
    before = audit.snapshot(item)
    if "name_translations" in values:
        values["name_translations"] = clean_translations(values["name_translations"] or {})
    for key, value in values.items():
        setattr(item, key, value.strip() if isinstance(value, str) else value)
    db.session.flush()
    audit.record_changes("equipment_item.update", item, before, summary=f"updated equipment item {item.name}")
    return item


def set_norm(item: EquipmentItem, hospital: Hospital, required_quantity: int | None) -> None:
    """A hospital's own required quantity for an item; None goes back to the default norm. Set by parallel requests,
    the norm's unique index keeps one row and the later request changes it (`insert_once`), as one after the other."""
    if required_quantity is not None and required_quantity < 0:
        raise RuleBroken("required_quantity", _("The required quantity is a whole number, 0 or more."))
    existing = select(EquipmentNorm).where(EquipmentNorm.item_id == item.id, EquipmentNorm.hospital_id == hospital.id)
    norm = db.session.scalar(existing)
    before = norm.required_quantity if norm else None
    if required_quantity is None:
        if norm is not None:
            db.session.delete(norm)
    elif norm is not None:
        norm.required_quantity = required_quantity
    elif not insert_once(EquipmentNorm(item_id=item.id, hospital_id=hospital.id, required_quantity=required_quantity)):
        norm = db.session.scalar(existing)  # added by a parallel request since the read above
        before, norm.required_quantity = norm.required_quantity, required_quantity
    db.session.flush()
    if before != required_quantity:
        audit.record("equipment_norm.set", item, summary=f"{hospital.name} needs {required_quantity} × {item.name}",
                     before={"required_quantity": before}, after={"required_quantity": required_quantity}, hospital_id=hospital.id)


def start_check(hospital: Hospital, check_date: date, *, by, today: date | None = None) -> EquipmentCheck:
    """A date-only check (hospital administrator or coordinator); the open check of that date is reused, also when
    a parallel request opened it a moment ago (`uq_equipment_check_open_dated`)."""
    today = today or programme_today()
    if check_date > today:
        raise RuleBroken("check_date", _("A check counts what is there: its date cannot be in the future."))
    open_check = select(EquipmentCheck).where(
        EquipmentCheck.hospital_id == hospital.id, EquipmentCheck.check_date == check_date,
        EquipmentCheck.visit_id.is_(None), EquipmentCheck.completed_at.is_(None))
    existing = db.session.scalar(open_check)
    if existing is not None:
        return existing
    check = EquipmentCheck(hospital_id=hospital.id, check_date=check_date, checked_by_id=getattr(by, "id", None))
    if not insert_once(check):
        return db.session.scalar(open_check)
    audit.record("equipment_check.start", check, summary=f"equipment check at {hospital.name} on {check_date.isoformat()}",
                 hospital_id=hospital.id, user=by)
    return check


def start_visit_check(visit: Visit, *, by, today: date | None = None) -> EquipmentCheck:
    """The check of a visit (one per visit), dated today when the visit is on, else its first day."""
    today = today or programme_today()
    existing = queries.check_for_visit(visit.id)
    if existing is not None:
        return existing
    check_date = today if visit.start_date <= today <= visit.end_date else visit.start_date
    if check_date > today:
        raise RuleBroken("visit_id", _("The visit has not started yet; count the equipment when it does."))
    check = EquipmentCheck(hospital_id=visit.hospital_id, visit_id=visit.id, check_date=check_date, checked_by_id=getattr(by, "id", None))
    if not insert_once(check):  # opened by a parallel request (one check per visit)
        return queries.check_for_visit(visit.id)
    audit.record("equipment_check.start", check, summary=f"equipment check for visit {visit.id}", hospital_id=visit.hospital_id, user=by)
    return check


def save_count(check: EquipmentCheck, item: EquipmentItem, *, available, functional, reason: str | None, note: str,
               version: int | None, by) -> EquipmentCount:
    """Save one row of a checklist. `version` is the row version the form was loaded with (0: no row yet);
    a different one means someone saved it meanwhile, and `Conflict` carries their numbers."""
    if check.is_complete:
        raise RuleBroken("available", _("This check was marked complete on %(date)s; start a new check to record changes.",
                                        date=format_day(check.completed_at)))
    if item.retired:
        raise RuleBroken("available", _("%(item)s has been retired from the catalogue.", item=item.display_name))
    if available is None or available < 0:
        raise RuleBroken("available", _("Available is a whole number, 0 or more."))
    if functional is None or functional < 0:
        raise RuleBroken("functional", _("Functional is a whole number, 0 or more."))
    if functional > available:
        raise RuleBroken("functional", _("Functional cannot be more than available (%(n)s).", n=available))
    reason = reason or None
    if reason is not None and reason not in REASONS:
        raise RuleBroken("reason", _("Choose one of the reasons in the list."))
    if functional < available and reason is None:
        raise RuleBroken("reason", ngettext("Say why %(num)s of them does not work.", "Say why %(num)s of them do not work.",
                                            available - functional))
    if functional == available:
        reason = None
    values = {"available": available, "functional": functional, "reason": reason, "note": (note or "").strip()}

    row = queries.check_rows(check.id).get(item.id)
    if row is not None and (version or 0) != row.version:
        raise Conflict(row)
    if row is None and version:
        raise RuleBroken("available", _("This row was removed; reload the checklist."))
    before = audit.snapshot(row) if row is not None else {}
    try:
        with db.session.begin_nested():
            if row is None:
                row = EquipmentCount(check_id=check.id, item_id=item.id, updated_by_id=getattr(by, "id", None), **values)
                db.session.add(row)
            else:
                for key, value in values.items():
                    setattr(row, key, value)
                row.updated_by_id = getattr(by, "id", None)
            db.session.flush()
    except (IntegrityError, StaleDataError):
        # Someone else saved this row between our read and our write.
        db.session.expire_all()
        raise Conflict(queries.check_rows(check.id)[item.id]) from None
    changed_before, changed_after = audit.changes(before, audit.snapshot(row))
    if changed_after:
        audit.record("equipment_count.save", row, summary=f"{item.name}: {functional} of {available} functional",
                     before=changed_before or None, after=changed_after, hospital_id=check.hospital_id, user=by)
    return row


def complete_check(check: EquipmentCheck, *, by) -> list[EquipmentItem]:
    """Mark the checklist complete. Items left as prefilled are recorded with the last check's numbers
    (the person confirmed them unchanged); returns the items never counted anywhere, if any."""
    if check.is_complete:
        raise RuleBroken("check", _("This check is already complete."))
    saved = queries.check_rows(check.id)
    previous = queries.previous_counts(check)
    never_counted = []
    for item, _required in queries.items_for(check.hospital_id):
        if item.id in saved:
            continue
        if item.id in previous:
            last = previous[item.id][0]
            db.session.add(EquipmentCount(check_id=check.id, item_id=item.id, available=last.available, functional=last.functional,
                                          reason=last.reason, note=last.note, updated_by_id=getattr(by, "id", None)))
        else:
            never_counted.append(item)
    check.completed_at = utcnow()
    check.completed_by_id = getattr(by, "id", None)
    db.session.flush()
    audit.record("equipment_check.complete", check, summary=f"equipment check at {check.hospital.name} complete",
                 after={"completed_at": check.completed_at.isoformat()}, hospital_id=check.hospital_id, user=by)
    return never_counted


def _request_day(field: str, day: date | None, today: date, not_before: date | None = None) -> date:
    if day is None:
        raise RuleBroken(field, _("Give the date."))
    if day > today:
        raise RuleBroken(field, _("This date cannot be in the future."))
    if not_before is not None and day < not_before:
        raise RuleBroken(field, _("This date cannot be before the request (%(date)s).", date=format_day(not_before)))
    return day


def log_request(hospital: Hospital, item: EquipmentItem, *, addressee: str, requested_on: date | None, by,
                addressee_name: str = "", reference: str = "", note: str = "", today: date | None = None) -> EquipmentRequest:
    """A gap taken to the hospital's management, the district, a partner or the ministry. A second open request to
    the same addressee for the same gap is refused (`uq_equipment_request_open`), also when sent in parallel:
    the first one is followed up instead."""
    if addressee not in RequestAddressee.labels():
        raise RuleBroken("addressee", _("Choose whom the request is made to."))
    requested_on = _request_day("requested_on", requested_on, today or programme_today())
    request = EquipmentRequest(hospital_id=hospital.id, item_id=item.id, addressee=addressee, requested_on=requested_on,
                               addressee_name=addressee_name.strip(), reference=reference.strip(), note=note.strip(),
                               created_by_id=getattr(by, "id", None))
    if not insert_once(request):
        since = db.session.scalar(select(EquipmentRequest.requested_on).where(
            EquipmentRequest.hospital_id == hospital.id, EquipmentRequest.item_id == item.id,
            EquipmentRequest.addressee == addressee, EquipmentRequest.outcome.is_(None)))
        raise RuleBroken("addressee", _("A request to %(whom)s for this item is open since %(date)s: add a follow-up to it.",
                                        whom=RequestAddressee(addressee).label, date=format_day(since)))
    audit.record("equipment_request.create", request, after=audit.snapshot(request), hospital_id=hospital.id, user=by,
                 summary=f"{item.name} at {hospital.name} requested of {addressee} on {requested_on.isoformat()}")
    return request


def add_follow_up(request: EquipmentRequest, *, followed_up_on: date | None, note: str, by,
                  today: date | None = None) -> EquipmentRequestFollowUp:
    """A chase of an open request (a call, a letter, a meeting), dated between the request and today."""
    if not request.is_open:
        raise RuleBroken("request", _("This request is closed: log a new one if the gap is still there."))
    if not note.strip():
        raise RuleBroken("note", _("Say what was done or answered."))
    day = _request_day("followed_up_on", followed_up_on, today or programme_today(), request.requested_on)
    follow_up = EquipmentRequestFollowUp(request_id=request.id, followed_up_on=day, note=note.strip(),
                                         created_by_id=getattr(by, "id", None))
    db.session.add(follow_up)
    db.session.flush()
    audit.record("equipment_request.follow_up", request, after={"followed_up_on": day.isoformat(), "note": follow_up.note},
                 summary=f"follow-up of request {request.id} on {day.isoformat()}", hospital_id=request.hospital_id, user=by)
    return follow_up


def resolve_request(request: EquipmentRequest, *, outcome: str, resolved_on: date | None, note: str, by,
                    today: date | None = None) -> EquipmentRequest:
    """How the request ended (delivered, partly, refused, withdrawn), on a date not before it was made; audited,
    as it closes the request."""
    if not request.is_open:
        raise RuleBroken("request", _("This request is already closed."))
    if outcome not in RequestOutcome.labels():
        raise RuleBroken("outcome", _("Choose how the request ended."))
    day = _request_day("resolved_on", resolved_on, today or programme_today(), request.requested_on)
    before = audit.snapshot(request)
    request.outcome, request.resolved_on, request.resolution_note = outcome, day, note.strip()
    db.session.flush()
    audit.record_changes("equipment_request.resolve", request, before, hospital_id=request.hospital_id, user=by,
                         summary=f"request {request.id} {outcome} on {day.isoformat()}")
    return request
