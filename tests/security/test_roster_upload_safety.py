"""CSV upload (issue 8, point 14), as one table: every kind of bad file gets a clear 4xx and saves nothing.
The detailed messages are tested in tests/people/test_roster_csv.py; this holds the all-or-nothing rule."""

import pytest
from sqlalchemy import func, select

from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent
from tests.factories import login
from tests.people.test_roster_csv import GOOD, HEADER, hospital_admin, mentee_count, save, upload

BAD_FILES = {
    "wrong columns": (b"name,job\nAline Uwase,midwife\n", b"missing"),
    "not text": (bytes(range(256)) * 3, b"UTF-8"),  # a Windows-1252 file is read (issue 17.6); bytes that are no text are not
    "empty": (b"", b"empty"),
    "one bad row": ((GOOD + "Eric Manzi,astronaut,maternity,\n").encode(), b"astronaut"),
    "NUL bytes": ((GOOD + "Eric\x00 Manzi,midwife,maternity,\n").encode(), b""),
    "formula and RTL": ((HEADER + "=cmd|' /C calc'!A0,astronaut,maternity,\n\u202eAline,midwife,mars,\n").encode(), b""),
}


def audited_changes() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.in_(("mentee.create", "roster.import"))))


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_is_refused_clearly_and_nothing_is_saved(client, kind):
    content, message = BAD_FILES[kind]
    admin, _hospital = hospital_admin()
    login(client, admin)
    preview = upload(client, content)
    assert 400 <= preview.status_code < 500 and message.lower() in preview.data.lower()
    assert b'name="content"' not in preview.data  # no Save button for a file with any error
    if kind != "not text":
        assert 400 <= save(client, content.decode("utf-8")).status_code < 500  # posted to save anyway: refused whole
    assert mentee_count() == 0 and audited_changes() == 0
