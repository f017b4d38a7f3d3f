"""Roster CSV: import mentees with a preview that saves nothing, all or nothing; export what the user may see."""

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent
from blueprints.people.models import Mentee
from tests.conftest import count_queries
from tests.core.test_csrf import csrf_token
from tests.factories import PASSWORD, assign, login, make_hospital, make_mentee, make_mentor, make_user, profession

HEADER = "full_name,profession,department,phone\n"
GOOD = HEADER + "Aline Uwase,midwife,maternity,+250 788 000 001\nThéogène Habimana,Paediatric nurse,NEONATOLOGY,\n"


def upload(client, content: bytes | str, hospital=None, filename: str = "roster.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    form = {"file": (io.BytesIO(data), filename)}
    if hospital is not None:
        form["hospital_id"] = str(hospital.id)
    return client.post("/mentees/import", data=form, content_type="multipart/form-data")


def save(client, content: str, hospital=None):
    form = {"content": content}
    if hospital is not None:
        form["hospital_id"] = str(hospital.id)
    return client.post("/mentees/import/save", data=form, content_type="multipart/form-data")


def hidden_content(page: bytes) -> str:
    import html

    match = re.search(rb'name="content" type="hidden" value="([^"]*)"', page) or re.search(
        rb'type="hidden" name="content" value="([^"]*)"', page)
    assert match, "the preview carries the checked CSV in a hidden field"
    return html.unescape(match.group(1).decode())


def mentee_count(hospital=None) -> int:
    query = select(func.count(Mentee.id))
    if hospital is not None:
        query = query.where(Mentee.hospital_id == hospital.id)
    return db.session.scalar(query)


def hospital_admin(hospital=None):
    hospital = hospital or make_hospital("Nemba")
    profession("midwife")
    return make_user("hospital_admin", hospital=hospital), hospital


def read_export(response) -> list[list[str]]:
    assert response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


# --- import: the form ------------------------------------------------------------------------

def test_import_page_explains_the_columns_and_a_coordinator_chooses_the_hospital(client):
    make_hospital("Nemba")
    login(client, make_user("coordinator"))
    page = client.get("/mentees/import").data
    for column in (b"full_name", b"profession", b"department", b"phone"):
        assert column in page
    assert b'type="file"' in page and b'name="hospital_id"' in page and b"Nemba" in page
    assert b'enctype="multipart/form-data"' in page


def test_a_hospital_administrator_imports_into_their_own_hospital_without_choosing(client):
    admin, hospital = hospital_admin()
    login(client, admin)
    page = client.get("/mentees/import").data
    assert b'name="hospital_id"' not in page and b"Nemba" in page


@pytest.mark.parametrize("role", ["mentor", "sysadmin"])
def test_mentors_and_sysadmins_cannot_import_or_export(client, role):
    login(client, make_user(role))
    assert client.get("/mentees/import").status_code == 403
    assert upload(client, GOOD).status_code == 403
    assert save(client, GOOD).status_code == 403
    assert client.get("/mentees/export.csv").status_code == 403
    assert mentee_count() == 0


def test_a_coordinator_must_choose_the_hospital(client):
    profession("midwife")
    login(client, make_user("coordinator"))
    response = upload(client, GOOD)
    assert response.status_code == 422
    assert b"Choose the hospital" in response.data
    assert mentee_count() == 0


def test_no_file_chosen_is_refused_next_to_the_field(client):
    admin, _hospital = hospital_admin()
    login(client, admin)
    response = client.post("/mentees/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and b"Choose the CSV file" in response.data


# --- import: the preview and saving ----------------------------------------------------------

def test_preview_saves_nothing(client):
    admin, hospital = hospital_admin()
    login(client, admin)
    response = upload(client, GOOD)
    assert response.status_code == 200
    assert b"Aline Uwase" in response.data and "Théogène Habimana".encode() in response.data
    assert b"Save 2 mentees" in response.data
    assert b"Nothing has been saved yet" in response.data
    assert mentee_count() == 0
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action != "login.success")) == 0


