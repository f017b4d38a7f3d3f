"""The installable app (issue 21): the web app manifest in the reader's language and the service worker, both served
from the site root so the worker's scope is the whole site. Both are public (the login page installs too) and passive:
a browser checking for an update never keeps a session alive."""

from flask import current_app, jsonify, render_template, send_from_directory, url_for
from flask_babel import gettext as _

from .i18n import current_language
from .permissions import passive, public
from .views import bp

THEME_COLOUR = "#0b5563"  # the favicon's teal


@bp.get("/manifest.webmanifest")
@public
@passive
def manifest():
    """Name and description in the reader's language; PNG icons at the sizes installers ask for."""
    icons = [{"src": url_for("static", filename=f"img/icon-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any maskable"} for size in (192, 512)]
    response = jsonify(name=_("Clinical mentorship"), short_name=_("Mentorship"),
                       description=_("Clinical mentorship for maternal, newborn and child health"),
                       lang=current_language(), start_url=url_for("dashboard.home"), scope=url_for("dashboard.home"),
                       id=url_for("dashboard.home"), display="standalone", background_color="#ffffff",
                       theme_color=THEME_COLOUR, icons=icons)
    response.mimetype = "application/manifest+json"
    response.headers["Vary"] = "Accept-Language, Cookie"  # the name follows the reader's language
    return response


@bp.get("/sw.js")
@public
@passive
def service_worker():
    """The worker's script from the root (a script under /static/ could only control /static/). Never cached by HTTP,
    so a new release reaches phones on their next visit."""
    response = send_from_directory(current_app.static_folder, "js/sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = url_for("dashboard.home")
    return response


@bp.get("/offline")
@public
@passive
def offline_page():
    """What the service worker shows offline for a page the phone does not keep, instead of the browser's error page.
    Kept with the shell for every user of the phone, so it names nobody (the kept pages are listed by offline.js)."""
    response = current_app.make_response(render_template("core/offline.html"))
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Vary"] = "Accept-Language, Cookie"  # in the reader's language
    return response
