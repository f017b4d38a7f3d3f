"""paginate(): entities for a one-entity select, whole rows for a select of several columns."""

from sqlalchemy import select

from blueprints.core.pagination import paginate
from blueprints.people.models import Hospital, Mentee
from tests.factories import make_hospital, make_mentee


def test_a_select_of_one_entity_pages_through_entities(app):
    for n in range(3):
        make_hospital(f"Hospital {n}")
    with app.test_request_context("/?page=2"):
        page = paginate(select(Hospital).order_by(Hospital.name), per_page=2)
    assert [h.name for h in page.items] == ["Hospital 2"] and page.total == 3


def test_a_select_of_several_columns_pages_through_rows(app):
    hospital = make_hospital("Nemba")
    for name in ("Aline", "Eric", "Josiane"):
        make_mentee(hospital, name=name)
    with app.test_request_context("/?page=9"):  # past the end: the last page
        page = paginate(select(Mentee, Hospital.name).join(Hospital).order_by(Mentee.full_name), per_page=2)
    assert [(mentee.full_name, hospital_name) for mentee, hospital_name in page.items] == [("Josiane", "Nemba")]
    assert page.page == 2 and page.total == 3
