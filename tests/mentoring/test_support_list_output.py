"""The reflection follow-up list pinned before its speed-up at ten times national scale (issue 23, item 5): each
status and page, as a coordinator (English and French) and as a hospital administrator, says what it said.

A deliberate change to what it says regenerates the references, then review their diff:
    UPDATE_REFERENCE_PAGES=1 .venv/bin/python -m pytest -n 0 tests/mentoring/test_support_list_output.py
"""

import os
import re
from pathlib import Path

from blueprints.core.extensions import db
from blueprints.mentoring.models import Reflection
from blueprints.visits.models import Visit
from tests.dashboard.test_tile_output import national  # noqa: F401 (the fixture)
from tests.factories import login, make_user

REFERENCE = Path(__file__).parent / "reference"
UPDATE = os.environ.get("UPDATE_REFERENCE_PAGES") == "1"


def same_as_reference(name: str, text: str) -> None:
    """Row ids and the CSRF token differ between databases and runs; what the page says does not."""
    for token in set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', text)):
        text = text.replace(token, "#")
    text = re.sub(r"(?<=[/=\-])\d+(?=[/\"&?#])", "#", text)
    text = re.sub(r'(?<==")\d+(?=")', "#", text)  # ids as whole attribute values (options, data-offline-user)
    path = REFERENCE / name
    if UPDATE:
        path.write_bytes(text.encode())
    assert text == path.read_bytes().decode(), f"{name} differs from its reference"


def test_the_reflection_follow_up_list_says_what_it_said_before_the_speed_up(app, client, national, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "PER_PAGE", 4)
    reflections = db.session.query(Reflection).order_by(Reflection.id).all()
    for n, reflection in enumerate(reflections):
        reflection.support_status = ("open", "in_progress", "resolved")[n % 3]
        reflection.support_topic = ("programme", "staffing", "equipment")[n % 3]
    hospital = db.session.get(Visit, reflections[1].visit_id).hospital
    db.session.commit()
    for language in ("en", "fr"):
        login(client, make_user("coordinator", language=language, display_name=f"Coordinator {language}"))
        for query in ("", "?status=all", "?status=all&page=2", "?status=all&page=9", "?status=resolved", "?status=nonsense"):
            for htmx in (False, True):
                page = client.get(f"/reflections/support{query}", headers={"HX-Request": "true"} if htmx else {})
                assert page.status_code == 200
                name = re.sub(r"\W+", "-", query).strip("-") or "open"
                same_as_reference(f"support-{name}{'-htmx' if htmx else ''}-{language}.html", page.get_data(as_text=True))
        client.post("/logout")
    login(client, make_user("hospital_admin", hospital=hospital))
    same_as_reference("support-admin.html", client.get("/reflections/support?status=all").get_data(as_text=True))
