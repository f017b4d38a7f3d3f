"""What the logs may not hold: the secret token of a calendar feed (/calendar/<token>.ics), the only
credential of that URL, and the one an SMS gateway's opt-out webhook may carry (/sms/<gateway>/opt-out/<token>). `mask_secrets` rewrites a log line; `MaskSecrets` applies it to the app's logger
(attached in init_core) and to gunicorn's access and error logs (gunicorn_logs.MaskingLogger, named in
gunicorn.conf.py).

Nor whole phone numbers and e-mail addresses: the outboxes (notify.py, sms.py) name a recipient in a log line as
`masked_number` and `masked_address` make them, enough to tell the country, the domain and two people apart. Nor
people's names: what a list was searched for (`SEARCH_PARAMS`) is masked in request lines, in a URL carried inside
another (the sign-in page's ?next=, a Referer) and, for the request being served, wherever else a line quotes it."""

import logging
import re
from urllib.parse import unquote_plus

import phonenumbers
from flask import has_request_context, request

MASK = "***"
# The segment after /calendar/ unless it is a page of the calendar (the month view is /calendar/ itself).
_FEED_PATH = re.compile(r"(/calendar/)(?!agenda(?![^/?#\s\"]))([^/?#\s\"]+?)(\.ics)?(?=[/?#\s\"]|$)", re.IGNORECASE)
# The secret token an SMS gateway's opt-out webhook may carry as its URL's last segment (core/sms_stop.py).
_SMS_WEBHOOK_PATH = re.compile(r"(/sms/[a-z]+/opt-out/)([^/?#\s\"]+)")
# What a list was searched for: a name, a number or an address, on every searchable list (mentees, mentors, users,
# hospitals, mentee accounts, equipment requests, deliveries: ?q=; the audit log: ?person=). Also percent-encoded, as
# a URL inside another's query (/login?next=%2Fmentees%2F%3Fq%3DAmina), once or twice over.
SEARCH_PARAMS = ("q", "person")
_ENCODED = r"%(?:25)*"
_SEARCH = re.compile(rf"((?:[?&]|{_ENCODED}3F|{_ENCODED}26)(?:{'|'.join(SEARCH_PARAMS)})(?:=|{_ENCODED}3D))"
                     rf"((?:(?!{_ENCODED}26)[^&\s\"#])+)", re.IGNORECASE)
SEARCH_MIN_LENGTH = 3  # a shorter term is masked in its URL only: masking it everywhere would blot out the line
TOKEN_MIN_LENGTH = 20  # shorter feed paths are refused unread (visits.queries.calendar_user), and no token is shorter


def feed_tokens(*texts: str) -> set[str]:
    """Tokens seen in feed paths in the texts, and the token of the feed request being served, if any."""
    tokens = {m.group(2) for text in texts for m in _FEED_PATH.finditer(text)}
    if has_request_context() and request.view_args and request.view_args.get("token"):
        tokens.add(str(request.view_args["token"]))
    return {token for token in tokens if len(token) >= TOKEN_MIN_LENGTH}


def search_terms(*texts: str) -> set[str]:
    """What lists were searched for in URLs in the texts, and in the request being served, as typed (an error's SQL
    parameters quote it so)."""
    terms = {unquote_plus(m.group(2)) for text in texts for m in _SEARCH.finditer(text)}
    if has_request_context():
        terms.update(value for name in SEARCH_PARAMS for value in request.args.getlist(name))
    return {term.strip() for term in terms if len(term.strip()) >= SEARCH_MIN_LENGTH}


def mask_secrets(text: str, tokens: set[str] | None = None) -> str:
    """The text with every feed path's token and every search term in a URL replaced by ***, and each token or term
    (`feed_tokens` and `search_terms` of the text unless given) wherever else it appears: an error quoting its SQL
    parameters, say."""
    for token in sorted((feed_tokens(text) | search_terms(text)) if tokens is None else tokens, key=len, reverse=True):
        text = text.replace(token, MASK)
    text = _SMS_WEBHOOK_PATH.sub(lambda m: m.group(1) + MASK, text)
    text = _SEARCH.sub(lambda m: m.group(1) + MASK, text)
    return _FEED_PATH.sub(lambda m: f"{m.group(1)}{MASK}{m.group(3) or ''}", text)


class MaskSecrets(logging.Filter):
    """Rewrites a record's message and traceback with the tokens masked (a token named in the message is masked
    in the traceback too: gunicorn logs a failed request's path, then its error); drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        tokens = feed_tokens(message, record.exc_text or "") | search_terms(message)
        masked = mask_secrets(message, tokens)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text, tokens)
        return True


mask_filter = MaskSecrets()  # one instance: adding it again to a logger is a no-op


KEEP_DIGITS = 3  # the last digits of a number a log line keeps


def masked_number(number: str) -> str:
    """+250788123456 as +250******456: the country code (which gateway, which network) and the last digits."""
    try:
        parsed = phonenumbers.parse(number, None)
        prefix, rest = f"+{parsed.country_code}", str(parsed.national_number)
    except phonenumbers.NumberParseException:  # not E.164 (a number refused unqueued): its last digits alone
        prefix, rest = "", re.sub(r"\D", "", number)
    if len(rest) <= KEEP_DIGITS:
        return prefix + MASK
    return prefix + "*" * (len(rest) - KEEP_DIGITS) + rest[-KEEP_DIGITS:]


def masked_address(address: str) -> str:
    """aline@hospital.rw as a***@hospital.rw: the domain (which mail server) and the first letter."""
    local, at, domain = address.rpartition("@")
    return f"{local[:1]}{MASK}@{domain}" if at and local else MASK


def masked_in(text: str, number: str = "", address: str = "") -> str:
    """`text` (a gateway's or a mail server's answer) with the recipient's number or address masked wherever it
    quotes them, the number with or without its +."""
    if number:
        for spelling in (number, number.lstrip("+")):
            text = text.replace(spelling, masked_number(number))
    if address:
        text = re.sub(re.escape(address), masked_address(address), text, flags=re.IGNORECASE)
    return text
