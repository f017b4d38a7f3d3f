"""STOP: each gateway tells the app that a number opted out, and no SMS is queued for it again (core/sms.py).

The gateway calls POST /sms/<gateway>/opt-out with the secret SMS_WEBHOOK_TOKEN in the X-Webhook-Token header, or,
for a gateway whose callbacks can carry no header (Africa's Talking), as the URL's last segment
(/sms/africastalking/opt-out/<token>; masked in the logs, core/logs.py). No token configured: the webhook is off.
- RapidPro: a flow started by the opt-out keyword calls the webhook, POSTing the body its flow editor fills in for a
  "Call Webhook" node (github.com/nyaruka/floweditor, src/components/nodeeditor/constants.ts, DEFAULT_BODY:
  {"contact": {"uuid", "name", "urn"}, "flow": {"uuid", "name"}, "results"}) or, through a resthook, goflow's payload
  (github.com/nyaruka/goflow, flows/actions/call_resthook.go, ResthookPayload; an example in
  flows/actions/testdata/TestResthookPayload_resthook_payload.snap): the same contact, and "input" with its "urn" as
  {"scheme": "tel", "path": "+1206...", "display"}. contact.urn is the contact's preferred URN as text,
  "tel:+250788123456" (goflow docs/md/context.md); input.urn, when there, is the URN the STOP came in on, so it wins.
- Africa's Talking: its opt-out callback posts the form field phoneNumber; an incoming message (from, text) whose
  text is STOP (or a Kinyarwanda or French equivalent) counts too; and a send it answers with 406 UserInBlacklist
  (core/sms.py).
"""

import hmac

from flask import abort, current_app, jsonify, request

from .errors import saved
from .extensions import csrf
from .permissions import passive, public
from .sms import e164, record_opt_out
from .views import bp

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "ARRET", "ARRÊT", "HAGARARA", "REKA"}
GATEWAYS = ("rapidpro", "africastalking")


def _token_ok(given: str | None) -> bool:
    expected = current_app.config.get("SMS_WEBHOOK_TOKEN") or ""
    if not expected:
        abort(404)
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def _part(data, key: str) -> dict:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _rapidpro_number(data) -> str | None:
    """The tel number of the input's URN (an object), else of the contact's URN ("scheme:path?query#display")."""
    urn = _part(_part(data, "input"), "urn")
    if urn.get("scheme") == "tel" and isinstance(urn.get("path"), str):
        return urn["path"]
    text = _part(data, "contact").get("urn")
    if isinstance(text, str) and text.startswith("tel:"):
        return text.removeprefix("tel:").split("?")[0].split("#")[0]
    return None


def _number(gateway: str) -> str | None:
    """The number the gateway reports as opted out, if any."""
    if gateway == "rapidpro":
        return _rapidpro_number(request.get_json(silent=True))
    form = request.form
    if form.get("phoneNumber"):
        return form["phoneNumber"].strip()
    if form.get("from") and form.get("text", "").strip().upper() in STOP_WORDS:
        return form["from"].strip()
    return None


@bp.post("/sms/<gateway>/opt-out", defaults={"token": None})
@bp.post("/sms/<gateway>/opt-out/<token>")
@public
@passive
def sms_opt_out(gateway: str, token: str | None):
    """A gateway reports an opt-out (STOP); public, its secret token being the credential, and exempt from CSRF."""
    if gateway not in GATEWAYS:
        abort(404)
    if not _token_ok(token or request.headers.get("X-Webhook-Token")):
        abort(403)
    number = _number(gateway)
    if number is None:
        return jsonify(status="ignored"), 200  # a message that is no opt-out: nothing to record
    number = e164("+" + number.lstrip("+"))  # Africa's Talking may leave out the +
    if number is None:
        return jsonify(status="invalid number"), 400
    saved(None, lambda: record_opt_out(number, gateway))
    return jsonify(status="opted out"), 200


csrf.exempt(sms_opt_out)  # a gateway has no session and no CSRF token: the secret token stands for both
