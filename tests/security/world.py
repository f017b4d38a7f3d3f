"""A small programme with every free-text field filled with one given text, built through the services.

Shared by the escaping test (the text is a hostile payload) and the form fuzzer (a world with one of
everything, so every form appears on some page and every id route has an object)."""

from datetime import timedelta

from sqlalchemy import select

from blueprints.auth.services import create_user
from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.notify import notify
from blueprints.equipment.models import EquipmentItem
from blueprints.equipment.services import add_follow_up, create_item, log_request, save_count, start_visit_check
from blueprints.mentoring.models import ActionItem, Feedback, Reflection, Skill
from blueprints.people.services.absences import add_absence
from blueprints.people.services.assignments import assign
from blueprints.people.services.hospitals import create_hospital
from blueprints.people.services.mentees import create_mentee
from blueprints.people.services.mentors import add_training, create_mentor
from blueprints.people.services.teams import create_team
from blueprints.people.services.transfers import log_transfer
from blueprints.reports.models import ExportJob
from blueprints.visits.models import Holiday
from blueprints.visits.services import change_status, create_visit
from tests.factories import _PASSWORD_HASH, department, profession


def build_world(text: str) -> dict:
    """Every object kind once (twice for hospitals), each free-text field holding `text`."""
    team = create_team(name=f"{text} team")
    other_team = create_team(name=f"{text} other team")
    maternity, theatre = department("maternity"), department("theatre")
    hospital = create_hospital(name=f"{text} hospital", district=text, province=text,
                               department_ids=[maternity.id, theatre.id], team_id=team.id)
    other = create_hospital(name=f"{text} other hospital", district=text, province=text,
                            department_ids=[maternity.id], team_id=other_team.id)
    mentor = create_mentor(full_name=f"{text} mentor", profession_id=profession("midwife").id, team_id=team.id,
                           home_institution=text, phone=text, email="", active=True)
    mentee = create_mentee(full_name=f"{text} mentee", profession=profession("midwife"), hospital=hospital,
                           department=maternity, phone=text)
    mover = create_mentee(full_name=f"{text} mover", profession=profession("midwife"), hospital=hospital,
                          department=maternity, phone=text)
    assignment, _warnings = assign(mentor, mentee, today() - timedelta(days=30))
    absence = add_absence(mentee, kind="annual_leave", start_date=today() + timedelta(days=2),
                          end_date=today() + timedelta(days=4), note=text)
    coordinator = create_user(username="coord.world", display_name=f"{text} coordinator", role="coordinator",
                              password="", password_hash=_PASSWORD_HASH)
    admin = create_user(username="admin.world", display_name=f"{text} admin", role="hospital_admin",
                        password="", password_hash=_PASSWORD_HASH, hospital_id=hospital.id)
    other_admin = create_user(username="admin.other", display_name=f"{text} other admin", role="hospital_admin",
                              password="", password_hash=_PASSWORD_HASH, hospital_id=other.id)
    mentor_user = create_user(username="mentor.world", display_name=f"{text} mentor user", role="mentor",
                              password="", password_hash=_PASSWORD_HASH, mentor_id=mentor.id)
    sysadmin = create_user(username="sys.world", display_name=f"{text} sysadmin", role="sysadmin",
                           password="", password_hash=_PASSWORD_HASH)
    transfer = log_transfer(mover, kind="hospital", effective_date=today() + timedelta(days=20), to_hospital=other,
                            to_department=maternity, reason=text, by=admin)
    add_training(mentor, title=f"{text} course", course_date=today() - timedelta(days=10), hours=8)
    visit = create_visit(hospital_id=hospital.id, team_id=team.id, start_date=today() - timedelta(days=1), days=3,
                         notes=f"{text} visit notes")
    change_status(visit, "confirmed", version=visit.version)
    later = create_visit(hospital_id=hospital.id, team_id=team.id, start_date=today() + timedelta(days=40), days=2,
                         notes=text)
    change_status(later, "cancelled", reason=f"{text} cancelled", version=later.version)
    item = create_item(ward="labour", name=f"{text} item", unit=text, required_quantity=2, critical=True)
    check = start_visit_check(visit, by=admin)
    save_count(check, item, available=2, functional=1, reason="broken", note=f"{text} count note", version=0, by=admin)
    request = log_request(hospital, item, addressee="district", requested_on=today(), by=admin, addressee_name=text,
                          reference=text, note=text)
    add_follow_up(request, followed_up_on=today(), note=text, by=admin)
    other_item = db.session.scalar(select(EquipmentItem).where(EquipmentItem.id != item.id).order_by(EquipmentItem.id))
    [notification] = notify([admin], f"{text} notification")
    reflection = Reflection(visit_id=visit.id, mentor_id=mentor.id, went_well=text, challenges=text, mentees_absent=text,
                            equipment_problems=text, support_needed=text)
    db.session.add(reflection)
    export = ExportJob(requested_by_id=coordinator.id, date_from=today() - timedelta(days=30), date_to=today(),
                       hospital_ids=[hospital.id], status="failed", total=3, done=1, error=f"{text} export error")
    db.session.add(export)
    feedback = Feedback(visit_id=later.id, mentee_id=mentee.id, mentor_id=mentor.id, strengths=text, areas_to_improve=text,
                        mentee_comment=text, status="signed")
    db.session.add(feedback)
    db.session.flush()
    action = ActionItem(feedback_id=feedback.id, mentee_id=mentee.id, text=text, due_date=today() + timedelta(days=30),
                        mentee_status="partly", mentee_note=text)
    db.session.add(action)
    mentee_user = create_user(username="mentee.world", display_name=f"{text} mentee user", role="mentee",
                              password="", password_hash=_PASSWORD_HASH, mentee_id=mentee.id)
    db.session.flush()
    return {
        "team": team, "hospital": hospital, "other": other, "mentor": mentor, "mentee": mentee, "mover": mover,
        "coordinator": coordinator, "admin": admin, "other_admin": other_admin, "mentor_user": mentor_user,
        "sysadmin": sysadmin, "mentee_user": mentee_user, "visit": visit, "later": later, "item": item, "other_item": other_item, "check": check,
        "ids": {
            "mentee_id": mentee.id, "assignment_id": assignment.id, "absence_id": absence.id,
            "transfer_id": transfer.id, "notification_id": notification.id, "user_id": other_admin.id,
            "hospital_id": hospital.id, "team_id": team.id, "mentor_id": mentor.id, "visit_id": visit.id,
            "check_id": check.id, "item_id": item.id, "reflection_id": reflection.id,
            "skill_id": db.session.scalar(select(Skill.id).order_by(Skill.id)),
            "holiday_id": db.session.scalar(select(Holiday.id).order_by(Holiday.id)),
            "job_id": export.id, "feedback_id": feedback.id, "action_item_id": action.id, "request_id": request.id,
            "year": visit.start_date.year,  # /mentees/<id>/cpd/<year>.pdf
        },
    }
