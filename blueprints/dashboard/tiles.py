"""Dashboard tiles. A tile is one `Tile` entry in `TILES`: who may see it, how it loads its data (from the
features' own scoped queries), where its detail is and what to do when it is empty. The routes give each
tile a fragment (/dashboard/tiles/<name>) and a CSV of its table (/dashboard/tiles/<name>.csv); the
home pages list the tiles of the role. Every loader runs a fixed number of queries, whatever the rows."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth.models import User
from ..core import limits
from ..core import queries as core_queries
from ..core.extensions import db
from ..core.i18n import localized_name
from ..core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ..equipment import queries as equipment_queries
from ..equipment.checks import next_check_due
from ..equipment.forms import WARD_LABELS
from ..mentoring import followup as mentoring_followup
from ..mentoring.framework import rating_scale
from ..mentoring.models import FeedbackStatus
from ..people.models import Hospital, TransferKind
from ..people.queries import mentees as mentee_queries
from ..people.queries import mentors as mentor_queries
from ..people.queries import transfers as transfer_queries
from ..people.scopes import readable_hospitals, readable_mentees
from ..visits import attendance as visit_attendance
from ..visits import cadence as visit_cadence
from ..visits import queries as visit_queries
from ..visits.cadence import CadenceStatus
from ..visits.models import Visit, VisitStatus
from . import charts, queries

TABLE_ROWS = 15  # rows of a tile's table shown on the page; the CSV has them all
LIST_ROWS = 8    # rows of a tile's own list or chart


@dataclass(frozen=True)
class Filters:
    """The dashboard's date range and province, read from the URL and carried in every tile's URL."""

    start: date
    end: date
    province: str | None = None
    refused: tuple[str, ...] = field(default=(), compare=False)  # dates given but left out (not 2000–2100 dates)

    @classmethod
    def from_args(cls, args, today: date) -> "Filters":
        refused = []

        def day(name: str) -> date | None:
            try:
                return limits.parse_day(args.get(name, ""))
            except ValueError:
                refused.append(name)
                return None

        end = day("to") or today
        start = day("from") or end - timedelta(days=365)
        if start > end:
            start, end = end, start
        return cls(start, end, (args.get("province") or "").strip() or None, tuple(refused))

    def args(self) -> dict:
        values = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.province:
            values["province"] = self.province
        return values


@dataclass
class Table:
    """A tile's numbers: shown under the picture (behind a toggle) and downloaded as CSV."""

    header: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass(frozen=True)
class Tile:
    name: str
    title: str
    roles: tuple[str, ...]
    load: Callable[[Filters, User, date], dict]  # -> template context with at least "table" and "empty"
    detail: Callable[[Filters, User], str]        # the page the tile summarises
    empty: str                                    # what to do when there is nothing to show
    empty_action: tuple[str, Callable[[Filters, User], str]] | None = None  # (label, url) of the next step
    note: str = ""                                # what the filters do not change, said in the tile


def _as_of(filters: Filters, today: date) -> date:
    return min(filters.end, today)


# --- coordinator -----------------------------------------------------------------------------------

def load_cadence(filters: Filters, user: User, today: date) -> dict:
    on = _as_of(filters, today)
    rows = [c for c in visit_cadence.hospital_cadence(on, user)
            if c.status != CadenceStatus.ON_TRACK and (not filters.province or c.province == filters.province)]
    rows.sort(key=lambda c: (c.status != CadenceStatus.NEVER, -(c.days_since or 0), c.hospital))
    table = Table([_("Hospital"), _("Province"), _("Team"), _("Last held visit"), _("Days since"), _("Next planned"), _("Status")],
                  [[c.hospital, c.province, c.team or "", c.last_held, c.days_since, c.next_planned, c.status.label]
                   for c in rows])
    chart = charts.bars([(c.hospital, c.days_since) for c in rows if c.days_since is not None][:LIST_ROWS])
    return {"rows": rows[:LIST_ROWS], "more": max(len(rows) - LIST_ROWS, 0), "chart": chart, "table": table, "empty": not rows,
            "overdue": sum(1 for c in rows if c.status in (CadenceStatus.OVERDUE, CadenceStatus.NEVER)),
            "due": sum(1 for c in rows if c.status == CadenceStatus.DUE), "as_of": on}


