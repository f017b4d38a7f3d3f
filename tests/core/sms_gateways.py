"""A local SMS gateway for the tests: one HTTP server on 127.0.0.24 speaking RapidPro's broadcasts API and Africa's
Talking's SMS API as documented (authentication header, fields, status codes), recording every request it is sent.
`fail_with` makes the next requests answer a given status first (a 500, a 400) as the real gateway would, quoting the
recipient as real gateways' errors do; `hold_answers` makes it take a message and keep its answer back (a worker
killed while it waits)."""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "rapidpro-test-token"
API_KEY = "at-test-api-key"
USERNAME = "mentorship"


def _recipient(raw: str) -> str:
    """The number a request names: RapidPro's first URN, or Africa's Talking's `to`."""
    try:
        return json.loads(raw)["urns"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return urllib.parse.parse_qs(raw).get("to", [""])[0]


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, status: int, payload) -> None:
        server: GatewayServer = self.server
        if status < 300 and server.held is not None:  # taken; the answer waits until the test lets it go
            server.accepted.set()
            server.held.wait(timeout=30)
        body = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the caller is gone (a killed worker)
            pass

    def do_POST(self):
        server: GatewayServer = self.server
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        server.requests.append({"path": self.path, "headers": self.headers, "body": raw})
        if server.failures:
            status = server.failures.pop(0)
            return self._answer(status, {"detail": f"scripted {status}", "recipient": _recipient(raw)})
        if self.path == "/api/v2/broadcasts.json":
            return self._rapidpro(raw)
        if self.path == "/version1/messaging":
            return self._africastalking(raw)
        return self._answer(404, {"detail": "Not found."})

    def _rapidpro(self, raw: str):
        if self.headers.get("Authorization") != f"Token {TOKEN}":
            return self._answer(403, {"detail": "Invalid token"})
        try:
            data = json.loads(raw)
        except ValueError:
            return self._answer(400, {"non_field_errors": ["Request body should be a single JSON object"]})
        urns, text = data.get("urns"), data.get("text")
        if not urns or not all(isinstance(u, str) and u.startswith("tel:+") for u in urns):
            return self._answer(400, {"urns": ["Invalid URN"]})
        if not text:
            return self._answer(400, {"text": ["This field is required."]})
        self.server.delivered.append((urns[0].removeprefix("tel:"), text))
        return self._answer(201, {"id": len(self.server.delivered), "urns": urns, "contacts": [], "groups": [],
                                  "text": {"eng": text}, "status": "queued", "created_on": "2026-06-10T08:00:00Z"})

    def _africastalking(self, raw: str):
        if self.headers.get("apiKey") != API_KEY:
            return self._answer(401, "The supplied authentication is invalid")
        if self.headers.get("Accept") != "application/json":
            return self._answer(406, "Accept: application/json expected")
        fields = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
        if fields.get("username") != USERNAME or not fields.get("to") or not fields.get("message"):
            return self._answer(400, "Request is missing required form field")
        code = self.server.recipient_status
        if code == 101:
            self.server.delivered.append((fields["to"], fields["message"]))
        status = {101: "Success", 403: "InvalidPhoneNumber", 406: "UserInBlacklist"}.get(code, "Failed")
        return self._answer(201, {"SMSMessageData": {"Message": "Sent to 1/1 Total Cost: RWF 10.0000", "Recipients": [
            {"statusCode": code, "number": fields["to"], "status": status, "cost": "RWF 10.0000",
             "messageId": f"ATXid_{len(self.server.requests)}"}]}})


class GatewayServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str = "127.0.0.24"):
        super().__init__((host, 0), _Handler)
        self.requests, self.delivered, self.failures, self.recipient_status = [], [], [], 101
        self.accepted, self.held = threading.Event(), None
        self.url = f"http://{host}:{self.server_address[1]}"

    def fail_with(self, *statuses: int) -> None:
        self.failures.extend(statuses)

    def hold_answers(self) -> threading.Event:
        """From now on a message is taken (`accepted` set) but its answer held back until the returned event is set."""
        self.held = threading.Event()
        return self.held

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        if self.held is not None:
            self.held.set()
        self.shutdown()
        self.server_close()


def configure(app_config: dict, monkeypatch, server: GatewayServer, name: str) -> None:
    """Point the app at `server` as gateway `name`."""
    for key, value in {"SMS_GATEWAY": name, "SMS_GATEWAY_URL": server.url, "SMS_GATEWAY_USERNAME": USERNAME,
                       "SMS_GATEWAY_TOKEN": TOKEN if name == "rapidpro" else API_KEY}.items():
        monkeypatch.setitem(app_config, key, value)
