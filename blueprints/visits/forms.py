"""Forms for visits: plan or move a visit, change its status, search windows, run the planner."""

import calendar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..core import limits
from ..core.forms import DayField, LineField, VersionField, optional_int, select_choices
from .models import VisitStatus


class VisitForm(FlaskForm):
    hospital_id = SelectField(_l("Hospital"), coerce=optional_int, validate_choice=False)
    team_id = SelectField(_l("Team"), coerce=optional_int, validate_choice=False,
                          description=_l("The team that visits the hospital is chosen for you."))
    start_date = DayField(_l("First day"), validators=[InputRequired(message=_l("Enter the first day of the visit."))])
    days = IntegerField(_l("Number of days"), validators=[
        InputRequired(message=_l("Enter the number of days.")),
        NumberRange(min=1, max=14, message=_l("A visit lasts 1 to 14 days."))])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=limits.VISIT_NOTES)])
    version = VersionField()

    def validate_hospital_id(self, field):
        if field.data is None:
            raise ValidationError(_l("Choose a hospital."))
        if field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Unknown hospital: choose one from the list."))

    def validate_team_id(self, field):
        if field.data is None:
            raise ValidationError(_l("Choose a team."))
        if field.data not in {c.value for c in field.choices}:
            raise ValidationError(_l("Unknown team: choose one from the list."))


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=select_choices(VisitStatus.labels().items(), blank=_l("— choose —")),
                         validators=[InputRequired(message=_l("Choose a status."))])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=limits.REASON)],
                           description=_l("Required to postpone or cancel; the team is told."))
    new_start_date = DayField(_l("New first day (when postponing)"), validators=[Optional()])
    version = VersionField()


class WindowSearchForm(FlaskForm):
    """GET form: look for free windows between two dates."""

    class Meta:
        csrf = False

    search_from = DayField(_l("From"), validators=[Optional()])
    search_to = DayField(_l("To"), validators=[Optional()])

    def validate_search_to(self, field):
        if self.search_from.data and field.data:
            if field.data < self.search_from.data:
                raise ValidationError(_l("The end of the range cannot be before its start."))
            if (field.data - self.search_from.data).days > 120:
                raise ValidationError(_l("Search at most 120 days at a time."))


class PlannerForm(FlaskForm):
    """GET form: what to plan."""

    class Meta:
        csrf = False

    hospital = SelectField(_l("Hospital"), coerce=optional_int, validate_choice=False)
    count = IntegerField(_l("Visits to propose per hospital"), default=1,
                         validators=[Optional(), NumberRange(min=1, max=12, message=_l("Propose 1 to 12 visits."))])
    start = DayField(_l("Not before"), validators=[Optional()])


class ProposalRow(Form):
    hospital_id = HiddenField()
    team_id = HiddenField()
    include = SelectField(_l("Save"), choices=select_choices([("y", _l("yes")), ("n", _l("no"))]), default="y")
    start_date = DayField(_l("First day"), validators=[Optional()])


class PlanForm(FlaskForm):
    rows = FieldList(FormField(ProposalRow), max_entries=limits.PLAN_ROWS)



class HolidayForm(FlaskForm):
    """A public holiday: every year on a day and month, or once when a year is given."""

    name = LineField(_l("Name"), validators=[InputRequired(message=_l("Name the holiday.")), Length(max=limits.NAME)])
    day = IntegerField(_l("Day"), validators=[InputRequired(message=_l("Enter the day of the month.")), NumberRange(min=1, max=31)])
    month = IntegerField(_l("Month"), validators=[InputRequired(message=_l("Enter the month (1 to 12).")), NumberRange(min=1, max=12)])
    year = IntegerField(_l("Year (only for a one-off holiday)"), validators=[Optional(), NumberRange(min=limits.FIRST_DAY.year, max=limits.LAST_DAY.year)],
                        description=_l("Leave empty for a holiday on the same date every year."))

    def validate_day(self, field):
        if field.data and self.month.data and 1 <= self.month.data <= 12:
            last = calendar.monthrange(self.year.data or 2024, self.month.data)[1]  # 2024: a leap year allows 29 Feb
            if field.data > last:
                raise ValidationError(_l("This month has no day %(day)s.", day=field.data))
