"""The default skills framework (DOMAIN.md: EmONC signal functions, HBB, ENC, ETAT) and the rating scale setting."""

import json

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.extensions import db
from ..core.models import Setting
from ..people.models import Profession
from .models import Skill

RATING_SCALE_KEY = "rating_scale"
LANGUAGES = ("en", "fr", "rw")  # every level's label is kept in each of these; English is the fallback
MAX_LEVELS = 10
DEFAULT_RATING_SCALE = {
    1: {"en": "not yet able", "fr": "pas encore capable", "rw": "Ntarabishobora"},
    2: {"en": "needs much help", "fr": "a besoin de beaucoup d'aide", "rw": "Akeneye ubufasha bwinshi"},
    3: {"en": "needs some help", "fr": "a besoin d'un peu d'aide", "rw": "Akeneye ubufasha buke"},
    4: {"en": "competent", "fr": "compétent", "rw": "Arabishoboye"},
    5: {"en": "can teach others", "fr": "peut enseigner aux autres", "rw": "Ashobora kwigisha abandi"},
}
NOT_OBSERVED = _l("not observed")

# profession code -> ((area, skills), ...): each profession's own framework, mentees' professions included
# (DOMAIN.md; WHO/Rwanda MNCH competency areas for the general practitioner, nurse and anaesthesia technician).
DEFAULT_SKILLS = {
    "obgyn": (("Obstetric care", (
        "Caesarean section: indications and technique", "Vacuum delivery",
        "PPH escalation (bimanual compression, tamponade, surgery)", "Pre-eclampsia/eclampsia with MgSO4",
        "Partograph and CTG interpretation", "Manual removal of placenta and MVA", "Maternal death audit",
    )),),
    "midwife": (("Midwifery", (
        "Partograph", "Active management of third stage", "Normal birth", "PPH first response",
        "MgSO4 loading dose", "Essential newborn care and the HBB golden minute", "Starting KMC",
        "Breastfeeding support", "Infection prevention", "Referral",
    )),),
    "paediatrician": (("Newborn and child care", (
        "Advanced neonatal resuscitation", "Starting and weaning CPAP", "Neonatal sepsis", "Jaundice thresholds",
        "Hypoglycaemia", "Preterm/low-birth-weight care", "ETAT triage", "Severe malnutrition", "Perinatal death audit",
    )),),
    "paediatric_nurse": (("Newborn nursing", (
        "CPAP set-up and nursing care", "Oxygen titration by SpO2", "Thermal care", "KMC",
        "Feed volumes and NG tube", "Drug and fluid dose calculation", "Phototherapy nursing", "Vital-signs charts",
    )),),
    "anaesthetist": (("Obstetric anaesthesia", (
        "Spinal anaesthesia for caesarean", "General anaesthesia and failed-intubation drill",
        "Resuscitation and transfusion for haemorrhage", "Anaesthesia in eclampsia",
        "Supporting newborn resuscitation", "WHO surgical safety checklist",
    )),),
    "general_practitioner": (
        ("Triage", ("Triage and emergency obstetric first response",)),
        ("Emergency obstetric and newborn care", (
            "Partograph reading", "Prescribing MgSO4 and oxytocin", "Sepsis recognition and referral",
            "Maternal and perinatal death audit",
        )),
        ("Resuscitation at birth", ("Neonatal resuscitation",)),
        ("Infection control", ("Infection prevention",)),
    ),
    "nurse": (
        ("Triage", ("Vital signs and early warning",)),
        ("Emergency obstetric and newborn care", (
            "Oxygen therapy", "Drug administration and dose checks", "KMC support", "Referral",
        )),
        ("Resuscitation at birth", ("Bag-and-mask ventilation of the newborn",)),
        ("Infection control", ("Infection prevention",)),
    ),
    "anaesthesia_technician": (
        ("Obstetric anaesthesia", (
            "Pre-anaesthetic check", "Spinal anaesthesia under supervision", "Airway equipment and suction readiness",
            "Recovery monitoring", "WHO surgical safety checklist",
        )),
        ("Resuscitation at birth", ("Supporting newborn resuscitation",)),
        ("Infection control", ("Infection prevention",)),
    ),
}


