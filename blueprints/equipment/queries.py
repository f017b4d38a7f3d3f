"""Reads for equipment. Scoping lives here: the matrix, the hospital page, its fragments, the CSV and
the PDF report all start from `equipment_hospitals`, so none of them can show a hospital the page would not."""

from collections import defaultdict
from datetime import date
from functools import cache
from typing import NamedTuple

from flask import abort
from sqlalchemy import Select, String, and_, bindparam, cast, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..core.extensions import db
from ..core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ..people.models import Hospital, Mentor
from ..people.scopes import equipment_hospitals, equipment_requests_scope
from ..visits.models import Visit, VisitStatus
from .models import (
    EquipmentCheck,
    EquipmentCount,
    EquipmentItem,
    EquipmentNorm,
    EquipmentRequest,
    EquipmentRequestFollowUp,
    EquipmentStatus,
    RequestAddressee,
    RequestOutcome,
)

ACTIVE_VISIT_STATUSES = (VisitStatus.PLANNED, VisitStatus.CONFIRMED, VisitStatus.HELD)


def get_equipment_hospital_or_404(hospital_id: int, user: User) -> Hospital:
    hospital = db.session.scalar(select(Hospital).where(Hospital.id == hospital_id, equipment_hospitals(user)))
    if hospital is None:
        abort(404)
    return hospital


def get_check_or_404(check_id: int, user: User) -> EquipmentCheck:
    check = db.session.scalar(
        select(EquipmentCheck)
        .join(Hospital, Hospital.id == EquipmentCheck.hospital_id)
        .where(EquipmentCheck.id == check_id, equipment_hospitals(user))
        .options(joinedload(EquipmentCheck.hospital), joinedload(EquipmentCheck.visit), joinedload(EquipmentCheck.checked_by))
    )
    if check is None:
        abort(404)
    return check


def get_visit_or_404(visit_id: int, user: User) -> Visit:
    """A visit at a hospital this user may see (404 otherwise)."""
    visit = db.session.scalar(
        select(Visit).join(Hospital, Hospital.id == Visit.hospital_id)
        .where(Visit.id == visit_id, equipment_hospitals(user))
        .options(joinedload(Visit.hospital))
    )
    if visit is None:
        abort(404)
    return visit


def mentor_team_id(user: User) -> int | None:
    if user.role != MENTOR or not user.mentor_id:
        return None
    return db.session.scalar(select(Mentor.team_id).where(Mentor.id == user.mentor_id))


def visit_in_progress(visit: Visit, today: date) -> bool:
    return visit.status in ACTIVE_VISIT_STATUSES and visit.start_date <= today <= visit.end_date


def can_edit_check(user: User, check: EquipmentCheck, today: date) -> bool:
    """Coordinators any check; a hospital administrator their hospital's; a mentor the check of a visit
    of their team while that visit is on."""
    if user.role == COORDINATOR:
        return True
    if user.role == HOSPITAL_ADMIN:
        return check.hospital_id == user.hospital_id
    if user.role == MENTOR and check.visit is not None:
        return check.visit.team_id == mentor_team_id(user) and visit_in_progress(check.visit, today)
    return False


def can_start_visit_check(user: User, visit: Visit, today: date) -> bool:
    if user.role == COORDINATOR:
        return True
    if user.role == HOSPITAL_ADMIN:
        return visit.hospital_id == user.hospital_id
    return user.role == MENTOR and visit.team_id == mentor_team_id(user) and visit_in_progress(visit, today)


def current_team_visit(user: User, hospital_id: int, today: date) -> Visit | None:
    """The visit of the mentor's team going on at this hospital today, if any (to start its check)."""
    if user.role != MENTOR or not user.mentor_id:
        return None
    return db.session.scalar(
        select(Visit).join(Mentor, Mentor.team_id == Visit.team_id)
        .where(Mentor.id == user.mentor_id, Visit.hospital_id == hospital_id, Visit.status.in_(ACTIVE_VISIT_STATUSES),
               Visit.start_date <= today, Visit.end_date >= today)
        .limit(1)
    )


def check_for_visit(visit_id: int) -> EquipmentCheck | None:
    return db.session.scalar(select(EquipmentCheck).where(EquipmentCheck.visit_id == visit_id))


def visit_check_status(visit_ids) -> dict[int, str]:
    """For the visit pages: 'complete' or 'started' per visit that has a check (others have none)."""
    rows = db.session.execute(
        select(EquipmentCheck.visit_id, EquipmentCheck.completed_at).where(EquipmentCheck.visit_id.in_(list(visit_ids)))
    )
    return {visit_id: "complete" if completed else "started" for visit_id, completed in rows}


