"""Issue 17.6: roster files as offices make them: Windows-1252, names in any language, phones from Excel."""

from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.people.models import Mentee
from tests.factories import login
from tests.people.test_roster_csv import hidden_content, hospital_admin, mentee_count, save, upload

FRENCH = ("full_name;profession;department;phone\n"
          "Théogène Habimana;Sage-femme;Maternité;0788 123 456\n"
          "Angélique Uwera;sage-femme;néonatologie;\n")


def test_a_windows_1252_file_is_read_and_the_encoding_is_named(client):
    admin, _hospital = hospital_admin()
    login(client, admin)
    response = upload(client, FRENCH.encode("cp1252"))
    assert response.status_code == 200, response.data
    assert "Théogène Habimana".encode() in response.data and "Angélique Uwera".encode() in response.data
    assert b"Windows-1252" in response.data
    save(client, hidden_content(response.data))
    assert set(db.session.scalars(select(Mentee.full_name))) == {"Théogène Habimana", "Angélique Uwera"}


def test_a_utf8_file_says_it_was_read_as_utf8(client):
    admin, _hospital = hospital_admin()
    login(client, admin)
    response = upload(client, FRENCH.encode("utf-8"))
    assert response.status_code == 200 and b"UTF-8" in response.data


def test_names_in_any_language_whatever_the_readers_language(client):
    admin, _hospital = hospital_admin()
    admin.language = "en"
    login(client, admin)
    content = ("full_name,profession,department\n"
               "Aline Uwase,Sage-femme,Maternité\n"          # French
               "Eric Manzi,Umubyaza,Serivisi y'ababyeyi\n"    # Kinyarwanda
               "Grace Ingabire,Midwife,Maternity\n")          # English
    response = upload(client, content)
    assert response.status_code == 200 and b"Save 3 mentees" in response.data, response.data
    admin.language = "fr"
    db.session.commit()
    response = upload(client, content.replace("Maternité", "Maternity"))
    assert response.status_code == 200, response.data


def test_phones_are_stored_in_e164_with_rwanda_by_default(client):
    admin, _hospital = hospital_admin()
    login(client, admin)
    content = ("full_name,profession,department,phone\n"
               "Aline Uwase,midwife,maternity,0788 123 456\n"
               "Eric Manzi,midwife,maternity,+250 788 000 001\n"
               "Grace Ingabire,midwife,maternity,\n")
    save(client, hidden_content(upload(client, content).data))
    phones = dict(db.session.execute(select(Mentee.full_name, Mentee.phone)).all())
    assert phones == {"Aline Uwase": "+250788123456", "Eric Manzi": "+250788000001", "Grace Ingabire": ""}


def test_a_phone_excel_turned_into_a_number_is_refused_with_an_explanation(client):
    admin, _hospital = hospital_admin()
    login(client, admin)
    response = upload(client, "full_name,profession,department,phone\nAline Uwase,midwife,maternity,2.50788E+11\n")
    assert response.status_code == 422
    assert b"2.50788E+11" in response.data and b"format the phone column as Text" in response.data
    assert mentee_count() == 0


def test_a_phone_that_is_no_phone_number_is_refused(client):
    admin, _hospital = hospital_admin()
    login(client, admin)
    response = upload(client, "full_name,profession,department,phone\nAline Uwase,midwife,maternity,12\n")
    assert response.status_code == 422 and "Not a phone number “12”".encode() in response.data


def test_data_under_a_column_with_no_header_is_reported(client):
    admin, _hospital = hospital_admin()
    login(client, admin)
    response = upload(client, "full_name,profession,,department\nAline Uwase,midwife,night shift,maternity\n"
                              "Eric Manzi,midwife,,maternity\n")
    assert response.status_code == 422
    assert "“night shift” is in column 3, which has no name in the first row".encode() in response.data
    assert b"1 row with problems" in response.data
