"""Escaping: hostile text saved in every free-text field comes back inert in every page, htmx fragment
and in the HTML handed to WeasyPrint; no template or view marks user data safe."""

import re
from pathlib import Path

import pytest
from werkzeug.routing import IntegerConverter

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
            if not all(isinstance(rule._converters.get(a), IntegerConverter) for a in rule.arguments):
                continue
            yield rule.build({a: ids[a] for a in rule.arguments}, append_unknown=False)[1]
        else:
            yield rule.rule


def assert_inert(body: bytes, name: str, where: str) -> bool:
    for raw in RAW[name]:
        assert raw not in body, f"{where}: the {name} payload comes back unescaped"
    return any(escaped in body for escaped in ESCAPED[name])


@pytest.mark.one_database  # every page and fragment, for four users, per payload: what Jinja escapes is the same on any engine
@pytest.mark.parametrize("name", PAYLOADS)
def test_payloads_in_every_free_text_field_come_back_escaped(app, client, monkeypatch, name):
    payload = PAYLOADS[name]
    world = build_world(payload)
    ids = world["ids"]
    sent_to_weasyprint = []
    monkeypatch.setattr("blueprints.equipment.routes.report.render_pdf", lambda html, **_: sent_to_weasyprint.append(html) or b"%PDF-1.7")
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
                        assert response.mimetype in ("text/csv", "application/pdf", "application/json", "application/manifest+json",
                                                     "text/javascript"), path  # the manifest and the static service worker
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
    monkeypatch.setattr("blueprints.equipment.routes.report.render_pdf", lambda html, **_: captured.append(html) or b"%PDF-1.7")
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
            "department_id": mentee.department_id, "phone": "0788 123 456",
            "version": next(g for g in version.groups() if g) if version else mentee.version}
    response = client.post(f"/mentees/{mentee.id}/edit", data=form)
    assert response.status_code == 302, response.data[:2000]
    db.session.refresh(mentee)
    assert mentee.full_name == payload  # stored as typed: escaping is the template's job, not the input's
    for path in (f"/mentees/{mentee.id}", "/mentees/", "/mentees/?q=script", "/audit/"):
        for headers in ({}, {"HX-Request": "true"}):
            body = client.get(path, headers=headers).data
            assert b"<script>alert(1)" not in body and b"&lt;script&gt;alert(1)" in body, path


# --- feedback and reflections: hostile HTML and local/loopback URLs in every free-text field ------------

HOSTILE = {
    "strengths": '<img src="file:///etc/passwd"> strengths <script>alert(1)</script>',
    "areas_to_improve": '<link rel="stylesheet" href="http://127.0.0.1:1/x"> areas',
    "mentee_comment": '<iframe src="http://127.0.0.1:1/x"></iframe> comment file:///etc/passwd',
    "rating_comment": '<object data="file:///etc/passwd"></object> rating',
    "action": '<a href="http://127.0.0.1:1/x">act</a><style>@import url("http://127.0.0.1:1/x");</style>',
    "went_well": '<img src="http://127.0.0.1:1/x"> went well',
    "challenges": '<script src="file:///etc/passwd"></script> challenges',
    "mentees_absent": '<svg onload="x"><image href="file:///etc/passwd"/></svg> absent',
    "equipment_problems": '<div hx-get="http://127.0.0.1:1/x" hx-trigger="load"> equipment',
    "support_needed": '<base href="http://127.0.0.1:1/x"> support',
}
# A raw tag of each value must never come back; its escaped opening must (proof it was shown, not dropped).
FEEDBACK_FIELDS = ("strengths", "areas_to_improve", "mentee_comment", "rating_comment", "action")
REFLECTION_FIELDS = ("went_well", "challenges", "mentees_absent", "equipment_problems", "support_needed")


