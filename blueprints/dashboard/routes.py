"""Each role's home page, and the dashboard tiles: each tile its own fragment and CSV route with its own
access rule (registered from `tiles.TILES`), so a slow or failing tile never holds up or breaks the page."""

from dataclasses import replace
from datetime import date, datetime

from flask import Blueprint, Response, current_app, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..auth.forms import ROLE_LABELS
from ..core.clock import today
from ..core.downloads import csv_response
from ..core.extensions import db
from ..core.formatting import format_day, format_instant
from ..core.htmx import is_htmx
from ..core.navigation import menu
from ..core.permissions import allow, passive, user
from ..core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR, ROLES, SYSADMIN
from ..people.queries import hospitals as hospital_queries
from . import queries
from .bedside import bedside_urls
from .tiles import HOME_LEAD, HOME_TILES, INLINE_TILES, TILES, hospital_name
from .tiles.base import TABLE_ROWS, Filters, Tile

bp = Blueprint("dashboard", __name__)
menu.add("dashboard.home", _l("Home"), 10)


@bp.get("/")
@allow(*ROLES)
def home():
    role = current_user.role
    if role == SYSADMIN:
        return render_template("dashboard/home_sysadmin.html", role_labels=ROLE_LABELS,
                               users_by_role=db.session.execute(queries.users_by_role()).all())
    filters = Filters.from_args(request.args, today())
    tiles = [TILES[name] for name in HOME_TILES.get(role, ())]
    names = dict.fromkeys([*HOME_LEAD.get(role, ()), *(tile.name for tile in tiles if tile.name in INLINE_TILES)])
    loaded = {name: tile_context(TILES[name], filters) for name in names}
    context = {"filters": filters, "tiles": tiles, "loaded": loaded,
               "inline": {tile.name: Markup(render_tile_context(loaded[tile.name])) for tile in tiles if tile.name in loaded}}
    if role == COORDINATOR:
        context["provinces"] = hospital_queries.provinces(user())
    elif role == HOSPITAL_ADMIN:
        context["hospital"] = hospital_name(current_user.hospital_id)
    elif role == MENTOR:
        context["linked"] = current_user.mentor_id is not None
    return render_template(f"dashboard/home_{role}.html", **context)


def tile_context(tile: Tile, filters: Filters) -> dict:
    """What the tile's template draws; a tile that fails says so in its box ("failed")."""
    context = {"tile": tile, "filters": filters, "me": user(), "shown": TABLE_ROWS, "failed": False}
    try:
        context.update(tile.load(filters, context["me"], today()))
    except Exception:
        current_app.logger.exception("dashboard tile %s failed", tile.name)
        db.session.rollback()
        context["failed"] = True
    return context


def render_tile_context(context: dict, fragment: bool = True) -> str:
    """The tile's content (or, not `fragment`, a page holding it)."""
    if fragment:
        return render_template("dashboard/_tile_error.html" if context["failed"] else "dashboard/_tile.html", **context)
    return render_template("dashboard/tile_page.html", **context)


def render_tile(tile: Tile) -> Response:
    """The tile's fragment for htmx, or without htmx a page holding it."""
    response = make_response(render_tile_context(tile_context(tile, Filters.from_args(request.args, today())), is_htmx()))
    response.vary.add("HX-Request")
    return response


def render_tile_csv(tile: Tile) -> Response:
    """The tile's table as CSV, named by the tile and its filters."""
    filters = replace(Filters.from_args(request.args, today()), complete=True)
    table = tile.load(filters, user(), today())["table"]
    return csv_response((tile.name, filters.province, filters.start.isoformat(), "to", filters.end.isoformat()),
                        table.header, table.rows)


def _register(tile: Tile) -> None:
    def fragment():
        return render_tile(tile)

    def table_csv():
        return render_tile_csv(tile)

    fragment.__doc__ = f"Dashboard tile: {tile.name}."
    bp.add_url_rule(f"/dashboard/tiles/{tile.name}", f"tile_{tile.name}", allow(*tile.roles)(fragment), methods=["GET"])
    bp.add_url_rule(f"/dashboard/tiles/{tile.name}.csv", f"tile_{tile.name}_csv", allow(*tile.roles)(table_csv), methods=["GET"])


for _tile in TILES.values():
    _register(_tile)


@bp.app_template_filter("cell")
def cell(value) -> str:
    """A table cell as people read it: dates as 26 Nov 2026, nothing for missing values."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, date):
        return format_day(value)
    return str(value)



@bp.get("/offline/bedside")
@allow(*ROLES)
@passive
def offline_bedside():
    """What offline.js asks before it keeps pages or sends drafts: who is signed in (a phone never sends one person's
    drafts as another's), a fresh CSRF token for sending them, and the pages to keep for the ward."""
    return jsonify(user=current_user.id, csrf=generate_csrf(), urls=bedside_urls(user(), today()))
