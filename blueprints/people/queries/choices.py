"""Select-box lists shared by the people forms and other areas: departments, professions, (id, label) pairs."""


from sqlalchemy import select

from ...core.extensions import db
from ..models import Department, Profession


def choices(model, label_column, where=None) -> list[tuple[int, str]]:
    """(id, label) pairs for a select box, in label order."""
    query = select(model.id, label_column).order_by(label_column)
    if where is not None:
        query = query.where(where)
    return [(row[0], row[1]) for row in db.session.execute(query)]


def named_choices(items) -> list[tuple[int, str]]:
    """(id, name in the reader's language) for a select box of professions or departments, in the reader's order."""
    return sorted(((item.id, item.display_name) for item in items), key=lambda pair: pair[1].casefold())


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.name)))


def professions() -> list[Profession]:
    return list(db.session.scalars(select(Profession).order_by(Profession.name)))
