"""Writes for hospitals: add and edit, with their departments, team and own cadence."""


from flask_babel import gettext as _
from sqlalchemy import func, select

from ...core import audit
from ...core.errors import RuleBroken
from ...core.extensions import db
from ...core.programme import BOUNDS, range_message
from ..models import Department, Hospital


def _check_hospital_name(name: str, hospital: Hospital | None) -> None:
    other = db.session.scalar(select(Hospital).where(func.lower(Hospital.name) == name.lower()))
    if other is not None and other is not hospital:
        raise RuleBroken("name", _("There is already a hospital called %(name)s.", name=other.name))


def _hospital_values(name: str, district: str, province: str) -> tuple[str, str, str]:
    name, district, province = name.strip(), district.strip(), province.strip()
    for field, value in (("name", name), ("district", district), ("province", province)):
        if not value:
            raise RuleBroken(field, _("This field is required."))
    return name, district, province


def _check_cadence(cadence_days: int | None) -> None:
    low, high = BOUNDS["cadence_days"]
    if cadence_days is not None and not low <= cadence_days <= high:
        raise RuleBroken("cadence_days", str(range_message("cadence_days")))


def create_hospital(*, name: str, district: str, province: str, department_ids=(), team_id: int | None = None,
                    cadence_days: int | None = None) -> Hospital:
    name, district, province = _hospital_values(name, district, province)
    _check_hospital_name(name, None)
    _check_cadence(cadence_days)
    hospital = Hospital(name=name, district=district, province=province, team_id=team_id, cadence_days=cadence_days,
                        departments=_departments(department_ids))
    db.session.add(hospital)
    db.session.flush()
    audit.record("hospital.create", hospital, summary=f"added hospital {hospital.name}",
                 after=audit.snapshot(hospital), hospital_id=hospital.id)
    return hospital


def update_hospital(hospital: Hospital, *, name: str, district: str, province: str, department_ids=(),
                    team_id: int | None = None, cadence_days: int | None = None) -> Hospital:
    name, district, province = _hospital_values(name, district, province)
    _check_hospital_name(name, hospital)
    _check_cadence(cadence_days)
    departments = _departments(department_ids)
    before = audit.snapshot(hospital)
    hospital.name, hospital.district, hospital.province, hospital.team_id = name, district, province, team_id
    hospital.cadence_days = cadence_days
    hospital.departments = departments
    db.session.flush()
    audit.record_changes("hospital.update", hospital, before, summary=f"updated hospital {hospital.name}", hospital_id=hospital.id)
    return hospital


def _departments(department_ids) -> list[Department]:
    ids = set(department_ids or ())
    if not ids:
        return []
    found = list(db.session.scalars(select(Department).where(Department.id.in_(ids)).order_by(Department.name)))
    if len(found) != len(ids):
        raise RuleBroken("department_ids", _("Choose departments from the list."))
    return found
