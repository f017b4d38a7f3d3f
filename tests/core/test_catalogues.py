"""The message catalogues (issue 11): French complete; Kinyarwanda complete where health workers must read it
(navigation, sign-in, form labels and errors, the feedback sheet, the certificate); both up to date with the
sources; placeholders kept. Run them alone with `pytest -m catalogue` (after `make update-translations`)."""

import re
from fnmatch import fnmatch
from functools import cache
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from app import create_app
from blueprints.core.navigation import menu

pytestmark = [pytest.mark.catalogue, pytest.mark.no_db]

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
# The same keywords as `make extract` (Makefile).
EXTRACT = ["pybabel", "--quiet", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
           "-k", "lazy_ngettext:1,2", "-k", "N_", "--add-location=file"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")

# Where a Kinyarwanda reader must never meet English (issue 11): navigation, sign-in, every form's labels and
# errors, the feedback sheet and the CPD certificate.
KINYARWANDA_REQUIRED = (
    "templates/base.html", "templates/auth/login.html", "blueprints/auth/routes.py",
    "blueprints/*/forms.py", "blueprints/core/forms.py", "templates/macros/forms.html",
    "templates/reports/pdf/*.html", "blueprints/reports/*.py", "templates/**/*certificate*.html", "blueprints/**/*certificate*.py",
)


@cache
def extracted(tmp_dir: str) -> dict[str, set[str]]:
    """msgid -> the source files it comes from, extracted from the sources as they are now."""
    output = Path(tmp_dir) / "messages.pot"
    CommandLineInterface().run([*EXTRACT, "-o", str(output), str(ROOT)])
    with output.open("rb") as fh:
        return {_key(message.id): {path for path, _line in message.locations} for message in read_po(fh) if message.id}


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    return extracted(str(tmp_path_factory.mktemp("pot")))


def _key(msgid) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def catalogue(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=language)


def translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(s.strip() for s in strings)


def _relative(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return path


def required_for_kinyarwanda(locations: set[str]) -> bool:
    return any(fnmatch(_relative(path), pattern.replace("**/", "*")) for path in locations for pattern in KINYARWANDA_REQUIRED)


@pytest.mark.parametrize("language", ["fr", "rw"])
def test_the_catalogue_is_up_to_date_with_the_sources(sources, language):
    have = {_key(m.id) for m in catalogue(language) if m.id}
    missing, obsolete = sorted(set(sources) - have), sorted(have - set(sources))
    assert not missing and not obsolete, (
        f"translations/{language} is out of date: run `make update-translations` and translate. "
        f"Missing {len(missing)}: {missing[:10]}; obsolete {len(obsolete)}: {obsolete[:10]}")


def test_every_french_message_is_translated_and_none_is_fuzzy():
    untranslated = [_key(m.id) for m in catalogue("fr") if m.id and not translated(m)]
    fuzzy = [_key(m.id) for m in catalogue("fr") if m.id and m.fuzzy]
    assert not untranslated, f"{len(untranslated)} French messages untranslated, e.g. {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} French messages fuzzy (check, then remove the flag), e.g. {fuzzy[:10]}"


def test_kinyarwanda_is_complete_for_navigation_sign_in_forms_the_feedback_sheet_and_the_certificate(sources):
    messages = {_key(m.id): m for m in catalogue("rw") if m.id}
    required = [msgid for msgid, locations in sources.items() if required_for_kinyarwanda(locations)]
    assert len(required) > 100  # the patterns still find the areas
    missing = sorted(msgid for msgid in required if msgid not in messages or not translated(messages[msgid]) or messages[msgid].fuzzy)
    assert not missing, f"{len(missing)} required Kinyarwanda messages untranslated or fuzzy, e.g. {missing[:10]}"


def test_every_menu_entry_the_areas_add_is_in_kinyarwanda():
    """The navigation bar's labels come from the areas (`menu.add` in each area's routes), not from one file the
    patterns above could name: read them from the registry the app has filled."""
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    messages = {_key(m.id): m for m in catalogue("rw") if m.id}
    labels = [entry.label._args[0] for entry in menu.entries()]  # the lazy string's msgid
    assert len(labels) >= 10
    missing = [label for label in labels if label not in messages or not translated(messages[label])]
    assert not missing, f"menu labels without Kinyarwanda: {missing}"


def test_the_certificate_is_among_the_kinyarwanda_required_messages(sources):
    """The CPD certificate PDF (templates/…certificate….html) must be covered once it exists."""
    certificate = [msgid for msgid, locations in sources.items()
                   if any("certificate" in Path(path).name for path in locations)]
    assert certificate, "no message comes from a certificate template or module yet"


@pytest.mark.parametrize("language", ["fr", "rw"])
def test_translations_keep_every_placeholder(language):
    wrong = []
    for message in catalogue(language):
        if not message.id or not translated(message):
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        allowed = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            # a plural's singular may drop the number ("one mentee"); no translation may invent a placeholder
            if found - allowed or (len(ids) == 1 and found != allowed):
                wrong.append((ids[0], string))
    assert not wrong, f"{len(wrong)} translations change placeholders, e.g. {wrong[:5]}"


# A template's `{{ _("…") }}` is trusted markup (Jinja's i18n extension marks a translation safe), so inside a
# double-quoted attribute a translation's own `"` would end the attribute early.
IN_ATTRIBUTE = re.compile(r"""="\{\{\s*_\(\s*(?:"([^"]*)"|'([^']*)')""")


@pytest.mark.parametrize("language", ["fr", "rw"])
def test_a_translation_written_into_an_html_attribute_has_no_double_quote(language):
    in_attributes = {a or b for path in (ROOT / "templates").rglob("*.html")
                     for a, b in IN_ATTRIBUTE.findall(path.read_text(encoding="utf-8"))}
    assert len(in_attributes) > 50  # the pattern still finds them
    quoted = [(m.id, m.string) for m in catalogue(language) if m.id in in_attributes and '"' in m.string]
    assert not quoted, quoted


def test_the_glossary_sits_next_to_the_catalogues():
    glossary = (TRANSLATIONS / "GLOSSARY.md").read_text(encoding="utf-8")
    assert "| mentee | mentoré" in glossary and "uwigishwa" in glossary
