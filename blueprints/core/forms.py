"""Form pieces shared by every blueprint."""

from flask_wtf import FlaskForm
from wtforms import HiddenField


class TokenWithoutId:
    """For a form that shares its page with other forms (one per row, or side by side): its hidden CSRF input has no
    id, since an id is unique in a page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.meta.csrf_field_name in self:  # not when CSRF is off (most tests)
            self[self.meta.csrf_field_name].render_kw = {"id": False}


class EmptyForm(TokenWithoutId, FlaskForm):
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
