"""The default skills frameworks and rating scale (mentoring/framework.py) with the skills' names in French and
Kinyarwanda. Seeded by blueprints/defaults.py with the other areas' defaults, after the professions."""

from sqlalchemy import select

from ..core.extensions import db
from ..core.i18n import fill_name_translations
from .framework import seed_skills
from .models import Skill

# The default skills in French and Kinyarwanda (English is their `name`), seeded into their `name_translations`;
# coordinators edit them in the skill form. Terms: translations/GLOSSARY.md.
SKILL_NAME_TRANSLATIONS = {
    # skills: obstetrician/gynaecologist
    "Caesarean section: indications and technique": ("Césarienne : indications et technique", "Kubaga umubyeyi (sezariya): impamvu n'uburyo bikorwa"),
    "Vacuum delivery": ("Accouchement par ventouse", "Kubyaza hakoreshejwe vantuze"),
    "PPH escalation (bimanual compression, tamponade, surgery)": (
        "Prise en charge graduée de l'HPP (compression bimanuelle, tamponnement, chirurgie)",
        "Kuvura kuva amaraso nyuma yo kubyara ku rwego rukurikira (gukanda nyababyeyi n'amaboko yombi, balo, kubaga)"),
    "Pre-eclampsia/eclampsia with MgSO4": ("Prééclampsie/éclampsie et MgSO4", "Pre-eklampusiya/eklampusiya no gutanga MgSO4"),
    "Partograph and CTG interpretation": ("Interprétation du partogramme et du CTG", "Gusobanura partogramme na CTG"),
    "Manual removal of placenta and MVA": ("Délivrance artificielle et AMIU", "Gukuramo ingobyi n'intoki na MVA"),
    "Maternal death audit": ("Audit des décès maternels", "Isesengura ry'impfu z'ababyeyi"),
    # midwife
    "Partograph": ("Partogramme", "Partogramme"),
    "Active management of third stage": ("Gestion active de la troisième période de l'accouchement (GATPA)",
                                         "Kuyobora neza icyiciro cya gatatu cyo kubyara"),
    "Normal birth": ("Accouchement normal", "Kubyara bisanzwe"),
    "PPH first response": ("Premiers gestes face à l'HPP", "Ubutabazi bwa mbere ku kuva amaraso nyuma yo kubyara"),
    "MgSO4 loading dose": ("Dose de charge de MgSO4", "Doze ya mbere ya MgSO4"),
    "Essential newborn care and the HBB golden minute": ("Soins essentiels au nouveau-né et minute d'or (HBB)",
                                                         "Kwita ku ruhinja by'ibanze n'umunota wa zahabu (HBB)"),
    "Starting KMC": ("Démarrage de la méthode mère kangourou", "Gutangira kwita ku mwana mu buryo bwa kanguru"),
    "Breastfeeding support": ("Soutien à l'allaitement", "Gufasha umubyeyi konsa"),
    "Infection prevention": ("Prévention des infections", "Kwirinda indwara zandura"),
    "Referral": ("Référence des patients", "Kohereza umurwayi ahandi"),
    # paediatrician
    "Advanced neonatal resuscitation": ("Réanimation néonatale avancée", "Kuzahura uruhinja ku rwego rwo hejuru"),
    "Starting and weaning CPAP": ("Mise en route et sevrage de la CPAP", "Gutangira CPAP no kuyikuraho buhoro buhoro"),
    "Neonatal sepsis": ("Sepsis néonatal", "Uburozi bw'amaraso ku ruhinja (sepsis)"),
    "Jaundice thresholds": ("Seuils de l'ictère néonatal", "Ibipimo by'umuhondo ku ruhinja"),
    "Hypoglycaemia": ("Hypoglycémie", "Isukari nke mu maraso"),
    "Preterm/low-birth-weight care": ("Soins aux prématurés et aux nouveau-nés de faible poids",
                                      "Kwita ku bana bavutse igihe kitageze n'abavukanye ibiro bike"),
    "ETAT triage": ("Triage ETAT", "Gutoranya abarwayi barembye (ETAT)"),
    "Severe malnutrition": ("Malnutrition aiguë sévère", "Imirire mibi ikabije"),
    "Perinatal death audit": ("Audit des décès périnatals", "Isesengura ry'impfu z'abana bavuka"),
    # paediatric nurse
    "CPAP set-up and nursing care": ("Installation de la CPAP et soins infirmiers", "Gutegura CPAP no kwita ku mwana uyiriho"),
    "Oxygen titration by SpO2": ("Ajustement de l'oxygène selon la SpO2", "Guhuza ogisijeni n'igipimo cya SpO2"),
    "Thermal care": ("Maintien de la température", "Kurinda uruhinja ubukonje"),
    "KMC": ("Méthode mère kangourou", "Kwita ku mwana mu buryo bwa kanguru"),
    "Feed volumes and NG tube": ("Volumes d'alimentation et sonde nasogastrique", "Ingano y'amata n'umuyoboro unyura mu zuru (NG)"),
    "Drug and fluid dose calculation": ("Calcul des doses de médicaments et de liquides", "Kubara doze z'imiti n'iza serumu"),
    "Phototherapy nursing": ("Soins infirmiers en photothérapie", "Kwita ku mwana uri kuri fototerapi"),
    "Vital-signs charts": ("Feuilles de surveillance des signes vitaux", "Impapuro z'ibimenyetso by'ubuzima"),
    # anaesthetist
    "Spinal anaesthesia for caesarean": ("Rachianesthésie pour césarienne", "Ikinya cyo mu mugongo cya sezariya"),
    "General anaesthesia and failed-intubation drill": ("Anesthésie générale et conduite en cas d'échec d'intubation",
                                                        "Ikinya rusange n'imyitozo y'igihe kwinjiza umuyoboro binaniranye"),
    "Resuscitation and transfusion for haemorrhage": ("Réanimation et transfusion en cas d'hémorragie",
                                                      "Kuzahura no guha amaraso uwavuye amaraso menshi"),
    "Anaesthesia in eclampsia": ("Anesthésie en cas d'éclampsie", "Ikinya ku mubyeyi ufite eklampusiya"),
    "Supporting newborn resuscitation": ("Appui à la réanimation du nouveau-né", "Gufasha kuzahura uruhinja"),
    "WHO surgical safety checklist": ("Liste de contrôle de la sécurité chirurgicale de l'OMS",
                                      "Urutonde rw'igenzura ry'umutekano mu kubaga (OMS)"),
    # general practitioner (names shared with another framework are above)
    "Triage and emergency obstetric first response": ("Triage et premiers gestes en urgence obstétricale",
                                                      "Gutoranya abarwayi n'ubutabazi bwa mbere ku babyeyi barembye"),
    "Partograph reading": ("Lecture du partogramme", "Gusoma partogramme"),
    "Prescribing MgSO4 and oxytocin": ("Prescription du MgSO4 et de l'ocytocine", "Kwandika imiti ya MgSO4 na ogisitosine"),
    "Sepsis recognition and referral": ("Reconnaissance et référence du sepsis", "Kumenya uburozi bw'amaraso (sepsis) no kohereza umurwayi"),
    "Maternal and perinatal death audit": ("Audit des décès maternels et périnatals", "Isesengura ry'impfu z'ababyeyi n'iz'abana bavuka"),
    "Neonatal resuscitation": ("Réanimation néonatale", "Kuzahura uruhinja"),
    # nurse
    "Vital signs and early warning": ("Signes vitaux et alerte précoce", "Ibimenyetso by'ubuzima no kumenya hakiri kare ibyago"),
    "Oxygen therapy": ("Oxygénothérapie", "Guha umurwayi ogisijeni"),
    "Drug administration and dose checks": ("Administration des médicaments et vérification des doses",
                                            "Gutanga imiti no kugenzura doze"),
    "KMC support": ("Accompagnement de la méthode mère kangourou", "Gufasha ababyeyi kwita ku mwana mu buryo bwa kanguru"),
    "Bag-and-mask ventilation of the newborn": ("Ventilation au ballon et au masque du nouveau-né",
                                                "Guhumeka uruhinja hakoreshejwe umupira n'agapfukamunwa"),
    # anaesthesia technician
    "Pre-anaesthetic check": ("Vérification pré-anesthésique", "Igenzura mbere yo gutera ikinya"),
    "Spinal anaesthesia under supervision": ("Rachianesthésie sous supervision", "Gutera ikinya cyo mu mugongo ugenzurwa"),
    "Airway equipment and suction readiness": ("Matériel des voies aériennes et aspiration prêts",
                                               "Gutegura ibikoresho by'inzira y'umwuka n'imashini isukura"),
    "Recovery monitoring": ("Surveillance en salle de réveil", "Gukurikirana umurwayi akanguka nyuma yo kubagwa"),
}

