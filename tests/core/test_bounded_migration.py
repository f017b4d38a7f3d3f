"""The migration that gives free text its length never cuts what is stored: text already longer than its new limit
stops it with the rows named, and once shortened the migration runs."""

import re
from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from blueprints.core.extensions import db
from blueprints.people.models import Absence
from tests.factories import make_hospital, make_mentee

REVISION = "b7d3f0a2c915"


def test_text_longer_than_its_new_limit_stops_the_migration_with_the_rows_named(app):
    mentee = make_mentee(make_hospital())
    absence = Absence(mentee_id=mentee.id, kind="annual_leave", start_date=date(2026, 3, 2), end_date=date(2026, 3, 6))
    db.session.add(absence)
    db.session.commit()
    absence_id = absence.id
    db.session.remove()
    downgrade(revision=f"{REVISION}-1")
    try:
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE absence SET note = :note WHERE id = :id"), {"note": "x" * 201, "id": absence_id})
        with pytest.raises(SystemExit) as stopped:  # `flask db upgrade` logs the error and exits 1
            upgrade()
        assert re.search(rf"absence\.note \(at most 200 characters\): id {absence_id}\b", str(stopped.value.__context__))
        with db.engine.begin() as connection:
            assert connection.execute(text("SELECT length(note) FROM absence")).scalar() == 201  # nothing was cut
            connection.execute(text("UPDATE absence SET note = 'Leave' WHERE id = :id"), {"id": absence_id})
    finally:
        db.engine.dispose()
        upgrade()
        db.engine.dispose()
    assert db.session.get(Absence, absence_id).note == "Leave"