def test_save_adds_every_mentee_audited_plus_one_import_row(client):
    admin, hospital = hospital_admin()
    login(client, admin)
    content = hidden_content(upload(client, GOOD).data)
    response = save(client, content)
    assert response.status_code == 302
    mentees = db.session.scalars(select(Mentee).order_by(Mentee.full_name)).all()
    assert [(m.full_name, m.profession.code, m.department.code, m.hospital_id, m.phone) for m in mentees] == [
        ("Aline Uwase", "midwife", "maternity", hospital.id, "+250788000001"),
        ("Théogène Habimana", "paediatric_nurse", "neonatology", hospital.id, ""),
    ]
    creates = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mentee.create")).all()
    assert sorted(e.object_id for e in creates) == sorted(m.id for m in mentees)
    (imported,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roster.import")).all()
    assert imported.hospital_id == hospital.id and imported.after["mentees"] == 2
    assert imported.username == admin.username
    assert b"2 mentees added" in client.get(response.headers["Location"]).data


def test_a_file_with_one_bad_row_saves_nothing(client):
    admin, hospital = hospital_admin()
    login(client, admin)
    content = GOOD + "Eric Manzi,astronaut,maternity,\n"
    preview = upload(client, content)
    assert preview.status_code == 422
    assert b"Save 3 mentees" not in preview.data and b'name="content"' not in preview.data
    assert re.search(rb'<th scope="row">4</th>.*?Unknown profession \xe2\x80\x9castronaut\xe2\x80\x9d', preview.data, re.S)
    assert b"1 row with problems" in preview.data
    # Posting it to the save address anyway is checked again and refused whole.
    response = save(client, content)
    assert response.status_code == 422
    assert mentee_count() == 0
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.in_(("mentee.create", "roster.import")))) == 0


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
def test_utf8_with_and_without_bom(client, bom):
    admin, hospital = hospital_admin()
    login(client, admin)
    response = upload(client, bom + GOOD.encode("utf-8"))
    assert response.status_code == 200, response.data
    assert b"Save 2 mentees" in response.data
    save(client, hidden_content(response.data))
    names = set(db.session.scalars(select(Mentee.full_name)))
    assert names == {"Aline Uwase", "Théogène Habimana"}


def test_a_file_that_is_not_text_gets_a_save_as_csv_utf8_message(client):
    admin, _hospital = hospital_admin()
    login(client, admin)
    response = upload(client, bytes(range(256)) * 3)
    assert response.status_code == 422
    assert b"CSV UTF-8" in response.data
    assert mentee_count() == 0


def test_an_excel_workbook_is_recognised(client):
    admin, _hospital = hospital_admin()
    login(client, admin)
    response = upload(client, b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), filename="roster.xlsx")
    assert response.status_code == 422 and b"CSV UTF-8" in response.data


def test_missing_columns_are_named(client):
    admin, _hospital = hospital_admin()
    login(client, admin)
    response = upload(client, "nom,profession\nAline Uwase,midwife\n")
    assert response.status_code == 422
    assert b"Missing columns: full_name, department" in response.data
    assert b"Unknown column: nom" in response.data


def test_headers_are_matched_loosely_and_phone_may_be_left_out(client):
    admin, _hospital = hospital_admin()
    login(client, admin)
    response = upload(client, " Full Name ;PROFESSION;Department\nAline Uwase;midwife;maternity\n")
    assert response.status_code == 200 and b"Save 1 mentee" in response.data


def test_an_empty_file_is_refused_with_a_message(client):
    admin, _hospital = hospital_admin()
    login(client, admin)
    assert b"The file is empty" in upload(client, b"").data
    response = upload(client, HEADER + ",,,\n")
    assert response.status_code == 422 and b"no mentees" in response.data


def test_size_limit_gets_a_clear_message(app, client, monkeypatch):
    admin, _hospital = hospital_admin()
    login(client, admin)
    monkeypatch.setitem(app.config, "ROSTER_MAX_BYTES", 1000)
    big = HEADER + "".join(f"Mentee {n},midwife,maternity,\n" for n in range(60))
    response = upload(client, big)
    assert response.status_code == 422
    assert b"larger than 1 KB" in response.data
    assert save(client, big).status_code == 422
    assert mentee_count() == 0


def test_row_limit_gets_a_clear_message(app, client, monkeypatch):
    admin, _hospital = hospital_admin()
    login(client, admin)
    monkeypatch.setitem(app.config, "ROSTER_MAX_ROWS", 5)
    response = upload(client, HEADER + "".join(f"Mentee {n},midwife,maternity,\n" for n in range(6)))
    assert response.status_code == 422
    assert b"more than 5 rows" in response.data


@pytest.mark.no_db
def test_the_default_limits_are_200_kb_and_2000_rows(app):
    assert app.config["ROSTER_MAX_BYTES"] == 200 * 1024
    assert app.config["ROSTER_MAX_ROWS"] == 2000


