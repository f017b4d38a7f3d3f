"""SMS gateways as adapters, chosen by SMS_GATEWAY: RapidPro (its broadcasts API, token auth), Africa's Talking (its
SMS API, apiKey auth), or, unset, the worker's log (the demo and `make run` show each message there).

Each adapter's `send(number, text)` returns the gateway's answer (kept in the delivery log), raises GatewayRefused
when the gateway refuses the message (a 4xx: sending it again would fail again) and GatewayUnavailable (an
OSError, like the network's own errors) on a 5xx or a 429 (throttled), so the job queue retries those later."""

import json
import urllib.error
import urllib.parse
import urllib.request

from flask import current_app

from .logs import masked_number

TIMEOUT = 30


class GatewayRefused(Exception):
    """The gateway refused the message (4xx, or a per-recipient failure): not retried. `opted_out`: because the
    number's owner asked the gateway for no more messages from us (Africa's Talking's 406 UserInBlacklist)."""

    def __init__(self, answer: str, *, opted_out: bool = False):
        super().__init__(answer)
        self.opted_out = opted_out


class GatewayUnavailable(OSError):
    """The gateway failed (5xx): retried later."""


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST and return (status, body); a 4xx raises GatewayRefused, a 5xx GatewayUnavailable, the network OSError."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - the configured gateway
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        answer = f"HTTP {error.code}: {error.read().decode('utf-8', 'replace')[:1000]}"
        if error.code >= 500 or error.code == 429:  # 429: throttled (RapidPro's API rate limit), try again later
            raise GatewayUnavailable(answer) from None
        raise GatewayRefused(answer) from None


class LogGateway:
    """No gateway configured: the message is written to the worker's log."""

    name = "log"

    def send(self, number: str, text: str) -> str:
        current_app.logger.warning("SMS to %s: %s", masked_number(number), text)
        return "written to the worker's log (no SMS_GATEWAY configured)"


class RapidPro:
    """RapidPro's broadcasts API: POST {base}/api/v2/broadcasts.json, `Authorization: Token <token>`, JSON
    {"urns": ["tel:+250..."], "text": ...}; 201 with the broadcast (its id) when accepted."""

    name = "rapidpro"

    def __init__(self, base_url: str, token: str):
        self.url, self.token = base_url.rstrip("/") + "/api/v2/broadcasts.json", token

    def send(self, number: str, text: str) -> str:
        status, body = _post(self.url, json.dumps({"urns": [f"tel:{number}"], "text": text}).encode(), {
            "Authorization": f"Token {self.token}", "Content-Type": "application/json", "Accept": "application/json"})
        try:
            reference = json.loads(body).get("id")
        except (ValueError, AttributeError):
            reference = None
        return f"HTTP {status}: broadcast {reference}" if reference is not None else f"HTTP {status}: {body[:500]}"


class AfricasTalking:
    """Africa's Talking's SMS API: POST {base}/version1/messaging, headers `apiKey` and `Accept: application/json`,
    form fields username, to, message (and from, the sender ID, when set); 201 with SMSMessageData.Recipients, each
    with its statusCode: 100-102 taken (101: sent), 5xx the gateway's own failure (retried), others refused (403
    invalid number, 405 no balance, 406 the number blacklisted us, ...)."""

    name = "africastalking"

    def __init__(self, base_url: str, api_key: str, username: str, sender: str = ""):
        self.url = base_url.rstrip("/") + "/version1/messaging"
        self.api_key, self.username, self.sender = api_key, username, sender

    def send(self, number: str, text: str) -> str:
        fields = {"username": self.username, "to": number, "message": text}
        if self.sender:
            fields["from"] = self.sender
        status, body = _post(self.url, urllib.parse.urlencode(fields).encode(), {
            "apiKey": self.api_key, "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded"})
        try:
            [recipient] = json.loads(body)["SMSMessageData"]["Recipients"]
            code = int(recipient["statusCode"])
        except (ValueError, KeyError, TypeError):
            raise GatewayRefused(f"HTTP {status}: no recipient status in {body[:500]}") from None
        answer = f"HTTP {status}: {code} {recipient.get('status', '')} {recipient.get('messageId', '')}".strip()
        if code >= 500:
            raise GatewayUnavailable(answer)
        if code not in (100, 101, 102):
            raise GatewayRefused(answer, opted_out=code == 406)
        return answer


def gateway():
    """The adapter SMS_GATEWAY names (a name it does not know is a configuration error, said at once)."""
    config = current_app.config
    name = (config.get("SMS_GATEWAY") or "").strip().lower()
    if not name:
        return LogGateway()
    if name == "rapidpro":
        return RapidPro(config["SMS_GATEWAY_URL"], config["SMS_GATEWAY_TOKEN"])
    if name == "africastalking":
        return AfricasTalking(config["SMS_GATEWAY_URL"], config["SMS_GATEWAY_TOKEN"], config["SMS_GATEWAY_USERNAME"],
                              config.get("SMS_SENDER", ""))
    raise RuntimeError(f"SMS_GATEWAY={name!r}: expected rapidpro, africastalking or nothing")