def load_visits(filters: Filters, user: User, today: date) -> dict:
    first = filters.end.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    last = (following + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    visits = db.session.scalars(visit_queries.visits_between(user, first, last, province=filters.province)).all()
    months = [(first, [v for v in visits if v.start_date < following]), (following, [v for v in visits if v.start_date >= following])]
    table = Table([_("Start"), _("End"), _("Hospital"), _("Team"), _("Status")],
                  [[v.start_date, v.end_date, v.hospital.name, v.team.name if v.team else "", v.status.label]
                   for v in visits])
    return {"months": months, "table": table, "empty": not visits}


def consistency_rows(raw, start: date, end: date) -> list[dict]:
    """Per hospital: visits planned and held in the range, mean interval and longest gap between held visits
    (the range's ends count as edges, so a hospital never visited has the whole range as its gap)."""
    by_hospital: dict[int, dict] = {}
    for hospital_id, name, visit_start, _visit_end, status in raw:
        row = by_hospital.setdefault(hospital_id, {"id": hospital_id, "label": name, "planned": 0, "held": []})
        if visit_start is None:
            continue
        row["planned"] += 1
        if status == VisitStatus.HELD:
            row["held"].append(visit_start)
    months = _months(start, end)
    for row in by_hospital.values():
        held = sorted(row["held"])
        edges = [start, *held, end]
        gaps = [(a, b) for a, b in zip(edges, edges[1:], strict=False)]
        row["longest"] = max(gaps, key=lambda g: (g[1] - g[0]).days) if gaps else None
        row["longest_days"] = (row["longest"][1] - row["longest"][0]).days if row["longest"] else 0
        intervals = [(b - a).days for a, b in zip(held, held[1:], strict=False)]
        row["mean_interval"] = round(sum(intervals) / len(intervals)) if intervals else None
        row["per_month"] = [sum(1 for d in held if (d.year, d.month) == m) for m in months]
        row["spark"] = charts.sparkline(row["per_month"])
    return sorted(by_hospital.values(), key=lambda r: (-r["longest_days"], r["label"]))


def _months(start: date, end: date) -> list[tuple[int, int]]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month) and len(months) < 36:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def load_consistency(filters: Filters, user: User, today: date) -> dict:
    end = _as_of(filters, today)
    start = min(filters.start, end)
    rows = consistency_rows(db.session.execute(queries.visits_in_range(user, start, end, filters.province)).all(), start, end)
    table = Table([_("Hospital"), _("Visits planned"), _("Visits held"), _("Mean interval (days)"), _("Longest gap (days)"),
                   _("Longest gap from"), _("Longest gap to")],
                  [[r["label"], r["planned"], len(r["held"]), r["mean_interval"], r["longest_days"],
                    r["longest"][0] if r["longest"] else None, r["longest"][1] if r["longest"] else None] for r in rows])
    shown = rows[:LIST_ROWS]
    return {"rows": shown, "more": max(len(rows) - LIST_ROWS, 0), "gap_chart": charts.gap_timeline(shown, start, end),
            "table": table, "empty": not rows, "start": start, "end": end}


