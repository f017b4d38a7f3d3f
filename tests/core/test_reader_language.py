"""Every word in the reader's language (issue 17, item 11): a page read in French or Kinyarwanda shows the seeded
professions, departments, holidays, skills and equipment items in that language, and every count agrees with its
noun ("1 critique", "2 résolues"), which only a plural message (ngettext) can do."""

import html
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from sqlalchemy import delete, select

from blueprints.auth.models import User
from blueprints.core.extensions import db
from blueprints.core.i18n import in_language
from blueprints.core.models import Notification
from blueprints.dashboard.tiles import TILES
from blueprints.equipment.models import EquipmentItem
from blueprints.mentoring.models import Reflection, Skill
from blueprints.people.models import Department, Profession
from blueprints.visits.models import Holiday
from tests.core.test_catalogues import EXTRACT
from tests.dashboard.helpers import programme
from tests.factories import PASSWORD
from tests.security.world import build_world

ROOT = Path(__file__).resolve().parents[2]
HX = {"HX-Request": "true"}

# Placeholders that stand for a number of things: a message carrying one must be a plural message.
COUNTS = {"n", "num", "count", "days", "total", "a", "p", "m", "e", "gap", "f", "r", "kb", "rows", "expected", "done",
          "held", "planned", "limit", "max", "came", "missed", "lost", "here", "missing", "drafted"}
# Messages whose number governs no word, so one form serves every number (the reason is the value).
NO_AGREEMENT = {
    "%(first)s–%(last)s of %(total)s": "a range of rows, no noun",
    "Level %(n)s in %(language)s": "a level's rank",
    "Remove level %(n)s": "a level's rank",
    "Level %(n)s needs an English label.": "a level's rank",
    "Same name and profession as row %(n)s.": "a row's number",
    "required %(n)s": "a quantity after a colon-like label",
    "required: %(n)s": "a quantity after a label",
    "Functional cannot be more than available (%(n)s).": "a quantity in brackets",
    "A hospital whose need differs from the default (%(n)s) gets its own required quantity.": "a quantity in brackets",
    "The file is larger than %(kb)s KB. Split it into smaller files and import them one after the other.":
        "a unit symbol, the same for every number",
    "out of %(total)s. Nothing has been saved yet: correct the rows marked below in your file, then upload it again.":
        "follows a plural message that names the rows",
}


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)[sd]", text))


@pytest.mark.no_db
def test_a_message_with_a_count_is_a_plural_message(tmp_path):
    """`_("%(n)s days")` reads "1 days" / "1 jours": every message with a count goes through ngettext."""
    output = tmp_path / "messages.pot"
    CommandLineInterface().run([*EXTRACT, "-o", str(output), str(ROOT)])
    with output.open("rb") as fh:
        messages = [m for m in read_po(fh) if m.id and not isinstance(m.id, tuple)]
    singular = sorted(f"{m.id!r} ({', '.join(sorted({path for path, _line in m.locations}))})" for m in messages
                      if _placeholders(m.id) & COUNTS and m.id not in NO_AGREEMENT)
    assert not singular, f"{len(singular)} messages count without ngettext:\n" + "\n".join(singular)


# --- the pages, read in French and Kinyarwanda --------------------------------------------------------

BLOCKS = r"</?(?:td|th|tr|li|p|div|dt|dd|h[1-6]|option|br|section|table|ul|ol|label|button|title)\b[^>]*>"


def page_text(body: str) -> str:
    """The words a reader sees; a cell, item or paragraph ends with ' | ' so two cells never read as one phrase."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S | re.I)
    body = re.sub(r"<[^>]+>", " ", re.sub(BLOCKS, " | ", body, flags=re.I))
    return re.sub(r"\s+", " ", html.unescape(body))


def english_names(language: str) -> dict[str, str]:
    """Seeded English name -> its translation, for every name that has one in `language` (and is not inside it)."""
    names = {}
    with in_language(language):
        for model in (Profession, Department, Holiday, EquipmentItem, Skill):
            for row in db.session.scalars(select(model)):
                shown = row.display_name
                if shown != row.name and not re.search(rf"(?<!\w){re.escape(row.name)}(?!\w)", shown):
                    names[row.name] = shown
    return names


def french_agreement() -> list[tuple[re.Pattern, str]]:
    """From the French plural messages, the word that follows the number in each form ('visite' / 'visites'):
    a page must never show 0 or 1 with the plural word, nor 2 or more with the singular one."""
    with (ROOT / "translations/fr/LC_MESSAGES/messages.po").open("rb") as fh:
        catalogue = read_po(fh, locale="fr")
    checks, seen = [], set()
    after = re.compile(r"%\(num\)[sd]\s+([^\W\d_]+)")
    for message in catalogue:
        if not isinstance(message.id, tuple) or not all(message.string):
            continue
        one, many = (after.search(form) for form in message.string[:2])
        if one and many and one.group(1) != many.group(1) and (one.group(1), many.group(1)) not in seen:
            seen.add((one.group(1), many.group(1)))
            checks.append((re.compile(rf"(?<![\d.,\w])[01]\s+{re.escape(many.group(1))}(?!\w)"), f"0 or 1 with '{many.group(1)}'"))
            checks.append((re.compile(rf"(?<![\d.,\w])(?:[2-9]|[1-9]\d{1,2})\s+{re.escape(one.group(1))}(?!\w)"),
                           f"2 or more with '{one.group(1)}'"))
    return checks


# Pages that show text as it was stored when it was written, in the language of its author's request then.
STORED_TEXT = {"/audit/": "each entry's summary is kept as it was written"}


def pages(app, ids):
    """Every GET page with the world's ids, and every dashboard tile."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "core.healthz", "visits.ics_feed"):
            continue
        if rule.rule in STORED_TEXT or any(rule._converters[a].__class__.__name__ != "IntegerConverter" for a in rule.arguments):
            continue
        yield rule.build({a: ids[a] for a in rule.arguments}, append_unknown=False)[1] if rule.arguments else rule.rule
    yield from (f"/dashboard/tiles/{name}" for name in TILES)