@pytest.mark.parametrize("csrf", [False, True], ids=["plain", "with-csrf"])
def test_a_file_over_the_upload_limit_answers_on_the_import_page_with_the_limit(app, csrf_app, csrf):
    admin, _hospital = hospital_admin()
    client = (csrf_app if csrf else app).test_client()
    data = {"username": admin.username, "password": PASSWORD}
    if csrf:
        data["csrf_token"] = csrf_token(client.get("/login").data)
    assert client.post("/login", data=data).status_code == 302
    form = {"file": (io.BytesIO(b"x" * (5 * 1024 * 1024 + 1)), "big.csv")}
    if csrf:
        form["csrf_token"] = data["csrf_token"]
    response = client.post("/mentees/import", data=form, content_type="multipart/form-data")
    assert response.status_code == 413
    assert b"larger than 200 KB" in response.data and b'type="file"' in response.data  # the import form, ready again
    assert b"Traceback" not in response.data


def test_duplicates_are_reported_not_doubled(client):
    admin, hospital = hospital_admin()
    elsewhere = make_hospital("Byumba")
    make_mentee(hospital, "midwife", "maternity", name="Aline Uwase")
    make_mentee(elsewhere, "midwife", "maternity", name="Eric Manzi")
    login(client, admin)
    content = HEADER + (
        "aline  UWASE,Midwife,maternity,\n"        # already a mentee here (case and spaces ignored)
        "Josiane Ingabire,nurse,neonatology,\n"
        "Josiane Ingabire,Nurse,paediatrics,\n"   # same name and profession as row 3
        "Josiane Ingabire,midwife,maternity,\n"   # another profession: another person
        "Eric Manzi,midwife,maternity,\n"         # a namesake at another hospital is no duplicate
    )
    response = upload(client, content)
    assert response.status_code == 422
    assert b"Already a mentee at Nemba" in response.data  # left out, not a problem: an export imports back
    assert b"Same name and profession as row 3" in response.data
    assert b"1 row with problems" in response.data
    assert save(client, content).status_code == 422
    assert mentee_count(hospital) == 1


def test_missing_name_and_unknown_department_are_reported_per_row(client):
    admin, _hospital = hospital_admin()
    login(client, admin)
    response = upload(client, HEADER + ",midwife,maternity,\nEric Manzi,midwife,,\nJosiane Ingabire,midwife,mars,\n")
    assert response.status_code == 422
    assert b"Name missing" in response.data and b"Department missing" in response.data
    assert "Unknown department “mars”".encode() in response.data


def test_a_hospital_administrator_cannot_import_into_another_hospital(client):
    admin, hospital = hospital_admin()
    other = make_hospital("Byumba")
    login(client, admin)
    preview = upload(client, GOOD, hospital=other)
    assert b"Byumba" not in preview.data
    save(client, hidden_content(preview.data), hospital=other)
    assert mentee_count(other) == 0 and mentee_count(hospital) == 2


def test_a_coordinator_imports_into_the_chosen_hospital(client):
    profession("midwife")
    make_hospital("Nemba")
    byumba = make_hospital("Byumba")
    login(client, make_user("coordinator"))
    preview = upload(client, GOOD, hospital=byumba)
    assert preview.status_code == 200 and b"Byumba" in preview.data
    response = save(client, hidden_content(preview.data), hospital=byumba)
    assert response.status_code == 302 and f"hospital={byumba.id}" in response.headers["Location"]
    assert mentee_count(byumba) == 2


def test_saving_checks_the_content_again_and_trusts_nothing(client):
    admin, hospital = hospital_admin()
    login(client, admin)
    content = hidden_content(upload(client, GOOD).data)
    make_mentee(hospital, "midwife", "maternity", name="Aline Uwase")  # someone added her in between
    response = save(client, content)
    assert response.status_code == 302  # she is left as she is; only Théogène is added
    assert sorted(db.session.scalars(select(Mentee.full_name).where(Mentee.hospital_id == hospital.id))) == [
        "Aline Uwase", "Théogène Habimana"]
    assert save(client, "full_name\nX\n").status_code == 422
    assert mentee_count(hospital) == 2


# --- export ----------------------------------------------------------------------------------

