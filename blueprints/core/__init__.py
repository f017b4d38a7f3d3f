"""Extensions, htmx helpers, permissions, audit, errors and CLI shared by every blueprint."""

import logging

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


def init_core(app: Flask) -> None:
    # Imported here, not at the top: they import the auth models, which import this package (any blueprint's
    # models could not be imported first otherwise).
    from ..auth.queries import load_user_by_session_id
    from .navigation import menu_items

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
    login_manager.user_loader(load_user_by_session_id)
    _import_models()

    from ..auth.sessions import expire_idle_sessions

    app.before_request(refuse_nul_bytes)
    app.before_request(expire_idle_sessions)
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
                                   "languages": LANGUAGES, "current_language": current_language, "role_label": _role_label,
                                   "day_range": DAY_RANGE})


def refuse_nul_bytes():
    """400 for a NUL character in any query or form value: no one types one, PostgreSQL cannot store
    one (a 500 otherwise), and SQLite would keep a name that compares unlike what it shows."""
    for values in (request.args, request.form):
        if any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
            abort(400)


def _import_models() -> None:
    """Import every model module so metadata (and Alembic's autogenerate) sees all tables."""
    from ..auth import models as _auth  # noqa: F401
    from ..equipment import models as _equipment  # noqa: F401
    from ..mentoring import models as _mentoring  # noqa: F401
    from ..people import models as _people  # noqa: F401
    from ..reports import models as _reports  # noqa: F401
    from ..visits import models as _visits  # noqa: F401
    from . import models as _core  # noqa: F401


def _role_label(role: str) -> str:
    from ..auth.forms import ROLE_LABELS

    return str(ROLE_LABELS.get(role, role))


def _demo_banner() -> bool:
    """True when the database holds the invented demo programme; asked once per page at most."""
    if "demo_banner" not in g:
        from .models import Setting

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
