"""Who hears of what by which channel: every message goes to the app's bell (for people with an account), and by
e-mail and SMS as each person chose for that kind of message (their role's default until they choose), each in the
recipient's own language.

A recipient is an account (a User) or a mentee record without one; the kernel knows neither model and reads them by
their attributes (an account has a `role`). E-mail goes through the outbox (notify.py), sent by the worker after the
commit, with a one-click unsubscribe link and headers (RFC 8058) that turn that kind of e-mail off for that person.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import or_, select

from . import notify as outbox  # a module reference: notify.py imports this module at its end
from . import sms as texting
from .extensions import db
from .i18n import DEFAULT_LANGUAGE, in_language, known_language
from .models import MessagePreference, Notification
from .roles import COORDINATOR, HOSPITAL_ADMIN, MENTEE, MENTOR, ROLES, SYSADMIN

EVERYONE = ROLES


@dataclass(frozen=True)
class Kind:
    """A kind of message: who may receive it, and for which roles e-mail and SMS are on until they choose."""

    label: object
    roles: tuple[str, ...]
    email: tuple[str, ...]
    sms: tuple[str, ...] = ()
    sms_offered: bool = True


KINDS: dict[str, Kind] = {
    "visit_reminder": Kind(_l("Visit reminders, a week and a day before"), (MENTOR, HOSPITAL_ADMIN, MENTEE),
                           email=(MENTOR, HOSPITAL_ADMIN, MENTEE), sms=(MENTOR, MENTEE)),
    "visit": Kind(_l("A visit postponed or cancelled"), (MENTOR, HOSPITAL_ADMIN, MENTEE),
                  email=(MENTOR, HOSPITAL_ADMIN, MENTEE), sms=(MENTOR, HOSPITAL_ADMIN, MENTEE)),
    "self_assessment": Kind(_l("Your self-assessment is open"), (MENTEE,), email=(MENTEE,), sms=(MENTEE,)),
    "sheet_signed": Kind(_l("A feedback sheet signed and ready to read"), (MENTEE,), email=(MENTEE,), sms=(MENTEE,)),
    "action_item_due": Kind(_l("An action item falls due"), (MENTEE,), email=(MENTEE,), sms=(MENTEE,)),
    "transfer": Kind(_l("Transfers of your mentees"), (MENTOR,), email=(MENTOR,)),
    "transfer_in": Kind(_l("Mentees coming to your hospital or team"), (COORDINATOR, HOSPITAL_ADMIN, MENTOR),
                        email=(COORDINATOR, HOSPITAL_ADMIN, MENTOR)),
    "mentor_request": Kind(_l("Requests for a mentor"), (COORDINATOR, MENTOR), email=(COORDINATOR, MENTOR)),
    "support": Kind(_l("Your support requests"), (MENTOR,), email=(MENTOR,)),
    "overdue": Kind(_l("Hospitals overdue for a visit"), (COORDINATOR,), email=(COORDINATOR,), sms_offered=False),
    "weekly_summary": Kind(_l("The weekly summary"), (COORDINATOR,), email=(COORDINATOR,), sms_offered=False),
    "": Kind(_l("Other messages"), EVERYONE, email=(SYSADMIN, COORDINATOR, HOSPITAL_ADMIN, MENTOR, MENTEE)),
}
UNSUBSCRIBE_SALT = "unsubscribe"
# An unsubscribe link changes a person's choices without a sign-in, so it may not work for ever (an old e-mail
# forwarded, a mailbox leaked, a backup read); but people clear last year's inbox, and the law asks 30 days (CAN-SPAM):
# a year and a month, after which its page sends them to sign in and choose under "My messages".
UNSUBSCRIBE_LINK_LIFETIME = timedelta(days=400)


class UnsubscribeLinkExpired(Exception):
    """A link this app signed, older than UNSUBSCRIBE_LINK_LIFETIME (or signed before links had a lifetime)."""


def role_of(person) -> str:
    return getattr(person, "role", None) or MENTEE


def kinds_for(role: str) -> list[tuple[str, Kind]]:
    """The kinds a role may receive, in the order of KINDS (for the preferences page)."""
    return [(name, kind) for name, kind in KINDS.items() if role in kind.roles]


def _owner(person) -> dict:
    """The preference row's person columns: an account, or a mentee record."""
    return {"user_id": person.id} if hasattr(person, "role") else {"mentee_id": person.id}


