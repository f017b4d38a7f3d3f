"""The audit trail keeps the same values of each audited record as it always has: `audit.snapshot` reads the fields
a model names in `__audited__`, with days as ISO text, the ids of a team's hospitals and of a hospital's departments
sorted, and None where a value is empty (the dicts the twelve hand-written `*_snapshot()` functions it replaced gave,
checked equal to them before they went). One test per audited model, each on a row with its awkward values."""

from datetime import date

from blueprints.core import audit
from blueprints.core.extensions import db
from blueprints.equipment.models import EquipmentCheck, EquipmentCount, EquipmentItem
from blueprints.mentoring.models import Skill
from blueprints.people.models import Absence, Transfer
from blueprints.visits.models import Holiday
from tests.factories import department, make_hospital, make_mentee, make_mentor, make_team, make_user, profession
from tests.visits.conftest import make_visit


def added(row):
    db.session.add(row)
    db.session.flush()
    return row


def test_a_users_snapshot_names_their_role_and_links_and_never_the_password():
    hospital = make_hospital("Nemba")
    user = make_user("hospital_admin", username="admin.nemba", display_name="Aline Mukamana", hospital=hospital)
    expected = {"username": "admin.nemba", "display_name": "Aline Mukamana", "role": "hospital_admin",
                "hospital_id": hospital.id, "mentor_id": None, "mentee_id": None, "active": True}
    assert audit.snapshot(user) == expected


def test_a_skills_snapshot_gives_its_retirement_day_as_iso_text_and_its_translations():
    midwife = profession("midwife")
    skill = added(Skill(profession_id=midwife.id, area="Labour", name="Partograph (audit test)", position=4,
                        name_translations={"fr": "Partogramme"}, retired_on=date(2026, 3, 2)))
    expected = {"profession_id": midwife.id, "area": "Labour", "name": "Partograph (audit test)", "position": 4,
                "retired_on": "2026-03-02", "name_translations": {"fr": "Partogramme"}, "area_translations": None}
    assert audit.snapshot(skill) == expected
    skill.retired_on, skill.name_translations = None, None
    assert audit.snapshot(skill) == {**expected, "retired_on": None, "name_translations": None}


def test_an_equipment_items_snapshot_keeps_its_norm_and_flags():
    item = added(EquipmentItem(ward="labour", name="Bag and mask", unit="set", required_quantity=2, critical=True,
                               retired=False, name_translations={"rw": "Umufuka"}))
    expected = {"ward": "labour", "name": "Bag and mask", "unit": "set", "required_quantity": 2, "critical": True,
                "retired": False, "name_translations": {"rw": "Umufuka"}}
    assert audit.snapshot(item) == expected


def test_an_equipment_counts_snapshot_keeps_the_numbers_and_why_the_others_do_not_work():
    hospital = make_hospital()
    item = added(EquipmentItem(ward="labour", name="Suction pump"))
    check = added(EquipmentCheck(hospital_id=hospital.id, check_date=date(2026, 3, 2)))
    count = added(EquipmentCount(check_id=check.id, item_id=item.id, available=3, functional=1, reason="broken", note="Fuse"))
    expected = {"available": 3, "functional": 1, "reason": "broken", "note": "Fuse"}
    assert audit.snapshot(count) == expected


def test_a_visits_snapshot_gives_its_first_day_as_iso_text_and_where_it_was_postponed_to():
    hospital, team = make_hospital(), make_team()
    later = make_visit(hospital, team, date(2026, 3, 16))
    visit = make_visit(hospital, team, date(2026, 3, 2), days=2, status="postponed", status_reason="Flooded road",
                       postponed_to_id=later.id, notes="Bring partographs")
    expected = {"hospital_id": hospital.id, "team_id": team.id, "start_date": "2026-03-02", "days": 2, "status": "postponed",
                "status_reason": "Flooded road", "postponed_to_id": later.id, "notes": "Bring partographs"}
    assert audit.snapshot(visit) == expected


