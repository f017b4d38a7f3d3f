"""Core routes: the health check and the audit trail."""

import json
from datetime import date

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import text

from ..auth.models import COORDINATOR, SYSADMIN
from ..people.queries import hospitals_for_select
from . import queries
from .extensions import db
from .htmx import render_page_or_fragment
from .pagination import paginate
from .permissions import allow, public

bp = Blueprint("core", __name__)


@bp.get("/healthz")
@public
def healthz():
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return jsonify(status="error", database="unreachable", detail=type(error).__name__), 503
    return jsonify(status="ok", database="ok", dialect=db.engine.dialect.name)


@bp.get("/audit/")
@allow(COORDINATOR, SYSADMIN)
def audit():
    """Every change and sign-in, newest first; read only (no route edits or deletes audit rows)."""
    kind = request.args.get("kind", "")
    filters = {
        "person": request.args.get("person", "").strip(),
        "hospital_id": request.args.get("hospital", type=int) or None,
        "kind": kind if kind in queries.AUDIT_KINDS else "",
        "date_from": request.args.get("from", type=date.fromisoformat),
        "date_to": request.args.get("to", type=date.fromisoformat),
    }
    page = paginate(queries.audit_query(**filters))
    return render_page_or_fragment(
        "core/audit.html", "core/_audit_table.html",
        page=page, filters=filters, kinds=queries.AUDIT_KINDS, hospitals=hospitals_for_select(), changes=changes,
    )


def changes(before: dict | None, after: dict | None) -> list[tuple[str, str | None, str | None]]:
    """(field, old, new) for each field an audit row mentions; old is None for a creation, new for a deletion."""
    before, after = before or {}, after or {}
    fields = list(after) + [k for k in before if k not in after]
    return [
        (field, _shown(before.get(field)) if before else None, _shown(after.get(field)) if after else None)
        for field in fields
    ]


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
