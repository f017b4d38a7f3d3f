"""Each role's home page. The coordinator's dashboard grows here (see the dashboard issue)."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..auth.forms import ROLE_LABELS
from ..auth.models import COORDINATOR, HOSPITAL_ADMIN, MENTOR, ROLES, SYSADMIN
from ..core.extensions import db
from ..core.permissions import allow
from ..people.models import Mentor, Team
from . import queries

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@allow(*ROLES)
def home():
    role = current_user.role
    context: dict = {"role_labels": ROLE_LABELS}
    if role == COORDINATOR:
        context["counts"] = db.session.execute(queries.programme_counts()).one()
        context["hospitals"] = db.session.execute(queries.hospitals_overview()).all()
    elif role == HOSPITAL_ADMIN:
        context["hospital"] = db.session.execute(queries.hospitals_overview(current_user.hospital_id)).one_or_none()
        context["departments"] = db.session.execute(queries.mentees_by_department(current_user.hospital_id)).all()
    elif role == MENTOR:
        context["mentor"] = db.session.scalar(
            db.select(Mentor)
            .where(Mentor.id == current_user.mentor_id)
            .options(
                joinedload(Mentor.profession),
                joinedload(Mentor.team).selectinload(Team.hospitals),
                joinedload(Mentor.team).selectinload(Team.mentors).joinedload(Mentor.profession),
            )
        )
        context["mentees"] = db.session.execute(queries.mentor_active_mentees(current_user.mentor_id)).all()
    elif role == SYSADMIN:
        context["users_by_role"] = db.session.execute(queries.users_by_role()).all()
    return render_template(f"dashboard/home_{role}.html", **context)
