"""The default skills framework (DOMAIN.md: EmONC signal functions, HBB, ENC, ETAT) and the rating scale setting."""

import json

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.extensions import db
from ..core.models import Setting
from ..people.models import Profession
from .models import Skill

RATING_SCALE_KEY = "rating_scale"
DEFAULT_RATING_SCALE = (
    (1, "not yet able"),
    (2, "needs much help"),
    (3, "needs some help"),
    (4, "competent"),
    (5, "can teach others"),
)
NOT_OBSERVED = _l("not observed")

# profession code -> (area, skills)
DEFAULT_SKILLS = {
    "obgyn": ("Obstetric care", (
        "Caesarean section: indications and technique", "Vacuum delivery",
        "PPH escalation (bimanual compression, tamponade, surgery)", "Pre-eclampsia/eclampsia with MgSO4",
        "Partograph and CTG interpretation", "Manual removal of placenta and MVA", "Maternal death audit",
    )),
    "midwife": ("Midwifery", (
        "Partograph", "Active management of third stage", "Normal birth", "PPH first response",
        "MgSO4 loading dose", "Essential newborn care and the HBB golden minute", "Starting KMC",
        "Breastfeeding support", "Infection prevention", "Referral",
    )),
    "paediatrician": ("Newborn and child care", (
        "Advanced neonatal resuscitation", "Starting and weaning CPAP", "Neonatal sepsis", "Jaundice thresholds",
        "Hypoglycaemia", "Preterm/low-birth-weight care", "ETAT triage", "Severe malnutrition", "Perinatal death audit",
    )),
    "paediatric_nurse": ("Newborn nursing", (
        "CPAP set-up and nursing care", "Oxygen titration by SpO2", "Thermal care", "KMC",
        "Feed volumes and NG tube", "Drug and fluid dose calculation", "Phototherapy nursing", "Vital-signs charts",
    )),
    "anaesthetist": ("Obstetric anaesthesia", (
        "Spinal anaesthesia for caesarean", "General anaesthesia and failed-intubation drill",
        "Resuscitation and transfusion for haemorrhage", "Anaesthesia in eclampsia",
        "Supporting newborn resuscitation", "WHO surgical safety checklist",
    )),
}

# Mentee professions without a framework of their own are rated on the nearest mentor profession's skills.
FRAMEWORK_OF = {"general_practitioner": "obgyn", "nurse": "paediatric_nurse", "anaesthesia_technician": "anaesthetist"}


def seed_skills() -> None:
    """Give each profession without any skill its default framework; a framework a coordinator has edited,
    renamed or retired is theirs and never touched again."""
    professions = {p.code: p for p in db.session.scalars(select(Profession))}
    have = set(db.session.scalars(select(Skill.profession_id).distinct()))
    for code, (area, names) in DEFAULT_SKILLS.items():
        profession = professions.get(code)
        if profession is None or profession.id in have:
            continue
        db.session.add_all(Skill(profession_id=profession.id, area=area, name=name, position=position)
                           for position, name in enumerate(names, start=1))
    if db.session.get(Setting, RATING_SCALE_KEY) is None:
        db.session.add(Setting(key=RATING_SCALE_KEY, value=json.dumps(DEFAULT_RATING_SCALE)))


def rating_scale() -> dict[int, str]:
    """The programme's rating scale, value -> label (the setting, else the default)."""
    setting = db.session.get(Setting, RATING_SCALE_KEY)
    try:
        pairs = json.loads(setting.value) if setting else DEFAULT_RATING_SCALE
        return {int(value): str(label) for value, label in pairs}
    except (ValueError, TypeError):
        return dict(DEFAULT_RATING_SCALE)
