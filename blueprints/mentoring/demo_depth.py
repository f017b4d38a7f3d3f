"""The demo programme's share of issue 25 (programme depth): one hospital on its own monthly cadence, and support
requests about the hospitals' equipment, staffing and scheduling, some answered by the hospital's administrator.
Called once from blueprints/demo.py after the rest of the demo is built."""

from datetime import date

from sqlalchemy import select

from ..auth.models import User
from ..core.extensions import db
from ..core.models import utcnow
from ..core.roles import HOSPITAL_ADMIN
from ..people.models import Hospital
from ..visits.models import Visit
from .models import Reflection, SupportStatus, SupportTopic

MONTHLY_HOSPITAL = "Kinihira"  # one monthly programme in the literature; this demo hospital follows it
# The demo's support texts (blueprints/demo.py SUPPORT) and what each is about.
TOPICS = {
    "A second CPAP machine for the neonatal unit": SupportTopic.EQUIPMENT,
    "Oxygen cylinders are shared between babies": SupportTopic.EQUIPMENT,
    "Night-shift rota keeps mentees away during visits": SupportTopic.SCHEDULING,
}
ANSWERS = {
    SupportTopic.EQUIPMENT: "Requested from the district pharmacy; delivery expected next month (demo).",
    SupportTopic.SCHEDULING: "Mentees are off the night rota on visit days from now on (demo).",
}


def add_programme_depth(today: date) -> dict[str, int]:
    """Give the demo its monthly hospital and hospital-topic support requests; returns the counts it made."""
    monthly = db.session.scalar(select(Hospital).where(Hospital.name == MONTHLY_HOSPITAL))
    if monthly is not None:
        monthly.cadence_days = 30
    admins = {u.hospital_id: u for u in db.session.scalars(select(User).where(User.role == HOSPITAL_ADMIN))}
    answered = 0
    rows = db.session.execute(select(Reflection, Visit.hospital_id).join(Visit, Visit.id == Reflection.visit_id)
                              .where(Reflection.support_needed.in_(TOPICS)).order_by(Reflection.id)).all()
    for reflection, hospital_id in rows:
        reflection.support_topic = TOPICS[reflection.support_needed]
        admin = admins.get(hospital_id)
        if reflection.support_status != SupportStatus.OPEN and admin is not None:
            reflection.support_answer = ANSWERS[reflection.support_topic]
            reflection.support_answered_by_id = admin.id
            reflection.support_answered_at = utcnow()
            answered += 1
    db.session.flush()
    return {"hospitals with their own cadence": int(monthly is not None), "support requests about a hospital": len(rows),
            "support requests answered by the hospital": answered}
