"""Equipment pages (the gap matrix, one hospital, an item's history, checklists, the catalogue, the report): the area's
one blueprint, with a module of routes per resource, imported below so that their routes register on it."""

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l

from ...core.navigation import menu
from ...core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ..forms import WARD_LABELS

bp = Blueprint("equipment", __name__, url_prefix="/equipment")
menu.add("equipment.matrix", _l("Equipment"), 100, roles=(COORDINATOR, HOSPITAL_ADMIN))  # not in a mentor's bar, who may still open it

READERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)
CHECKERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)


def matrix_filters() -> dict:
    ward = request.args.get("ward", "")
    return {
        "province": request.args.get("province", "").strip() or None,
        "ward": ward if ward in WARD_LABELS else None,
        "critical_only": request.args.get("critical") == "1",
        "sort": "name" if request.args.get("sort") == "name" else "gap",
    }


from . import catalogue, checks, matrix, report, requests  # noqa: E402, F401
