"""Access control in one place: every view declares who may use it; undeclared views are refused.

`@allow(...)` and `@public` only mark the view; `enforce_access` (a before_request hook) reads the
mark. A test walks `app.url_map` and fails on any view without a mark.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Response, abort, current_app, redirect, request, url_for
from flask_login import current_user

from .htmx import is_htmx

PUBLIC = "public"
OPEN_ENDPOINTS = frozenset({"static"})


def allow(*roles: str) -> Callable:
    """Let signed-in users with one of `roles` use the view."""
    if not roles:
        raise ValueError("allow() needs at least one role; use @public for open views")

    def mark(view: Callable) -> Callable:
        view.access = frozenset(roles)
        return view

    return mark


def public(view: Callable) -> Callable:
    """Let anyone, signed in or not, use the view."""
    view.access = PUBLIC
    return view


def user():
    """The signed-in account itself (an auth User), not flask_login's proxy of it: services store it on rows and
    queries compare with it, which a proxy cannot do."""
    return current_user._get_current_object()


def passive(view: Callable) -> Callable:
    """Mark a view (polling) whose requests do not count as the user being active (auth/sessions.py reads it)."""
    view.keeps_session_alive = False
    return view


def view_access(endpoint: str | None):
    if endpoint in OPEN_ENDPOINTS:
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def login_redirect() -> Response:
    """Send an anonymous user to the login page; htmx gets HX-Redirect so no div shows a login form."""
    if is_htmx():
        page = request.headers.get("HX-Current-URL", "")
        response = Response("", status=401)
        response.headers["HX-Redirect"] = url_for("auth.login", next=_local_path(page) or None)
        return response
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _local_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path else ""


def enforce_access():
    if request.endpoint is None:
        return None  # routing failed: the 404/405 handler answers
    access = view_access(request.endpoint)
    if access is None:
        current_app.logger.error("view %s declares no access rule; refused", request.endpoint)
        abort(403)
    if access == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_redirect()
    if current_user.role not in access:
        abort(403)
    return None
