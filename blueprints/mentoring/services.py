"""Writes for the mentoring record: each validates, changes, audits and flushes; the request commits once."""

import hashlib
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from ..core import audit, limits
from ..core.concurrency import insert_once
from ..core.errors import EditConflict, RuleBroken, flush_or_conflict
from ..core.extensions import db
from ..core.formatting import format_day
from ..core.i18n import clean_translations
from ..core.models import Setting, utcnow
from ..core.notify import link_to, notify
from ..people.models import Mentee
from ..people.queries.mentors import mentor_users
from ..visits.models import Visit, VisitStatus
from . import (
    mentee_messages,
    sheet_items,  # noqa: F401  its listeners keep each sheet's item counts
)
from . import writing as _writing  # noqa: F401 - its flush listeners keep the writing counts per visit current
from .framework import LANGUAGES, MAX_LEVELS, RATING_SCALE_KEY, dump_scale, rating_scale_labels
from .models import (
    CONTACT_TYPES,
    FOLLOWUP_STATUSES,
    TEACHING_METHODS,
    ActionItem,
    ContactMode,
    ContactSession,
    Feedback,
    FeedbackStatus,
    Reflection,
    SelfAssessment,
    Skill,
    SkillRating,
    SupportStatus,
    SupportTopic,
)
from .queries import reflection_for, skill_name_taken


@dataclass
class FeedbackInput:
    """What the feedback form sends, already parsed; the service decides whether it is acceptable."""

    contact_type: str = "on_site"
    teaching_methods: list[str] = field(default_factory=list)
    strengths: str = ""
    areas_to_improve: str = ""
    mentee_comment: str = ""
    cpd_hours: float | None = None
    next_visit_date: date | None = None
    ratings: dict[int, tuple[int | None, str]] = field(default_factory=dict)  # skill id -> (rating, comment)
    actions: list[tuple[str, date | None]] = field(default_factory=list)  # row by row, blank rows dropped
    followups: dict[int, str] = field(default_factory=dict)  # action item id -> done/partly/not_done ('' = not yet)


def validate_feedback(visit: Visit, values: FeedbackInput, scale: dict[int, str], skill_ids: set[int],
                      open_item_ids: set[int]) -> list[RuleBroken]:
    """Every refusal at once, each naming its field, so the form shows them all next to their fields."""
    problems = []
    if visit.status != VisitStatus.HELD:
        problems.append(RuleBroken("form", _("Feedback is written for a held visit; this visit is %(status)s.",
                                             status=str(visit.status.label).lower())))
    if values.contact_type not in CONTACT_TYPES:
        problems.append(RuleBroken("contact_type", _("Choose a contact type.")))
    if any(m not in TEACHING_METHODS for m in values.teaching_methods):
        problems.append(RuleBroken("teaching_methods", _("Choose teaching methods from the list.")))
    if values.cpd_hours is not None and not 0 <= values.cpd_hours <= 100:
        problems.append(RuleBroken("cpd_hours", _("CPD hours are between 0 and 100.")))
    for skill_id, (rating, _comment) in values.ratings.items():
        if skill_id not in skill_ids:
            problems.append(RuleBroken(f"rating-{skill_id}", _("This skill is not in the mentee's framework.")))
        elif rating is not None and rating not in scale:
            problems.append(RuleBroken(f"rating-{skill_id}", _("A rating is from %(low)s to %(high)s, or not observed.",
                                                               low=min(scale), high=max(scale))))
    for index, (text, due) in enumerate(values.actions):
        if not text.strip():
            problems.append(RuleBroken(f"action-{index}", _("Say what the action item is.")))
        elif due is None:
            problems.append(RuleBroken(f"action-{index}", _("Give the action item a date to be done by.")))
    for item_id, status in values.followups.items():
        if item_id not in open_item_ids:
            problems.append(RuleBroken(f"followup-{item_id}", _("This action item is not open for this mentee.")))
        elif status and status not in FOLLOWUP_STATUSES:
            problems.append(RuleBroken(f"followup-{item_id}", _("Choose done, partly or not done.")))
    return problems


