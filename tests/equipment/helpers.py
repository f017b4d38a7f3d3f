"""Factories for equipment tests: a world with two hospitals and a visit on today, and checks made directly."""

from datetime import date, timedelta

from sqlalchemy import select

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.defaults import seed_defaults
from blueprints.equipment.models import EquipmentCheck, EquipmentCount, EquipmentItem
from blueprints.visits.models import Visit
from tests.factories import make_hospital, make_mentor, make_team, make_user


def item(name: str) -> EquipmentItem:
    seed_defaults()
    return db.session.scalar(select(EquipmentItem).where(EquipmentItem.name == name))


def make_visit(hospital, team, start: date | None = None, days: int = 3, status: str = "confirmed") -> Visit:
    start = start or today() - timedelta(days=1)
    visit = Visit(hospital=hospital, team=team, start_date=start, days=days, end_date=start + timedelta(days=days - 1), status=status)
    db.session.add(visit)
    db.session.flush()
    return visit


def make_check(hospital, on: date, counts: dict, visit=None, complete: bool = True) -> EquipmentCheck:
    """counts: {item name: (available, functional)}."""
    from blueprints.core.models import utcnow

    check = EquipmentCheck(hospital=hospital, check_date=on, visit=visit, completed_at=utcnow() if complete else None)
    db.session.add(check)
    db.session.flush()
    for name, (available, functional) in counts.items():
        db.session.add(EquipmentCount(check_id=check.id, item_id=item(name).id, available=available, functional=functional,
                                      reason="broken" if functional < available else None))
    db.session.flush()
    return check


def world() -> dict:
    """Nemba (team A, visit on now) and Byumba (team B); a mentor of each team, Nemba's administrator, a coordinator."""
    seed_defaults()
    team_a, team_b = make_team("Team A"), make_team("Team B")
    nemba = make_hospital("Nemba", team=team_a, province="Northern Province")
    byumba = make_hospital("Byumba", team=team_b, province="Southern Province")
    return {
        "team_a": team_a, "team_b": team_b, "nemba": nemba, "byumba": byumba,
        "visit": make_visit(nemba, team_a),
        "mentor_a": make_user("mentor", mentor=make_mentor(team_a)),
        "mentor_b": make_user("mentor", mentor=make_mentor(team_b)),
        "admin": make_user("hospital_admin", hospital=nemba),
        "coordinator": make_user("coordinator"),
    }