def test_export_has_the_columns_a_bom_and_a_dated_attachment_name(client):
    admin, hospital = hospital_admin()
    mentee = make_mentee(hospital, "midwife", "maternity", name="Angélique Uwera")
    assign(make_mentor(name="Dr Mentor"), mentee)
    login(client, admin)
    response = client.get("/mentees/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="mentees-nemba-active-\d{4}-\d{2}-\d{2}\.csv"', response.headers["Content-Disposition"])
    assert response.headers["Cache-Control"] == "no-store"
    assert read_export(response) == [
        ["full_name", "profession", "department", "phone", "language", "hospital", "status", "mentor"],
        ["Angélique Uwera", "Midwife", "Maternity", "", "en", "Nemba", "Active", "Dr Mentor"],
    ]


def test_export_follows_the_list_filters(client):
    admin, hospital = hospital_admin()
    make_mentee(hospital, "midwife", "maternity", name="Aline Maternity")
    neo = make_mentee(hospital, "nurse", "neonatology", name="Eric Neonatology")
    left = make_mentee(hospital, "nurse", "neonatology", name="Gone Already")
    left.status = "left"
    login(client, admin)
    rows = read_export(client.get(f"/mentees/export.csv?department={neo.department_id}"))
    assert [r[0] for r in rows[1:]] == ["Eric Neonatology"]
    assert [r[0] for r in read_export(client.get("/mentees/export.csv?q=aline"))[1:]] == ["Aline Maternity"]
    assert [r[0] for r in read_export(client.get("/mentees/export.csv?status=left"))[1:]] == ["Gone Already"]
    assert len(read_export(client.get("/mentees/export.csv?status=all"))) == 4


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", "+250 SUM(A1)", "-2+3", "@cmd", "\tTabbed", "\rCarriage"])
def test_formula_cells_are_made_safe_for_spreadsheets(client, name):
    admin, hospital = hospital_admin()
    make_mentee(hospital, name=name)
    login(client, admin)
    rows = read_export(client.get("/mentees/export.csv"))
    assert rows[1][0] == "'" + name


def test_exported_names_and_phones_read_back_as_they_were_when_imported(client):
    """The export guards '-Jean' as "'-Jean"; a roster file (with a BOM) made of the exported cells, and phones
    guarded the same way, imports the values as they were, not with the guard's apostrophe."""
    from blueprints.core.downloads import safe_cell

    _admin, hospital = hospital_admin()
    for name in ("-Jean Bosco", "+Grace", "'=Odd", "'Ntwari"):
        make_mentee(hospital, name=name)
    login(client, make_user("coordinator"))
    exported = read_export(client.get("/mentees/export.csv"))
    assert {row[0] for row in exported[1:]} == {"'-Jean Bosco", "'+Grace", "''=Odd", "'Ntwari"}
    other = make_hospital("Byumba")
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["full_name", "profession", "department", "phone", "language"])
    for n, row in enumerate(exported[1:]):
        writer.writerow([row[0], row[1], row[2], safe_cell(f"+250 788 000 00{n}"), row[4]])
    content = out.getvalue()
    assert "'+250 788 000 000" in content
    preview = upload(client, content, hospital=other)
    assert b"Save 4 mentees" in preview.data, preview.data
    save(client, hidden_content(preview.data), hospital=other)
    imported = {m.full_name: m.phone for m in db.session.scalars(select(Mentee).where(Mentee.hospital_id == other.id))}
    assert set(imported) == {"-Jean Bosco", "+Grace", "'=Odd", "'Ntwari"}
    assert sorted(imported.values()) == [f"+25078800000{n}" for n in range(4)]


def test_a_hospital_administrator_exports_only_their_hospital(client):
    nemba, byumba = make_hospital("Nemba"), make_hospital("Byumba")
    make_mentee(nemba, name="Marker Nemba Only")
    make_mentee(byumba, name="Byumba Person")
    admin_b = make_user("hospital_admin", hospital=byumba)
    login(client, admin_b)
    for url in ("/mentees/export.csv", f"/mentees/export.csv?hospital={nemba.id}", "/mentees/export.csv?status=all&q=Marker"):
        body = client.get(url).data
        assert b"Marker Nemba Only" not in body
    assert b"Byumba Person" in client.get("/mentees/export.csv").data


def test_a_coordinator_exports_any_hospital(client):
    nemba, byumba = make_hospital("Nemba"), make_hospital("Byumba")
    make_mentee(nemba, name="At Nemba")
    make_mentee(byumba, name="At Byumba")
    login(client, make_user("coordinator"))
    assert [r[0] for r in read_export(client.get(f"/mentees/export.csv?hospital={byumba.id}"))[1:]] == ["At Byumba"]
    assert len(read_export(client.get("/mentees/export.csv"))) == 3