def load_missed(filters: Filters, user: User, today: date) -> dict:
    missed = visit_attendance.recent_missed_visits(filters.start, user, None, until=filters.end, province=filters.province)
    mentors: dict[int, dict] = {}
    for visit, mentor_id, name, reason in missed:  # newest first
        row = mentors.setdefault(mentor_id, {"id": mentor_id, "name": name, "missed": 0, "last": visit, "reason": reason or ""})
        row["missed"] += 1
    rows = sorted(mentors.values(), key=lambda r: (-r["missed"], r["name"]))
    table = Table([_("Mentor"), _("Held visits missed"), _("Last missed"), _("Hospital"), _("Reason")],
                  [[r["name"], r["missed"], r["last"].start_date, r["last"].hospital.name, r["reason"]] for r in rows])
    return {"rows": rows[:LIST_ROWS], "more": max(len(rows) - LIST_ROWS, 0), "table": table, "empty": not rows,
            "chart": charts.bars([(r["name"], r["missed"]) for r in rows[:LIST_ROWS]])}


def load_turnover(filters: Filters, user: User, today: date) -> dict:
    on = _as_of(filters, today)
    query = transfer_queries.transfers_out_last_12_months(on)
    if filters.province:
        query = query.where(Hospital.province == filters.province)
    hospitals = db.session.execute(query.where(readable_hospitals(user))).all()
    left = db.session.execute(queries.left_before_finishing(filters.start, filters.end, filters.province,
                                                            readable_mentees(user))).all()
    left_per_hospital: dict[int, int] = {}
    for row in left:
        left_per_hospital[row.hospital_id] = left_per_hospital.get(row.hospital_id, 0) + 1
    rows = [{"id": h.id, "name": h.name, "out": h.transfers_out, "left": left_per_hospital.get(h.id, 0)} for h in hospitals]
    rows.sort(key=lambda r: (-r["out"], -r["left"], r["name"]))
    table = Table([_("Hospital"), _("Transfers out in the 12 months to %(day)s", day=on.isoformat()), _("Left before finishing")],
                  [[r["name"], r["out"], r["left"]] for r in rows])
    busy = [r for r in rows if r["out"]]
    return {"rows": busy[:LIST_ROWS], "left": left[:5], "left_count": len(left), "table": table, "as_of": on,
            "empty": not busy and not left, "chart": charts.bars([(r["name"], r["out"]) for r in busy[:LIST_ROWS]])}


def load_equipment(filters: Filters, user: User, today: date) -> dict:
    data = equipment_queries.matrix(user, province=filters.province, critical_only=True)
    rows, table = [], Table([_("Hospital"), _("Province"), _("Critical item"), _("Required"), _("Functional"), _("Gap"), _("Gap since")])
    for row in data["rows"]:
        gaps = [(item, cell) for item, cell in zip(data["items"], row["cells"], strict=True) if cell is not None and cell.gap]
        for item, cell in gaps:
            table.rows.append([row["hospital"].name, row["hospital"].province, item.display_name, cell.required, cell.functional, cell.gap,
                               cell.gap_since])
        if gaps:
            rows.append({"hospital": row["hospital"], "gaps": gaps})
    unchecked = sum(1 for row in data["rows"] if not row["checked"])
    return {"rows": rows[:LIST_ROWS], "more": max(len(rows) - LIST_ROWS, 0), "table": table, "empty": not rows,
            "unchecked": unchecked, "chart": charts.bars([(r["hospital"].name, len(r["gaps"])) for r in rows[:LIST_ROWS]])}


def load_refresher(filters: Filters, user: User, today: date) -> dict:
    on = _as_of(filters, today)
    query = mentor_queries.mentors_query(overdue_on=on)
    if filters.province:
        query = query.where(queries.mentors_in_province(filters.province))
    mentors = db.session.scalars(query).all()
    facts = mentor_queries.mentor_facts(m.id for m in mentors)
    rows = [{"mentor": m, "last": facts.get(m.id, {}).get("last_refresher")} for m in mentors]
    rows.sort(key=lambda r: (r["last"] is not None, r["last"] or on, r["mentor"].full_name))
    table = Table([_("Mentor"), _("Profession"), _("Team"), _("Last refresher"), _("Days since")],
                  [[r["mentor"].full_name, r["mentor"].profession.display_name, r["mentor"].team.name if r["mentor"].team else "",
                    r["last"], (on - r["last"]).days if r["last"] else None] for r in rows])
    return {"rows": rows[:LIST_ROWS], "more": max(len(rows) - LIST_ROWS, 0), "table": table, "empty": not rows, "as_of": on,
            "interval": current_app.config["REFRESHER_INTERVAL_DAYS"]}