_UNREAD = object()


def channels(person, kind: str, chosen=_UNREAD) -> tuple[bool, bool]:
    """(e-mail, SMS) wanted for this kind: the person's choice (read here unless given), else the role's default."""
    if chosen is _UNREAD:
        chosen = db.session.scalar(select(MessagePreference).filter_by(kind=kind, **_owner(person)))
    if chosen is not None:
        return chosen.email, chosen.sms and KINDS.get(kind, KINDS[""]).sms_offered
    defaults, role = KINDS.get(kind, KINDS[""]), role_of(person)
    return role in defaults.email, role in defaults.sms and defaults.sms_offered


def _key(person) -> tuple[str, int]:
    return ("u" if hasattr(person, "role") else "m", person.id)


def _choices(people: list, kind: str) -> dict[tuple[str, int], MessagePreference]:
    """Every recipient's choice for this kind in one statement (a visit's reminder goes to dozens of people)."""
    user_ids = [p.id for p in people if p is not None and hasattr(p, "role")]
    mentee_ids = [p.id for p in people if p is not None and not hasattr(p, "role")]
    if not user_ids and not mentee_ids:
        return {}
    rows = db.session.scalars(select(MessagePreference).where(
        MessagePreference.kind == kind,
        or_(MessagePreference.user_id.in_(user_ids), MessagePreference.mentee_id.in_(mentee_ids))))
    return {("u", row.user_id) if row.user_id is not None else ("m", row.mentee_id): row for row in rows}


def choose(person, kind: str, *, email: bool, sms: bool) -> MessagePreference:
    """Record a person's choice for one kind (the preferences page, an unsubscribe link)."""
    row = db.session.scalar(select(MessagePreference).filter_by(kind=kind, **_owner(person)))
    if row is None:
        row = MessagePreference(kind=kind, **_owner(person))
        db.session.add(row)
    row.email, row.sms = email, sms
    db.session.flush()
    return row


@dataclass(frozen=True)
class Address:
    """Where one channel reaches a person, and from where: "own" (given on "My messages", or a mentee record's own),
    "mentor" or "mentee" (the account's mentor or mentee record), "" when the channel has no address."""

    value: str
    source: str


def fallback_record(person) -> str:
    """Whose record an account's empty address falls back to: "mentor", "mentee", or "" (no record)."""
    return next((name for name in ("mentor", "mentee") if getattr(person, name, None) is not None), "")


def addresses(person) -> tuple[Address, Address]:
    """(e-mail, mobile number) of a person with where each comes from: an account's own, else its record's. Messages
    go where this says, and "My messages" shows it, so the page cannot name another address than the one used."""
    records = [("own", person)] + [(name, getattr(person, name, None)) for name in ("mentor", "mentee")]

    def first(attribute: str) -> Address:
        return next((Address(getattr(r, attribute), source) for source, r in records
                     if r is not None and getattr(r, attribute, "")), Address("", ""))

    return first("email"), first("phone")


def contact(person) -> tuple[str, str]:
    """(e-mail address, mobile number) of a person: an account's own, else its mentor's or mentee's record's."""
    email, phone = addresses(person)
    return email.value, phone.value


def language_of(person) -> str:
    """An account's chosen language, else its mentee record's; a mentee record's preferred language; else English."""
    for record in (person, getattr(person, "mentee", None)):
        if record is None:
            continue
        code = known_language(getattr(record, "language", None) or getattr(record, "preferred_language", None))
        if code:
            return code
    return DEFAULT_LANGUAGE


def is_reachable(person) -> bool:
    """An active account, or a mentee record still in the programme."""
    if hasattr(person, "role"):
        return bool(person.active)
    return str(getattr(person, "status", "active")) == "active"


def unsubscribe_token(person, kind: str) -> str:
    """A link's token naming the person and the kind, signed with the time it was made."""
    who = ["u", person.id] if hasattr(person, "role") else ["m", person.id]
    return URLSafeTimedSerializer(current_app.secret_key, salt=UNSUBSCRIBE_SALT).dumps([*who, kind])


