"""Form pieces shared by every blueprint."""

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """Carries the CSRF token for POST-only buttons (deactivate, sign out)."""


def optional_int(value):
    """Coerce a select's value to int, with '' and None meaning nothing chosen."""
    if value in ("", None, "None"):
        return None
    return int(value)
