"""The demo programme's equipment checks, true to DOMAIN.md's problem 5 (no CPAP, shared oxygen, one labour
monitor). Called by blueprints/demo.py after the visits, whose held visits carry the checks."""

import random
from datetime import date, timedelta

from sqlalchemy import insert, select

from ..auth.models import User
from ..core.extensions import db
from ..core.models import utcnow
from ..core.roles import COORDINATOR, HOSPITAL_ADMIN
from ..visits.models import Visit
from .models import EquipmentCheck, EquipmentCount, EquipmentItem, EquipmentRequest, EquipmentRequestFollowUp
from .status import refresh_status

# Persistent equipment problems per demo hospital (DOMAIN.md problem 5): item name -> (available, functional)
# at the start, and for some the check from which it was fixed (index of the check, then its numbers).
EQUIPMENT_PROBLEMS = {
    "Nemba": {"Bubble CPAP": (0, 0), "Oxygen cylinders with regulator and flowmeter": (2, 1)},
    "Kinihira": {"Bubble CPAP": (1, 0), "Pulse oximeter with neonatal probes": (1, 1)},
    "Gakoma": {"Bubble CPAP": (0, 0), "Oxygen concentrator": (1, 0), "CTG / fetal monitor (labour monitor)": (1, 1)},
    "Byumba": {"CTG / fetal monitor (labour monitor)": (1, 1), "Oxygen cylinders with regulator and flowmeter": (2, 2)},
    "Kabgayi": {"CTG / fetal monitor (labour monitor)": (2, 1), "Radiant warmer / resuscitaire": (1, 1)},
    "Ruhango": {"Oxygen cylinders with regulator and flowmeter": (1, 1), "Phototherapy unit": (1, 0)},
    "Rutongo": {"Bubble CPAP": (1, 0)},
    "Ruli": {"Pulse oximeter": (1, 0), "Neonatal bag-valve-mask (masks 0 and 1)": (1, 1)},
    "Kibilizi": {"Oxygen cylinders with regulator and flowmeter": (1, 0)},
}
EQUIPMENT_FIXED = {("Rutongo", "Bubble CPAP"): 6, ("Ruli", "Pulse oximeter"): 4, ("Kibilizi", "Oxygen cylinders with regulator and flowmeter"): 8}


def add_checks(rng: random.Random, today: date, hospitals) -> dict[str, int]:
    """Equipment checks at the demo hospitals over two years: at each held visit when visits exist, else every
    two months by the hospital administrator. Gaps persist (no CPAP, shared oxygen, one labour monitor), a few
    items get fixed, and ordinary wear comes and goes. Gitwe's last check is left in progress."""
    items = list(db.session.scalars(select(EquipmentItem).where(EquipmentItem.retired.is_(False)).order_by(EquipmentItem.id)))
    admins = {admin.hospital_id: admin.id for admin in db.session.scalars(select(User).where(User.role == HOSPITAL_ADMIN))}
    held = {}
    for visit in db.session.scalars(select(Visit).where(Visit.status == "held", Visit.start_date <= today).order_by(Visit.start_date)):
        held.setdefault(visit.hospital_id, []).append(visit)
    checks = []  # (check, its number at the hospital, hospital)
    for hospital in hospitals:
        visits = held.get(hospital.id, [])
        dates = [(visit.start_date, visit) for visit in visits] or [
            (today - timedelta(days=720 - 60 * number + rng.randint(0, 10)), None) for number in range(12)]
        for number, (day, visit) in enumerate(dates):
            last = number == len(dates) - 1
            check = EquipmentCheck(hospital_id=hospital.id, check_date=min(day, today), visit_id=visit.id if visit else None,
                                   checked_by_id=None if visit else admins.get(hospital.id),
                                   completed_at=None if last and hospital.name == "Gitwe" else utcnow())
            db.session.add(check)
            checks.append((check, number, hospital))
    db.session.flush()  # one flush gives every check its id; the counts then go in as one bulk insert
    rows = []
    for check, number, hospital in checks:
        problems = EQUIPMENT_PROBLEMS.get(hospital.name, {})
        for item in items:
            available = functional = item.required_quantity
            reason = None
            fixed_at = EQUIPMENT_FIXED.get((hospital.name, item.name))
            if item.name in problems and (fixed_at is None or number < fixed_at):
                available, functional = problems[item.name]
                reason = "broken" if item.name == "Bubble CPAP" else "no_spare_part"
            elif available and rng.random() < 0.05:  # ordinary wear, repaired by the next check or two
                functional = available - 1
                reason = rng.choice(("broken", "no_spare_part", "no_consumables", "nobody_trained"))
            rows.append({"check_id": check.id, "item_id": item.id, "available": available, "functional": functional,
                         "reason": reason if functional < available else None,
                         "note": "Demo: oxygen shared between two babies" if "Oxygen cylinders" in item.name and functional < 2 else ""})
    db.session.execute(insert(EquipmentCount), rows)
    refresh_status()  # bulk inserts bypass the ORM's flush hook that keeps the status rows
    return {"equipment checks": len(checks), "equipment counts": len(rows)} | add_requests(today, hospitals)