def test_export_uses_the_same_number_of_queries_for_10_and_100_mentees(client):
    admin, hospital = hospital_admin()
    mentor = make_mentor()
    login(client, admin)

    def add(n):
        for _ in range(n):
            assign(mentor, make_mentee(hospital))

    add(10)
    with count_queries() as few:
        assert len(read_export(client.get("/mentees/export.csv"))) == 11
    add(90)
    with count_queries() as many:
        assert len(read_export(client.get("/mentees/export.csv"))) == 101
    assert len(many) == len(few)


def test_import_check_uses_the_same_number_of_queries_for_10_and_100_rows(client):
    admin, _hospital = hospital_admin()
    login(client, admin)

    def roster(n):
        return HEADER + "".join(f"Mentee {i},midwife,maternity,\n" for i in range(n))

    with count_queries() as few:
        assert upload(client, roster(10)).status_code == 200
    with count_queries() as many:
        assert upload(client, roster(100)).status_code == 200
    assert len(many) == len(few)


# --- the links on the mentee list ------------------------------------------------------------

def test_mentee_list_links_to_import_and_export_for_those_allowed(client):
    admin, hospital = hospital_admin()
    make_mentee(hospital, name="Aline Listed")
    login(client, admin)
    response = client.get("/mentees/?department=2&q=al")
    assert response.status_code == 200
    page = response.data
    assert b'href="/mentees/import"' in page
    assert re.search(rb'href="/mentees/export\.csv\?[^"]*department=2', page)

    mentor_client = client.application.test_client()
    login(mentor_client, make_user("mentor"))
    page = mentor_client.get("/mentees/").data
    assert b"/mentees/import" not in page and b"/mentees/export.csv" not in page


def test_htmx_filtering_keeps_the_export_link_in_step(client):
    admin, _hospital = hospital_admin()
    login(client, admin)
    response = client.get("/mentees/?q=aline&status=left", headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.data
    link = re.search(rb'<a[^>]*id="mentee-export"[^>]*>', fragment)
    assert link and b'data-hx-swap-oob="true"' in link.group(0)
    assert b"q=aline" in link.group(0) and b"status=left" in link.group(0)


def test_export_translates_each_profession_and_department_once_whatever_the_mentees(client, monkeypatch):
    """Issue 23: 14,373 Babel look-ups for a handful of names made the national export slow."""
    from blueprints.people import models

    admin, hospital = hospital_admin()
    for n in range(6):
        make_mentee(hospital, ("midwife", "nurse")[n % 2], ("maternity", "neonatology")[n % 2], name=f"Mentee {n}")
    looked_up, gettext = [], models.gettext
    monkeypatch.setattr(models, "gettext", lambda text: looked_up.append(text) or gettext(text))
    login(client, admin)
    rows = read_export(client.get("/mentees/export.csv"))
    assert len(rows) == 7 and {row[1] for row in rows[1:]} == {"Midwife", "Nurse"}
    assert sorted(looked_up) == sorted(set(looked_up)) and len(looked_up) == 4


def test_the_coordinators_export_in_french_lists_every_mentee_by_name_with_their_current_mentor_and_status(client):
    """Pins the whole export (read as plain columns since issue 23): every hospital, the names in the reader's language,
    an ended mentorship naming no mentor, a mentee who left under status=all, and a phone as it was entered."""
    nemba, byumba = make_hospital("Nemba"), make_hospital("Byumba")
    zoe = make_mentee(nemba, "midwife", "maternity", name="Zoé Mukamana")
    zoe.phone, zoe.preferred_language = "+250788000001", "fr"
    alice = make_mentee(byumba, "nurse", "neonatology", name="Alice Ingabire")
    gone = make_mentee(nemba, "nurse", "maternity", name="Bosco Left")
    gone.status = "left"
    assign(make_mentor(name="Dr Second"), zoe)
    assign(make_mentor(name="Dr First"), zoe)
    ended = assign(make_mentor(name="Dr Ended"), alice)
    ended.end_date, ended.end_reason = date(2026, 3, 1), "completed"
    coordinator = make_user("coordinator")
    coordinator.language = "fr"
    login(client, coordinator)
    assert read_export(client.get("/mentees/export.csv?status=all")) == [
        ["full_name", "profession", "department", "phone", "language", "hospital", "status", "mentor"],
        ["Alice Ingabire", "Infirmier/infirmière", "Néonatologie", "", "en", "Byumba", "Actif", ""],
        ["Bosco Left", "Infirmier/infirmière", "Maternité", "", "en", "Nemba", "Parti", ""],
        ["Zoé Mukamana", "Sage-femme", "Maternité", "'+250788000001", "fr", "Nemba", "Actif", "Dr First"],
    ]
