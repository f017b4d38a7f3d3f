"""Escaping: hostile text saved in every free-text field comes back inert in every page, htmx fragment
and in the HTML handed to WeasyPrint; no template or view marks user data safe."""

import re
from pathlib import Path

import pytest

from blueprints.core.extensions import db
from tests.factories import PASSWORD
from tests.security.world import build_world

ROOT = Path(__file__).resolve().parents[2]

PAYLOADS = {
    "script": '<script>alert(1)</script>',
    "attribute": '" onmouseover="x',
    "htmx": '<div hx-get="/x" hx-trigger="load">',
}
# What must never reach a page, per payload (the raw, unescaped form).
RAW = {
    "script": [b"<script>alert(1)"],
    "attribute": [b'" onmouseover="x'],
    "htmx": [b'<div hx-get="/x"'],
}
# What an escaped copy looks like: proof that the payload was shown, not dropped.
ESCAPED = {
    "script": [b"&lt;script&gt;alert(1)"],
    "attribute": [b"&#34; onmouseover=&#34;x", b"&quot; onmouseover=&quot;x"],
    "htmx": [b"&lt;div hx-get=&#34;/x&#34;", b"&lt;div hx-get=&quot;/x&quot;"],
}


def sign_in(client, username):
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"{username} could not sign in"


def pages(app, ids):
    """Every GET page: without arguments, and with the world's ids."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "core.healthz", "visits.ics_feed"):
            continue
        if rule.arguments:
            if any(rule._converters[a].__class__.__name__ != "IntegerConverter" for a in rule.arguments):
                continue
            yield rule.build({a: ids[a] for a in rule.arguments}, append_unknown=False)[1]
        else:
            yield rule.rule


def assert_inert(body: bytes, name: str, where: str) -> bool:
    for raw in RAW[name]:
        assert raw not in body, f"{where}: the {name} payload comes back unescaped"
    return any(escaped in body for escaped in ESCAPED[name])


@pytest.mark.parametrize("name", PAYLOADS)
def test_payloads_in_every_free_text_field_come_back_escaped(app, client, monkeypatch, name):
    payload = PAYLOADS[name]
    world = build_world(payload)
    ids = world["ids"]
    sent_to_weasyprint = []
    monkeypatch.setattr("blueprints.equipment.routes.render_pdf", lambda html, **_: sent_to_weasyprint.append(html) or b"%PDF-1.7")
    shown = set()
    for username in ("coord.world", "admin.world", "mentor.world", "sys.world"):
        sign_in(client, username)
        for path in pages(app, ids):
            queries = ("",) if re.search(r"/\d+", path) else ("", "?status=all&q=" + payload[:8])
            for query in queries:
                for headers in ({}, {"HX-Request": "true"}):
                    response = client.get(path + query, headers=headers)
                    assert response.status_code < 500, f"{username} GET {path}{query} -> {response.status_code}"
                    if response.mimetype != "text/html":
                        # CSV downloads carry raw text on purpose (a spreadsheet is no browser); PDFs are checked below.
                        assert response.mimetype in ("text/csv", "application/pdf", "application/json"), path
                        continue
                    if assert_inert(response.data, name, f"{username} GET {path}{query} {headers}"):
                        shown.add(path)
    # The payload was really displayed (escaped) on the pages of each kind of record.
    for must in (f"/mentees/{ids['mentee_id']}", f"/mentors/{ids['mentor_id']}", f"/hospitals/{ids['hospital_id']}",
                 f"/teams/{ids['team_id']}", f"/visits/{ids['visit_id']}", f"/equipment/checks/{ids['check_id']}",
                 "/notifications/", "/users/", "/audit/", "/mentees/", "/visits/", "/equipment/catalogue"):
        assert must in shown, f"{must} never showed the payload: the test would not notice a regression there"
    assert sent_to_weasyprint, "the equipment report PDF was not rendered"
    for html in sent_to_weasyprint:
        assert_inert(html.encode(), name, "HTML sent to WeasyPrint")
    assert any(assert_inert(html.encode(), name, "pdf") for html in sent_to_weasyprint), "the PDF never showed the item name"


def test_the_pdf_template_escapes_a_payload_item_name_and_count_note(app, client, monkeypatch):
    """The report PDF's HTML, rendered from the template through the real route, for one hospital."""
    world = build_world(PAYLOADS["htmx"])
    captured = []
    monkeypatch.setattr("blueprints.equipment.routes.render_pdf", lambda html, **_: captured.append(html) or b"%PDF-1.7")
    sign_in(client, "coord.world")
    response = client.get(f"/equipment/hospitals/{world['hospital'].id}/report.pdf")
    assert response.status_code == 200 and captured
    html = captured[0]
    assert '<div hx-get="/x"' not in html
    assert "&lt;div hx-get=" in html


