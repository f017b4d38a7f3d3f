"""The coordinator's tiles over the whole programme (or a province): cadence, visits, consistency, missed visits,
turnover, equipment gaps, refresher courses and the mentees' engagement."""

from collections import Counter
from datetime import date, timedelta

from flask_babel import format_percent
from flask_babel import gettext as _
from sqlalchemy import func

from ...auth.models import User
from ...core.extensions import db
from ...core.i18n import current_language, localized_name
from ...core.programme import programme_settings
from ...equipment import gap_matrix
from ...mentoring.engagement import programme_engagement
from ...people.models import Hospital, Mentor
from ...people.queries import mentors as mentor_queries
from ...people.queries import transfers as transfer_queries
from ...people.scopes import readable_hospitals, readable_mentees
from ...visits import attendance as visit_attendance
from ...visits import cadence as visit_cadence
from ...visits import queries as visit_queries
from ...visits.cadence import CadenceStatus
from ...visits.models import VisitStatus
from .. import charts, queries
from .base import LIST_ROWS, TABLE_ROWS, Filters, Table, as_of


def load_cadence(filters: Filters, user: User, today: date) -> dict:
    on = as_of(filters, today)
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


def visit_gaps(raw, start: date, end: date) -> list[dict]:
    """Per hospital, longest gap first (the order the tile shows): visits planned and held in the range, mean interval
    and longest gap between held visits (the range's ends count as edges, so a hospital never visited has the whole
    range as its gap). `quiet_stretches` adds the longest stretch with no contact of any kind."""
    by_hospital: dict[int, dict] = {}
    for hospital_id, name, visit_start, _visit_end, status in raw:
        row = by_hospital.setdefault(hospital_id, {"id": hospital_id, "label": name, "planned": 0, "held": []})
        if visit_start is None:
            continue
        row["planned"] += 1
        if status == VisitStatus.HELD:
            row["held"].append(visit_start)
    for row in by_hospital.values():
        held = row["held"] = sorted(row["held"])
        edges = [start, *held, end]
        gaps = [(a, b) for a, b in zip(edges, edges[1:], strict=False)]
        row["longest"] = max(gaps, key=lambda g: (g[1] - g[0]).days) if gaps else None
        row["longest_days"] = (row["longest"][1] - row["longest"][0]).days if row["longest"] else 0
        intervals = [(b - a).days for a, b in zip(held, held[1:], strict=False)]
        row["mean_interval"] = round(sum(intervals) / len(intervals)) if intervals else None
    return sorted(by_hospital.values(), key=lambda r: (-r["longest_days"], r["label"]))


def quiet_stretches(rows: list[dict], start: date, end: date, contacts=()) -> list[dict]:
    """The rows (of visit_gaps) with their longest stretch with no contact of any kind: no held visit and no contact
    session with one of its mentees (`contacts`: (hospital id, day) pairs)."""
    contact_days: dict[int, set[date]] = {}
    for hospital_id, day in contacts:
        contact_days.setdefault(hospital_id, set()).add(day)
    for row in rows:
        touched = [start, *sorted(set(row["held"]) | contact_days.get(row["id"], set())), end]
        row["quiet"] = max(zip(touched, touched[1:], strict=False), key=lambda g: (g[1] - g[0]).days)
        row["quiet_days"] = (row["quiet"][1] - row["quiet"][0]).days
    return rows


def held_per_month(rows: list[dict], start: date, end: date) -> list[dict]:
    """The rows with their held visits per month and its sparkline: only for the rows a tile shows (issue 23: drawing
    them for all 420 hospitals of scale 10 cost a third of the tile)."""
    months = _months(start, end)
    for row in rows:
        held = Counter((d.year, d.month) for d in row["held"])
        row["per_month"] = [held[m] for m in months]
        row["spark"] = charts.sparkline(row["per_month"])
    return rows