def save_feedback(visit: Visit, mentee: Mentee, mentor_id: int, feedback: Feedback | None, opened_version: int | None,
                  values: FeedbackInput, *, scale: dict[int, str], skills: list[Skill], open_items: list[ActionItem]) -> Feedback:
    """Create or update the draft. A version other than the one saved (another tab, another save) is a conflict.
    A first save that loses the race to create it is an edit of the winner's row it never saw: a conflict, as any stale save."""
    if feedback is not None and feedback.signed:
        raise RuleBroken("form", _("This feedback is signed off and locked; a coordinator can reopen it."))
    if feedback is not None and opened_version != feedback.version:
        raise EditConflict
    problems = validate_feedback(visit, values, scale, {s.id for s in skills}, {i.id for i in open_items})
    if problems:
        raise problems[0] if len(problems) == 1 else FeedbackRefused(problems)
    created = feedback is None
    if created:
        feedback = Feedback(visit_id=visit.id, mentee_id=mentee.id, mentor_id=mentor_id)
    _fill_feedback(feedback, mentee, values)
    if created and not insert_once(feedback):
        winner = db.session.scalar(select(Feedback).where(Feedback.visit_id == visit.id, Feedback.mentee_id == mentee.id))
        return save_feedback(visit, mentee, mentor_id, winner, opened_version, values, scale=scale, skills=skills, open_items=open_items)
    flush_or_conflict()
    by_id = {i.id: i for i in open_items}
    for item_id, status in values.followups.items():
        item = by_id[item_id]
        item.followup = status or None
        item.followed_up_in_id = feedback.id if status else None
    flush_or_conflict()
    if created:
        audit.record("feedback.create", feedback, summary=f"started feedback for {mentee.full_name}", hospital_id=visit.hospital_id)
    return feedback


def _fill_feedback(feedback: Feedback, mentee: Mentee, values: FeedbackInput) -> None:
    feedback.contact_type = values.contact_type
    feedback.teaching_methods = [m for m in TEACHING_METHODS if m in values.teaching_methods]
    feedback.strengths = values.strengths.strip()
    feedback.areas_to_improve = values.areas_to_improve.strip()
    feedback.mentee_comment = values.mentee_comment.strip()
    feedback.cpd_hours = values.cpd_hours
    feedback.next_visit_date = values.next_visit_date
    feedback.updated_at = utcnow()
    existing = {r.skill_id: r for r in feedback.ratings}
    for skill_id, (rating, comment) in values.ratings.items():
        row = existing.get(skill_id)
        if rating is None and not comment.strip():
            if row is not None:
                feedback.ratings.remove(row)
            continue
        if row is None:
            row = SkillRating(skill_id=skill_id)
            feedback.ratings.append(row)
        row.rating, row.comment = rating, comment.strip()
    kept = feedback.action_items[: len(values.actions)]
    for row in feedback.action_items[len(values.actions):]:
        feedback.action_items.remove(row)
    for index, (text, due) in enumerate(values.actions):
        if index < len(kept):
            kept[index].text, kept[index].due_date = text.strip(), due
        else:
            feedback.action_items.append(ActionItem(mentee_id=mentee.id, text=text.strip(), due_date=due))


class FeedbackRefused(RuleBroken):
    """Several refusals at once; `problems` holds each one with its field."""

    def __init__(self, problems: list[RuleBroken]):
        super().__init__(problems[0].field, problems[0].message)
        self.problems = problems


