"""The rules a new password must meet, checked here for the web forms and the command line alike."""

from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import ngettext

MIN_PASSWORD_LENGTH = 12
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_common_password(password: str) -> bool:
    """Common as typed, or a common stem with digits and symbols around it ('Password2026!')."""
    lowered = password.lower()
    stem = lowered.strip("0123456789!@#$%^&*()_-+=.,;:?/ ")
    return lowered in common_passwords() or stem in common_passwords() or len(set(lowered)) <= 2


def password_problems(password: str) -> list[str]:
    """Why a new password may not be used, in the reader's language; empty when it may."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(ngettext("Use at least %(num)s character.", "Use at least %(num)s characters.", MIN_PASSWORD_LENGTH))
    if is_common_password(password):
        problems.append(_("This password is too common and easy to guess. Choose another."))
    return problems