def _hostile_feedback(world):
    from blueprints.core.clock import today
    from blueprints.mentoring.models import ActionItem, Feedback, Reflection, Skill, SkillRating
    from blueprints.people.models import Profession

    visit = world["visit"]
    visit.status = "held"
    skill = db.session.scalar(db.select(Skill).join(Profession).where(Profession.code == "midwife").order_by(Skill.position))
    feedback = Feedback(visit_id=visit.id, mentee_id=world["mentee"].id, mentor_id=world["mentor"].id, status="signed",
                        strengths=HOSTILE["strengths"], areas_to_improve=HOSTILE["areas_to_improve"],
                        mentee_comment=HOSTILE["mentee_comment"], cpd_hours=6,
                        ratings=[SkillRating(skill_id=skill.id, rating=3, comment=HOSTILE["rating_comment"])])
    feedback.action_items = [ActionItem(mentee_id=world["mentee"].id, text=HOSTILE["action"], due_date=today())]
    db.session.add(feedback)
    reflection = db.session.scalar(db.select(Reflection).where(Reflection.visit_id == visit.id))
    for name in REFLECTION_FIELDS:
        setattr(reflection, name, HOSTILE[name])
    db.session.commit()
    return visit, world["mentee"]


def _raw_tag(value: str) -> str:
    return value[:value.index(">") + 1] if ">" in value else value


def test_hostile_feedback_and_reflection_text_is_escaped_on_pages_and_literal_in_pdfs(app, client, monkeypatch):
    """Feedback (strengths, areas to improve, comment per skill, action items, mentee comment) and reflection
    fields hold hostile HTML with file:// and http://127.0.0.1 references: every page shows them escaped, and
    each PDF shows the literal text while its URL fetcher is never asked for any of those URLs."""
    import html
    import io

    from pypdf import PdfReader

    from blueprints.reports.pdf import StaticOnlyFetcher, render_pdf

    world = build_world("Plain")
    visit, mentee = _hostile_feedback(world)
    asked = []
    fetch = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    pages = {
        "mentor.world": [f"/visits/{visit.id}/feedback/{mentee.id}", f"/mentees/{mentee.id}/mentoring",
                         f"/visits/{visit.id}/reflection", f"/visits/{visit.id}"],
        "coord.world": [f"/visits/{visit.id}/feedback/{mentee.id}", f"/mentees/{mentee.id}/mentoring", "/reflections/support"],
    }
    seen = set()
    for username, paths in pages.items():
        sign_in(client, username)
        for path in paths:
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(path, headers=headers)
                assert response.status_code == 200, f"{username} GET {path} -> {response.status_code}"
                body = response.text
                for name, value in HOSTILE.items():
                    tag = _raw_tag(value)
                    assert tag not in body, f"{username} GET {path}: the {name} text comes back as markup"
                    escaped = html.escape(tag)
                    if escaped in body or escaped.replace("&quot;", "&#34;") in body:
                        seen.add(name)
    assert seen >= set(FEEDBACK_FIELDS) | {"support_needed", "went_well", "challenges"}, f"shown escaped: {sorted(seen)}"

    sign_in(client, "mentor.world")
    texts = {}
    for path in (f"/visits/{visit.id}/feedback/{mentee.id}.pdf", f"/visits/{visit.id}/feedback.pdf",
                 f"/mentees/{mentee.id}/cpd/{visit.start_date.year}.pdf"):
        response = client.get(path)
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), path
        texts[path] = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    sheet = "".join(texts[f"/visits/{visit.id}/feedback/{mentee.id}.pdf"].split()).replace("\u200b", "")
    for name in FEEDBACK_FIELDS:  # the literal text, as typed (pypdf may break lines, long runs hold zero-width spaces)
        assert "".join(HOSTILE[name].split()) in sheet, f"the PDF does not show the {name} text literally"
    assert "file:///etc/passwd" in sheet and "http://127.0.0.1:1/x" in sheet
    assert not [url for url in asked if "passwd" in url or "127.0.0.1" in url], asked
    # the spy is wired: raw markup handed straight to the renderer does ask it, and is refused
    render_pdf('<img src="file:///etc/passwd"><img src="http://127.0.0.1:1/x">')
    assert "file:///etc/passwd" in asked and "http://127.0.0.1:1/x" in asked


