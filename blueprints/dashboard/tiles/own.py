"""The tiles of a mentor and of a hospital administrator, over their own visits, mentees and hospital."""

from datetime import date, timedelta
from types import SimpleNamespace

from flask_babel import gettext as _

from ...auth.models import User
from ...core import queries as core_queries
from ...core.extensions import db
from ...core.i18n import localized_name
from ...core.roles import MENTOR
from ...equipment import gap_matrix
from ...equipment import queries as equipment_queries
from ...equipment.checks import next_check_due
from ...equipment.forms import WARD_LABELS
from ...mentoring import followup as mentoring_followup
from ...mentoring.framework import rating_scale
from ...mentoring.models import FeedbackStatus
from ...people.models import TransferKind
from ...people.queries import mentees as mentee_queries
from ...people.queries import transfers as transfer_queries
from ...visits import queries as visit_queries
from ...visits.models import Visit
from .. import queries
from .base import LIST_ROWS, TABLE_ROWS, Filters, Table


def next_visit(user: User, today: date) -> Visit | None:
    query = visit_queries.visits_between(user, today, today + timedelta(days=366), mine=True)
    return db.session.scalars(query.where(Visit.status.in_(visit_queries.UPCOMING_STATUSES)).limit(1)).first()


def load_next_visit(filters: Filters, user: User, today: date) -> dict:
    visit = next_visit(user, today)
    days, table = [], Table([_("Day"), _("Mentee"), _("Absence")])
    if visit is not None:
        if user.role == MENTOR:
            names = {m.id: m.full_name for m in db.session.execute(queries.mentor_active_mentees(user.mentor_id))
                     if m.hospital_id == visit.hospital_id}
        else:
            names = {m.id: m.full_name for m, _mentor in db.session.execute(
                mentee_queries.mentees_query(user, hospital_id=visit.hospital_id))}
        absences = visit_queries.absences_between(names, visit.start_date, visit.end_date)
        for day in visit.day_dates:
            away = sorted(((names[a.mentee_id], a.mentee_id, a.kind.label) for a in absences
                           if a.start_date <= day <= a.end_date), key=lambda t: t[0])
            days.append({"day": day, "away": away})
            table.rows += [[day, name, kind] for name, _id, kind in away]
        expected = len(names)
    else:
        expected = 0
    return {"visit": visit, "days": days, "table": table, "empty": visit is None, "expected": expected, "today": today,
            "clashes": len({mentee_id for d in days for _name, mentee_id, _kind in d["away"]})}


def load_my_mentees(filters: Filters, user: User, today: date) -> dict:
    """My current mentees, each with their latest feedback's ratings (lowest first) and their open action items."""
    rows = db.session.execute(queries.mentor_active_mentees(user.mentor_id)).all() if user.mentor_id else []
    # The department as the reader says it (a seeded one is in the catalogues; see Department.display_name).
    rows = [SimpleNamespace(**{**row._asdict(), "department": _(row.department) if row.department else None}) for row in rows]
    ids = [m.id for m in rows]
    last: dict[int, dict] = {}
    items: dict[int, list] = {}
    scale: dict[int, str] = {}
    if ids:
        for mentee_id, day, status, skill, translations, rating in db.session.execute(mentoring_followup.latest_ratings(ids)):
            last.setdefault(mentee_id, {"day": day, "draft": status == FeedbackStatus.DRAFT, "ratings": []})["ratings"].append(
                (localized_name(skill, translations), rating))
        for item in db.session.scalars(mentoring_followup.open_items_of(ids)):
            items.setdefault(item.mentee_id, []).append(item)
        scale = rating_scale()

    def said(ratings) -> str:
        return "; ".join(f"{skill}: {rating} {scale.get(rating, '')}".rstrip() for skill, rating in ratings)

    table = Table([_("Mentee"), _("Hospital"), _("Department"), _("Since"), _("Last feedback"), _("Last ratings"),
                   _("Open action items"), _("Next due")],
                  [[m.full_name, m.hospital or "", m.department or "", m.start_date, last.get(m.id, {}).get("day"),
                    said(last.get(m.id, {}).get("ratings", [])), len(items.get(m.id, [])),
                    items[m.id][0].due_date if items.get(m.id) else None] for m in rows])
    return {"rows": rows[:TABLE_ROWS], "more": max(len(rows) - TABLE_ROWS, 0), "table": table, "empty": not rows,
            "last": last, "items": items, "scale": scale, "today": today}


