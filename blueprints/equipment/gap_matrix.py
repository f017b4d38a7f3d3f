"""The gap matrix: each hospital's gap for each item, read from the status rows (or worked out from the counts), cut
by province, ward and criticality, and the programme's trend of critical gaps that the report draws."""

from datetime import date
from itertools import compress

from sqlalchemy import and_, case, func, or_, select

from ..auth.models import User
from ..core.db import plain_rows
from ..core.extensions import db
from ..people.models import Hospital
from ..people.queries import hospitals as hospital_queries
from ..people.scopes import equipment_hospitals, equipment_requests_scope
from .gaps import Cell
from .models import (
    EquipmentCheck,
    EquipmentCount,
    EquipmentGapChange,
    EquipmentItem,
    EquipmentNorm,
    EquipmentRequest,
    EquipmentStatus,
)
from .queries import items_for


def scoped_hospitals(user: User) -> list:
    """The hospitals whose equipment the user sees, by name: plain rows of id, name and province, all that the matrix,
    its CSV, the report and the catalogue's norms read of them (420 at ten times national scale)."""
    query = select(Hospital.id, Hospital.name, Hospital.province).where(equipment_hospitals(user)).order_by(Hospital.name)
    return db.session.execute(query).all()


def matrix_cells(user: User, hospitals: list, items: list, *, send_ids: tuple[bool, bool] = (False, False),
                 requested: set | None = None, gaps_only: bool = False) -> dict[int, list[Cell | None]]:
    """Each of `hospitals`' cells of `items` the user may see, by hospital id in the order of `items` (None: never
    counted), in one query over the maintained status rows (one per cell, whatever the number of checks): the last
    count, the required quantity, and the gap's start and length. `send_ids` (of the hospitals, of the items): when a
    filter left some out. Equal cells are one object (a Cell is read-only; 6,033 states in 25,200 cells at ten
    times national scale). With a `requested` set (the matrix page, which marks them) the same query adds to it the
    cells with an open request the user sees. `gaps_only` (the report): the cells with a gap and one other of each
    hospital, which shows it was checked."""
    status = EquipmentStatus
    columns = [status.hospital_id, status.item_id, status.required, status.available, status.functional,
               status.checked_on, status.gap_since, status.gap_checks]
    query = (
        select(*columns)
        .join(Hospital, Hospital.id == status.hospital_id)
        .join(EquipmentItem, EquipmentItem.id == status.item_id)
        .where(equipment_hospitals(user), EquipmentItem.retired.is_(False))
    )
    if requested is not None:
        opened = (select(EquipmentRequest.hospital_id, EquipmentRequest.item_id)
                  .where(EquipmentRequest.outcome.is_(None), equipment_requests_scope(user)).distinct().subquery())
        query = query.add_columns(opened.c.item_id).outerjoin(
            opened, and_(opened.c.hospital_id == status.hospital_id, opened.c.item_id == status.item_id))
    if send_ids[0]:
        query = query.where(status.hospital_id.in_([h.id for h in hospitals]))
    if send_ids[1]:
        query = query.where(status.item_id.in_([i.id for i in items]))
    if gaps_only:
        counted = query.add_columns(func.row_number().over(partition_by=status.hospital_id).label("nth")).subquery()
        query = select(*list(counted.c)[:-1]).where(or_(counted.c.functional < counted.c.required, counted.c.nth == 1))
    rows = plain_rows(query)
    if requested is not None:
        requested.update((row[0], row[1]) for row in rows if row[8] is not None)
    column = {item.id: k for k, item in enumerate(items)}
    grid: dict[int, list[Cell | None]] = {hospital.id: [None] * len(items) for hospital in hospitals}
    shared: dict[tuple, Cell] = {}
    for row in rows:
        state = row[2:8]
        cell = shared.get(state)
        if cell is None:
            cell = shared[state] = Cell(*state)
        try:
            grid[row[0]][column[row[1]]] = cell
        except KeyError:  # a hospital or item added since they were read, by a transaction committed in between
            pass
    return grid


REQUIRED = func.coalesce(EquipmentNorm.required_quantity, EquipmentItem.required_quantity)  # in _counts' joins