# --- mentor and hospital administrator ---------------------------------------------------------------

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
    data = equipment_queries.matrix(user)
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


# --- feedback, reflections and their follow-up (each loader: a fixed number of statements) --------------

def load_writing(filters: Filters, user: User, today: date) -> dict:
    """Held visits in the range with feedback not signed off or reflections not written, oldest first."""
    end = _as_of(filters, today)
    start = min(filters.start, end)
    rows = []
    for visit, expected, signed, drafted, reflections_expected, written in db.session.execute(
            mentoring_followup.visits_with_writing_missing(user, start, end, filters.province)):
        rows.append({"visit": visit, "expected": expected, "signed": signed, "drafted": drafted,
                     "missing": max(expected - signed - drafted, 0), "reflections": reflections_expected,
                     "written": written, "reflections_missing": max(reflections_expected - written, 0)})
    table = Table([_("Visit start"), _("Hospital"), _("Team"), _("Feedback expected"), _("Feedback signed off"),
                   _("Feedback drafted"), _("Feedback not started"), _("Reflections expected"), _("Reflections missing")],
                  [[r["visit"].start_date, r["visit"].hospital.name, r["visit"].team.name if r["visit"].team else "", r["expected"],
                    r["signed"], r["drafted"], r["missing"], r["reflections"], r["reflections_missing"]] for r in rows])
    per_hospital: dict[str, int] = {}
    for row in rows:
        name = row["visit"].hospital.name
        per_hospital[name] = per_hospital.get(name, 0) + row["drafted"] + row["missing"] + row["reflections_missing"]
    busiest = sorted(per_hospital.items(), key=lambda pair: (-pair[1], pair[0]))[:LIST_ROWS]
    return {"rows": rows[:LIST_ROWS], "more": max(len(rows) - LIST_ROWS, 0), "table": table, "empty": not rows,
            "drafted": sum(r["drafted"] for r in rows), "missing": sum(r["missing"] for r in rows),
            "reflections_missing": sum(r["reflections_missing"] for r in rows), "chart": charts.bars(busiest)}


def load_support(filters: Filters, user: User, today: date) -> dict:
    """Support asked for in reflections: how many open, in progress and resolved, and the oldest still open."""
    on = _as_of(filters, today)
    counts = dict(db.session.execute(mentoring_followup.support_counts(user, on, filters.province)).all())
    rows = db.session.execute(mentoring_followup.support_followup(user, on, filters.province)).all()
    table = Table([_("Visit start"), _("Hospital"), _("Mentor"), _("Support needed"), _("Status"), _("Owner"), _("Days since the visit")],
                  [[visit.start_date, hospital, reflection.mentor.full_name, reflection.support_needed,
                    reflection.support_status.label, owner or "",
                    max((on - visit.end_date).days, 0)] for reflection, visit, hospital, owner in rows])
    return {"rows": rows[:5], "more": max(len(rows) - 5, 0), "table": table, "empty": not counts, "as_of": on,
            "open": counts.get("open", 0), "in_progress": counts.get("in_progress", 0), "resolved": counts.get("resolved", 0)}