def load_notifications(filters: Filters, user: User, today: date) -> dict:
    rows = db.session.scalars(core_queries.notifications_for(user.id).limit(LIST_ROWS)).all()
    unread = core_queries.unread_count(user.id)
    table = Table([_("When"), _("Message"), _("Read")], [[n.created_at, n.message, _("yes") if n.read_at else ""] for n in rows])
    return {"rows": rows, "unread": unread, "table": table, "empty": not rows}


def load_hospital_mentees(filters: Filters, user: User, today: date) -> dict:
    rows = db.session.execute(mentee_queries.mentees_query(user, hospital_id=user.hospital_id)).all()
    table = Table([_("Mentee"), _("Profession"), _("Department"), _("Mentor")],
                  [[m.full_name, m.profession.display_name, m.department.display_name if m.department else "", mentor or ""] for m, mentor in rows])
    return {"rows": rows[:TABLE_ROWS], "more": max(len(rows) - TABLE_ROWS, 0), "table": table, "empty": not rows}


def _place(hospital, department) -> str:
    """'Ruli (Maternity)', or the hospital alone."""
    if hospital is None:
        return ""
    return f"{hospital.name} ({department.display_name})" if department else hospital.name


def load_transfers(filters: Filters, user: User, today: date) -> dict:
    """Moves into and out of the hospital, and between its departments, in the 12 months up to today (a move
    dated later is not counted until its day comes)."""
    window = (today - timedelta(days=364), today)  # the turnover's 12 months: after today - 365, up to today
    moves = []
    for direction in ("in", "out"):
        for transfer in db.session.scalars(transfer_queries.hospital_transfers(user.hospital_id, direction, limit=None, between=window)):
            moves.append(("within" if transfer.kind == TransferKind.DEPARTMENT else direction, transfer))
    moves.sort(key=lambda pair: (pair[1].effective_date, pair[1].id), reverse=True)
    readable = mentee_queries.readable_mentee_ids(user, [t.mentee_id for _d, t in moves[:TABLE_ROWS]])
    labels = {"in": _("in"), "out": _("out"), "within": _("within the hospital")}
    table = Table([_("Date"), _("Mentee"), _("Direction"), _("Kind"), _("From"), _("To")],
                  [[t.effective_date, t.mentee.full_name, labels[d], t.kind.label,
                    _place(t.from_hospital, t.from_department), _place(t.to_hospital, t.to_department)] for d, t in moves])
    counts = {d: sum(1 for direction, _t in moves if direction == d) for d in labels}
    return {"moves": moves[:TABLE_ROWS], "readable": readable, "table": table, "empty": not moves, "labels": labels,
            "moved_in": counts["in"], "moved_out": counts["out"], "moved_within": counts["within"]}


def load_equipment_due(filters: Filters, user: User, today: date) -> dict:
    data = gap_matrix.matrix(user)
    row = next((r for r in data["rows"] if r["hospital"].id == user.hospital_id), None)
    last = (equipment_queries.hospital_checks(user.hospital_id, limit=1) or [None])[0]
    gaps = [(item, cell) for item, cell in zip(data["items"], row["cells"], strict=True) if cell is not None and cell.gap] if row else []
    gaps.sort(key=lambda pair: (not pair[0].critical, pair[0].ward, pair[0].name))
    last_date = last.check_date if last else None
    due, overdue = next_check_due(last_date, today)
    table = Table([_("Item"), _("Ward"), _("Critical"), _("Required"), _("Functional"), _("Gap"), _("Gap since")],
                  [[item.display_name, WARD_LABELS.get(item.ward, item.ward), _("yes") if item.critical else "", cell.required, cell.functional,
                    cell.gap, cell.gap_since] for item, cell in gaps])
    return {"gaps": gaps[:LIST_ROWS], "more": max(len(gaps) - LIST_ROWS, 0), "table": table, "empty": last is None,
            "last": last_date, "due": due, "overdue": overdue}
