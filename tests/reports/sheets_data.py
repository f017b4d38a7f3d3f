"""A full national feedback sheet as plain data (no database): twenty ratings in three skill areas with comments,
two action items, three follow-ups and a year of visits on the chart, on fixed dates, so every rendering of it
(page count, watermark, reference images) is the same on any day the suite runs."""

from datetime import UTC, date, datetime, timedelta

VISIT = date(2026, 6, 21)
SKILLS = [
    ("Antenatal care", "Measures blood pressure and checks for pre-eclampsia signs"),
    ("Antenatal care", "Screens for anaemia and gives iron and folic acid"),
    ("Antenatal care", "Counsels on danger signs in pregnancy"),
    ("Antenatal care", "Estimates gestational age from the fundal height"),
    ("Antenatal care", "Screens for HIV and syphilis and acts on the result"),
    ("Antenatal care", "Plans the birth with the woman and her family"),
    ("Labour and birth", "Plots the partograph on time and acts on the alert line"),
    ("Labour and birth", "Monitors the fetal heart rate every 30 minutes"),
    ("Labour and birth", "Conducts a normal vaginal birth with a clean technique"),
    ("Labour and birth", "Gives oxytocin within one minute of the birth"),
    ("Labour and birth", "Recognises postpartum haemorrhage and calls for help"),
    ("Labour and birth", "Performs bimanual uterine compression"),
    ("Labour and birth", "Repairs a first- or second-degree tear"),
    ("Labour and birth", "Manages severe pre-eclampsia with magnesium sulphate"),
    ("Newborn care", "Dries, stimulates and keeps the newborn warm"),
    ("Newborn care", "Resuscitates a newborn with bag and mask in the golden minute"),
    ("Newborn care", "Supports breastfeeding within the first hour"),
    ("Newborn care", "Gives vitamin K, eye care and the birth dose of vaccines"),
    ("Newborn care", "Recognises danger signs in the newborn"),
    ("Newborn care", "Starts kangaroo mother care for a small baby"),
]
RATINGS = [3, 4, 2, 3, 5, 4, 3, 2, 4, 5, 3, 1, 4, 3, 5, 2, 4, 4, 3, None]
BEFORE = [5, 3, 2, 2, 4, None, 3, 3, 3, 4, 1, 1, 4, 2, 4, 2, 3, 4, None, None]


def full_sheet(signed: bool = True, mentee: str = "Amina Uwase", language: str = "en"):
    """The sheet the budgets and the page count are about: the national framework's size, every part filled, its
    rating words in `language` (the skills, like a programme's own, in English)."""
    from blueprints.mentoring.framework import DEFAULT_RATING_SCALE
    from blueprints.reports.sheets import Sheet

    scale = {n: words[language] for n, words in DEFAULT_RATING_SCALE.items()}
    earlier = date(2026, 3, 12)
    rows = [{"area": area, "skill": skill, "rating": rating, "label": scale.get(rating, ""), "before": before,
             "change": rating - before if rating is not None and before is not None else None,
             "comment": "Checks the fundus every 15 minutes after the birth." if n == 10 else "",
             "since": earlier if before is not None else None}
            for n, ((area, skill), rating, before) in enumerate(zip(SKILLS, RATINGS, BEFORE, strict=True))]
    return Sheet(
        mentee=mentee, profession="Midwife", hospital="Nemba District Hospital", department="Maternity",
        mentor="Mentor Alpha", visit_start=VISIT, visit_end=VISIT + timedelta(days=2), signed=signed,
        signed_at=datetime(2026, 6, 23, 9, 30, tzinfo=UTC) if signed else None, contact="On site",
        methods=["Bedside teaching", "Simulation"], ratings=rows,
        strengths="Calm in emergencies; explains each step to the woman.",
        areas_to_improve="Plotting the partograph on time during busy nights.",
        actions=[("Plot ten partographs and review them with the unit in-charge", date(2026, 7, 21)),
                 ("Lead a postpartum haemorrhage drill for the night team", date(2026, 8, 5))],
        followups=[("Read the PPH protocol", date(2026, 4, 12), "done"),
                   ("Practise bag-and-mask ventilation on the mannequin weekly", date(2026, 4, 30), "partly done"),
                   ("Audit five partographs", date(2026, 5, 15), "not done")],
        mentee_comment="Thank you; the drill helped.", cpd_hours=6, next_visit=date(2026, 9, 14), scale=scale,
        chart=[(date(2025, 7, 3), 2.1), (date(2025, 9, 18), 2.4), (date(2025, 12, 4), 2.6), (date(2026, 3, 12), 3.0),
               (VISIT, 3.4)],
    )


def certificate(visits: int = 6, mentee: str = "Amina Uwase"):
    """A year's CPD certificate with `visits` signed-off visits, every one on a fixed day."""
    from blueprints.reports.cpd import CpdCertificate

    rows = [{"start": date(2026, 1 + n % 12, 6 + n // 12), "end": date(2026, 1 + n % 12, 8 + n // 12),
             "hospital": "Nemba District Hospital", "mentor": "Mentor Alpha" if n % 2 else "Mentor Colleague",
             "contact": "On site" if n % 3 else "Phone", "hours": 6.0 if n % 3 else 1.5} for n in range(visits)]
    return CpdCertificate(mentee=mentee, profession="Midwife", hospital="Nemba District Hospital", department="Maternity",
                          year=2026, rows=rows, total_hours=sum(r["hours"] for r in rows), visits=visits)
