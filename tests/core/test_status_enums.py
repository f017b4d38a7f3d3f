"""Statuses and kinds are enums that carry their words (issue 18): every member has a label in English,
French and Kinyarwanda and a badge style, each model's CHECK constraint allows exactly the enum's stored
values, and a status read from the database comes back as its member, label and badge with it."""

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from blueprints.core.enums import BADGE_STYLES
from blueprints.core.extensions import db
from blueprints.mentoring.models import Feedback, FeedbackStatus, Reflection, SupportStatus
from blueprints.people.models import Absence, AbsenceKind, Mentee, MenteeStatus, Transfer, TransferKind
from blueprints.reports.models import ExportJob, ExportStatus
from blueprints.visits.cadence import CadenceStatus
from blueprints.visits.models import Visit, VisitStatus
from tests.factories import make_hospital, make_mentee, make_mentor, make_team

ROOT = Path(__file__).resolve().parents[2]
ENUMS = (VisitStatus, CadenceStatus, FeedbackStatus, SupportStatus, MenteeStatus, TransferKind, AbsenceKind, ExportStatus)
MEMBERS = [pytest.param(member, id=f"{type(member).__name__}.{member.name}") for enum in ENUMS for member in enum]
# (model, column, the members it may store): feedback is "missing" only when no row exists, an export
# "expired" only once its file is gone or past its day.
STORED = (
    (Visit, "status", list(VisitStatus)),
    (Feedback, "status", [FeedbackStatus.DRAFT, FeedbackStatus.SIGNED]),
    (Mentee, "status", list(MenteeStatus)),
    (Transfer, "kind", list(TransferKind)),
    (Absence, "kind", list(AbsenceKind)),
    (ExportJob, "status", [ExportStatus.QUEUED, ExportStatus.RUNNING, ExportStatus.DONE, ExportStatus.FAILED]),
    (Reflection, "support_status", list(SupportStatus)),
)


def _catalogue(language: str) -> dict[str, str]:
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh, locale=language) if m.id and not m.fuzzy}


CATALOGUES = {language: _catalogue(language) for language in ("fr", "rw")}


@pytest.mark.no_db
@pytest.mark.parametrize("member", MEMBERS)
def test_every_status_has_a_label_in_english_french_and_kinyarwanda(member):
    english = member.label._args[0]  # the lazy_gettext msgid
    assert english.strip()
    for language, catalogue in CATALOGUES.items():
        assert catalogue.get(english, "").strip(), f"{english!r} has no {language} translation"


@pytest.mark.no_db
@pytest.mark.parametrize("member", MEMBERS)
def test_every_status_has_a_badge_style_the_stylesheet_draws(member):
    css = (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
    assert member.badge in BADGE_STYLES
    assert f".badge.{member.badge}" in css


@pytest.mark.no_db
@pytest.mark.parametrize(("model", "column", "members"), STORED, ids=[m.__tablename__ for m, _c, _s in STORED])
def test_each_check_constraint_allows_exactly_the_enum_values(model, column, members):
    names = {column, f"ck_{model.__tablename__}_{column}"}  # before and after the naming convention applies
    (constraint,) = [c for c in model.__table__.constraints if getattr(c, "name", None) in names]
    allowed = re.fullmatch(rf"{column} IN \((.*)\)", str(constraint.sqltext)).group(1)
    assert [v.strip().strip("'") for v in allowed.split(",")] == [m.value for m in members]


def test_a_status_read_from_the_database_carries_its_label_and_badge():
    hospital = make_hospital(team=make_team())
    mentee = make_mentee(hospital)
    db.session.add(Visit(hospital_id=hospital.id, team_id=hospital.team_id, start_date=date(2026, 5, 4), days=2,
                         end_date=date(2026, 5, 5), status="held"))
    db.session.commit()
    db.session.expire_all()
    visit = db.session.scalars(db.select(Visit)).one()
    assert visit.status is VisitStatus.HELD and visit.status == "held"
    assert str(visit.status.label) == "Held" and visit.status.badge == "ok"
    assert db.session.get(Mentee, mentee.id).status is MenteeStatus.ACTIVE
    visit.status = "postponed"  # as a form gives it: the page rendered before any reload shows its words
    assert visit.status is VisitStatus.POSTPONED and str(visit.status.label) == "Postponed"


def test_the_database_refuses_a_support_status_that_is_not_one_of_the_enums():
    hospital = make_hospital(team=make_team())
    visit = Visit(hospital_id=hospital.id, team_id=hospital.team_id, start_date=date(2026, 5, 4), days=2,
                  end_date=date(2026, 5, 5), status="held")
    db.session.add(visit)
    db.session.flush()
    reflection = Reflection(visit_id=visit.id, mentor_id=make_mentor(hospital.team).id, support_needed="Oxygen")
    db.session.add(reflection)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE reflection SET support_status = 'forgotten' WHERE id = :id"), {"id": reflection.id})
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Reflection, reflection.id).support_status is SupportStatus.OPEN