def sign_feedback(feedback: Feedback, opened_version: int | None, user) -> None:
    """Sign off: the feedback is locked from now on (only a coordinator reopens it)."""
    if feedback.signed:
        raise RuleBroken("form", _("This feedback is already signed off."))
    if opened_version != feedback.version:
        raise EditConflict
    if not any(r.rating is not None for r in feedback.ratings) and not feedback.strengths and not feedback.areas_to_improve:
        raise RuleBroken("form", _("Rate a skill or write strengths or areas to improve before signing off."))
    feedback.status, feedback.signed_at, feedback.signed_by_id = FeedbackStatus.SIGNED, utcnow(), user.id
    flush_or_conflict()
    audit.record("feedback.sign", feedback, summary=f"signed off feedback for {feedback.mentee.full_name}",
                 after={"status": FeedbackStatus.SIGNED}, hospital_id=feedback.mentee.hospital_id)
    mentee_messages.sheet_signed(feedback)


def reopen_feedback(feedback: Feedback, reason: str) -> None:
    """A coordinator reopens signed feedback for correction; audited with the reason."""
    if not feedback.signed:
        raise RuleBroken("form", _("This feedback is not signed off."))
    if not reason.strip():
        raise RuleBroken("reason", _("Say why the feedback is reopened."))
    feedback.status, feedback.signed_at, feedback.signed_by_id = FeedbackStatus.DRAFT, None, None
    flush_or_conflict()
    audit.record("feedback.reopen", feedback, summary=f"reopened feedback for {feedback.mentee.full_name}: {reason.strip()}",
                 before={"status": FeedbackStatus.SIGNED}, after={"status": FeedbackStatus.DRAFT}, hospital_id=feedback.mentee.hospital_id)


def save_skill(skill: Skill | None, *, profession_id: int, area: str, name: str, position: int,
               translations: dict | None = None, area_translations: dict | None = None) -> Skill:
    """Add or change a skill; `translations` ({"fr": …, "rw": …}, empty values dropped) replaces the translated
    names when given, `area_translations` the translated areas."""
    name = " ".join(name.split())
    if not name:
        raise RuleBroken("name", _("Give the skill a name."))
    if skill_name_taken(profession_id, name, skill.id if skill else None):
        raise RuleBroken("name", _("This profession already has a skill with that name."))
    before = audit.snapshot(skill) if skill else {}
    if skill is None:
        skill = Skill(profession_id=profession_id)
        db.session.add(skill)
    skill.profession_id, skill.area, skill.name, skill.position = profession_id, area.strip(), name, position
    if translations is not None:
        skill.name_translations = clean_translations(translations)
    if area_translations is not None:
        skill.area_translations = clean_translations(area_translations)
    db.session.flush()
    changed_before, changed_after = audit.changes(before, audit.snapshot(skill))
    audit.record("skill.update" if before else "skill.create", skill, summary=f"skill {skill.name}",
                 before=changed_before or None, after=changed_after)
    return skill


def retire_skill(skill: Skill, on: date) -> None:
    """Retired skills leave new forms; ratings already given keep showing in history and PDFs."""
    if skill.retired_on is not None:
        raise RuleBroken("form", _("This skill is already retired."))
    skill.retired_on = on
    db.session.flush()
    audit.record("skill.retire", skill, summary=f"retired skill {skill.name}", after={"retired_on": on.isoformat()})


REFLECTION_FIELDS = ("went_well", "challenges", "mentees_absent", "equipment_problems", "support_needed", "support_topic")


def save_reflection(visit: Visit, mentor_id: int, reflection, opened_version: int | None, values: dict):
    """A mentor's reflection on a held visit; a stale version (another tab) is a conflict, and so, as for feedback, is
    a first save that loses the race to create it."""
    if visit.status != VisitStatus.HELD:
        raise RuleBroken("form", _("Reflections are written for a held visit."))
    if reflection is not None and opened_version != reflection.version:
        raise EditConflict
    if (values.get("support_topic") or SupportTopic.PROGRAMME) not in tuple(SupportTopic):
        raise RuleBroken("support_topic", _("Choose what the support is about from the list."))
    created = reflection is None
    if created:
        reflection = Reflection(visit_id=visit.id, mentor_id=mentor_id)
    for name in REFLECTION_FIELDS:
        setattr(reflection, name, (values.get(name) or "").strip())
    reflection.support_topic = reflection.support_topic or SupportTopic.PROGRAMME
    reflection.submitted_at = utcnow()
    if created and not insert_once(reflection):
        return save_reflection(visit, mentor_id, reflection_for(visit.id, mentor_id), opened_version, values)
    flush_or_conflict()
    audit.record("reflection.save", reflection, summary="saved a visit reflection", hospital_id=visit.hospital_id)
    return reflection


