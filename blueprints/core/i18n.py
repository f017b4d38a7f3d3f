"""Languages: which one a request speaks, the switcher's safe redirect, and a block forced into a mentee's language.

English is the source language; French and Kinyarwanda come from translations/<lang>/LC_MESSAGES/messages.po.
A signed-in user's own choice wins; then the language cookie the switcher sets (anonymous visitors on the
login page can choose too); then the browser's Accept-Language, best match; then English.
"""

from contextlib import contextmanager
from urllib.parse import urlsplit

from flask import has_request_context, request
from flask_babel import force_locale, get_locale
from flask_login import current_user
from sqlalchemy import select

from .extensions import db

DEFAULT_LANGUAGE = "en"
# Each language named in itself (an autonym is never translated: a reader must recognise their own).
LANGUAGES = {"en": "English", "fr": "Français", "rw": "Ikinyarwanda"}
LANGUAGE_COOKIE = "language"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600


def known_language(code: str | None) -> str | None:
    """The code when the app speaks it, else None."""
    return code if code in LANGUAGES else None


def select_locale() -> str:
    """Flask-Babel's locale selector (force_locale bypasses it)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    if current_user.is_authenticated and known_language(getattr(current_user, "language", None)):
        return current_user.language
    chosen = known_language(request.cookies.get(LANGUAGE_COOKIE))
    if chosen:
        return chosen
    return request.accept_languages.best_match(tuple(LANGUAGES), default=DEFAULT_LANGUAGE)


def current_language() -> str:
    """The code of the language the current request (or forced block) speaks: 'en', 'fr' or 'rw'."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def in_language(code: str | None):
    """Everything inside speaks `code` (an unknown or empty code means English): gettext, lazy strings turned
    into text inside, and Babel's date and number formats. Used to print a mentee's documents in the mentee's
    language whatever the reader's own, e.g. `with in_language(mentee.preferred_language): html = render(...)`."""
    with force_locale(known_language(code) or DEFAULT_LANGUAGE):
        yield


def N_(text: str) -> str:
    """Marks a seeded English name (a default profession, department or public holiday: people/defaults.py, visits/defaults.py) for the
    catalogues. It is stored as written and translated where it is shown (`display_name`), so names added later
    show as typed."""
    return text


def localized_name(name: str, translations: dict | None, language: str | None = None) -> str:
    """A seeded or coordinator-edited name in the current language: its translation when there is one, else
    the English `name` (translations is {"fr": "…", "rw": "…"}, as stored in the `name_translations` columns).
    A caller naming many things passes `language` (current_language()) once rather than have it looked up each time."""
    language = language or current_language()
    if language != DEFAULT_LANGUAGE and translations:
        translated = translations.get(language)
        if isinstance(translated, str) and translated.strip():
            return translated
    return name


def clean_translations(values: dict) -> dict | None:
    """{"fr": " Partogramme ", "rw": ""} -> {"fr": "Partogramme"}: the stored form (None when empty)."""
    kept = {code: value.strip() for code, value in values.items()
            if code in LANGUAGES and code != DEFAULT_LANGUAGE and isinstance(value, str) and value.strip()}
    return kept or None


def safe_next(target: str | None, fallback: str) -> str:
    """`target` when it is a path on this site ('/mentees/?page=2'), else `fallback`: never another host
    ('//evil.example', 'https://…', '/\\evil.example'), never a scheme ('javascript:')."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def fill_name_translations(model, translations: dict[str, tuple[str, str]]) -> int:
    """Rows of `model` named as a default (`translations`: English name -> (French, Kinyarwanda)) and not yet
    translated get the seeded translations; a row a coordinator translated or renamed is left alone. Returns how
    many it filled."""
    filled = 0
    for row in db.session.scalars(select(model).where(model.name.in_(translations), model.name_translations.is_(None))):
        french, kinyarwanda = translations[row.name]
        row.name_translations = {"fr": french, "rw": kinyarwanda}
        filled += 1
    return filled
