"""Form pieces shared by every blueprint."""

from flask_wtf import FlaskForm
from wtforms import HiddenField


class EmptyForm(FlaskForm):
    """Carries the CSRF token for POST-only buttons (deactivate, sign out)."""


def optional_int(value):
    """Coerce a select's value to int, with '' and None meaning nothing chosen."""
    if value in ("", None, "None"):
        return None
    return int(value)


class VersionedForm(FlaskForm):
    """A form for a record two people may edit at once: it carries the version it was opened at."""

    version = HiddenField()

    def opened_at(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None
