"""What the logs may not hold: the secret token of a calendar feed (/calendar/<token>.ics), the only
credential of that URL, and the one an SMS gateway's opt-out webhook may carry (/sms/<gateway>/opt-out/<token>). `mask_secrets` rewrites a log line; `MaskSecrets` applies it to the app's logger
(attached in init_core) and to gunicorn's access and error logs (gunicorn_logs.MaskingLogger, named in
gunicorn.conf.py).

Nor whole phone numbers and e-mail addresses: the outboxes (notify.py, sms.py) name a recipient in a log line as
`masked_number` and `masked_address` make them, enough to tell the country, the domain and two people apart; and a
request line masks what the delivery log was searched for."""

import logging
import re

import phonenumbers
from flask import has_request_context, request

MASK = "***"
# The segment after /calendar/ unless it is a page of the calendar (the month view is /calendar/ itself).
_FEED_PATH = re.compile(r"(/calendar/)(?!agenda(?![^/?#\s\"]))([^/?#\s\"]+?)(\.ics)?(?=[/?#\s\"]|$)", re.IGNORECASE)
# The secret token an SMS gateway's opt-out webhook may carry as its URL's last segment (core/sms_stop.py).
_SMS_WEBHOOK_PATH = re.compile(r"(/sms/[a-z]+/opt-out/)([^/?#\s\"]+)")
# What the sysadmin searched the delivery log for (/deliveries/?q=...): most often a recipient's number or address.
_DELIVERY_SEARCH = re.compile(r"(/deliveries/\?(?:[^\s\"#]*&)?q=)([^&\s\"#]+)")
TOKEN_MIN_LENGTH = 20  # shorter feed paths are refused unread (visits.queries.calendar_user), and no token is shorter


def feed_tokens(*texts: str) -> set[str]:
    """Tokens seen in feed paths in the texts, and the token of the feed request being served, if any."""
    tokens = {m.group(2) for text in texts for m in _FEED_PATH.finditer(text)}
    if has_request_context() and request.view_args and request.view_args.get("token"):
        tokens.add(str(request.view_args["token"]))
    return {token for token in tokens if len(token) >= TOKEN_MIN_LENGTH}


def mask_secrets(text: str, tokens: set[str] | None = None) -> str:
    """The text with every feed path's token replaced by ***, and each token (`feed_tokens` of the text unless
    given) wherever else it appears: an error quoting its SQL parameters, say."""
    for token in sorted(feed_tokens(text) if tokens is None else tokens, key=len, reverse=True):
        text = text.replace(token, MASK)
    text = _SMS_WEBHOOK_PATH.sub(lambda m: m.group(1) + MASK, text)
    text = _DELIVERY_SEARCH.sub(lambda m: m.group(1) + MASK, text)
    return _FEED_PATH.sub(lambda m: f"{m.group(1)}{MASK}{m.group(3) or ''}", text)


class MaskSecrets(logging.Filter):
    """Rewrites a record's message and traceback with the tokens masked (a token named in the message is masked
    in the traceback too: gunicorn logs a failed request's path, then its error); drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        tokens = feed_tokens(message, record.exc_text or "")
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
