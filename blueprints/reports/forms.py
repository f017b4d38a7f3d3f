"""The bulk export form: a date range and the hospitals (none ticked: every hospital)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import InputRequired, ValidationError

from ..core.forms import DayField, MultiCheckboxField


class ExportForm(FlaskForm):
    date_from = DayField(_l("Visits from"), validators=[InputRequired(message=_l("Enter the first day."))])
    date_to = DayField(_l("To (inclusive)"), validators=[InputRequired(message=_l("Enter the last day."))])
    hospital_ids = MultiCheckboxField(_l("Hospitals"), coerce=int,
                                      description=_l("Tick none to export every hospital."))
    signed_only = BooleanField(_l("Signed-off sheets only (leave drafts out)"))

    def validate_date_to(self, field):
        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError(_l("The last day cannot be before the first day."))