def load_to_write(filters: Filters, user: User, today: date) -> dict:
    """The signed-in mentor's held visits with their mentees' feedback not signed off or their reflection not written."""
    table = Table([_("Visit start"), _("Hospital"), _("To write"), _("Mentee"), _("Status")])
    end = _as_of(filters, today)
    start = min(filters.start, end)
    visits: dict[int, dict] = {}
    if user.mentor_id:
        for visit, mentee_id, name, status in db.session.execute(mentoring_followup.my_feedback_to_write(user, start, end)):
            row = visits.setdefault(visit.id, {"visit": visit, "feedback": [], "reflection": False})
            row["feedback"].append((mentee_id, name, status or FeedbackStatus.MISSING))
        for visit in db.session.scalars(mentoring_followup.my_reflections_to_write(user, start, end)):
            visits.setdefault(visit.id, {"visit": visit, "feedback": [], "reflection": False})["reflection"] = True
    rows = sorted(visits.values(), key=lambda r: (r["visit"].start_date, r["visit"].id))
    labels = {"feedback": _("Feedback"), "reflection": _("Reflection")}
    for row in rows:
        visit = row["visit"]
        table.rows += [[visit.start_date, visit.hospital.name, labels["feedback"], name, status.label]
                       for _id, name, status in row["feedback"]]
        if row["reflection"]:
            table.rows.append([visit.start_date, visit.hospital.name, labels["reflection"], "", FeedbackStatus.MISSING.label])
    return {"rows": rows[:LIST_ROWS], "more": max(len(rows) - LIST_ROWS, 0), "table": table, "empty": not rows,
            "missing": FeedbackStatus.MISSING,
            "feedback_count": sum(len(r["feedback"]) for r in rows), "reflection_count": sum(1 for r in rows if r["reflection"])}


# --- the registry: adding a tile is one entry here and one template, dashboard/tiles/_<name>.html -------

def _url(endpoint: str, **fixed) -> Callable[[Filters, User], str]:
    return lambda filters, user: url_for(endpoint, **fixed)


def _province(endpoint: str, **fixed) -> Callable[[Filters, User], str]:
    return lambda filters, user: url_for(endpoint, **fixed, **({"province": filters.province} if filters.province else {}))


def _own_hospital(endpoint: str) -> Callable[[Filters, User], str]:
    return lambda filters, user: url_for(endpoint, hospital_id=user.hospital_id)


def _month(filters: Filters, user: User) -> str:
    return url_for("visits.calendar", month=filters.end.strftime("%Y-%m"))