def _months(start: date, end: date) -> list[tuple[int, int]]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month) and len(months) < 36:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def load_consistency(filters: Filters, user: User, today: date) -> dict:
    """Every hospital's gaps, longest first; the contact sessions read only for the rows the table shows (issue 23:
    a year's 8,375 sessions at scale 10 were read for 420 hospitals to show 15), all of them for the CSV. The rows
    come as plain tuples through the session's connection, without the ORM's row processing (2,428 visits)."""
    end = as_of(filters, today)
    start = min(filters.start, end)
    connection = db.session.connection()
    rows = visit_gaps(connection.execute(queries.visits_in_range(user, start, end, filters.province)).all(), start, end)
    tabled = rows if filters.complete else rows[:TABLE_ROWS]
    contacts = queries.contacts_in_range(user, start, end, filters.province,
                                         hospital_ids=None if filters.complete else [r["id"] for r in tabled])
    quiet_stretches(tabled, start, end, connection.execute(contacts).all())
    table = Table([_("Hospital"), _("Visits planned"), _("Visits held"), _("Mean interval (days)"), _("Longest gap (days)"),
                   _("Longest gap from"), _("Longest gap to"), _("Longest with no contact (days)")],
                  [[r["label"], r["planned"], len(r["held"]), r["mean_interval"], r["longest_days"],
                    r["longest"][0] if r["longest"] else None, r["longest"][1] if r["longest"] else None, r["quiet_days"]]
                   for r in tabled], total=len(rows))
    shown = held_per_month(rows[:LIST_ROWS], start, end)
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
    on = as_of(filters, today)
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
    """Each hospital's critical gaps, worst hospital first. The matrix's cells with a gap only (and one of each checked
    hospital: the unchecked are counted), each item's name looked up once, not once a gap, and the fragment builds only
    the table rows it shows, the CSV all of them (issue 23: 6,300 cells and 1,706 gaps at scale 10)."""
    data = gap_matrix.matrix(user, province=filters.province, critical_only=True, gaps_only=True)
    language = current_language()
    names = [localized_name(item.name, item.name_translations, language) for item in data["items"]]
    rows, table = [], Table([_("Hospital"), _("Province"), _("Critical item"), _("Required"), _("Functional"), _("Gap"), _("Gap since")])
    limit, total = (None if filters.complete else TABLE_ROWS), 0
    for row in data["rows"]:
        gaps = [(item, name, cell) for item, name, cell in zip(data["items"], names, row["cells"], strict=True)
                if cell is not None and cell.gap]
        if not gaps:
            continue
        hospital = row["hospital"]
        for _item, name, cell in gaps:
            if limit is None or total < limit:
                table.rows.append([hospital.name, hospital.province, name, cell.required, cell.functional, cell.gap, cell.gap_since])
            total += 1
        rows.append({"hospital": hospital, "gaps": [(item, cell) for item, _name, cell in gaps]})
    table.total = total
    unchecked = sum(1 for row in data["rows"] if not row["checked"])
    return {"rows": rows[:LIST_ROWS], "more": max(len(rows) - LIST_ROWS, 0), "table": table, "empty": not rows,
            "unchecked": unchecked, "chart": charts.bars([(r["hospital"].name, len(r["gaps"])) for r in rows[:LIST_ROWS]])}


def load_refresher(filters: Filters, user: User, today: date) -> dict:
    """Active mentors overdue for a refresher, never trained first, then the longest ago. The last refresher and the
    total are read in the same statement (no list of mentor ids sent back), and the fragment builds only the rows
    it shows; the CSV all of them (issue 23: 2,100 mentors at scale 10)."""
    on = as_of(filters, today)
    last = mentor_queries.last_refresher_column()
    query = (mentor_queries.mentors_query(overdue_on=on).add_columns(last, func.count().over())
             .order_by(None).order_by(last.is_not(None), last, Mentor.full_name, Mentor.id))
    if filters.province:
        query = query.where(queries.mentors_in_province(filters.province))
    found = db.session.execute(query if filters.complete else query.limit(TABLE_ROWS)).all()
    total = found[0][2] if found else 0
    rows = [{"mentor": mentor, "last": last_day} for mentor, last_day, _total in found]
    professions: dict[int, str] = {}  # each profession's name looked up once
    for row in rows:
        profession = row["mentor"].profession
        if profession.id not in professions:
            professions[profession.id] = profession.display_name
        row["profession"] = professions[profession.id]
    table = Table([_("Mentor"), _("Profession"), _("Team"), _("Last refresher"), _("Days since")],
                  [[r["mentor"].full_name, r["profession"], r["mentor"].team.name if r["mentor"].team else "",
                    r["last"], (on - r["last"]).days if r["last"] else None] for r in rows], total=total)
    return {"rows": rows[:LIST_ROWS], "more": max(total - LIST_ROWS, 0), "table": table, "empty": not rows, "as_of": on,
            "interval": programme_settings().refresher_interval_days}


def share(part: int, whole: int) -> int | None:
    """Whole percent of `whole`; None with nothing to count."""
    return round(part * 100 / whole) if whole else None


def load_engagement(filters: Filters, user: User, today: date) -> dict:
    """The mentees' own part on the signed sheets of the range's visits: self-assessed before, acknowledged, action
    items closed (issue 22 item 4); and the mentee accounts and waiting invitations behind them."""
    found = programme_engagement(user, filters.start, filters.end, filters.province)
    rows = [
        {"label": _("Self-assessed before the visit"), "count": found.self_assessed, "of": found.sheets,
         "share": share(found.self_assessed, found.sheets)},
        {"label": _("Feedback sheets acknowledged"), "count": found.acknowledged, "of": found.sheets,
         "share": share(found.acknowledged, found.sheets)},
        {"label": _("Action items closed by the mentee"), "count": found.closed, "of": found.items,
         "share": share(found.closed, found.items)},
    ]
    for row in rows:
        row["percent"] = format_percent(row["share"] / 100) if row["share"] is not None else "—"
    table = Table([_("Measure"), _("Count"), _("Out of"), _("Percent")],
                  [[r["label"], r["count"], r["of"], r["share"]] for r in rows])
    return {"rows": rows, "engagement": found, "table": table, "empty": not found.accounts and not found.sheets}
