"""Forms for hospitals, teams, mentors and their training, mentees, transfers, absences and assignments."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from ..auth.forms import new_password_fields
from ..core import limits
from ..core.forms import (
    DayField,
    LineField,
    MultiCheckboxField,
    TokenWithoutId,
    VersionedForm,
    mobile_number,
    optional_int,
    select_choices,
)
from ..core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from ..core.programme import BOUNDS, range_message
from .models import MENTEE_ABSENCE_KINDS, AbsenceKind, TransferKind

WEEKDAY_LABELS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday"))
END_REASON_LABELS = {
    "completed": _l("Competent: mentoring completed"),
    "reassigned": _l("Reassigned to another mentor"),
    "transferred": _l("Transferred"),
    "left_service": _l("Left service"),
    "other": _l("Other"),
}


class MenteeForm(VersionedForm):
    full_name = LineField(_l("Full name"), validators=[DataRequired(), Length(max=limits.NAME)])
    profession_id = SelectField(_l("Profession"), coerce=optional_int)
    hospital_id = SelectField(_l("Hospital"), coerce=optional_int)
    department_id = SelectField(_l("Department"), coerce=optional_int)
    phone = LineField(_l("Mobile number"), validators=[Length(max=limits.PHONE), mobile_number],
                      description=_l("For text messages: 0788 123 456 or +250 788 123 456."))
    email = LineField(_l("E-mail"), validators=[Optional(), Length(max=limits.EMAIL), Email(message=_l("Enter an e-mail address like name@example.org."))])
    preferred_language = SelectField(_l("Preferred language"), choices=select_choices(LANGUAGES.items()), default=DEFAULT_LANGUAGE,
                                     description=_l("Their feedback sheets and certificates are printed in it."))

    def validate_profession_id(self, field):
        if field.data is None:
            raise ValidationError(_l("Choose a profession."))

    def validate_hospital_id(self, field):
        if field.data is None:
            raise ValidationError(_l("Choose a hospital."))

    def validate_department_id(self, field):
        if field.data is None:
            raise ValidationError(_l("Choose a department."))


class RosterUploadForm(FlaskForm):
    """A roster CSV to check; hospital administrators have no hospital field (theirs is used)."""

    hospital_id = SelectField(_l("Hospital"), coerce=optional_int,
                              validators=[InputRequired(message=_l("Choose the hospital the mentees work at."))])
    file = FileField(_l("CSV file"), validators=[FileRequired(message=_l("Choose the CSV file to import."))],
                     render_kw={"accept": ".csv,text/csv"})

    def validate_hospital_id(self, field):
        if field.data is None:
            raise ValidationError(_l("Choose the hospital the mentees work at."))


class RosterSaveForm(FlaskForm):
    """The checked roster sent back by the preview's Save button; the server checks it all again."""

    content = HiddenField(validators=[DataRequired()])
    hospital_id = HiddenField()


class TransferForm(FlaskForm):
    kind = RadioField(_l("Kind of move"), choices=select_choices(TransferKind.labels().items()), validators=[InputRequired(message=_l("Choose the kind of move."))])
    effective_date = DayField(_l("Effective date"), validators=[InputRequired(message=_l("Enter the date of the move."))])
    to_hospital_id = SelectField(_l("New hospital"), coerce=optional_int,
                                 description=_l("For a move to another programme hospital."))
    to_department_id = SelectField(_l("New department"), coerce=optional_int,
                                   description=_l("For a move to another department, and at the new hospital."))
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=limits.REASON)],
                           description=_l("For example: staff shortage in neonatology."))


class ArrivalDepartmentForm(FlaskForm):
    """The receiving administrator's choice of the department a mentee moving in works in."""

    department_id = SelectField(_l("Department at your hospital"), coerce=optional_int,
                                validators=[InputRequired(message=_l("Choose the department the mentee will work in at the new hospital."))])


class AbsenceForm(TokenWithoutId, FlaskForm):
    kind = SelectField(_l("Kind"), choices=select_choices([(k.value, k.label) for k in MENTEE_ABSENCE_KINDS], blank=_l("— choose —")),
                       validators=[InputRequired()])
    start_date = DayField(_l("From"), validators=[InputRequired(message=_l("Enter the first day."))])
    end_date = DayField(_l("To (inclusive)"), validators=[InputRequired(message=_l("Enter the last day."))])
    note = LineField(_l("Note"), id="absence-note", validators=[Optional(), Length(max=limits.NOTE)])  # the rota form beside it has one

    def validate_end_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


class MentorAbsenceForm(AbsenceForm):
    """A mentor's leave or home-hospital duty: every absence kind."""

    kind = SelectField(_l("Kind"), choices=select_choices(AbsenceKind.labels().items(), blank=_l("— choose —")), validators=[InputRequired()])


