"""The audit trail: who changed what, when, with the values before and after."""

from datetime import date
from enum import Enum

from flask import has_request_context, request
from flask_login import current_user

from .extensions import db
from .models import AuditEvent


def record(
    action: str,
    obj=None,
    *,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
    hospital_id: int | None = None,
    user=None,
    username: str | None = None,
) -> AuditEvent:
    """Add an audit row to the current transaction; it commits or rolls back with the change itself."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    event = AuditEvent(
        action=action,
        object_type=obj.__tablename__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        hospital_id=hospital_id,
        summary=summary,
        before=before,
        after=after,
        user_id=user.id if user is not None else None,
        username=username if username is not None else (user.username if user is not None else ""),
        ip=(request.remote_addr or "") if has_request_context() else "",
    )
    db.session.add(event)
    return event


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Keep only the keys whose values differ, so the audit row says what changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record_changes(action: str, obj, before: dict, *, summary: str, **fields) -> AuditEvent | None:
    """Record what changed in `obj` since `before` (its snapshot then), the changed keys only; nothing when
    nothing did."""
    changed_before, changed_after = changes(before, snapshot(obj))
    if not changed_after:
        return None
    return record(action, obj, summary=summary, before=changed_before, after=changed_after, **fields)


def snapshot(obj) -> dict:
    """The values the audit row keeps of `obj`: the fields its model names in `__audited__`, days as ISO text and
    enums as their value, so the row reads the same whatever the column's Python type."""
    return {name: _plain(getattr(obj, name)) for name in type(obj).__audited__}


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value