def _signed_before_lifetimes(token: str) -> bool:
    """A token of the links sent before they had a lifetime (signed, but with no time in it)."""
    try:
        URLSafeSerializer(current_app.secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
    except BadData:
        return False
    return True


def read_unsubscribe_token(token: str) -> tuple[str, int, str] | None:
    """('u' or 'm', id, kind) from a token this app signed; None for anything else; UnsubscribeLinkExpired for a
    genuine one past its lifetime."""
    try:
        who, person_id, kind = URLSafeTimedSerializer(current_app.secret_key, salt=UNSUBSCRIBE_SALT).loads(
            token, max_age=int(UNSUBSCRIBE_LINK_LIFETIME.total_seconds()))
    except SignatureExpired:
        raise UnsubscribeLinkExpired from None
    except BadSignature:
        if _signed_before_lifetimes(token):
            raise UnsubscribeLinkExpired from None
        return None
    except (BadData, ValueError, TypeError):
        return None
    if who not in ("u", "m") or not isinstance(person_id, int) or kind not in KINDS:
        return None
    return who, person_id, kind


def mail_wanted() -> bool:
    """E-mail is queued when a mail server is configured, or the worker prints messages to its log (the demo)."""
    return bool(current_app.config.get("MAIL_SERVER") or current_app.config.get("MAIL_TO_LOG"))


def sms_text(text: str, link: str) -> str:
    """The text, and the link when the site's address is known (a path alone means nothing on a phone)."""
    base = current_app.config.get("BASE_URL", "")
    return f"{text} {base}{link}" if base and link else text


def dispatch(recipients, kind: str, message: "str | Callable[[], str]", *, link: str = "",
             body: "Callable[[], str] | None" = None, sms_not_before: datetime | None = None) -> list[Notification]:
    """Tell each distinct recipient once by the channels they want; returns the bell's rows added to the session.

    `message` is the short text (bell, subject, SMS), or a function making it with `_()` inside, called in each
    recipient's language; `body`, likewise, a longer text for the e-mail alone (the weekly summary); `sms_not_before`
    holds a text message back until then (the day-before reminder, at 07:00 in Kigali)."""
    chosen_as = kind if kind in KINDS else ""  # a kind not in KINDS is chosen (and refused) as "Other messages"
    rows, seen, texts = [], set(), {}
    recipients = list(recipients)
    choices = _choices(recipients, chosen_as)
    for person in recipients:
        if person is None or not is_reachable(person):
            continue
        key = _key(person)
        if key in seen:
            continue
        seen.add(key)
        language = language_of(person)
        if language not in texts:
            with in_language(language):
                texts[language] = (message() if callable(message) else str(message), body() if body else "")
        text, long_text = texts[language]
        if key[0] == "u":
            rows.append(Notification(user_id=person.id, message=text, link=link, kind=kind))
        email, phone = contact(person)
        wants_email, wants_sms = channels(person, chosen_as, choices.get(key))
        if email and wants_email and mail_wanted():
            unsubscribe = outbox.absolute(outbox.link_to("core.unsubscribe", token=unsubscribe_token(person, chosen_as)))
            with in_language(language):
                outbox.queue_mail(email, text, link, body=long_text, unsubscribe_url=unsubscribe)
        if phone and wants_sms:  # STOP (an opted-out number) and quiet hours are the SMS outbox's (sms.py)
            texting.queue_sms(phone, sms_text(text, link), kind=kind, not_before=sms_not_before)
    db.session.add_all(rows)
    return rows


def stop_email(token: str) -> str | None:
    """Turn off the e-mail of one kind for the person a token names (their SMS choice stays); the kind's label, or
    None for a token this app did not sign or a person who no longer exists."""
    try:
        read = read_unsubscribe_token(token)
    except UnsubscribeLinkExpired:  # in the instant since the route read it
        return None
    if read is None:
        return None
    who, person_id, kind = read
    person = _person(who, person_id)
    if person is None:
        return None
    _email, sms = channels(person, kind)
    choose(person, kind, email=False, sms=sms)
    return str(KINDS[kind].label)


def _person(who: str, person_id: int):
    """The account or mentee record a token names, through the mappers (the kernel imports neither model)."""
    table = "user" if who == "u" else "mentee"
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is not None and mapper.local_table.name == table:
            return db.session.get(mapper.class_, person_id)
    return None
