"""Forms for the catalogue, norms, starting a check and saving one checklist row."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core import limits
from ..core.forms import DayField, LineField, TokenWithoutId, VersionField, id_int, select_choices
from .models import RequestAddressee, RequestOutcome

WARD_LABELS = {
    "labour": _l("Labour ward"),
    "newborn_corner": _l("Newborn corner"),
    "neonatal_unit": _l("Neonatal unit"),
    "theatre": _l("Obstetric theatre"),
    "paediatric": _l("Paediatric ward / triage"),
}
REASON_LABELS = {
    "broken": _l("Broken"),
    "no_spare_part": _l("No spare part"),
    "no_consumables": _l("No consumables"),
    "nobody_trained": _l("Nobody trained to use it"),
}
NOT_A_NUMBER = _l("Type a whole number, 0 or more.")


class CountInput(IntegerField):
    """A count typed by hand: anything but a whole number gets one plain message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(NOT_A_NUMBER) from None


class CountForm(FlaskForm):
    """One row of a checklist; every row has its own form (prefix `i<item id>`) and saves alone."""

    available = CountInput(_l("Available"), validators=[InputRequired(NOT_A_NUMBER), NumberRange(min=0, max=9999, message=NOT_A_NUMBER)])
    functional = CountInput(_l("Functional"), validators=[InputRequired(NOT_A_NUMBER), NumberRange(min=0, max=9999, message=NOT_A_NUMBER)])
    reason = SelectField(_l("Why the others do not work"), choices=select_choices(REASON_LABELS.items(), blank="—"),
                         validate_choice=False)
    note = LineField(_l("Note"), validators=[Optional(), Length(max=limits.SHORT_TEXT)])
    version = VersionField()  # 0: no row yet


class StartCheckForm(FlaskForm):
    check_date = DayField(_l("Date of the check"), validators=[DataRequired()])


class ItemForm(FlaskForm):
    ward = SelectField(_l("Ward"), choices=select_choices(WARD_LABELS.items()))
    name = LineField(_l("Name"), validators=[DataRequired(), Length(max=limits.TITLE)])
    name_fr = LineField(_l("Name in French"), validators=[Optional(), Length(max=limits.TITLE)],
                          description=_l("Shown to French readers; left empty, they see the English name."))
    name_rw = LineField(_l("Name in Kinyarwanda"), validators=[Optional(), Length(max=limits.TITLE)],
                          description=_l("Shown to Kinyarwanda readers; left empty, they see the English name."))
    unit = LineField(_l("Unit"), validators=[Optional(), Length(max=limits.UNIT)], description=_l("What one counts: machine, set, bed…"))
    required_quantity = IntegerField(_l("Required per hospital"), validators=[InputRequired(), NumberRange(min=0, max=9999)])
    critical = BooleanField(_l("Critical (life-saving: listed first in reports)"))


class NormForm(FlaskForm):
    hospital_id = SelectField(_l("Hospital"), coerce=id_int)
    required_quantity = IntegerField(_l("Required at this hospital"), validators=[Optional(), NumberRange(min=0, max=9999)],
                                     description=_l("Leave empty to use the default norm."))


class RequestForm(FlaskForm):
    """A request for a gap: to whom, when, under which reference."""

    addressee = SelectField(_l("Requested of"), choices=select_choices(RequestAddressee.labels().items()))
    addressee_name = LineField(_l("Name (optional)"), validators=[Optional(), Length(max=limits.NAME)],
                               description=_l("The district, the partner or the office: \"Musanze district\", \"UNICEF\"."))
    requested_on = DayField(_l("Requested on"), validators=[DataRequired()])
    reference = LineField(_l("Reference (optional)"), validators=[Optional(), Length(max=limits.SHORT_NAME)],
                          description=_l("The letter's or the ticket's number."))
    note = LineField(_l("What was asked (optional)"), validators=[Optional(), Length(max=limits.SHORT_TEXT)])


class FollowUpForm(TokenWithoutId, FlaskForm):
    """Beside the resolve form on a request's page."""

    followed_up_on = DayField(_l("Date"), validators=[DataRequired()])
    note = LineField(_l("What was done or answered"), validators=[DataRequired(), Length(max=limits.SHORT_TEXT)])


class ResolveForm(TokenWithoutId, FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=select_choices(RequestOutcome.labels().items()))
    resolved_on = DayField(_l("Date"), validators=[DataRequired()])
    resolution_note = LineField(_l("Note (optional)"), validators=[Optional(), Length(max=limits.SHORT_TEXT)])
