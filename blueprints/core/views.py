"""Core routes: the health check."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from .extensions import db
from .permissions import public

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