def sign_in(client, username: str) -> None:
    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("language", ["fr", "rw"])
def test_every_page_shows_seeded_names_in_the_readers_language_and_counts_that_agree(app, client, language):
    world = build_world("Plain")
    programme(2)
    db.session.execute(User.__table__.update().values(language=language))
    # Each notification is written once, in its reader's language when it was sent: the world's (its transfer tells
    # the coordinator) were sent before the readers chose theirs, so they are English like the audit summaries.
    db.session.execute(delete(Notification).where(Notification.kind == "transfer_in"))
    names = english_names(language)
    assert {"Maternity", "Midwife", "Delivery beds", "Christmas Day", "Vacuum delivery"} <= set(names), "the seeded names were not found"
    agreement = french_agreement() if language == "fr" else []
    if language == "fr":
        assert len(agreement) >= 20, "the French plural messages were not read"
    problems = []
    for username in ("coord.world", "admin.world", "mentor.world", "sys.world"):
        sign_in(client, username)
        for path in pages(app, world["ids"]):
            response = client.get(path, headers=HX if path.startswith("/dashboard/tiles/") else {})
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            text = page_text(response.get_data(as_text=True))
            for name in names:
                if found := re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                    problems.append(f"{username} {path}: English '{name}': …{text[max(found.start() - 40, 0):found.end() + 10]}…")
            for pattern, what in agreement:
                if found := pattern.search(text):
                    problems.append(f"{username} {path}: {what}: …{text[max(found.start() - 40, 0):found.end() + 10]}…")
    assert not problems, f"{len(problems)} problems in {language}:\n" + "\n".join(problems)


def test_counts_of_one_and_two_read_right_in_french(client):
    """The issue's own examples: '1 (1 critiques)' in the gap matrix and '19 ouverte · 11 résolue' in the follow-up tile."""
    world = programme(3)
    reflections = db.session.scalars(select(Reflection).order_by(Reflection.id)).all()
    for reflection in reflections[1:]:
        reflection.support_status = "resolved"
    from tests.factories import login, make_user

    login(client, make_user("coordinator", language="fr"))
    support = page_text(client.get("/dashboard/tiles/support", headers=HX).get_data(as_text=True))
    assert "1 ouverte" in support and "0 en cours" in support and "2 résolues" in support, support
    matrix = page_text(client.get("/equipment/").get_data(as_text=True))
    # Each hospital: a total gap of 2 (two Bubble CPAP, none working), of which 1 critical item.
    assert re.search(rf"{world['hospitals'][0].name} Northern Province [ |]*2 \(1 critique\)", matrix), matrix


@pytest.mark.parametrize(("language", "lost"), [
    ("en", "The connection was lost; nothing was sent."), ("fr", "La connexion a été perdue ; rien n'a été envoyé."),
    ("rw", "Murandasi yacitse; nta cyoherejwe.")])
def test_what_a_failed_request_says_is_in_the_readers_language(client, language, lost):
    """app.js shows these words when a request fails; they were English in the script whatever the reader's language."""
    from tests.factories import login, make_user

    login(client, make_user("coordinator", language=language))
    box = re.search(r'<div id="htmx-error"[^>]*>', client.get("/").get_data(as_text=True)).group(0)
    words = {name: html.unescape(value) for name, value in re.findall(r'data-(\w+)="([^"]*)"', box)}
    assert set(words) == {"lost", "forbidden", "gone", "failed"}
    assert words["lost"].startswith(lost)
    assert "{status}" in words["failed"]
