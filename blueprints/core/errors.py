"""Friendly error pages: a short message, a reference id for 500s, never a traceback."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import Flask, current_app, flash, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db
from .htmx import is_htmx

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Not allowed"), _l("Your account does not give access to this page.")),
    404: (_l("Not found"), _l("There is nothing here. The link may be old, or the record was removed.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Changed by someone else"), _l("Someone saved a change first. Reload to see it.")),
    410: (_l("No longer available"), _l("This file was kept for a day and has been deleted. Ask for it again.")),
    413: (_l("File too large"), _l("The file is larger than the tool accepts. Split it and try again.")),
    422: (_l("Check the form"), _l("Some of what was sent is not valid. Go back and correct it.")),
    429: (_l("Too many attempts"), _l("Wait a few minutes, then try again.")),
    500: (_l("Something went wrong"), _l("The error has been logged. Try again in a moment.")),
}


def render_error(code: int, message=None, reference: str | None = None):
    """The error page, after rolling back whatever the request left half-done: the page reads the signed-in user,
    which a failed flush would otherwise turn into a PendingRollbackError (and an empty 500). If it still cannot
    be drawn (the database is gone, say), a plain page with the code and reference is."""
    title, default_message = MESSAGES.get(code, MESSAGES[500])
    values = {"code": code, "title": title, "message": message or default_message, "reference": reference}
    try:
        db.session.rollback()
        return render_template("errors/_error.html" if is_htmx() else "errors/error.html", **values), code
    except Exception:  # noqa: BLE001 - an error page must render whatever broke
        current_app.logger.exception("the error page for %s could not be drawn", code)
        return PLAIN_ERROR_PAGE.format(code=code, reference=reference or ""), code


# The last resort when even the error page fails (it reads the user's language and menu from the database).
PLAIN_ERROR_PAGE = "<!doctype html><html lang=en><title>Error {code}</title><p>Error {code}. {reference}</p></html>"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, message=_l("The form had expired or was sent from elsewhere. Reload the page and send it again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        # abort(403, _("…")) says why; werkzeug's own English description (the class's) gives way to ours.
        return render_error(error.code, message=error.description if error.description != type(error).description else None)

    @app.errorhandler(StaleDataError)
    def stale_data(error):
        """Someone saved the same record between our read and our write (the version column caught it, in an
        autoflush a route did not expect): their change stands, ours is rolled back."""
        app.logger.info("edit conflict on %s %s: %s", request.method, request.path, error)
        return render_error(409)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        reference = secrets.token_hex(4)
        original = getattr(error, "original_exception", None)
        app.logger.error("error %s on %s %s", reference, request.method, request.path, exc_info=original)
        return render_error(500, reference=reference)


class RuleBroken(Exception):
    """A service refused a change; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def show_on_form(form, error: RuleBroken) -> None:
    """Put a service's refusal next to its field (or at the top when the form has no such field)."""
    field = getattr(form, error.field, None)
    if field is not None:
        field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
    else:
        form.form_errors.append(error.message)


T = TypeVar("T")


@dataclass(frozen=True)
class Saved(Generic[T]):
    """A change that was committed, with what its service returned (a new record, say, for the redirect)."""

    result: T


def saved(form, change: Callable[[], T], message: str | None = None, category: str = "success",
          refused: Callable[[RuleBroken], None] | None = None) -> Saved[T] | None:
    """Run `change` (a service call) the way every form route does: on RuleBroken roll back and put the refusal
    next to its field (or, with no form to show again, `form=None`, flash it as an error for the page the route
    redirects to; or hand it to `refused`, for a page that lays out its own errors), and return None; else commit,
    flash `message` as `category` (when given; leave it out to flash something made from the result yourself) and
    return Saved(result).
    Other exceptions (an EditConflict, say) pass through with nothing committed."""
    try:
        result = change()
    except RuleBroken as refusal:
        db.session.rollback()
        if refused is not None:
            refused(refusal)
        elif form is None:
            flash(str(refusal.message), "error")
        else:
            show_on_form(form, refusal)
        return None
    db.session.commit()
    if message is not None:
        flash(message, category)
    return Saved(result)


class EditConflict(Exception):
    """Someone saved the record after this editor opened it; answered with 409 and their values."""


def check_version(record, opened_version: int | None) -> None:
    """The version the editor opened must be the record's: a missing one (None) is a conflict too, never a pass."""
    if opened_version != record.version:
        raise EditConflict


def flush_or_conflict() -> None:
    """Flush; a concurrent save caught by the version column becomes an EditConflict."""
    try:
        db.session.flush()
    except StaleDataError as error:
        raise EditConflict from error
