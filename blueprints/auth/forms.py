"""Forms for signing in and managing accounts."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from ..core import limits
from ..core.extensions import db
from ..core.forms import LineField, optional_int, select_choices
from ..core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTEE, MENTOR, SYSADMIN
from .models import User
from .passwords import MIN_PASSWORD_LENGTH, password_problems
from .services import find_user

ROLE_LABELS = {
    SYSADMIN: _l("System administrator"),
    COORDINATOR: _l("Programme coordinator"),
    HOSPITAL_ADMIN: _l("Hospital administrator"),
    MENTOR: _l("Mentor"),
    MENTEE: _l("Mentee"),
}
# Mentee accounts are made only by an invitation (people/services/invitations.py), tied to their mentee record.
FORM_ROLE_LABELS = {role: label for role, label in ROLE_LABELS.items() if role != MENTEE}


class LoginForm(FlaskForm):
    username = LineField(_l("Username"), validators=[DataRequired(), Length(max=limits.USERNAME)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=limits.PASSWORD)])


def password_rules(form, field):
    """The password rules of auth/passwords.py, each broken one shown under the field."""
    problems = password_problems(field.data or "")
    if problems:
        field.errors.extend(problems[:-1])
        raise ValidationError(problems[-1])


def new_password_fields():
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(max=limits.PASSWORD),
            password_rules,
        ],
        render_kw={"minlength": MIN_PASSWORD_LENGTH},
        description=lazy_ngettext("At least %(num)s character. A short sentence is easy to remember.",
                                  "At least %(num)s characters. A short sentence is easy to remember.", MIN_PASSWORD_LENGTH),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), Length(max=limits.PASSWORD), EqualTo("password", message=_l("The two passwords differ."))],
    )
    return password, confirm


class SetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=limits.PASSWORD)])
    password, confirm = new_password_fields()


class UserForm(FlaskForm):
    username = LineField(
        _l("Username"),
        validators=[
            DataRequired(),
            Length(min=3, max=limits.USERNAME),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Use letters, digits, dots, dashes or underscores.")),
        ],
    )
    display_name = LineField(_l("Full name"), validators=[DataRequired(), Length(max=limits.NAME)])
    role = SelectField(_l("Role"), choices=select_choices(FORM_ROLE_LABELS.items(), blank=_l("— choose —")),
                       validators=[DataRequired()])
    hospital_id = SelectField(
        _l("Hospital"), coerce=optional_int,
        description=_l("Required for a hospital administrator."),
    )
    mentor_id = SelectField(
        _l("Mentor record"), coerce=optional_int,
        description=_l("Required for a mentor: the mentor this account signs in as."),
    )
    active = BooleanField(_l("Active (can sign in)"), default=True)

    def __init__(self, *args, editing: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        hospital, mentor = _target(User.hospital), _target(User.mentor)
        hospitals = db.session.execute(select(hospital.id, hospital.name).order_by(hospital.name)).all()
        mentors = db.session.execute(select(mentor.id, mentor.full_name).order_by(mentor.full_name)).all()
        self.hospital_id.choices = select_choices(hospitals, blank=_l("— none —"))
        self.mentor_id.choices = select_choices(mentors, blank=_l("— none —"))
        if editing is not None and editing.role == MENTEE:  # the sysadmin may rename or switch off a mentee's account
            self.role.choices = select_choices(ROLE_LABELS.items())

    def validate_role(self, field):
        if field.data == MENTEE and (self.editing is None or self.editing.mentee_id is None):
            raise ValidationError(_l("Mentee accounts are made by an invitation from the mentee's page."))

    def validate_username(self, field):
        other = find_user(field.data)
        if other is not None and (self.editing is None or other.id != self.editing.id):
            raise ValidationError(_l("This username is taken."))

    def validate_hospital_id(self, field):
        if self.role.data == HOSPITAL_ADMIN and field.data is None:
            raise ValidationError(_l("Choose the hospital this administrator manages."))

    def validate_mentor_id(self, field):
        if self.role.data != MENTOR:
            return
        if field.data is None:
            raise ValidationError(_l("Choose the mentor this account belongs to."))
        taken = db.session.scalar(select(User).where(User.mentor_id == field.data))
        if taken is not None and (self.editing is None or taken.id != self.editing.id):
            raise ValidationError(_l("This mentor already has an account (%(username)s).", username=taken.username))


def _target(relationship):
    """The model a User relationship points to: auth sits below people on the ladder, so it reaches the
    hospitals and mentors through its own relationships rather than by importing them."""
    return relationship.property.mapper.class_


class NewUserForm(UserForm):
    password, confirm = new_password_fields()
