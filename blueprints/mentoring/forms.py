"""Forms for the mentoring record: feedback (fixed fields; ratings, action items and follow-ups are rows
parsed in `feedback_rows`), sign-off, reopening, and the skills framework."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..core import limits
from ..core.clock import today
from ..core.forms import ONE_LINE_MESSAGE, DayField, LineField, MultiCheckboxField, VersionedForm, optional_int, select_choices
from .models import ContactMode, SupportStatus, SupportTopic

CONTACT_LABELS = {"on_site": _l("On site"), "phone": _l("Phone"), "virtual": _l("Virtual")}
METHOD_LABELS = {
    "bedside_teaching": _l("Bedside teaching"),
    "case_scenario": _l("Case scenario discussion"),
    "simulation": _l("Simulation"),
    "case_presentation": _l("Case presentation"),
    "ward_round": _l("Ward round"),
    "mm_audit": _l("Mortality & morbidity audit"),
    "debriefing": _l("Debriefing"),
    "emergency_management": _l("Emergency management"),
}
FOLLOWUP_LABELS = {"done": _l("done"), "partly": _l("partly"), "not_done": _l("not done")}
ACTION_ROWS_BLANK = 2  # offered below the saved ones, up to limits.ACTION_ITEMS in all


class FeedbackForm(VersionedForm):
    contact_type = SelectField(_l("Contact type"), choices=select_choices(CONTACT_LABELS.items()), validate_choice=False)
    teaching_methods = MultiCheckboxField(_l("Teaching methods used"), choices=select_choices(METHOD_LABELS.items()),
                                          validate_choice=False)
    strengths = TextAreaField(_l("Strengths"), validators=[Optional(), Length(max=limits.LONG_TEXT)])
    areas_to_improve = TextAreaField(_l("Areas to improve"), validators=[Optional(), Length(max=limits.LONG_TEXT)])
    mentee_comment = TextAreaField(_l("Mentee's own comment"), validators=[Optional(), Length(max=limits.LONG_TEXT)])
    cpd_hours = FloatField(_l("CPD hours"), validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("CPD hours are between 0 and 100."))])
    next_visit_date = DayField(_l("Next visit"), validators=[Optional()],
                                description=_l("Filled from the calendar; change it if the mentee will be seen another day."))
    sign_confirmed = BooleanField(_l("I have read this feedback with the mentee: sign it off"),
                                  description=_l("Signing off saves what is in the form and locks it; only a coordinator can reopen it."))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _day(value: str | None) -> date | None:
    try:
        return limits.parse_day(value)
    except ValueError:
        return None


def _text_problem(text: str, limit: int) -> str | None:
    """Why a one-line text of a row is refused: over its limit, or holding a line break."""
    if len(text) > limit:
        return ngettext("At most %(num)s character (this has %(length)s).", "At most %(num)s characters (this has %(length)s).",
                        limit, length=len(text))
    if "\n" in text or "\r" in text:
        return str(ONE_LINE_MESSAGE)
    return None


def feedback_rows(formdata, skill_ids, item_ids) -> tuple[dict, list, dict, dict[str, str]]:
    """Ratings, action items and follow-ups from the posted rows, and the raw-value errors (a rating that
    is not a number, a date that is not a date between 2000 and 2100, a text over its limit, more action items
    than a feedback holds), keyed by field name."""
    errors: dict[str, str] = {}
    ratings = {}
    for skill_id in skill_ids:
        raw = formdata.get(f"rating-{skill_id}", "")
        comment = formdata.get(f"comment-{skill_id}", "")
        if raw not in ("", None) and _int(raw) is None:
            errors[f"rating-{skill_id}"] = str(_l("A rating is a number on the scale, or not observed."))
        if problem := _text_problem(comment, limits.RATING_COMMENT):
            errors[f"comment-{skill_id}"] = problem
        ratings[skill_id] = (_int(raw), comment)
    actions = []
    texts, dues = formdata.getlist("action-text"), formdata.getlist("action-due")
    for text, due in zip(texts, dues, strict=False):
        if not text.strip() and not due:
            continue
        if due and _day(due) is None:
            errors[f"action-{len(actions)}"] = str(limits.DAY_RANGE_MESSAGE)
        if problem := _text_problem(text, limits.ACTION_ITEM):
            errors[f"action-{len(actions)}"] = problem
        actions.append((text, _day(due)))
    if len(actions) > limits.ACTION_ITEMS:
        errors["actions"] = ngettext("A feedback holds at most %(num)s action item; this one has %(count)s.",
                                     "A feedback holds at most %(num)s action items; this one has %(count)s.",
                                     limits.ACTION_ITEMS, count=len(actions))
    followups = {item_id: formdata.get(f"followup-{item_id}", "") for item_id in item_ids}
    return ratings, actions, followups, errors


class SignForm(VersionedForm):
    """Carries CSRF and the version the signer saw."""


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Why reopen"), validators=[InputRequired(message=_l("Say why the feedback is reopened.")),
                                                         Length(max=limits.SHORT_TEXT)])


class SkillForm(FlaskForm):
    profession_id = SelectField(_l("Profession"), coerce=optional_int, validate_choice=False,
                                validators=[InputRequired(message=_l("Choose a profession."))])
    area = LineField(_l("Area"), validators=[Optional(), Length(max=limits.SHORT_NAME)])
    area_fr = LineField(_l("Area in French"), validators=[Optional(), Length(max=limits.SHORT_NAME)],
                        description=_l("Shown to French readers; left empty, they see the English area."))
    area_rw = LineField(_l("Area in Kinyarwanda"), validators=[Optional(), Length(max=limits.SHORT_NAME)],
                        description=_l("Shown to Kinyarwanda readers and on their feedback sheets; left empty, they see the English area."))
    name = LineField(_l("Skill"), validators=[InputRequired(message=_l("Give the skill a name.")), Length(max=limits.TITLE)])
    name_fr = LineField(_l("Name in French"), validators=[Optional(), Length(max=limits.TITLE)],
                          description=_l("Shown to French readers; left empty, they see the English name."))
    name_rw = LineField(_l("Name in Kinyarwanda"), validators=[Optional(), Length(max=limits.TITLE)],
                          description=_l("Shown to Kinyarwanda readers and on their feedback sheets; left empty, they see the English name."))
    position = IntegerField(_l("Order in the list"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=999, message=_l("From 0 to 999."))])


class ReflectionForm(VersionedForm):
    went_well = TextAreaField(_l("What went well"), validators=[Optional(), Length(max=limits.LONG_TEXT)])
    challenges = TextAreaField(_l("Challenges"), validators=[Optional(), Length(max=limits.LONG_TEXT)])
    mentees_absent = TextAreaField(_l("Mentees absent and why"), validators=[Optional(), Length(max=limits.LONG_TEXT)])
    equipment_problems = TextAreaField(_l("Equipment problems seen"), validators=[Optional(), Length(max=limits.LONG_TEXT)])
    support_needed = TextAreaField(_l("Support needed from the programme or the hospital"), validators=[Optional(), Length(max=limits.LONG_TEXT)],
                                   description=_l("Coordinators follow each of these up until it is resolved."))
    support_topic = SelectField(_l("What the support is about"), choices=select_choices(SupportTopic.labels().items()),
                                default=SupportTopic.PROGRAMME.value,
                                description=_l("The hospital's administrator sees and answers requests about the hospital's "
                                               "staffing, equipment or scheduling."))


class SupportForm(FlaskForm):
    support_status = SelectField(_l("Status"), choices=select_choices(SupportStatus.labels().items()), validate_choice=False)
    support_owner_id = SelectField(_l("Owner"), coerce=optional_int, validate_choice=False)
    support_answer = TextAreaField(_l("Answer to the mentor"), validators=[Optional(), Length(max=limits.LONG_TEXT)])


class SelfAssessmentForm(FlaskForm):
    assessed_on = DayField(_l("Date"), validators=[InputRequired(message=_l("Enter the date of the self-assessment."))])
    learning_needs = TextAreaField(_l("Learning needs, in the mentee's words"), validators=[Optional(), Length(max=limits.LONG_TEXT)])


class AcknowledgeForm(FlaskForm):
    """A mentee acknowledges their signed sheet, with a reply if they wish."""

    reply = TextAreaField(_l("Your comment (optional)"), validators=[Optional(), Length(max=limits.LONG_TEXT)])


MENTEE_STATUS_LABELS = {"done": _l("Done"), "partly": _l("Partly done")}


class ActionProgressForm(FlaskForm):
    """A mentee says how far they got with an action item, before the next visit."""

    status = SelectField(_l("How far did you get?"), choices=select_choices(MENTEE_STATUS_LABELS.items()), validate_choice=False)
    note = LineField(_l("Note (optional)"), validators=[Optional(), Length(max=limits.ACTION_ITEM)])


class ContactSessionForm(FlaskForm):
    """A phone, video or message session with a mentee between visits."""

    held_on = DayField(_l("Date"), validators=[InputRequired(message=_l("Enter the date of the session."))])
    # Checked by the service (no `required` flag: the first option is a real choice, not a placeholder).
    mode = SelectField(_l("How"), choices=select_choices(ContactMode.labels().items()), validate_choice=False)
    minutes = IntegerField(_l("Minutes"), validators=[
        InputRequired(message=_l("A session lasts from 1 to 240 minutes.")),
        NumberRange(min=1, max=240, message=_l("A session lasts from 1 to 240 minutes."))])
    topic = LineField(_l("Topic"), validators=[InputRequired(message=_l("Say what the session was about.")),
                                               Length(max=limits.TITLE)])
    follow_up = LineField(_l("Follow-up (optional)"), validators=[Optional(), Length(max=limits.ACTION_ITEM)])

    def validate_held_on(self, field):
        if field.data and field.data > today():
            raise ValidationError(_l("A contact session cannot be in the future."))
