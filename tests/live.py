"""A live app on a loopback port, for tests that need real parallel requests (races on PostgreSQL) and
for the browser tests.

`LiveServer` serves a WSGI app with werkzeug in a daemon thread, one thread per request, so requests
really overlap in the database. `session_cookie` signs a user in the way the login route does, and
`fire` sends the same request from many threads released together by a barrier.
"""

import functools
import http.client
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from flask import session
from werkzeug.serving import make_server

from blueprints.auth.services import find_user, sign_in
from blueprints.core.extensions import db


class LiveServer:
    """A WSGI app served by werkzeug in a daemon thread, one thread per request."""

    def __init__(self, app, host: str = "127.0.0.1") -> None:
        self.app = app
        self.server = make_server(host, 0, app, threaded=True)  # port 0: the OS picks a free one
        self.url = f"http://{host}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-server", daemon=True)

    def start(self) -> "LiveServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


def session_cookie(app, username: str, user_agent: str = "live-test") -> str:
    """A signed-in session cookie, made by the app's own `sign_in` service as the login route does."""
    environ = {"HTTP_USER_AGENT": user_agent}  # the client's, so Flask-Login keeps the session "fresh"
    with app.test_request_context("/login", method="POST", environ_base=environ):
        sign_in(find_user(username))
        db.session.commit()
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
        db.session.remove()
    return cookie


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    location: str | None
    cookie: str | None = None  # the Set-Cookie header (the session, with any flashed message, for a redirect)


class Client:
    """A minimal HTTP client for a live server: one signed-in user (or none), form posts, no redirects followed."""

    def __init__(self, server: LiveServer, username: str | None = None, user_agent: str = "live-test",
                 remote_addr: str | None = None) -> None:
        self.server = server
        self.user_agent = user_agent
        self.cookie = None
        if username is not None:
            name = server.app.config["SESSION_COOKIE_NAME"]
            self.cookie = f"{name}={session_cookie(server.app, username, user_agent)}"
        self.remote_addr = remote_addr

    def request(self, method: str, path: str, data: dict | list | None = None, headers: dict | None = None) -> Answer:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.server.url + path, data=body, method=method)
        request.add_header("User-Agent", self.user_agent)
        if self.cookie:
            request.add_header("Cookie", self.cookie)
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        handlers = [NoRedirect] + ([FromAddress(self.remote_addr)] if self.remote_addr else [])
        opener = urllib.request.build_opener(*handlers)
        try:
            with opener.open(request, timeout=60) as response:
                return Answer(response.status, response.read().decode(errors="replace"), response.headers.get("Location"),
                              response.headers.get("Set-Cookie"))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode(errors="replace"), error.headers.get("Location"),
                          error.headers.get("Set-Cookie"))

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict | list | None = None, **kwargs) -> Answer:
        return self.request("POST", path, data=data if data is not None else {}, **kwargs)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class FromAddress(urllib.request.HTTPHandler):
    """Connect from this local address (any of 127.0.0.0/8 on loopback), so the server sees another client."""

    def __init__(self, address: str) -> None:
        super().__init__()
        self.address = address

    def http_open(self, request):
        return self.do_open(functools.partial(http.client.HTTPConnection, source_address=(self.address, 0)), request)


def flashed(app, answer: Answer) -> list[str]:
    """The messages a redirect flashed for the page it leads to, read from the session cookie it sets."""
    name = app.config["SESSION_COOKIE_NAME"]
    value = next((part.split("=", 1)[1] for part in (answer.cookie or "").split(";") if part.strip().startswith(f"{name}=")), None)
    if value is None:
        return []
    return [message for _category, message in app.session_interface.get_signing_serializer(app).loads(value).get("_flashes", [])]


def fire(count: int, send: Callable[[int], Answer]) -> list[Answer]:
    """Call `send(i)` from `count` threads released at the same moment; the answers in thread order."""
    barrier = threading.Barrier(count)
    answers: list[Answer | BaseException | None] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            answers[i] = send(i)
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            answers[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    failures = [a for a in answers if isinstance(a, BaseException) or a is None]
    if failures:
        raise AssertionError(f"{len(failures)} of {count} requests did not complete: {failures[:3]}")
    return answers  # type: ignore[return-value]