def catalogue_query(include_retired: bool = True) -> Select:
    query = select(EquipmentItem).order_by(EquipmentItem.ward, EquipmentItem.position, EquipmentItem.name)
    if not include_retired:
        query = query.where(EquipmentItem.retired.is_(False))
    return query


def items_for(hospital_id: int | None = None, ward: str | None = None, critical_only: bool = False) -> list[tuple]:
    """Active items in checklist order, each with the quantity required at `hospital_id` (default norm without one)."""
    query = select(EquipmentItem, EquipmentItem.required_quantity).where(EquipmentItem.retired.is_(False))
    if hospital_id is not None:
        query = (
            select(EquipmentItem, func.coalesce(EquipmentNorm.required_quantity, EquipmentItem.required_quantity))
            .outerjoin(EquipmentNorm, and_(EquipmentNorm.item_id == EquipmentItem.id, EquipmentNorm.hospital_id == hospital_id))
            .where(EquipmentItem.retired.is_(False))
        )
    if ward:
        query = query.where(EquipmentItem.ward == ward)
    if critical_only:
        query = query.where(EquipmentItem.critical.is_(True))
    return list(db.session.execute(query.order_by(EquipmentItem.ward, EquipmentItem.position, EquipmentItem.name)))


def norms_for_item(item_id: int) -> dict[int, int]:
    return dict(db.session.execute(
        select(EquipmentNorm.hospital_id, EquipmentNorm.required_quantity).where(EquipmentNorm.item_id == item_id)).all())


def check_rows(check_id: int) -> dict[int, EquipmentCount]:
    rows = db.session.scalars(
        select(EquipmentCount).where(EquipmentCount.check_id == check_id).options(joinedload(EquipmentCount.updated_by)))
    return {row.item_id: row for row in rows}


def previous_counts(check: EquipmentCheck) -> dict[int, tuple[EquipmentCount, date]]:
    """The last count of each item at this hospital before this check: the checklist starts from these."""
    earlier = or_(
        EquipmentCheck.check_date < check.check_date,
        and_(EquipmentCheck.check_date == check.check_date, EquipmentCheck.id < check.id),
    )
    ranked = (
        select(
            EquipmentCount.id,
            EquipmentCheck.check_date,
            func.row_number().over(
                partition_by=EquipmentCount.item_id, order_by=(EquipmentCheck.check_date.desc(), EquipmentCheck.id.desc())
            ).label("rn"),
        )
        .join(EquipmentCheck, EquipmentCheck.id == EquipmentCount.check_id)
        .where(EquipmentCheck.hospital_id == check.hospital_id, earlier)
        .subquery()
    )
    rows = db.session.execute(
        select(EquipmentCount, ranked.c.check_date).join(ranked, ranked.c.id == EquipmentCount.id).where(ranked.c.rn == 1)
    )
    return {row.item_id: (row, checked_on) for row, checked_on in rows}


@cache
def _hospital_checks_statement(limit: int) -> Select:
    """hospital_checks' statement, built once per limit with a bind parameter (hospital_id). The checks come
    newest first from the (hospital, date) index and each one's counted items are counted for those checks only."""
    counted = select(func.count(EquipmentCount.id)).where(EquipmentCount.check_id == EquipmentCheck.id).scalar_subquery()
    return (
        select(EquipmentCheck.id, EquipmentCheck.check_date, EquipmentCheck.visit_id, EquipmentCheck.completed_at,
               counted.label("rows"))
        .where(EquipmentCheck.hospital_id == bindparam("hospital_id"))
        .order_by(EquipmentCheck.check_date.desc(), EquipmentCheck.id.desc())
        .limit(limit)
    )


def hospital_checks(hospital_id: int, limit: int = 12) -> list:
    """A hospital's last checks, newest first, as plain rows (id, check_date, visit_id, completed_at, rows: the
    number of items counted)."""
    return db.session.connection().execute(_hospital_checks_statement(limit), {"hospital_id": hospital_id}).all()


