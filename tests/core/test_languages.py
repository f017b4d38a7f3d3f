"""Languages (issue 11): the switcher, the choice of language (the user's, the switcher's cookie, the browser's
Accept-Language, then English), dates in the language, translated skill and equipment names, the mentee's
preferred language."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from blueprints.auth.models import User
from blueprints.core.extensions import db
from blueprints.core.formatting import format_day, format_instant, format_number
from blueprints.core.i18n import LANGUAGE_COOKIE, in_language, safe_next
from blueprints.defaults import fill_name_translations, seed_defaults
from blueprints.equipment.defaults import ITEM_NAME_TRANSLATIONS
from blueprints.equipment.models import EquipmentItem
from blueprints.mentoring.models import Skill
from blueprints.people.models import Mentee
from tests.factories import login, make_hospital, make_mentee, make_user


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True))
    assert match, "the page has no <html lang>"
    return match.group(1)


def cookie(client, name):
    found = client.get_cookie(name)
    return found.value if found else None


# --- the switcher -----------------------------------------------------------------------------

def test_an_anonymous_visitor_switches_the_login_page_to_french_and_it_stays_french(client):
    response = client.post("/language", data={"language": "fr", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert cookie(client, LANGUAGE_COOKIE) == "fr"
    page = client.get("/login")
    assert html_lang(page) == "fr"
    assert "Se connecter" in page.get_data(as_text=True)  # "Sign in"


def test_the_login_page_offers_the_switcher_with_each_language_named_in_itself(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'action="/language"' in page and 'name="csrf_token"' in page
    for code, name in (("en", "English"), ("fr", "Français"), ("rw", "Ikinyarwanda")):
        assert f'name="language" value="{code}" lang="{code}"' in page and name in page


def test_a_signed_in_users_choice_is_saved_on_their_account_and_the_navigation_bar_speaks_it(client):
    user = make_user("coordinator")
    login(client, user)
    response = client.post("/language", data={"language": "rw", "next": "/mentees/?page=2"})
    assert response.status_code == 302 and response.headers["Location"] == "/mentees/?page=2"
    assert db.session.get(User, user.id).language == "rw"
    page = client.get("/")
    assert html_lang(page) == "rw"
    assert "Ahabanza" in page.get_data(as_text=True)  # "Home" in the menu
    assert 'value="rw" lang="rw" aria-pressed="true"' in page.get_data(as_text=True)


def test_the_choice_follows_the_user_to_another_browser(client, app):
    user = make_user("mentor", language="fr")
    other_browser = app.test_client()
    login(other_browser, user)
    assert html_lang(other_browser.get("/", headers={"Accept-Language": "en"})) == "fr"


def test_an_empty_choice_goes_back_to_the_browsers_language(client):
    user = make_user("coordinator", language="fr")
    login(client, user)
    assert client.post("/language", data={"language": "", "next": "/"}).status_code == 302
    assert db.session.get(User, user.id).language is None
    assert html_lang(client.get("/", headers={"Accept-Language": "rw"})) == "rw"


def test_an_unknown_language_is_refused_and_nothing_is_saved(client):
    user = make_user("coordinator")
    login(client, user)
    assert client.post("/language", data={"language": "de", "next": "/"}).status_code == 400
    assert db.session.get(User, user.id).language is None


@pytest.mark.parametrize("target", [
    "//evil.example/x", "https://evil.example/", "http:/evil.example", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", "evil.example", "/\r\nLocation: https://evil.example", "",
])
def test_the_switcher_never_redirects_off_the_site(client, target):
    response = client.post("/language", data={"language": "fr", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.no_db
def test_safe_next_keeps_local_paths_with_their_query():
    assert safe_next("/visits/3?month=2026-11", "/") == "/visits/3?month=2026-11"
    assert safe_next("/%2F%2Fevil.example", "/") == "/%2F%2Fevil.example"  # a path on this site, not a host
    assert safe_next(None, "/home") == "/home"


def test_the_switcher_needs_the_csrf_token(csrf_app):
    client = csrf_app.test_client()
    assert client.post("/language", data={"language": "fr", "next": "/login"}).status_code == 400
    assert cookie(client, LANGUAGE_COOKIE) is None


# --- choosing the language --------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "expected"), [
    ("rw-RW,rw;q=0.9,en;q=0.5", "rw"),
    ("fr-FR,fr;q=0.9", "fr"),
    ("de-DE,de;q=0.9,fr;q=0.4", "fr"),  # the best language the app speaks
    ("de-DE,sw;q=0.8", "en"),  # none of them: English
    (None, "en"),
])
def test_without_a_choice_the_browsers_accept_language_decides_then_english(client, accept, expected):
    headers = {"Accept-Language": accept} if accept else {}
    assert html_lang(client.get("/login", headers=headers)) == expected


def test_the_users_choice_beats_the_browser_and_the_cookie(client):
    user = make_user("hospital_admin", language="fr")
    login(client, user)
    client.set_cookie(LANGUAGE_COOKIE, "rw")
    page = client.get("/", headers={"Accept-Language": "rw,en;q=0.5"})
    assert html_lang(page) == "fr"
    assert "Accueil" in page.get_data(as_text=True)


def test_the_cookie_beats_the_browser_for_an_anonymous_visitor(client):
    client.set_cookie(LANGUAGE_COOKIE, "rw")
    assert html_lang(client.get("/login", headers={"Accept-Language": "fr"})) == "rw"


def test_a_user_with_no_choice_follows_their_browser(client):
    login(client, make_user("coordinator"))
    assert html_lang(client.get("/", headers={"Accept-Language": "fr-CA"})) == "fr"


# --- dates and numbers ------------------------------------------------------------------------

@pytest.mark.no_db
def test_dates_and_numbers_are_written_as_the_language_writes_them(app):
    day, instant = date(2026, 11, 26), datetime(2026, 11, 26, 12, 5, tzinfo=UTC)
    with app.test_request_context():
        assert format_day(day) == "26 Nov 2026"  # English unchanged
        assert format_instant(instant) == "26 Nov 2026 14:05"  # Kigali time
        assert format_number(1234.5) == "1,234.5"
        with in_language("fr"):
            assert format_day(day) == "26 nov. 2026"
            assert format_number(1234.5) in ("1\u202f234,5", "1\u00a0234,5", "1 234,5")
        with in_language("rw"):
            assert format_day(day) != "26 Nov 2026" and format_day(day).startswith("26 ")
        with in_language(None):
            assert format_day(day) == "26 Nov 2026"


def test_the_calendar_names_the_month_in_the_language(client):
    login(client, make_user("coordinator", language="fr"))
    page = client.get("/calendar/?month=2026-11").get_data(as_text=True)
    assert "novembre 2026" in page


# --- skill and equipment names ----------------------------------------------------------------

def test_default_skills_and_equipment_items_are_seeded_in_french_and_kinyarwanda():
    seed_defaults()
    for model in (Skill, EquipmentItem):
        rows = db.session.scalars(select(model)).all()
        assert rows and all(row.name_translations and row.name_translations.get("fr") and row.name_translations.get("rw")
                            for row in rows), model.__name__
    cpap = db.session.scalar(select(EquipmentItem).where(EquipmentItem.name == "Oxygen concentrator"))
    assert cpap.name_translations == {"fr": ITEM_NAME_TRANSLATIONS["Oxygen concentrator"][0], "rw": ITEM_NAME_TRANSLATIONS["Oxygen concentrator"][1]}


def test_display_name_is_in_the_current_language_and_falls_back_to_english(app):
    seed_defaults()
    skill = db.session.scalar(select(Skill).where(Skill.name == "Normal birth"))
    custom = Skill(profession_id=skill.profession_id, name="Custom skill", name_translations={"fr": "Compétence maison"})
    db.session.add(custom)
    db.session.flush()
    with app.test_request_context():
        assert skill.display_name == "Normal birth"
        with in_language("fr"):
            assert skill.display_name == "Accouchement normal" and custom.display_name == "Compétence maison"
        with in_language("rw"):
            assert skill.display_name == "Kubyara bisanzwe" and custom.display_name == "Custom skill"


def test_seeding_translations_never_overwrites_a_coordinators_translation():
    seed_defaults()
    item = db.session.scalar(select(EquipmentItem).where(EquipmentItem.name == "Incubator"))
    item.name_translations = {"fr": "Incubateur"}
    db.session.flush()
    seed_defaults()
    assert fill_name_translations() == 0
    assert db.session.get(EquipmentItem, item.id).name_translations == {"fr": "Incubateur"}


def test_the_coordinator_edits_a_skills_translations_and_readers_see_them(client):
    seed_defaults()
    skill = db.session.scalar(select(Skill).where(Skill.name == "Normal birth"))
    login(client, make_user("coordinator"))
    form = client.get(f"/skills/{skill.id}/edit").get_data(as_text=True)
    assert 'value="Accouchement normal"' in form and 'value="Kubyara bisanzwe"' in form
    response = client.post(f"/skills/{skill.id}/edit", data={
        "profession_id": skill.profession_id, "area": skill.area, "name": "Normal birth", "position": skill.position,
        "name_fr": " Accouchement eutocique ", "name_rw": ""})
    assert response.status_code in (200, 302, 204), response.get_data(as_text=True)[:500]
    assert db.session.get(Skill, skill.id).name_translations == {"fr": "Accouchement eutocique"}


def test_the_coordinator_edits_an_equipment_items_translations(client):
    seed_defaults()
    item = db.session.scalar(select(EquipmentItem).where(EquipmentItem.name == "Incubator"))
    login(client, make_user("coordinator"))
    assert 'value="Couveuse"' in client.get(f"/equipment/catalogue/{item.id}").get_data(as_text=True)
    response = client.post(f"/equipment/catalogue/{item.id}", data={
        "ward": item.ward, "name": item.name, "unit": item.unit, "required_quantity": item.required_quantity,
        "name_fr": "Couveuse néonatale", "name_rw": "Kuveze"})
    assert response.status_code == 302
    assert db.session.get(EquipmentItem, item.id).name_translations == {"fr": "Couveuse néonatale", "rw": "Kuveze"}
    client.post("/language", data={"language": "fr", "next": "/"})
    assert "Couveuse néonatale" in client.get("/equipment/catalogue").get_data(as_text=True)


# --- the mentee's preferred language ----------------------------------------------------------

def test_a_mentees_preferred_language_is_set_on_the_form_and_shown_on_their_page(client):
    hospital = make_hospital("Nemba")
    mentee = make_mentee(hospital, name="Aline Uwase")
    assert mentee.preferred_language == "en"
    login(client, make_user("hospital_admin", hospital=hospital))
    response = client.post(f"/mentees/{mentee.id}/edit", data={
        "full_name": "Aline Uwase", "profession_id": mentee.profession_id, "phone": "", "version": mentee.version,
        "preferred_language": "rw"})
    assert response.status_code == 302
    assert db.session.get(Mentee, mentee.id).preferred_language == "rw"
    assert '<dd lang="rw">Ikinyarwanda</dd>' in client.get(f"/mentees/{mentee.id}").get_data(as_text=True)


def test_a_mentees_preferred_language_must_be_one_the_app_speaks(client):
    hospital = make_hospital("Nemba")
    mentee = make_mentee(hospital, name="Aline Uwase")
    login(client, make_user("hospital_admin", hospital=hospital))
    response = client.post(f"/mentees/{mentee.id}/edit", data={
        "full_name": "Aline Uwase", "profession_id": mentee.profession_id, "phone": "", "version": mentee.version,
        "preferred_language": "xx"})
    assert response.status_code == 422
    assert db.session.get(Mentee, mentee.id).preferred_language == "en"


def test_the_roster_csv_imports_each_mentees_language_by_code_or_name(client):
    from tests.people.test_roster_csv import hospital_admin, save, upload

    admin, hospital = hospital_admin()
    login(client, admin)
    content = ("full_name,profession,department,phone,language\n"
               "Aline Uwase,midwife,maternity,,rw\nEric Manzi,nurse,maternity,,Français\nJean Bosco,nurse,maternity,,\n")
    preview = upload(client, content)
    assert preview.status_code == 200 and "Ikinyarwanda" in preview.get_data(as_text=True)
    assert save(client, content).status_code == 302
    languages = dict(db.session.execute(select(Mentee.full_name, Mentee.preferred_language).where(Mentee.hospital_id == hospital.id)).all())
    assert languages == {"Aline Uwase": "rw", "Eric Manzi": "fr", "Jean Bosco": "en"}


def test_the_roster_csv_refuses_an_unknown_language(client):
    from tests.people.test_roster_csv import hospital_admin, upload

    admin, hospital = hospital_admin()
    login(client, admin)
    response = upload(client, "full_name,profession,department,language\nAline Uwase,midwife,maternity,Swahili\n")
    assert response.status_code == 422
    assert "Unknown language “Swahili”" in response.get_data(as_text=True)


def test_the_account_page_lets_a_user_go_back_to_the_browsers_language(client):
    user = make_user("mentor", language="rw")
    login(client, user)
    page = client.get("/account").get_data(as_text=True)
    assert '<option value="rw" lang="rw" selected>Ikinyarwanda</option>' in page
    assert client.post("/language", data={"language": "", "next": "/account"}).headers["Location"] == "/account"
    assert db.session.get(User, user.id).language is None


# --- professions and departments --------------------------------------------------------------

def test_seeded_professions_and_departments_show_in_the_readers_language(client):
    hospital = make_hospital()
    make_mentee(hospital, profession_code="midwife", department_code="maternity", name="Aline Uwase")
    login(client, make_user("coordinator", language="fr"))
    page = client.get("/mentees/").get_data(as_text=True)
    assert "Sage-femme" in page and "Maternité" in page
    assert ">Midwife<" not in page


def test_a_profession_or_department_added_later_shows_as_it_was_typed(app):
    from blueprints.people.models import Department

    department = Department(code="dental", name="Dental clinic")
    with in_language("fr"):
        assert department.display_name == "Dental clinic"


def test_the_roster_csv_takes_professions_and_departments_in_the_readers_language_too(client):
    from tests.people.test_roster_csv import hospital_admin, save

    admin, hospital = hospital_admin()
    admin.language = "fr"
    login(client, admin)
    content = "full_name,profession,department\nAline Uwase,Sage-femme,Maternité\nEric Manzi,Midwife,maternity\n"
    assert save(client, content).status_code == 302
    professions = dict(db.session.execute(
        select(Mentee.full_name, Mentee.profession_id).where(Mentee.hospital_id == hospital.id)).all())
    assert professions["Aline Uwase"] == professions["Eric Manzi"]


def test_rwandas_fixed_holidays_show_in_the_readers_language_and_added_ones_as_typed(client):
    from tests.factories import profession

    profession("midwife")  # runs seed_defaults: Rwanda's fixed holidays
    user = make_user("coordinator", language="fr")
    login(client, user)
    assert client.post("/visits/holidays", data={"name": "Umuganura (harvest day)", "day": "7", "month": "8", "year": "2026"}).status_code == 302
    page = client.get("/visits/holidays").get_data(as_text=True)
    assert "Noël" in page and "Christmas Day" not in page
    assert "Umuganura (harvest day)" in page


def test_a_teams_missing_profession_is_named_in_the_readers_language(client):
    from tests.factories import make_mentor, make_team

    short = make_team("Team Short")
    for code in ("obgyn", "paediatrician", "midwife", "paediatric_nurse"):
        make_mentor(short, code)
    login(client, make_user("coordinator", language="fr"))
    page = client.get("/teams/").get_data(as_text=True)
    assert "Manque : anesthésiste" in page and "anaesthetist" not in page