def _counts(columns: tuple, hospital_ids=None, item_ids=None):
    """`columns` of every count of these hospitals and items (all when None), with the check, the item and any
    norm joined, so REQUIRED is the quantity each hospital needs now."""
    query = (
        select(*columns)
        .join(EquipmentCheck, EquipmentCheck.id == EquipmentCount.check_id)
        .join(EquipmentItem, EquipmentItem.id == EquipmentCount.item_id)
        .outerjoin(EquipmentNorm, and_(EquipmentNorm.item_id == EquipmentCount.item_id,
                                       EquipmentNorm.hospital_id == EquipmentCheck.hospital_id))
    )
    if hospital_ids is not None:
        query = query.where(EquipmentCheck.hospital_id.in_(list(hospital_ids)))
    if item_ids is not None:
        query = query.where(EquipmentCount.item_id.in_(list(item_ids)))
    return query


def cells_from_counts(hospital_ids=None, item_ids=None) -> dict[tuple[int, int], Cell]:
    """The same cells computed from every count (retired items included), in one query: what the status rows
    are refreshed from, and what tests compare them with."""
    base = _counts(
        (
            EquipmentCheck.hospital_id.label("hospital_id"),
            EquipmentCount.item_id.label("item_id"),
            EquipmentCheck.check_date.label("check_date"),
            EquipmentCount.available.label("available"),
            EquipmentCount.functional.label("functional"),
            REQUIRED.label("required"),
            func.row_number().over(
                partition_by=(EquipmentCheck.hospital_id, EquipmentCount.item_id),
                order_by=(EquipmentCheck.check_date.desc(), EquipmentCheck.id.desc()),
            ).label("rn"),
        ),
        hospital_ids, item_ids,
    ).cte("counted")
    # Counting from the newest check (rn 1), the gap began just after the newest check without one.
    runs = (
        select(
            base.c.hospital_id, base.c.item_id,
            func.coalesce(func.min(case((base.c.functional >= base.c.required, base.c.rn))) - 1, func.count()).label("run"),
        )
        .group_by(base.c.hospital_id, base.c.item_id)
        .cte("runs")
    )
    current, start = base.alias("cur"), base.alias("start")
    query = (
        select(current.c.hospital_id, current.c.item_id, current.c.required, current.c.available, current.c.functional,
               current.c.check_date, runs.c.run, start.c.check_date)
        .join(runs, and_(runs.c.hospital_id == current.c.hospital_id, runs.c.item_id == current.c.item_id))
        .outerjoin(start, and_(start.c.hospital_id == current.c.hospital_id, start.c.item_id == current.c.item_id,
                               start.c.rn == runs.c.run))
        .where(current.c.rn == 1)
    )
    return {
        (hospital_id, item_id): Cell(required=required, available=available, functional=functional, checked_on=checked_on,
                                     gap_since=gap_since if gap_checks else None, gap_checks=gap_checks)
        for hospital_id, item_id, required, available, functional, checked_on, gap_checks, gap_since in db.session.execute(query)
    }