class NightRotaForm(TokenWithoutId, FlaskForm):
    start = DayField(_l("Starting"), validators=[InputRequired(message=_l("Enter the first day of the rota."))])
    weeks = IntegerField(_l("For how many weeks"), default=4,
                         validators=[InputRequired(), NumberRange(min=1, max=26, message=_l("A rota covers 1 to 26 weeks."))])
    weekdays = MultiCheckboxField(_l("Nights on"), coerce=int, choices=select_choices(enumerate(WEEKDAY_LABELS)),
                                  validators=[DataRequired(message=_l("Choose at least one night of the week."))])
    note = LineField(_l("Note"), id="rota-note", validators=[Optional(), Length(max=limits.NOTE)])


class AssignForm(FlaskForm):
    mentor_id = SelectField(_l("Mentor"), coerce=optional_int)
    start_date = DayField(_l("Starting"), validators=[InputRequired(message=_l("Enter the start date."))])

    def validate_mentor_id(self, field):
        if field.data is None:
            raise ValidationError(_l("Choose a mentor."))


class EndAssignmentForm(FlaskForm):
    end_date = DayField(_l("Last day"), validators=[InputRequired(message=_l("Enter the last day."))])
    end_reason = SelectField(_l("Why it ends"), choices=select_choices(END_REASON_LABELS.items()), validators=[InputRequired()])


class HospitalForm(FlaskForm):
    name = LineField(_l("Name"), validators=[DataRequired(), Length(max=limits.NAME)])
    district = LineField(_l("District"), validators=[DataRequired(), Length(max=limits.SHORT_NAME)])
    province = LineField(_l("Province"), validators=[DataRequired(), Length(max=limits.SHORT_NAME)],
                           render_kw={"list": "known-provinces", "autocomplete": "off"})
    department_ids = MultiCheckboxField(_l("Departments"), coerce=int,
                                        description=_l("The departments where mentees work and mentors teach."))
    team_id = SelectField(_l("Team that visits it"), coerce=optional_int,
                          description=_l("A hospital is visited by one team; a team may visit several hospitals."))
    cadence_days = IntegerField(_l("Its own days between visits"), validators=[Optional(), NumberRange(
        *BOUNDS["cadence_days"], message=range_message("cadence_days"))],
        description=_l("Leave empty to follow the programme's settings."))


class TeamForm(FlaskForm):
    name = LineField(_l("Name"), validators=[DataRequired(), Length(max=limits.SHORT_NAME)])
    hospital_ids = MultiCheckboxField(_l("Hospitals it visits"), coerce=int,
                                      description=_l("Ticking a hospital another team visits moves it to this team."))


class MentorForm(FlaskForm):
    full_name = LineField(_l("Full name"), validators=[DataRequired(), Length(max=limits.NAME)])
    profession_id = SelectField(_l("Profession"), coerce=optional_int, validate_choice=False)
    team_id = SelectField(_l("Team"), coerce=optional_int)
    home_institution = LineField(_l("Home institution"), validators=[Optional(), Length(max=limits.NAME)],
                                   description=_l("The referral or teaching hospital the mentor comes from."))
    phone = LineField(_l("Mobile number"), validators=[Length(max=limits.PHONE), mobile_number],
                      description=_l("For text messages: 0788 123 456 or +250 788 123 456."))
    email = LineField(_l("E-mail"), validators=[Optional(), Length(max=limits.EMAIL), Email(message=_l("Enter an e-mail address like name@example.org."))],
                        description=_l("Notifications are also e-mailed here when the server can send mail."))
    active = BooleanField(_l("Active (takes part in visits)"), default=True)

    def validate_profession_id(self, field):
        if field.data is None or field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose one of the mentor professions."))


class TrainingForm(FlaskForm):
    title = LineField(_l("Course"), validators=[DataRequired(message=_l("Enter the title of the course.")), Length(max=limits.TITLE)],
                        description=_l("For example: Refresher: Helping Babies Breathe."))
    course_date = DayField(_l("Date"), validators=[InputRequired(message=_l("Enter the date of the course."))])
    hours = DecimalField(_l("Hours"), places=1, validators=[
        InputRequired(message=_l("Enter the number of hours.")),
        NumberRange(min=0.5, max=200, message=_l("Enter between 0.5 and 200 hours.")),
    ])
    is_refresher = BooleanField(_l("A refresher course (resets the refresher reminder)"), default=True)


class InvitationForm(FlaskForm):
    """A one-time sign-in link for a mentee; e-mailed too when an address is given."""

    email = LineField(_l("Mentee's e-mail (optional)"),
                      validators=[Optional(), Length(max=limits.EMAIL), Email(message=_l("Enter an e-mail address like name@example.org."))],
                      description=_l("Leave empty to print the link or show its QR code instead."))


class WelcomeForm(FlaskForm):
    """The mentee chooses their password from an invitation link (the rules of auth/passwords.py)."""

    password, confirm = new_password_fields()