def update_support(reflection, status: str, owner_id: int | None, answer: str | None, by) -> None:
    """Follow a support request up: its status, its owner (coordinators choose one; None from a hospital
    administrator keeps it) and the answer the mentor reads; the mentor is told when the status changes."""
    if status not in tuple(SupportStatus):
        raise RuleBroken("support_status", _("Choose open, in progress or resolved."))
    answer = reflection.support_answer if answer is None else answer.strip()
    if len(answer) > limits.LONG_TEXT:
        raise RuleBroken("support_answer", ngettext("At most %(num)s character.", "At most %(num)s characters.", limits.LONG_TEXT))
    before = {"status": SupportStatus(reflection.support_status).value, "owner_id": reflection.support_owner_id, "answer": reflection.support_answer}
    after = {"status": status, "owner_id": owner_id, "answer": answer}
    changed_before, changed_after = audit.changes(before, after)
    if not changed_after:
        return
    reflection.support_status, reflection.support_owner_id = status, owner_id
    if "answer" in changed_after:
        reflection.support_answer, reflection.support_answered_by_id, reflection.support_answered_at = answer, by.id, utcnow()
    flush_or_conflict()
    visit = db.session.get(Visit, reflection.visit_id)
    audit.record("reflection.support", reflection, summary="support request followed up", before=changed_before,
                 after=changed_after, hospital_id=visit.hospital_id)
    if "status" in changed_after:
        label = SupportStatus(status).label
        notify(mentor_users([reflection.mentor_id]), lambda: _(
            "Your support request after the visit to %(hospital)s on %(day)s is now %(status)s.",
            hospital=visit.hospital.name, day=format_day(visit.start_date), status=str(label)),
            link=link_to("mentoring.reflection", visit_id=visit.id), kind="support")


def add_self_assessment(mentee: Mentee, *, assessed_on: date, learning_needs: str, ratings: dict[int, int | None],
                        scale: dict[int, str], skill_ids: set[int], by):
    """The mentee's own ratings, entered on their behalf; every skill rated on the scale or left blank."""
    for skill_id, rating in ratings.items():
        if skill_id not in skill_ids:
            raise RuleBroken(f"rating-{skill_id}", _("This skill is not in the mentee's framework."))
        if rating is not None and rating not in scale:
            raise RuleBroken(f"rating-{skill_id}", _("A rating is from %(low)s to %(high)s, or not observed.", low=min(scale), high=max(scale)))
    if not any(r is not None for r in ratings.values()) and not learning_needs.strip():
        raise RuleBroken("form", _("Rate at least one skill or write the learning needs."))
    assessment = SelfAssessment(mentee_id=mentee.id, assessed_on=assessed_on, learning_needs=learning_needs.strip(),
                                ratings={str(k): v for k, v in ratings.items() if v is not None}, entered_by_id=by.id)
    db.session.add(assessment)
    db.session.flush()
    audit.record("self_assessment.create", assessment, summary=f"self-assessment for {mentee.full_name}", hospital_id=mentee.hospital_id)
    return assessment


LABEL_MAX = limits.RATING_LABEL