# --- no |safe and no Markup() on user data -------------------------------------------------------

# Every legitimate use, with why it is safe. Anything else fails the test.
SAFE_ALLOWED: dict[str, str] = {}
MARKUP_ALLOWED: dict[str, str] = {
    # Speed (issue 6/9): the national gap matrix is 2,520 cells; its <tbody> is one f-string per cell. Every value
    # from the database or a catalogue (hospital, province, item names, the gap sentence) goes through escape();
    # the rest are ints, fixed class names and URLs built by url_for. Tested with a hostile hospital name
    # (tests/equipment/test_gaps.py::test_each_matrix_cell_says_its_gap_once_without_a_title_and_names_are_escaped).
    "blueprints/equipment/matrix_html.py:": "the matrix body, every text escaped",
    "blueprints/equipment/report_html.py:": "the gap report's rows, every text escaped (as the matrix body)",
    # The hospital page's 60 trend lines: numbers worked out in trend_points, and the label through escape().
    "blueprints/equipment/charts.py:": "SVG of numbers; the label escaped",
    # One hospital's page (issue 9): its checklist rows and its "Gaps now" and "Recent checks" lists, one f-string a
    # row as in the matrix. Item, ward and hospital names, the sentences and every translation go through escape();
    # the rest are ints, dates through escape, fixed class names, URLs from url_for and charts.trend_svg's Markup.
    # Tested with hostile names (tests/equipment/test_gaps.py::test_the_hospital_page_escapes_item_and_hospital_names).
    "blueprints/equipment/hospital_html.py:": "the hospital page's rows and lists, every text escaped",
    # A date input's day in the reader's language (issue 19): Markup.format escapes the id, the month names and the day.
    "blueprints/core/formatting.py:": "day_said: a fixed <output> whose every value goes through Markup.format",
    # The tiles drawn with a home page (issue 19): each the output of its own autoescaped template, dashboard/_tile.html.
    "blueprints/dashboard/routes.py:": "a tile's fragment rendered by an autoescaped template",
    # One language's part of the sheets' PDF (its footer rule and its sheets), rendered in that language by autoescaped
    # templates (_page_footer.html, _sheets.html), then put in the one document of every part.
    "blueprints/reports/sheets.py:": "a language's part of the sheets' PDF, each rendered by an autoescaped template",
    # A mentee's invitation (issue 22): segno's SVG of the link's QR code; the title (the mentee's name) is escaped by segno.
    "blueprints/people/routes/invitations.py:": "segno's QR code SVG, its title escaped by segno",
}


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


@pytest.mark.no_db
def test_no_template_marks_anything_safe():
    found = _occurrences(r"\|\s*safe\b|\{%\s*autoescape\s+false", ("templates", "blueprints"), (".html", ".txt", ".xml", ".svg", ".j2"))
    assert _not_allowed(found, SAFE_ALLOWED) == [], "justify each in SAFE_ALLOWED or remove it"


@pytest.mark.no_db
def test_no_python_code_builds_markup_from_strings():
    found = _occurrences(r"\bMarkup\s*\(|markupsafe|\.__html__|render_template_string|autoescape\s*=\s*False",
                         ("blueprints", "templates"), (".py", ".html"))
    assert _not_allowed(found, MARKUP_ALLOWED) == [], "justify each in MARKUP_ALLOWED or remove it"


@pytest.mark.no_db
def test_the_grep_patterns_match_what_they_look_for():
    """The patterns themselves work: a made-up |safe and Markup() are found."""
    assert re.search(r"\|\s*safe\b|\{%\s*autoescape\s+false", "{{ mentee.full_name | safe }}")
    assert re.search(r"\bMarkup\s*\(|markupsafe", "Markup(f'<b>{name}</b>')")