def hospital_history(hospital_id: int, item_id: int | None = None) -> dict[int, list[tuple]]:
    """Every count at a hospital, per item, newest first: (date, available, functional, reason, note, check id)."""
    query = (
        select(EquipmentCount.item_id, EquipmentCheck.check_date, EquipmentCount.available, EquipmentCount.functional,
               EquipmentCount.reason, EquipmentCount.note, EquipmentCheck.id, EquipmentCheck.visit_id)
        .join(EquipmentCheck, EquipmentCheck.id == EquipmentCount.check_id)
        .where(EquipmentCheck.hospital_id == hospital_id)
        .order_by(EquipmentCheck.check_date.desc(), EquipmentCheck.id.desc())
    )
    if item_id is not None:
        query = query.where(EquipmentCount.item_id == item_id)
    history = defaultdict(list)
    for item, *rest in db.session.connection().execute(query).all():  # plain rows, no ORM processing (~1,700 nationally)
        history[item].append(tuple(rest))
    return history


@cache
def _hospital_items_statement() -> Select:
    """hospital_items' statement, built once with a bind parameter (hospital_id)."""
    status, hospital_id = EquipmentStatus, bindparam("hospital_id")
    return (
        select(EquipmentItem.id, EquipmentItem.ward, EquipmentItem.name, EquipmentItem.name_translations, EquipmentItem.critical,
               func.coalesce(EquipmentNorm.required_quantity, EquipmentItem.required_quantity).label("required"),
               status.available, status.functional, status.checked_on, status.gap_since, status.gap_checks)
        .outerjoin(EquipmentNorm, and_(EquipmentNorm.item_id == EquipmentItem.id, EquipmentNorm.hospital_id == hospital_id))
        .outerjoin(status, and_(status.item_id == EquipmentItem.id, status.hospital_id == hospital_id))
        .where(EquipmentItem.retired.is_(False))
        .order_by(EquipmentItem.ward, EquipmentItem.position, EquipmentItem.name)
    )


def hospital_items(hospital_id: int) -> list:
    """One hospital's page: its active items in checklist order, each with the quantity required there and its
    current state from the maintained status row (last count, gap start and length; None where never counted).
    Plain rows (id, ward, name, name_translations, critical, required, available, functional, checked_on,
    gap_since, gap_checks): one query, no ORM objects, no per-count work."""
    return db.session.connection().execute(_hospital_items_statement(), {"hospital_id": hospital_id}).all()


@cache
def _hospital_trends_statement() -> Select:
    """hospital_trends' statement, built once with a bind parameter (hospital_id)."""
    pair = cast(EquipmentCount.item_id, String) + ":" + cast(EquipmentCount.functional, String)
    return (
        select(EquipmentCheck.check_date, func.aggregate_strings(pair, ","))
        .join(EquipmentCount, EquipmentCount.check_id == EquipmentCheck.id)
        .where(EquipmentCheck.hospital_id == bindparam("hospital_id"))
        .group_by(EquipmentCheck.id, EquipmentCheck.check_date)
        .order_by(EquipmentCheck.check_date, EquipmentCheck.id)
    )


def hospital_trends(hospital_id: int) -> dict[int, list[tuple[date, int]]]:
    """Every item's (date, functional) pairs at one hospital, oldest first: what its trend line draws.

    Grouped by check in SQL, one row per check holding "item:functional,item:functional,…" (order within
    a check does not matter, each pair names its item): 30 rows nationally instead of 1,700 counts, each
    row a date to convert; the pairs are split in Python, one split per check."""
    trends: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for checked_on, pairs in db.session.connection().execute(_hospital_trends_statement(), {"hospital_id": hospital_id}).all():
        values = pairs.replace(":", ",").split(",")  # item, functional, item, functional, …
        for item, functional in zip(values[::2], values[1::2], strict=True):
            trends[item].append((checked_on, int(functional)))
    return {int(item): pairs for item, pairs in trends.items()}


REQUEST_STATUSES = ("open", "closed", "all")


def _follow_up_columns():
    """How many times a request was followed up and when last, as correlated subqueries (one query for a page)."""
    follow_up = EquipmentRequestFollowUp
    count = (select(func.count()).where(follow_up.request_id == EquipmentRequest.id)
             .correlate(EquipmentRequest).scalar_subquery().label("follow_ups"))
    last = (select(func.max(follow_up.followed_up_on)).where(follow_up.request_id == EquipmentRequest.id)
            .correlate(EquipmentRequest).scalar_subquery().label("last_follow_up"))
    return count, last


