"""Issue 17.5: the roster export imports back: one column set serves both, and an unchanged export is "nothing new"."""

import csv
import io

from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.people.models import Mentee
from tests.factories import assign, login, make_mentee, make_mentor
from tests.people.test_roster_csv import hidden_content, hospital_admin, mentee_count, read_export, save, upload


def exported(client) -> str:
    return client.get("/mentees/export.csv").data.decode("utf-8-sig")


def test_the_export_uses_the_import_columns_with_phone_and_read_only_extras(client):
    admin, hospital = hospital_admin()
    mentee = make_mentee(hospital, "midwife", "maternity", name="Aline Uwase")
    mentee.phone = "+250788000001"
    assign(make_mentor(name="Dr Mentor"), mentee)
    login(client, admin)
    rows = read_export(client.get("/mentees/export.csv"))
    assert rows == [
        ["full_name", "profession", "department", "phone", "language", "hospital", "status", "mentor"],
        ["Aline Uwase", "Midwife", "Maternity", "'+250788000001", "en", "Nemba", "Active", "Dr Mentor"],
    ]


def test_an_unchanged_export_imports_back_as_nothing_new(client):
    admin, hospital = hospital_admin()
    for name in ("Aline Uwase", "-Jean Bosco", "+Grace", "=Odd"):  # the last three are exported behind a '
        make_mentee(hospital, name=name).phone = "+250788000001"
    login(client, admin)
    content = exported(client)
    assert "'-Jean Bosco" in content
    preview = upload(client, content)
    assert preview.status_code == 200, preview.data
    assert b"Nothing new" in preview.data and b"4 mentees are already at Nemba" in preview.data
    assert b'name="content"' not in preview.data  # no Save button: there is nothing to save
    response = save(client, content)
    assert response.status_code == 200 and b"Nothing new" in response.data
    assert mentee_count(hospital) == 4


def test_an_export_with_one_new_row_adds_only_that_row(client):
    admin, hospital = hospital_admin()
    make_mentee(hospital, name="-Jean Bosco")
    login(client, admin)
    content = exported(client) + "Eric Manzi,Midwife,Maternity,0788 123 456,fr,Nemba,Active,\n"
    preview = upload(client, content)
    assert preview.status_code == 200, preview.data
    assert b"Save 1 mentee" in preview.data and b"1 mentee is already at Nemba" in preview.data
    response = save(client, hidden_content(preview.data))
    assert response.status_code == 302
    names = sorted(db.session.scalars(select(Mentee.full_name).where(Mentee.hospital_id == hospital.id)))
    assert names == ["-Jean Bosco", "Eric Manzi"]


def test_the_old_export_header_name_is_read_as_full_name(client):
    admin, _hospital = hospital_admin()
    login(client, admin)
    old = "name,profession,hospital,department,status,mentor,language\nAline Uwase,Midwife,Nemba,Maternity,Active,,en\n"
    response = upload(client, old)
    assert response.status_code == 200 and b"Save 1 mentee" in response.data, response.data


def test_an_export_of_one_hospital_imports_into_another_as_new_mentees(client):
    from tests.factories import make_hospital, make_user

    _admin, hospital = hospital_admin()
    make_mentee(hospital, name="Aline Uwase")
    other = make_hospital("Byumba")
    login(client, make_user("coordinator"))
    content = client.get(f"/mentees/export.csv?hospital={hospital.id}").data.decode("utf-8-sig")
    preview = upload(client, content, hospital=other)
    assert preview.status_code == 200 and b"Save 1 mentee" in preview.data
    save(client, hidden_content(preview.data), hospital=other)
    assert mentee_count(other) == 1
    assert list(csv.reader(io.StringIO(content)))[1][5] == "Nemba"  # the hospital column is read-only


def test_a_mentee_already_here_is_not_refused_for_the_phone_typed_on_their_record(client):
    """Phones typed on the mentee form before E.164 (or wrong ones) come back in the export: the row is left out
    anyway, so its phone does not stop the import."""
    admin, hospital = hospital_admin()
    make_mentee(hospital, name="Aline Uwase").phone = "12"
    login(client, admin)
    preview = upload(client, exported(client))
    assert preview.status_code == 200 and b"Nothing new" in preview.data, preview.data
