"""Issue 21: the app installs on a phone. Its manifest speaks the reader's language and names PNG icons that exist at
the sizes they claim; the service worker is served from the root for the whole site, never cached by HTTP, under a
CSP that keeps scripts to this site; and what it adds to a first load stays within the 30 KB (gzipped) budget."""

import gzip
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from blueprints.core.extensions import db
from blueprints.core.i18n import LANGUAGE_COOKIE
from tests.factories import login, make_user

STATIC = Path(__file__).resolve().parents[2] / "static"
BUDGET_GZIPPED = 30 * 1024
# What a first load fetches for working offline: the worker, workbox's loader and the modules it loads, the drafts script.
OFFLINE_FILES = ["js/sw.js", "js/vendor/workbox-sw.js", "js/vendor/workbox-core.prod.js", "js/vendor/workbox-routing.prod.js",
                 "js/vendor/workbox-strategies.prod.js", "js/vendor/idb-keyval.js", "js/offline.js"]


def test_the_manifest_names_the_app_in_the_readers_language(client):
    client.set_cookie(LANGUAGE_COOKIE, "fr")
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest.mimetype == "application/manifest+json"
    data = json.loads(manifest.data)
    assert data["name"] == "Mentorat clinique"
    assert data["lang"] == "fr"
    assert data["display"] == "standalone"
    assert data["start_url"] == "/"


def test_the_manifest_icons_are_pngs_of_the_sizes_it_says(client):
    icons = json.loads(client.get("/manifest.webmanifest").data)["icons"]
    assert {icon["sizes"] for icon in icons} == {"192x192", "512x512"}
    for icon in icons:
        assert icon["type"] == "image/png"
        with Image.open(STATIC / icon["src"].removeprefix("/static/")) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_the_service_worker_is_served_from_the_root_for_the_whole_site_and_never_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert b"importScripts" in response.data


def test_the_csp_keeps_scripts_and_workers_to_this_site(client):
    """A worker's script and what it imports fall under script-src (no worker-src): 'self' and nothing else."""
    for path in ("/login", "/sw.js"):
        policy = client.get(path).headers["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert "worker-src" not in directives or directives["worker-src"] == "'self'"


@pytest.mark.no_db
def test_every_file_the_service_worker_keeps_for_the_shell_exists():
    source = (STATIC / "js" / "sw.js").read_text()
    shell = re.search(r"SHELL_FILES = \[(.*?)\]", source, re.S).group(1)
    paths = re.findall(r'"(static/[^"]+)"', shell)
    assert "static/css/app.css" in paths and "static/js/htmx.min.js" in paths
    for path in paths:
        assert (STATIC / path.removeprefix("static/")).is_file(), path


@pytest.mark.no_db
def test_working_offline_adds_at_most_30_kb_gzipped_to_a_first_load():
    sizes = {name: len(gzip.compress((STATIC / name).read_bytes(), compresslevel=9)) for name in OFFLINE_FILES}
    assert sum(sizes.values()) <= BUDGET_GZIPPED, sizes


def test_a_page_not_kept_opened_offline_shows_a_translated_page_that_names_nobody(client):
    """The service worker shows /offline for a page the phone does not keep (instead of the browser's error page). It is
    kept once for every user of the phone, so it names nobody even when fetched signed in."""
    source = (STATIC / "js" / "sw.js").read_text()
    assert 'new URL("offline", ROOT)' in source and "setCatchHandler" in source
    user = make_user("mentor", username="mentor.offline", display_name="Mentor Unseen")
    db.session.commit()
    login(client, user)
    client.set_cookie(LANGUAGE_COOKIE, "fr")
    page = client.get("/offline")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="fr">' in html and "Pas de connexion" in html and "Conservé sur ce téléphone" in html
    assert "Mentor Unseen" not in html and "mentor.offline" not in html and "csrf" not in html.lower()
    assert "data-offline-kept" in html  # filled from the phone's cache by offline.js
