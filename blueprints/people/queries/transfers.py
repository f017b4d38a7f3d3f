"""Reads for transfers: a mentee's moves, the one waiting, a hospital's moves in and out and its turnover."""

from datetime import date, timedelta

from flask import abort
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import joinedload

from ...auth.models import User
from ...core.extensions import db
from ...core.models import utcnow
from ..models import Hospital, Transfer
from ..scopes import can_read_transfer
from ..transfer_corrections import correction_refusal


def mentee_transfers(mentee_id: int) -> Select:
    return (
        select(Transfer)
        .where(Transfer.mentee_id == mentee_id)
        .options(
            joinedload(Transfer.from_hospital), joinedload(Transfer.to_hospital),
            joinedload(Transfer.from_department), joinedload(Transfer.to_department),
        )
        .order_by(Transfer.effective_date.desc(), Transfer.id.desc())
    )


def cancellable_transfers(user: User, transfers) -> set[int]:
    """Of these transfers, those the user logged and may still cancel (for the hospital page, where the sending
    administrator, who no longer sees the mentee, finds the move)."""
    now = utcnow()
    return {t.id for t in transfers if t.logged_by_id == user.id and t.cancelled_at is None
            and correction_refusal(t, user, now) is None and (last_transfer(t.mentee_id) or t).id == t.id}


def pending_transfer(mentee_id: int) -> Transfer | None:
    """The mentee's move waiting for its date (at most one: `uq_transfer_pending_mentee`)."""
    return db.session.scalar(
        select(Transfer).where(Transfer.mentee_id == mentee_id, Transfer.applied_at.is_(None), Transfer.cancelled_at.is_(None))
    )


def last_transfer(mentee_id: int) -> Transfer | None:
    return db.session.scalar(
        select(Transfer)
        .where(Transfer.mentee_id == mentee_id, Transfer.cancelled_at.is_(None))
        .order_by(Transfer.effective_date.desc(), Transfer.id.desc())
        .limit(1)
    )


def transfers_out_last_12_months(today: date, hospital_id: int | None = None) -> Select:
    """Turnover: transfers out of each hospital (to another hospital or out of service) in the last year."""
    query = (
        select(Hospital.id, Hospital.name, func.count(Transfer.id).label("transfers_out"))
        .outerjoin(
            Transfer,
            and_(
                Transfer.from_hospital_id == Hospital.id,
                Transfer.kind != "department",
                Transfer.cancelled_at.is_(None),
                Transfer.effective_date > today - timedelta(days=365),
                Transfer.effective_date <= today,
            ),
        )
        .group_by(Hospital.id, Hospital.name)
        .order_by(func.count(Transfer.id).desc(), Hospital.name)
    )
    if hospital_id is not None:
        query = query.where(Hospital.id == hospital_id)
    return query


def hospital_transfers(hospital_id: int, direction: str, limit: int | None = 20, between: tuple[date, date] | None = None) -> Select:
    """Recent transfers into or out of a hospital (department moves inside it count as out), newest first; with
    `between` only those whose effective date falls in it (both ends included)."""
    column = Transfer.to_hospital_id if direction == "in" else Transfer.from_hospital_id
    query = (
        select(Transfer)
        .where(column == hospital_id, Transfer.cancelled_at.is_(None))
        .options(
            joinedload(Transfer.mentee), joinedload(Transfer.from_hospital), joinedload(Transfer.to_hospital),
            joinedload(Transfer.from_department), joinedload(Transfer.to_department),
        )
        .order_by(Transfer.effective_date.desc(), Transfer.id.desc())
        .limit(limit)
    )
    if between is not None:
        query = query.where(Transfer.effective_date.between(*between))
    if direction == "in":
        query = query.where(Transfer.kind == "hospital")
    return query


def get_transfer_or_404(transfer_id: int, user: User) -> Transfer:
    """The transfer for its page if this user may read it (404 otherwise, so ids reveal nothing)."""
    transfer = db.session.scalar(
        select(Transfer).where(Transfer.id == transfer_id).options(
            joinedload(Transfer.mentee), joinedload(Transfer.from_hospital), joinedload(Transfer.to_hospital),
            joinedload(Transfer.from_department), joinedload(Transfer.to_department))
    )
    if transfer is None or not can_read_transfer(user, transfer):
        abort(404)
    return transfer


def users_by_id(ids) -> list[User]:
    """The accounts named on a transfer's page (who logged it, who asked for a mentor), in one query."""
    wanted = {i for i in ids if i is not None}
    return list(db.session.scalars(select(User).where(User.id.in_(wanted)))) if wanted else []
