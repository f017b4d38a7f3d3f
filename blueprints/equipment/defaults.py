"""The default equipment checklist (equipment/catalogue.py) with its items' names in French and Kinyarwanda.
Seeded by blueprints/defaults.py with the other areas' defaults."""

from ..core.extensions import db
from ..core.i18n import fill_name_translations
from .catalogue import seed_catalogue
from .models import EquipmentItem

# The default equipment items in French and Kinyarwanda (English is their `name`), seeded into their
# `name_translations`; coordinators edit them in the equipment item form. Terms: translations/GLOSSARY.md.
ITEM_NAME_TRANSLATIONS = {
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


def seed() -> None:
    """Add the default items that are missing and translate those that have no translations yet; never changes
    edited rows."""
    seed_catalogue()
    db.session.flush()
    fill_item_translations()
    db.session.flush()


def fill_item_translations() -> int:
    """Default items without translations get the seeded ones (databases made before names were translated)."""
    return fill_name_translations(EquipmentItem, ITEM_NAME_TRANSLATIONS)
