"""Form pieces shared by every blueprint: the bounded field types (dates, single lines, ids, versions) that every
form uses instead of WTForms' own, so a limit of `limits` holds in every form at once, and the select and checkbox
choices every area builds."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, DateInput, ListWidget

from . import limits
from .formatting import day_said
from .phones import to_e164
from .programme import BOUNDS, range_message

ONE_LINE_MESSAGE = _l("Keep this on one line.")


class TokenWithoutId:
    """For a form that shares its page with other forms (one per row, or side by side): its hidden CSRF input has no
    id, since an id is unique in a page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.meta.csrf_field_name in self:  # not when CSRF is off (most tests)
            self[self.meta.csrf_field_name].render_kw = {"id": False}


class EmptyForm(TokenWithoutId, FlaskForm):
    """Carries the CSRF token for POST-only buttons (deactivate, sign out)."""


def select_choices(pairs, blank=None) -> list[SelectChoice]:
    """A select's options from (value, label) pairs, after a `blank` one (value '') when given."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def optional_int(value):
    """Coerce a select's value to an id, with '' and None meaning nothing chosen; a number no row can have
    (past limits.ID_MAX) is not a choice (ValueError, which the field reports)."""
    return limits.parse_id(value)


def id_int(value):
    """Coerce a select's value to an id (none chosen is not allowed here)."""
    number = limits.parse_id(value)
    if number is None:
        raise ValueError("no id")
    return number


class DayInput(DateInput):
    """The browser's date input, then the day in the reader's language (the input shows it in the browser's)."""

    def __call__(self, field, **kwargs):
        return super().__call__(field, **kwargs) + day_said(kwargs.get("id", field.id), field.data)


class DayField(DateField):
    """The one date field: a day between limits.FIRST_DAY and limits.LAST_DAY (the year 1 or 9999 are typing
    mistakes, and overflow date arithmetic), shown to the browser as the input's min and max."""

    widget = DayInput()

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"min": limits.FIRST_DAY.isoformat(), "max": limits.LAST_DAY.isoformat(), **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not limits.FIRST_DAY <= self.data <= limits.LAST_DAY:
            self.data = None
            raise ValueError(limits.DAY_RANGE_MESSAGE)


def single_line(form, field):
    """A name or other one-line value never holds a line break (it would split CSV rows and headers)."""
    if field.data and ("\n" in field.data or "\r" in field.data):
        raise ValidationError(ONE_LINE_MESSAGE)


class LineField(StringField):
    """A single-line text input: refuses CR and LF."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, [*(validators or []), single_line], **kwargs)


def mobile_number(form, field):
    """A phone number as typed ('0788 123 456') becomes E.164 ('+250788123456'); one that is not, a message by it."""
    try:
        field.data = to_e164(field.data or "")
    except ValueError as error:
        raise ValidationError(str(error)) from None


class VersionField(HiddenField):
    """The version a record was opened at, read only from the post: a form built over the record (`obj=record`)
    would otherwise fill a missing one with the record's current version, and the save would silently overwrite
    a change made meanwhile. Missing or not a number: None, which no record's version equals."""

    def process_formdata(self, valuelist):
        try:
            self.data = int(valuelist[0]) if valuelist and valuelist[0] != "" else None
        except ValueError:
            self.data = None


class VersionedForm(FlaskForm):
    """A form for a record two people may edit at once: it carries the version it was opened at."""

    version = VersionField()

    def opened_at(self) -> int | None:
        return self.version.data


def _range(name: str) -> NumberRange:
    return NumberRange(*BOUNDS[name], message=range_message(name))


class ProgrammeSettingsForm(FlaskForm):
    """The coordinator's programme settings (blueprints/core/programme.py); each bounded, with its message beside it."""

    cadence_days = IntegerField(_l("Days between visits"), validators=[
        InputRequired(message=_l("Enter a number of days.")),
        _range("cadence_days")],
        description=_l("A hospital is due for a visit once this many days have passed since its last visit ended. "
                       "A hospital may have its own, on its page."))
    overdue_after_days = IntegerField(_l("Overdue after (days)"), validators=[
        InputRequired(message=_l("Enter a number of days.")),
        _range("overdue_after_days")],
        description=_l("A hospital is overdue once this many days have passed since its last visit ended."))
    visit_days = IntegerField(_l("Days a visit lasts"), validators=[
        InputRequired(message=_l("Enter a number of days.")),
        _range("visit_days")],
        description=_l("What the planner and a new visit start with."))
    max_active_mentees = IntegerField(_l("Mentees per mentor at most"), validators=[
        InputRequired(message=_l("Enter a number of mentees.")),
        _range("max_active_mentees")])
    refresher_interval_days = IntegerField(_l("Refresher training every (days)"), validators=[
        InputRequired(message=_l("Enter a number of days.")),
        _range("refresher_interval_days")],
        description=_l("A mentor whose last refresher is older is listed as due for one."))
    quiet_hours_start = IntegerField(_l("Quiet hours start (hour)"), validators=[
        InputRequired(message=_l("Enter an hour.")),
        _range("quiet_hours_start")],
        description=_l("No SMS is sent from this hour (24-hour clock, programme time)."))
    quiet_hours_end = IntegerField(_l("Quiet hours end (hour)"), validators=[
        InputRequired(message=_l("Enter an hour.")),
        _range("quiet_hours_end")],
        description=_l("Messages due in quiet hours are sent at this hour; the same hour as the start means none."))

    def validate_overdue_after_days(self, field):
        if field.data is not None and self.cadence_days.data is not None and field.data <= self.cadence_days.data:
            raise ValidationError(_l("The overdue limit must be longer than the days between visits."))


class ContactForm(FlaskForm):
    """Where a person's messages go ("My messages"); each kind's channels are checkboxes named by the kind."""

    email = LineField(_l("E-mail"), validators=[Optional(), Length(max=limits.EMAIL),
                                                 Email(message=_l("Enter an e-mail address like name@example.org."))])
    phone = LineField(_l("Mobile number"), validators=[Length(max=limits.PHONE), mobile_number],
                      description=_l("For text messages: 0788 123 456 or +250 788 123 456."))