def seed_skills() -> None:
    """Give each profession without any skill its default framework; a framework a coordinator has edited,
    renamed or retired is theirs and never touched again."""
    professions = {p.code: p for p in db.session.scalars(select(Profession))}
    have = set(db.session.scalars(select(Skill.profession_id).distinct()))
    for code, groups in DEFAULT_SKILLS.items():
        profession = professions.get(code)
        if profession is None or profession.id in have:
            continue
        names = [(area, name) for area, group in groups for name in group]
        db.session.add_all(Skill(profession_id=profession.id, area=area, name=name, position=position)
                           for position, (area, name) in enumerate(names, start=1))
    setting = db.session.get(Setting, RATING_SCALE_KEY)
    if setting is None:
        db.session.add(Setting(key=RATING_SCALE_KEY, value=dump_scale(DEFAULT_RATING_SCALE)))
    elif _english_only(setting.value) == {n: labels["en"] for n, labels in DEFAULT_RATING_SCALE.items()}:
        setting.value = dump_scale(DEFAULT_RATING_SCALE)  # the old English-only default gains its translations


def crosses_professions(mentee_profession_id: int | None, mentor_profession_id: int | None) -> bool:
    """Whether a pairing crosses professions, so the form and the sheet say whose framework the ratings use."""
    return bool(mentor_profession_id) and mentee_profession_id != mentor_profession_id


def dump_scale(scale: dict[int, dict[str, str]]) -> str:
    """The stored form: {"1": {"en": "...", "fr": "...", "rw": "..."}, ...}."""
    return json.dumps({str(n): {lang: labels.get(lang, "") for lang in LANGUAGES} for n, labels in sorted(scale.items())},
                      ensure_ascii=False)


def parse_scale(value: str) -> dict[int, dict[str, str]]:
    """Read either the stored form or the old plain ones ([[1, "label"], ...] or {"1": "label"}); a plain label
    is English. Raises ValueError or TypeError on anything else."""
    data = json.loads(value)
    items = data.items() if isinstance(data, dict) else data
    scale = {}
    for n, labels in items:
        if isinstance(labels, dict):
            scale[int(n)] = {lang: str(labels.get(lang) or "") for lang in LANGUAGES}
        else:
            scale[int(n)] = {"en": str(labels), **{lang: "" for lang in LANGUAGES if lang != "en"}}
    if not scale:
        raise ValueError("an empty rating scale")
    return dict(sorted(scale.items()))


def _english_only(value: str) -> dict[int, str] | None:
    """The labels of a scale stored in the old plain format, else None."""
    try:
        data = json.loads(value)
        items = data.items() if isinstance(data, dict) else data
        if any(isinstance(labels, dict) for _n, labels in items):
            return None
        return {int(n): str(label) for n, label in items}
    except (ValueError, TypeError):
        return None


def rating_scale_labels() -> dict[int, dict[str, str]]:
    """The programme's rating scale in every language, level -> {language: label} (the setting, else the default)."""
    setting = db.session.get(Setting, RATING_SCALE_KEY)
    if setting is None:
        return {n: dict(labels) for n, labels in DEFAULT_RATING_SCALE.items()}
    try:
        return parse_scale(setting.value)
    except (ValueError, TypeError, AttributeError):
        return {n: dict(labels) for n, labels in DEFAULT_RATING_SCALE.items()}


def current_language() -> str:
    """The language of the current flask-babel locale ('en' outside a request or when none is set)."""
    try:
        locale = get_locale()
    except (RuntimeError, KeyError, AttributeError):
        return "en"
    return locale.language if locale is not None else "en"


def rating_scale(language: str | None = None) -> dict[int, str]:
    """The programme's rating scale, level -> label in a language (default: the current locale's), falling
    back to English where a label is missing in that language."""
    language = (language or current_language()).split("_")[0].split("-")[0].lower()
    return {n: labels.get(language) or labels.get("en") or next((v for v in labels.values() if v), str(n))
            for n, labels in rating_scale_labels().items()}