def scale_version(value: str) -> str:
    """A short fingerprint of the stored scale ('' before the first save), carried by the form so a save over a
    newer change is caught."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def ratings_in_use_above(top: int) -> dict[int, int]:
    """How many feedback ratings and self-assessment ratings use each level above `top` (level -> count)."""
    used = dict(db.session.execute(
        select(SkillRating.rating, func.count()).where(SkillRating.rating > top).group_by(SkillRating.rating)).all())
    for ratings in db.session.scalars(select(SelfAssessment.ratings)):
        for value in (ratings or {}).values():
            if isinstance(value, int) and value > top:
                used[value] = used.get(value, 0) + 1
    return used


def save_rating_scale(levels: list[dict[str, str]], opened_version: str | None) -> dict[int, dict[str, str]]:
    """The rating scale becomes levels 1..N with these labels (one dict of language -> label per level,
    lowest first). Every level needs an English label; a missing French or Kinyarwanda label falls back to
    English. A level some rating uses cannot be removed: existing ratings must stay on the scale."""
    setting = db.session.get(Setting, RATING_SCALE_KEY)
    if opened_version != scale_version(setting.value if setting else ""):  # missing (None): a conflict, never a pass
        raise EditConflict
    before = rating_scale_labels()
    if len(levels) < 2:
        raise RuleBroken("form", _("A rating scale has at least 2 levels."))
    if len(levels) > MAX_LEVELS:
        raise RuleBroken("form", ngettext("A rating scale has at most %(num)s level.", "A rating scale has at most %(num)s levels.",
                                          MAX_LEVELS))
    scale: dict[int, dict[str, str]] = {}
    for n, labels in enumerate(levels, start=1):
        clean = {lang: " ".join((labels.get(lang) or "").split()) for lang in LANGUAGES}
        if not clean["en"]:
            raise RuleBroken(f"label-{n}-en", _("Level %(n)s needs an English label.", n=n))
        for lang, label in clean.items():
            if len(label) > LABEL_MAX:
                raise RuleBroken(f"label-{n}-{lang}", ngettext("A label has at most %(num)s character.",
                                                               "A label has at most %(num)s characters.", LABEL_MAX))
        scale[n] = clean
    english = [labels["en"].lower() for labels in scale.values()]
    if len(set(english)) != len(english):
        raise RuleBroken("form", _("Two levels have the same English label; give each level its own."))
    used = ratings_in_use_above(len(scale))
    if used:
        raise RuleBroken("form", ngettext(
            "Level %(levels)s cannot be removed: %(num)d rating uses it. Existing ratings must stay on the scale.",
            "Level %(levels)s cannot be removed: %(num)d ratings use it. Existing ratings must stay on the scale.",
            sum(used.values()), levels=", ".join(str(n) for n in sorted(used))))
    if scale == before:
        return scale
    value = dump_scale(scale)
    if setting is None:
        db.session.add(Setting(key=RATING_SCALE_KEY, value=value))
    else:
        setting.value = value
    db.session.flush()
    audit.record("rating_scale.update", None, summary=f"rating scale: {len(before)} → {len(scale)} levels",
                 before={str(n): v for n, v in before.items()}, after={str(n): v for n, v in scale.items()})
    return scale


CONTACT_MINUTES = (1, 240)


def log_contact_session(mentee: Mentee, mentor_id: int, *, held_on: date, mode: str, minutes: int, topic: str,
                        follow_up: str, by, on: date) -> ContactSession:
    """A mentor's phone, video or message session with their mentee (the route has checked the mentee is theirs):
    not after `on` (today), 1 to 240 minutes, one of the modes, with a topic."""
    if held_on > on:
        raise RuleBroken("held_on", _("A contact session cannot be in the future."))
    if not CONTACT_MINUTES[0] <= minutes <= CONTACT_MINUTES[1]:
        raise RuleBroken("minutes", _("A session lasts from 1 to 240 minutes."))
    if mode not in ContactMode.labels():
        raise RuleBroken("mode", _("Choose phone, video or message."))
    if not topic.strip():
        raise RuleBroken("topic", _("Say what the session was about."))
    session = ContactSession(mentee_id=mentee.id, mentor_id=mentor_id, held_on=held_on, mode=ContactMode(mode),
                             minutes=minutes, topic=topic.strip(), follow_up=follow_up.strip(), created_by_id=by.id)
    db.session.add(session)
    db.session.flush()
    audit.record("contact_session.create", session, summary=f"contact session with {mentee.full_name}",
                 hospital_id=mentee.hospital_id)
    return session
