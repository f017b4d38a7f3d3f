"""Default content every programme starts with (DOMAIN.md); coordinators can edit it afterwards. Above the areas
(it fills people, visits, mentoring and equipment tables), so no area and not the kernel imports it."""

from sqlalchemy import select

from .core.extensions import db
from .core.i18n import N_
from .core.programme import seed_programme_settings
from .equipment.catalogue import seed_catalogue
from .equipment.models import EquipmentItem
from .mentoring.framework import seed_skills
from .mentoring.models import Skill
from .people.models import Department, Profession
from .visits.models import Holiday

DEPARTMENTS = (
    ("maternity", N_("Maternity")),
    ("neonatology", N_("Neonatology")),
    ("paediatrics", N_("Paediatrics")),
    ("theatre", N_("Theatre (anaesthesia)")),
)

# (code, name, is a mentor profession)
PROFESSIONS = (
    ("obgyn", N_("Obstetrician/gynaecologist"), True),
    ("paediatrician", N_("Paediatrician"), True),
    ("anaesthetist", N_("Anaesthetist"), True),
    ("midwife", N_("Midwife"), True),
    ("paediatric_nurse", N_("Paediatric nurse"), True),
    ("general_practitioner", N_("General practitioner"), False),
    ("nurse", N_("Nurse"), False),
    ("anaesthesia_technician", N_("Anaesthesia technician"), False),
)


# Rwanda's public holidays that fall on the same date every year (month, day, name).
FIXED_HOLIDAYS = (
    (1, 1, N_("New Year's Day")),
    (1, 2, N_("Day after New Year's Day")),
    (2, 1, N_("National Heroes' Day")),
    (4, 7, N_("Genocide against the Tutsi Memorial Day")),
    (5, 1, N_("Labour Day")),
    (7, 1, N_("Independence Day")),
    (7, 4, N_("Liberation Day")),
    (8, 15, N_("Assumption Day")),
    (12, 25, N_("Christmas Day")),
    (12, 26, N_("Boxing Day")),
)