def equipment_requests(user: User, search: str = "", status: str = "open", hospital_id: int | None = None) -> Select:
    """The requests the user sees, newest first, with their follow-up count and last follow-up: open, closed or all,
    matching `search` in the hospital, item, addressee, reference or note."""
    count, last = _follow_up_columns()
    query = (
        select(EquipmentRequest, count, last)
        .join(Hospital, Hospital.id == EquipmentRequest.hospital_id)
        .join(EquipmentItem, EquipmentItem.id == EquipmentRequest.item_id)
        .where(equipment_requests_scope(user))
        .options(joinedload(EquipmentRequest.hospital), joinedload(EquipmentRequest.item))
        .order_by(EquipmentRequest.requested_on.desc(), EquipmentRequest.id.desc())
    )
    if status == "open":
        query = query.where(EquipmentRequest.outcome.is_(None))
    elif status == "closed":
        query = query.where(EquipmentRequest.outcome.is_not(None))
    if hospital_id is not None:
        query = query.where(EquipmentRequest.hospital_id == hospital_id)
    if search.strip():
        like = f"%{search.strip()}%"
        query = query.where(or_(Hospital.name.ilike(like), EquipmentItem.name.ilike(like), EquipmentRequest.reference.ilike(like),
                                EquipmentRequest.addressee_name.ilike(like), EquipmentRequest.note.ilike(like)))
    return query


def get_request_or_404(request_id: int, user: User) -> EquipmentRequest:
    """A request the user sees, with its hospital, item and follow-ups (404 otherwise)."""
    request = db.session.scalar(
        select(EquipmentRequest).where(EquipmentRequest.id == request_id, equipment_requests_scope(user))
        .options(joinedload(EquipmentRequest.hospital), joinedload(EquipmentRequest.item),
                 selectinload(EquipmentRequest.follow_ups).joinedload(EquipmentRequestFollowUp.created_by),
                 joinedload(EquipmentRequest.created_by))
    )
    if request is None:
        abort(404)
    return request


def open_requests(user: User, hospital_id: int | None = None) -> dict[tuple[int, int], list[tuple[str, date]]]:
    """(hospital id, item id) -> [(addressee, requested on)] of the open requests the user sees, in one query: what
    the matrix and the hospital page mark a gap with."""
    query = (select(EquipmentRequest.hospital_id, EquipmentRequest.item_id, EquipmentRequest.addressee,
                    EquipmentRequest.requested_on)
             .where(EquipmentRequest.outcome.is_(None), equipment_requests_scope(user))
             .order_by(EquipmentRequest.requested_on))
    if hospital_id is not None:
        query = query.where(EquipmentRequest.hospital_id == hospital_id)
    marks: dict[tuple[int, int], list[tuple[str, date]]] = {}
    for hospital, item, addressee, requested_on in db.session.execute(query):
        marks.setdefault((hospital, item), []).append((addressee, requested_on))
    return marks


class ReportRequest(NamedTuple):
    """A request as the advocacy report shows it, read as a plain row (hundreds nationally; ORM objects with their
    hospital and item cost a third of the report at ten times national scale)."""

    id: int
    hospital_id: int
    item_id: int
    addressee: RequestAddressee
    addressee_name: str
    requested_on: date
    reference: str
    outcome: RequestOutcome | None
    resolved_on: date | None
    resolution_note: str
    hospital_name: str
    item_name: str
    item_name_translations: dict | None
    follow_ups: int
    last_follow_up: date | None

    is_open = EquipmentRequest.is_open
    days_open = EquipmentRequest.days_open


def report_requests(user: User, hospital_ids, item_ids, since: date) -> list[ReportRequest]:
    """The requests for these hospitals and items in the advocacy report: every open one and those closed since
    `since`, open ones first, oldest first, with their follow-up count and last follow-up."""
    count, last = _follow_up_columns()
    r = EquipmentRequest
    return [ReportRequest(*row) for row in db.session.execute(
        select(r.id, r.hospital_id, r.item_id, r.addressee, r.addressee_name, r.requested_on, r.reference, r.outcome,
               r.resolved_on, r.resolution_note, Hospital.name, EquipmentItem.name, EquipmentItem.name_translations, count, last)
        .join(Hospital, Hospital.id == r.hospital_id)
        .join(EquipmentItem, EquipmentItem.id == r.item_id)
        .where(r.hospital_id.in_(list(hospital_ids)), r.item_id.in_(list(item_ids)), equipment_requests_scope(user),
               or_(r.outcome.is_(None), r.resolved_on >= since))
        .order_by(r.outcome.is_not(None), r.requested_on, r.id)
    )]
