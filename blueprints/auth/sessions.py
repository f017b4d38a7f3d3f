"""Session lifetime on shared computers: an idle timeout and an absolute limit, checked every request.

Background polling (the notification bell) is marked `keeps_session_alive = False` so a tab left
open does not keep a session alive forever.
"""

import time

from flask import current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user

STARTED, SEEN = "_started", "_seen"


def start_session() -> None:
    now = int(time.time())
    session[STARTED] = session[SEEN] = now


def expire_idle_sessions():
    """before_request: end a session idle or too old; otherwise note the activity."""
    if request.endpoint in (None, "static") or not current_user.is_authenticated:
        return
    now = int(time.time())
    config = current_app.config
    idle = now - session.get(SEEN, 0) > config["SESSION_IDLE_MINUTES"] * 60
    too_old = now - session.get(STARTED, 0) > config["SESSION_MAX_HOURS"] * 3600
    if idle or too_old:
        logout_user()
        session.clear()
        flash(_("You were signed out after a period without activity. Sign in again."), "info")
        return
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "keeps_session_alive", True):
        session[SEEN] = now