# The default skills and equipment items in French and Kinyarwanda (English is their `name`), seeded into their
# `name_translations`; coordinators edit them in the skill and equipment item forms. Terms: translations/GLOSSARY.md.
NAME_TRANSLATIONS = {
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
    # equipment: labour ward
    "Delivery beds": ("Lits d'accouchement", "Ibitanda byo kubyariraho"),
    "Partograph / labour care guide forms": ("Formulaires de partogramme / guide de soins du travail",
                                             "Impapuro za partogramme / z'ikurikirana ry'ibise"),
    "Pinard stethoscope or handheld Doppler": ("Stéthoscope de Pinard ou Doppler portable",
                                               "Stetoskopi ya Pinard cyangwa Doppler ifatwa mu ntoki"),
    "CTG / fetal monitor (labour monitor)": ("Cardiotocographe / moniteur fœtal (monitorage du travail)",
                                             "CTG / imashini ikurikirana umutima w'umwana uri mu nda"),
    "BP machine": ("Tensiomètre", "Imashini ipima umuvuduko w'amaraso"),
    "Thermometer": ("Thermomètre", "Termometero"),
    "Vacuum extractor": ("Ventouse obstétricale", "Vantuze yo kubyaza"),
    "Delivery and suture kits": ("Boîtes d'accouchement et de suture", "Ibikoresho byo kubyaza no kudoda"),
    "MVA kit": ("Kit d'AMIU", "Ibikoresho bya MVA"),
    "PPH kit with uterine balloon tamponade": ("Kit HPP avec tamponnement intra-utérin par ballonnet",
                                               "Ibikoresho byo kuvura kuva amaraso nyuma yo kubyara birimo balo ya nyababyeyi"),
    "Eclampsia box (MgSO4)": ("Boîte éclampsie (MgSO4)", "Agasanduku ka eklampusiya (MgSO4)"),
    "Oxytocin fridge": ("Réfrigérateur pour l'ocytocine", "Firigo ibikwamo okisitosine"),
    "Examination light": ("Lampe d'examen", "Itara ryo gusuzumiraho"),
    "Adult suction": ("Aspirateur adulte", "Imashini isukura inzira z'ubuhumekero (abantu bakuru)"),
    "Autoclave": ("Autoclave", "Otoklave (isukura ibikoresho)"),
    # newborn corner
    "Radiant warmer / resuscitaire": ("Table chauffante / table de réanimation néonatale",
                                      "Ameza ashyushya uruhinja / ameza yo kuzahura uruhinja"),
    "Neonatal bag-valve-mask (masks 0 and 1)": ("Ballon auto-remplisseur néonatal (masques 0 et 1)",
                                                "Ambu y'uruhinja (masike 0 na 1)"),
    "Newborn suction": ("Aspirateur néonatal", "Icyuma gisukura inzira z'ubuhumekero z'uruhinja"),
    "Clock / timer": ("Horloge / minuteur", "Isaha / igipima-gihe"),
    "Newborn scale": ("Pèse-bébé", "Umunzani w'uruhinja"),
    "HBB practice manikin": ("Mannequin d'entraînement HBB", "Igipupe cyo kwitorezaho HBB"),
    # neonatal unit
    "Bubble CPAP": ("CPAP à bulles", "Bubble CPAP"),
    "Oxygen concentrator": ("Concentrateur d'oxygène", "Imashini itanga ogisijeni (concentrateur)"),
    "Oxygen cylinders with regulator and flowmeter": ("Bouteilles d'oxygène avec détendeur et débitmètre",
                                                      "Amacupa ya ogisijeni afite regilateri na debimetero"),
    "Oxygen blender / flow splitter": ("Mélangeur d'oxygène / répartiteur de débit", "Ivanga rya ogisijeni / igabanya ry'umwuka"),
    "Pulse oximeter with neonatal probes": ("Oxymètre de pouls avec capteurs néonatals", "Oximetero ifite ibipima by'uruhinja"),
    "Phototherapy unit": ("Appareil de photothérapie", "Imashini ya fototerapi (ivura umuhondo)"),
    "Incubator": ("Couveuse", "Kuveze (incubateur)"),
    "Syringe / infusion pumps": ("Pousse-seringues / pompes à perfusion", "Pompe z'inshinge / za serumu"),
    "Glucometer": ("Glucomètre", "Glukometero (ipima isukari mu maraso)"),
    "Kangaroo mother care beds": ("Lits pour la méthode mère kangourou", "Ibitanda byo kwita ku bana mu buryo bwa kanguru"),
    "Breast pump": ("Tire-lait", "Icyuma gikama amashereka"),
    "Suction machine": ("Aspirateur électrique", "Imashini isukura inzira z'ubuhumekero"),
    # obstetric theatre
    "Anaesthesia machine": ("Appareil d'anesthésie", "Imashini itera ikinya"),
    "Multiparameter monitor": ("Moniteur multiparamétrique", "Monitoro ikurikirana ibipimo byinshi"),
    "Laryngoscope and ETT (all sizes)": ("Laryngoscope et sondes d'intubation (toutes tailles)",
                                         "Laringoskopi n'imiyoboro yo kwinjiza mu muhogo (ingano zose)"),
    "Adult and paediatric bag-valve-masks": ("Ballons auto-remplisseurs adulte et pédiatrique", "Ambu z'abantu bakuru n'iz'abana"),
    "Spinal needles": ("Aiguilles de rachianesthésie", "Inshinge zo gutera ikinya mu mugongo"),
    "Caesarean section set": ("Boîte de césarienne", "Ibikoresho byo kubaga sezariya"),
    "Diathermy": ("Bistouri électrique", "Diyatermi (icyuma cy'amashanyarazi cyo kubaga)"),
    "Suction": ("Aspiration", "Icyuma gisukura (aspirateur)"),
    "Oxygen source": ("Source d'oxygène", "Isoko rya ogisijeni"),
    # paediatric ward / triage
    "Pulse oximeter": ("Oxymètre de pouls", "Oximetero"),
    "Nebuliser / spacer": ("Nébuliseur / chambre d'inhalation", "Nebulizeri / spaseri"),
    "Intraosseous needles": ("Aiguilles intra-osseuses", "Inshinge zo mu igufwa"),
    "Paediatric bag-valve-mask": ("Ballon auto-remplisseur pédiatrique", "Ambu y'abana"),
    "MUAC tapes": ("Rubans MUAC (périmètre brachial)", "Imigozi ya MUAC (ipima ukuboko)"),
    "Scales": ("Balances", "Iminzani"),
}


def default_name_translations(name: str) -> dict | None:
    """The seeded {"fr": …, "rw": …} of a default skill or equipment item name, or None for any other name."""
    pair = NAME_TRANSLATIONS.get(name)
    return {"fr": pair[0], "rw": pair[1]} if pair else None


def fill_name_translations() -> int:
    """Give default skills and items that have no translations yet the seeded ones (databases made before names
    were translated); never touches a name a coordinator has translated or renamed. Returns how many it filled."""
    filled = 0
    for model in (Skill, EquipmentItem):
        for row in db.session.scalars(select(model).where(model.name.in_(NAME_TRANSLATIONS), model.name_translations.is_(None))):
            row.name_translations = default_name_translations(row.name)
            filled += 1
    return filled


def seed_defaults() -> None:
    """Insert the departments, professions, fixed holidays, equipment items, skills, rating scale and programme settings
    that are missing;
    never changes edited rows."""
    have = set(db.session.scalars(select(Department.code)))
    db.session.add_all(Department(code=c, name=n) for c, n in DEPARTMENTS if c not in have)
    have = set(db.session.scalars(select(Profession.code)))
    db.session.add_all(
        Profession(code=c, name=n, is_mentor_profession=m) for c, n, m in PROFESSIONS if c not in have
    )
    have = {(m, d) for m, d in db.session.execute(select(Holiday.month, Holiday.day).where(Holiday.year.is_(None)))}
    db.session.add_all(Holiday(month=m, day=d, name=n) for m, d, n in FIXED_HOLIDAYS if (m, d) not in have)
    db.session.flush()
    seed_catalogue()
    seed_skills()
    seed_programme_settings()
    db.session.flush()
    fill_name_translations()
    db.session.flush()