TILES: dict[str, Tile] = {tile.name: tile for tile in (
    Tile("cadence", _l("Hospitals overdue or due for a visit"), (COORDINATOR,), load_cadence, _province("people.hospitals"),
         _l("Every hospital had a visit recently enough."), (_l("Open the planner"), _url("visits.planner")),
         note=_l("As on the last day of the range.")),
    Tile("visits", _l("Visits this month and next"), (COORDINATOR,), load_visits, _month,
         _l("No visits planned these two months."), (_l("Open the planner"), _url("visits.planner")),
         note=_l("The month of the range's last day and the next.")),
    Tile("consistency", _l("Visit consistency per hospital"), (COORDINATOR,), load_consistency, _province("people.hospitals"),
         _l("No hospitals in the programme yet."), (_l("Add a hospital"), _url("people.hospital_new"))),
    Tile("missed", _l("Mentors' missed visits"), (COORDINATOR,), load_missed, _url("visits.visits", status="held"),
         _l("No mentor missed a held visit in this range. Record attendance on every held visit so this stays true."),
         (_l("Open the visit list"), _url("visits.visits", status="held"))),
    Tile("turnover", _l("Mentee turnover per hospital"), (COORDINATOR,), load_turnover, _province("people.hospitals"),
         _l("No mentee transferred out or left in this range."), (_l("Open the mentee list"), _url("people.mentees"))),
    Tile("writing", _l("Visits with feedback or reflections still missing"), (COORDINATOR,), load_writing,
         _url("visits.visits", status="held"),
         _l("Every held visit in this range has its feedback signed off and its reflections written. Mark visits held so their "
            "mentors are asked for them."), (_l("Open the visit list"), _url("visits.visits", status="held")),
         note=_l("Held visits that started in the range.")),
    Tile("support", _l("Reflection follow-up list"), (COORDINATOR,), load_support, _url("mentoring.support_list"),
         _l("No mentor asked for support in a reflection. When one does, follow it up here until it is resolved."),
         (_l("Open the follow-up list"), _url("mentoring.support_list", status="all")),
         note=_l("Requests from visits up to the last day of the range, however old.")),
    Tile("equipment", _l("Critical equipment gaps"), (COORDINATOR,), load_equipment, _province("equipment.matrix", critical="1"),
         _l("No critical equipment gap in the latest counts. Hospitals check their equipment on each visit."),
         (_l("Open the equipment matrix"), _province("equipment.matrix")), note=_l("Latest counts, whatever the date range.")),
    Tile("refresher", _l("Mentors overdue for a refresher course"), (COORDINATOR,), load_refresher,
         _url("people.mentors", overdue="1"), _l("Every active mentor's refresher course is up to date."),
         (_l("Open the mentor list"), _url("people.mentors")), note=_l("As on the last day of the range.")),
    Tile("next_visit", _l("Next visit"), (MENTOR, HOSPITAL_ADMIN), load_next_visit, _url("visits.agenda"),
         _l("No visit planned yet. The programme coordinator plans visits."), (_l("Open the calendar"), _url("visits.calendar"))),
    Tile("to_write", _l("Feedback and reflections to write"), (MENTOR,), load_to_write, _url("visits.visits", status="held"),
         _l("Nothing to write: every held visit of yours has its feedback signed off and your reflection written. "
            "After your next visit, write them from its page."), (_l("Open the calendar"), _url("visits.calendar")),
         note=_l("Your held visits of the last 12 months.")),
    Tile("my_mentees", _l("My mentees"), (MENTOR,), load_my_mentees, lambda f, u: url_for("people.mentor", mentor_id=u.mentor_id),
         _l("No mentees assigned to you yet. The programme coordinator assigns them."), None),
    Tile("hospital_mentees", _l("The hospital's mentees"), (HOSPITAL_ADMIN,), load_hospital_mentees, _url("people.mentees"),
         _l("No mentees at this hospital yet: import your roster."), (_l("Import the roster"), _url("people.roster_import"))),
    Tile("transfers", _l("Transfers in and out in the last 12 months"), (HOSPITAL_ADMIN,), load_transfers,
         _own_hospital("people.hospital"), _l("No mentee moved in or out in the last 12 months."), None),
    Tile("equipment_due", _l("Equipment checklist"), (HOSPITAL_ADMIN,), load_equipment_due, _own_hospital("equipment.hospital"),
         _l("No equipment check yet: start the checklist."), (_l("Open the checklist"), _own_hospital("equipment.hospital"))),
    Tile("notifications", _l("Notifications"), (MENTOR, HOSPITAL_ADMIN), load_notifications, _url("core.notifications"),
         _l("No notifications. Changes to your visits and mentees will appear here."), None),
)}

# Drawn with the page rather than loaded after it (issue 19): small and first on the screen, which then never moves
# as the other tiles load.
INLINE_TILES = frozenset({"next_visit", "to_write"})

# Loaded with the page for the card that leads the home page: a mentor on the ward opens the app for the visit of
# today (or the next) and the feedback left to write (issue 19); the next visit lives in that card.
HOME_LEAD = {MENTOR: ("next_visit", "to_write")}

HOME_TILES = {
    COORDINATOR: ("cadence", "visits", "consistency", "missed", "turnover", "writing", "support", "equipment", "refresher"),
    MENTOR: ("to_write", "my_mentees", "notifications"),
    HOSPITAL_ADMIN: ("next_visit", "hospital_mentees", "transfers", "equipment_due", "notifications"),
}


def hospital_name(hospital_id: int | None) -> str | None:
    return db.session.scalar(select(Hospital.name).where(Hospital.id == hospital_id)) if hospital_id else None

