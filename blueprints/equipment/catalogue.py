"""The default equipment checklist by ward (DOMAIN.md: WHO/UNICEF/UNFPA priority devices for MNCH).

(ward, name, unit, required quantity per hospital, critical). Coordinators edit the catalogue
afterwards; seeding only adds the items that are missing.
"""

from sqlalchemy import select

from ..core.extensions import db
from .models import EquipmentItem

DEFAULT_CATALOGUE = (
    ("labour", "Delivery beds", "bed", 4, False),
    ("labour", "Partograph / labour care guide forms", "pad", 2, False),
    ("labour", "Pinard stethoscope or handheld Doppler", "device", 4, False),
    ("labour", "CTG / fetal monitor (labour monitor)", "monitor", 3, True),
    ("labour", "BP machine", "device", 2, False),
    ("labour", "Thermometer", "device", 2, False),
    ("labour", "Vacuum extractor", "set", 2, False),
    ("labour", "Delivery and suture kits", "kit", 6, False),
    ("labour", "MVA kit", "kit", 1, False),
    ("labour", "PPH kit with uterine balloon tamponade", "kit", 2, True),
    ("labour", "Eclampsia box (MgSO4)", "box", 1, True),
    ("labour", "Oxytocin fridge", "fridge", 1, False),
    ("labour", "Examination light", "lamp", 2, False),
    ("labour", "Adult suction", "machine", 1, False),
    ("labour", "Autoclave", "autoclave", 1, False),
    ("newborn_corner", "Radiant warmer / resuscitaire", "warmer", 2, True),
    ("newborn_corner", "Neonatal bag-valve-mask (masks 0 and 1)", "set", 3, True),
    ("newborn_corner", "Newborn suction", "device", 2, False),
    ("newborn_corner", "Clock / timer", "clock", 1, False),
    ("newborn_corner", "Newborn scale", "scale", 1, False),
    ("newborn_corner", "HBB practice manikin", "manikin", 1, False),
    ("neonatal_unit", "Bubble CPAP", "machine", 2, True),
    ("neonatal_unit", "Oxygen concentrator", "concentrator", 2, True),
    ("neonatal_unit", "Oxygen cylinders with regulator and flowmeter", "cylinder", 4, True),
    ("neonatal_unit", "Oxygen blender / flow splitter", "device", 2, False),
    ("neonatal_unit", "Pulse oximeter with neonatal probes", "oximeter", 2, True),
    ("neonatal_unit", "Phototherapy unit", "unit", 2, False),
    ("neonatal_unit", "Incubator", "incubator", 2, False),
    ("neonatal_unit", "Syringe / infusion pumps", "pump", 4, False),
    ("neonatal_unit", "Glucometer", "device", 1, False),
    ("neonatal_unit", "Kangaroo mother care beds", "bed", 6, False),
    ("neonatal_unit", "Breast pump", "pump", 1, False),
    ("neonatal_unit", "Suction machine", "machine", 1, False),
    ("theatre", "Anaesthesia machine", "machine", 1, True),
    ("theatre", "Multiparameter monitor", "monitor", 1, True),
    ("theatre", "Laryngoscope and ETT (all sizes)", "set", 2, False),
    ("theatre", "Adult and paediatric bag-valve-masks", "set", 2, False),
    ("theatre", "Spinal needles", "box", 1, False),
    ("theatre", "Caesarean section set", "set", 3, False),
    ("theatre", "Diathermy", "machine", 1, False),
    ("theatre", "Suction", "machine", 1, False),
    ("theatre", "Oxygen source", "source", 1, True),
    ("paediatric", "Oxygen concentrator", "concentrator", 2, True),
    ("paediatric", "Pulse oximeter", "oximeter", 2, True),
    ("paediatric", "Nebuliser / spacer", "device", 2, False),
    ("paediatric", "Intraosseous needles", "box", 1, False),
    ("paediatric", "Paediatric bag-valve-mask", "set", 2, True),
    ("paediatric", "MUAC tapes", "tape", 10, False),
    ("paediatric", "Scales", "scale", 2, False),
)


def seed_catalogue() -> None:
    """Add the default items that are missing (matched by ward and name); never changes edited rows."""
    have = {(w, n) for w, n in db.session.execute(select(EquipmentItem.ward, EquipmentItem.name))}
    db.session.add_all(
        EquipmentItem(ward=w, name=n, unit=u, required_quantity=q, critical=c, position=i)
        for i, (w, n, u, q, c) in enumerate(DEFAULT_CATALOGUE, start=1)
        if (w, n) not in have
    )