# The default frameworks' areas (framework.DEFAULT_SKILLS) in French and Kinyarwanda, seeded into each skill's
# `area_translations` as the names are; coordinators edit them in the skill form.
SKILL_AREA_TRANSLATIONS = {
    "Obstetric care": ("Soins obstétricaux", "Ubuvuzi bw'ababyeyi"),
    "Midwifery": ("Pratique sage-femme", "Ububyaza"),
    "Newborn and child care": ("Soins du nouveau-né et de l'enfant", "Ubuvuzi bw'impinja n'abana"),
    "Newborn nursing": ("Soins infirmiers du nouveau-né", "Ubuforomo bw'impinja"),
    "Obstetric anaesthesia": ("Anesthésie obstétricale", "Ikinya ku babyeyi"),
    "Triage": ("Triage", "Gutoranya abarwayi"),
    "Emergency obstetric and newborn care": ("Soins obstétricaux et néonatals d'urgence",
                                             "Ubutabazi bwihuse ku babyeyi n'impinja"),
    "Resuscitation at birth": ("Réanimation à la naissance", "Kuzahura uruhinja rukivuka"),
    "Infection control": ("Contrôle des infections", "Kwirinda no kurwanya indwara zandura"),
}


def seed() -> None:
    """Give each profession without skills its framework, keep the rating scale, and translate the default skills
    that have no translations yet; never changes edited rows."""
    seed_skills()
    db.session.flush()
    fill_skill_translations()
    db.session.flush()


def fill_area_translations() -> int:
    """Skills in a default area without the area's translations get the seeded ones; an area a coordinator
    translated is left alone."""
    filled = 0
    for skill in db.session.scalars(select(Skill).where(Skill.area.in_(SKILL_AREA_TRANSLATIONS), Skill.area_translations.is_(None))):
        french, kinyarwanda = SKILL_AREA_TRANSLATIONS[skill.area]
        skill.area_translations = {"fr": french, "rw": kinyarwanda}
        filled += 1
    return filled


def fill_skill_translations() -> int:
    """Default skills without translations get the seeded ones (databases made before names were translated), and
    their areas too."""
    return fill_name_translations(Skill, SKILL_NAME_TRANSLATIONS) + fill_area_translations()