def matrix(user: User, province: str | None = None, ward: str | None = None, critical_only: bool = False,
           sort: str = "gap", one_province: bool = False, gaps_only: bool = False, requests: bool = False) -> dict:
    """The coordinator's matrix: hospitals × items grouped by ward, worst hospital first. Three queries.
    `one_province` (no province chosen): past people.queries.hospitals.ONE_PROVINCE_ABOVE hospitals, only the first province's.
    `gaps_only`: a row's cells without a gap may be None (the report lists gaps; totals and `checked` hold).
    `requests` (the page): "requested" holds the (hospital id, item id) of the cells with an open request, else None."""
    hospitals = scoped_hospitals(user)
    provinces = sorted({h.province for h in hospitals})
    if one_province and not province:
        province = hospital_queries.opening_province([h.province for h in hospitals])
    if province:
        hospitals = [h for h in hospitals if h.province == province]
    items = [item for item, _required in items_for(ward=ward, critical_only=critical_only)]
    # The cells of the hospitals and items shown: lists of ids only when a filter narrows them (an IN list of
    # every hospital and item costs the query a third more and leaves out nothing).
    requested: set[tuple[int, int]] | None = set() if requests else None
    grid = matrix_cells(user, hospitals, items, send_ids=(bool(province), bool(ward or critical_only)), requested=requested,
                        gaps_only=gaps_only) if hospitals and items else {}
    no_cells = [None] * len(items)
    critical = [item.critical for item in items]
    rows = []
    for hospital in hospitals:
        row_cells = grid.get(hospital.id, no_cells)
        rows.append({
            "hospital": hospital,
            "cells": row_cells,
            "total_gap": sum(c.gap for c in row_cells if c is not None),
            "critical_gaps": sum(1 for c in compress(row_cells, critical) if c is not None and c.gap),
            "checked": any(c is not None for c in row_cells),
        })
    if sort == "name":
        rows.sort(key=lambda r: r["hospital"].name)
    else:
        rows.sort(key=lambda r: (-r["total_gap"], -r["critical_gaps"], r["hospital"].name))
    wards = []
    for item in items:
        if not wards or wards[-1][0] != item.ward:
            wards.append((item.ward, []))
        wards[-1][1].append(item)
    return {"rows": rows, "items": items, "wards": wards, "provinces": provinces, "province": province, "requested": requested}



def gap_changes_from_counts(hospital_ids=None, item_ids=None) -> dict[tuple[int, int, date], int]:
    """Each (hospital, item, check date) on which the pair's gap began or ended, from every count in each hospital's
    check order, in one query: +1, -1, or 0 where its first count found no gap or a gap came and went that day.
    What the maintained `equipment_gap_change` rows are refreshed from, and what tests compare them with."""
    gapped = case((EquipmentCount.functional < REQUIRED, 1), else_=0)
    counted = _counts(
        (
            EquipmentCheck.hospital_id.label("hospital_id"),
            EquipmentCount.item_id.label("item_id"),
            EquipmentCheck.check_date.label("check_date"),
            gapped.label("gapped"),
            func.lag(gapped).over(partition_by=(EquipmentCheck.hospital_id, EquipmentCount.item_id),
                                  order_by=(EquipmentCheck.check_date, EquipmentCheck.id)).label("gapped_before"),
        ),
        hospital_ids, item_ids,
    ).subquery("counted")
    query = (
        select(counted.c.hospital_id, counted.c.item_id, counted.c.check_date,
               func.sum(counted.c.gapped - func.coalesce(counted.c.gapped_before, 0)))
        .where(or_(counted.c.gapped_before.is_(None), counted.c.gapped_before != counted.c.gapped))
        .group_by(counted.c.hospital_id, counted.c.item_id, counted.c.check_date)
    )
    return {(hospital_id, item_id, day): int(delta) for hospital_id, item_id, day, delta in db.session.execute(query)}


def critical_gap_changes(user: User) -> list[tuple[date, int]]:
    """How the number of (hospital, critical item) pairs with a gap changed on each check date the user may see,
    oldest first: +1 where a pair's counts begin with a gap or turn to one, -1 where a gap ends; each pair's first
    count is there (a change of 0 without a gap), so the first date is the first count's. Summed per day in SQL
    from the maintained gap changes (a few per pair), not from five years of counts."""
    change = EquipmentGapChange
    query = (
        select(change.changed_on, func.sum(change.delta))
        .join(EquipmentItem, EquipmentItem.id == change.item_id)
        .join(Hospital, Hospital.id == change.hospital_id)
        .where(equipment_hospitals(user), EquipmentItem.critical.is_(True), EquipmentItem.retired.is_(False))
        .group_by(change.changed_on)
        .order_by(change.changed_on)
    )
    return [(day, int(delta)) for day, delta in db.session.connection().execute(query)]


def critical_gap_trend(changes: list[tuple[date, int]], months: list[date]) -> list[tuple[date, int]]:
    """How many (hospital, critical item) pairs had a gap at the end of each month, from their latest count then."""
    points, position, gaps = [], 0, 0
    for month_end in months:
        while position < len(changes) and changes[position][0] <= month_end:
            gaps += changes[position][1]
            position += 1
        points.append((month_end, gaps))
    return points