def test_a_holidays_snapshot_has_no_year_when_it_comes_back_every_year():
    holiday = added(Holiday(name="Heroes' Day", month=2, day=1, year=None))
    assert audit.snapshot(holiday) == {"name": "Heroes' Day", "month": 2, "day": 1, "year": None}


def test_a_teams_snapshot_lists_its_hospitals_ids_sorted():
    team = make_team("Team North")
    second, first = make_hospital("Zeta", team=team), make_hospital("Alpha", team=team)
    db.session.refresh(team)
    expected = {"name": "Team North", "hospital_ids": sorted([first.id, second.id])}
    assert audit.snapshot(team) == expected


def test_a_mentors_snapshot_keeps_their_contact_and_team():
    team = make_team()
    mentor = make_mentor(team, name="Jean Habimana")
    mentor.home_institution, mentor.phone, mentor.email = "CHUK", "+250788000001", "jean@example.org"
    expected = {"full_name": "Jean Habimana", "profession_id": mentor.profession_id, "team_id": team.id,
                "home_institution": "CHUK", "phone": "+250788000001", "email": "jean@example.org", "active": True}
    assert audit.snapshot(mentor) == expected


def test_a_hospitals_snapshot_lists_its_departments_ids_sorted():
    team = make_team()
    hospital = make_hospital("Ruli", team=team, province="Northern Province")
    hospital.departments = [department("neonatology"), department("maternity")]
    db.session.flush()
    expected = {"name": "Ruli", "district": "Gakenke", "province": "Northern Province", "team_id": team.id,
                "cadence_days": None, "department_ids": sorted(d.id for d in hospital.departments)}
    assert audit.snapshot(hospital) == expected


def test_a_mentees_snapshot_keeps_where_they_work_and_their_language():
    hospital = make_hospital()
    mentee = make_mentee(hospital, name="Espérance Uwimana")
    mentee.phone, mentee.preferred_language = "+250788000002", "rw"
    expected = {"full_name": "Espérance Uwimana", "profession_id": mentee.profession_id, "hospital_id": hospital.id,
                "department_id": mentee.department_id, "status": "active", "phone": "+250788000002", "email": "", "preferred_language": "rw"}
    assert audit.snapshot(mentee) == expected


def test_an_absences_snapshot_gives_its_days_as_iso_text():
    mentee = make_mentee(make_hospital())
    absence = added(Absence(mentee_id=mentee.id, kind="night_shift", start_date=date(2026, 3, 2), end_date=date(2026, 3, 8),
                            note="Ward 3"))
    expected = {"mentee_id": mentee.id, "mentor_id": None, "kind": "night_shift", "start_date": "2026-03-02",
                "end_date": "2026-03-08", "note": "Ward 3"}
    assert audit.snapshot(absence) == expected


def test_a_transfers_snapshot_gives_its_date_as_iso_text_and_both_ends():
    origin, destination = make_hospital(), make_hospital()
    mentee = make_mentee(origin)
    transfer = added(Transfer(mentee_id=mentee.id, kind="hospital", effective_date=date(2026, 4, 1), reason="Family",
                              from_hospital_id=origin.id, from_department_id=mentee.department_id,
                              to_hospital_id=destination.id, to_department_id=None))
    expected = {"mentee_id": mentee.id, "kind": "hospital", "effective_date": "2026-04-01", "from_hospital_id": origin.id,
                "from_department_id": mentee.department_id, "to_hospital_id": destination.id, "to_department_id": None,
                "reason": "Family"}
    assert audit.snapshot(transfer) == expected


def test_a_change_is_recorded_with_only_the_values_that_changed_and_no_change_leaves_no_row():
    team = make_team()
    mentor = make_mentor(team, name="Jean Habimana")
    before = audit.snapshot(mentor)
    mentor.phone = "+250788000003"
    event = audit.record_changes("mentor.update", mentor, before, summary="updated mentor Jean Habimana")
    assert (event.before, event.after) == ({"phone": ""}, {"phone": "+250788000003"})
    assert audit.record_changes("mentor.update", mentor, audit.snapshot(mentor), summary="nothing") is None
