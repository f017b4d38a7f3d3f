"""What the logs may not hold: the secret token of a calendar feed (/calendar/<token>.ics), the only
credential of that URL. `mask_secrets` rewrites a log line; `MaskSecrets` applies it to the app's logger
(attached in init_core) and to gunicorn's access and error logs (gunicorn_logs.MaskingLogger, named in
gunicorn.conf.py)."""

import logging
import re

from flask import has_request_context, request

MASK = "***"
# The segment after /calendar/ unless it is a page of the calendar (the month view is /calendar/ itself).
_FEED_PATH = re.compile(r"(/calendar/)(?!agenda(?![^/?#\s\"]))[^/?#\s\"]+?(\.ics)?(?=[/?#\s\"]|$)", re.IGNORECASE)


def mask_secrets(text: str) -> str:
    """The text with every calendar feed token replaced by ***, and, inside a feed request, the token itself
    wherever it appears (an error quoting its SQL parameters, say)."""
    if has_request_context() and request.view_args and request.view_args.get("token"):
        text = text.replace(str(request.view_args["token"]), MASK)
    return _FEED_PATH.sub(lambda m: f"{m.group(1)}{MASK}{m.group(2) or ''}", text)


class MaskSecrets(logging.Filter):
    """Rewrites a record's message (and its traceback) with the secrets masked; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        return True


mask_filter = MaskSecrets()  # one instance: adding it again to a logger is a no-op