def test_payloads_typed_into_forms_are_stored_as_typed_and_shown_escaped(client):
    """Through the real forms too (not only the services): a mentee and an absence note."""
    world = build_world("Plain")
    sign_in(client, "coord.world")
    payload = PAYLOADS["script"]
    mentee = world["mentee"]
    page = client.get(f"/mentees/{mentee.id}/edit").data.decode()
    version = re.search(r'name="version" type="hidden" value="(\d+)"|type="hidden" name="version" value="(\d+)"', page)
    form = {"full_name": payload, "profession_id": mentee.profession_id, "hospital_id": mentee.hospital_id,
            "department_id": mentee.department_id, "phone": payload[:40],
            "version": next(g for g in version.groups() if g) if version else mentee.version}
    response = client.post(f"/mentees/{mentee.id}/edit", data=form)
    assert response.status_code == 302, response.data[:2000]
    db.session.refresh(mentee)
    assert mentee.full_name == payload  # stored as typed: escaping is the template's job, not the input's
    for path in (f"/mentees/{mentee.id}", "/mentees/", "/mentees/?q=script", "/audit/"):
        for headers in ({}, {"HX-Request": "true"}):
            body = client.get(path, headers=headers).data
            assert b"<script>alert(1)" not in body and b"&lt;script&gt;alert(1)" in body, path


# --- no |safe and no Markup() on user data -------------------------------------------------------

# Every legitimate use, with why it is safe. Anything else fails the test.
SAFE_ALLOWED: dict[str, str] = {}
MARKUP_ALLOWED: dict[str, str] = {}


def _occurrences(pattern: str, folders: tuple[str, ...], suffixes: tuple[str, ...]) -> list[str]:
    found = []
    regex = re.compile(pattern)
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in suffixes or not path.is_file():
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if regex.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def _not_allowed(found: list[str], allowed: dict[str, str]) -> list[str]:
    return [line for line in found if not any(line.startswith(key) for key in allowed)]


def test_no_template_marks_anything_safe():
    found = _occurrences(r"\|\s*safe\b|\{%\s*autoescape\s+false", ("templates", "blueprints"), (".html", ".txt", ".xml", ".svg", ".j2"))
    assert _not_allowed(found, SAFE_ALLOWED) == [], "justify each in SAFE_ALLOWED or remove it"


def test_no_python_code_builds_markup_from_strings():
    found = _occurrences(r"\bMarkup\s*\(|markupsafe|\.__html__|render_template_string|autoescape\s*=\s*False",
                         ("blueprints", "templates"), (".py", ".html"))
    assert _not_allowed(found, MARKUP_ALLOWED) == [], "justify each in MARKUP_ALLOWED or remove it"


def test_the_grep_patterns_match_what_they_look_for():
    """The patterns themselves work: a made-up |safe and Markup() are found."""
    assert re.search(r"\|\s*safe\b|\{%\s*autoescape\s+false", "{{ mentee.full_name | safe }}")
    assert re.search(r"\bMarkup\s*\(|markupsafe", "Markup(f'<b>{name}</b>')")