# Requests for the lasting gaps (issue 25.6): (hospital, item, addressee, addressee's name, days before today,
# reference, follow-ups as (days before today, note), outcome as (days before today, outcome, note) or None).
EQUIPMENT_REQUESTS = (
    ("Nemba", "Bubble CPAP", "ministry", "Maternal and Child Health unit", 200, "MoH/MNCH/2026/031",
     ((150, "Reminder letter sent."), (60, "Raised at the quarterly meeting: promised in the next procurement.")), None),
    ("Nemba", "Bubble CPAP", "partner", "UNICEF", 120, "",
     ((100, "Called the country office."),), (90, "refused", "No CPAP in this year's budget.")),
    ("Gakoma", "Oxygen concentrator", "district", "Gakenke district", 90, "GAK/DH/112", ((45, "The district asked for a quote."),), None),
    ("Kabgayi", "CTG / fetal monitor (labour monitor)", "hospital", "", 150, "", (), (100, "partly", "One of the two monitors bought.")),
    ("Rutongo", "Bubble CPAP", "partner", "Partners In Health", 420, "PIH-RW-0457", ((380, "Delivery date confirmed."),),
     (330, "delivered", "Installed and staff shown how to use it.")),
    ("Ruhango", "Phototherapy unit", "hospital", "", 30, "", (), None),
)


def add_requests(today: date, hospitals) -> dict[str, int]:
    """Requests for some of the demo gaps: open ones followed up for months, one refused, one partly and one fully
    delivered, so the advocacy report has a story to tell."""
    by_name = {hospital.name: hospital.id for hospital in hospitals}
    items = dict(db.session.execute(select(EquipmentItem.name, EquipmentItem.id)).all())
    coordinator = db.session.scalar(select(User.id).where(User.role == COORDINATOR).order_by(User.id))
    made = 0
    for hospital, item, addressee, name, days, reference, follow_ups, outcome in EQUIPMENT_REQUESTS:
        if hospital not in by_name or item not in items:
            continue
        request = EquipmentRequest(hospital_id=by_name[hospital], item_id=items[item], addressee=addressee, addressee_name=name,
                                   requested_on=today - timedelta(days=days), reference=reference, created_by_id=coordinator,
                                   follow_ups=[EquipmentRequestFollowUp(followed_up_on=today - timedelta(days=ago), note=note,
                                                                        created_by_id=coordinator) for ago, note in follow_ups])
        if outcome:
            ago, request.outcome, request.resolution_note = outcome
            request.resolved_on = today - timedelta(days=ago)
        db.session.add(request)
        made += 1
    db.session.flush()
    return {"equipment requests": made}
