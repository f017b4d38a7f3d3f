"""The kernel every area builds on: extensions, htmx helpers, roles, permissions, audit, errors, the menu registry
and the kernel's own CLI. It imports no area: app.py hands it what it needs from them (the user loader and the
session check)."""

import logging
from collections.abc import Callable

from flask import Flask, abort, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from . import db as _sqlite_discipline  # noqa: F401 - registers the SQLite connection listeners
from . import limits
from .errors import register_error_handlers
from .extensions import babel, csrf, db, login_manager
from .formatting import day_said, format_datetime_attribute, format_day, format_instant, format_month, format_number
from .i18n import LANGUAGES, current_language, select_locale
from .limits import DAY_RANGE_MESSAGE, FIRST_DAY, LAST_DAY, IdConverter
from .logs import mask_filter
from .migrate import init_migrate
from .models import Setting
from .navigation import menu_items
from .permissions import enforce_access

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

# The min and max of every date input a template writes by hand (the forms' date fields set their own).
DAY_RANGE = {"min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat(), "message": DAY_RANGE_MESSAGE}

# Pages, CSV, PDFs and feeds may show personal data: never kept by a browser or proxy cache.
PRIVATE_MIMETYPES = frozenset({"text/html", "text/csv", "application/pdf", "text/calendar", "application/json"})


def init_core(app: Flask, load_user: Callable, check_session: Callable) -> None:
    """`load_user` turns a session's user id into a user (Flask-Login); `check_session` runs before access is
    enforced on every request, so a session it ends is refused like any anonymous one."""
    app.url_map.converters["int"] = IdConverter  # before any route is added: every <int:…> id is bounded
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["TRUSTED_PROXIES"]))
    db.init_app(app)
    init_migrate(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)

    app.before_request(refuse_nul_bytes)
    app.before_request(check_session)
    app.before_request(enforce_access)
    app.after_request(_response_headers)
    register_error_handlers(app)
    for logger in (app.logger, logging.getLogger("werkzeug")):  # errors and `make dev`'s request lines: no feed token
        logger.addFilter(mask_filter)
    app.jinja_env.globals["limits"] = limits  # maxlength of the inputs a template writes by hand
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.globals["day_said"] = day_said  # after a date input written by hand (DayField adds its own)
    app.jinja_env.filters["instant"] = format_instant
    app.jinja_env.filters["datetime_attr"] = format_datetime_attribute
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["month"] = format_month
    app.jinja_env.filters["dateformat"] = format_month  # |dateformat("EEE"): any CLDR pattern, in the language
    app.context_processor(lambda: {"menu_items": menu_items, "demo_banner": _demo_banner,
                                   "languages": LANGUAGES, "current_language": current_language,
                                   "day_range": DAY_RANGE})


def refuse_nul_bytes():
    """400 for a NUL character in any query or form value: no one types one, PostgreSQL cannot store
    one (a 500 otherwise), and SQLite would keep a name that compares unlike what it shows."""
    for values in (request.args, request.form):
        if any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
            abort(400)


def _demo_banner() -> bool:
    """True when the database holds the invented demo programme; asked once per page at most."""
    if "demo_banner" not in g:
        g.demo_banner = db.session.get(Setting, "demo_data") is not None
    return g.demo_banner


def _response_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint != "static" and response.mimetype in PRIVATE_MIMETYPES:
        response.headers["Cache-Control"] = "no-store"
    return response
