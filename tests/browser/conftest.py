"""Browser tests: the real app in Debian's headless Chromium (/usr/bin/chromium), driven by pytest-playwright.

One live server per session: `create_app` on a free loopback port, served by werkzeug's `make_server`
in a thread, with real CSRF, on its own fresh database loaded with the demo programme (a SQLite file
in a tmp dir; on the PostgreSQL pass, a throwaway database next to the suite's). It never touches
the other tests' session database, and every test here is marked `no_db` (so the per-test table
emptying of tests/conftest.py skips it) and `browser` (so `-m "not browser"` can leave them out).

Every test fails on what a person would see go wrong in the browser: a JavaScript console error (a
CSP violation is one), an uncaught page error, a failed request (refused, reset, blocked), or a
response with status 400 or above -- except 422 and 409, the app's documented answer to a form with
errors or a conflict (DESIGN.md). Chromium logs those two as the console error "Failed to load
resource: the server responded with a status of 422 (...)", which is therefore ignored for 422 and
409 only. A request the browser itself cancelled (net::ERR_ABORTED: the page was left while an htmx
request ran, or the response became a download) is not a failure either. The check runs when the
test ends and again after its browser contexts close; `BrowserLog` is tested in test_browser_log.py.

The clock: Chromium keeps the real one, and a cookie the app dated by a moved clock (the session's Expires)
would look expired to it. So the process keeps the real time, and only the app's today is the suite's day
(tests/frozen_clock.py, TEST_TODAY): `pinned_today` makes `blueprints.core.clock.today()` answer it, and the demo
is built around it with a fixed seed, so every run sees the same rows whatever the real date.

A new journey: a test_*.py here, named after what it proves; `page` is a signed-out page and
`as_user("mentor.01", "/path")` a signed-in one (relative URLs go to the live server); end
with `support.screenshot(page, name)`. A new main page also goes into PAGES in test_accessibility.py
(and test_small_screens.py when a phone must show it).
"""

import os
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, Response, WebError, expect
from sqlalchemy import make_url

from app import create_app
from blueprints.core import clock
from blueprints.core.extensions import db
from blueprints.demo import DEFAULT_SEED, build_demo
from tests.browser.nu_checker import HtmlRecorder
from tests.frozen_clock import suite_today
from tests.live import LiveServer, session_cookie

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps trying to reach outside hosts (updates, sync, field trials).
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EXPECTED_ERROR_STATUSES = frozenset({409, 422})
LIVE_CONFIG = {
    "SECRET_KEY": "browser-tests-secret-key-not-for-production",
    "WTF_CSRF_ENABLED": True,
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SECURE": False,
}
BROWSER_DIR = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/browser (before `-m` selects, hence tryfirst) and run them last, the HTML check last of all.

    Last, because Playwright's sync API keeps an asyncio loop running in the main thread until the
    session ends: a later test calling asyncio.run() would fail, and the live server and Chromium
    would sit in memory through the rest of the suite.
    """
    browser_items = []
    for item in items:
        if BROWSER_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.no_db)
            browser_items.append(item)
    if browser_items:
        last = set(browser_items)
        # The HTML check goes at the very end: it checks every page and fragment the other browser tests were served.
        browser_items.sort(key=lambda item: Path(item.path).name == "test_valid_html.py")
        items[:] = [item for item in items if item not in last] + browser_items


# --- the browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a Playwright download (`playwright install` does not work here)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make browser-deps` installs Debian's chromium package (as root).", pytrace=False)
    headed = browser_type_launch_args.get("headless") is False  # `pytest --headed` when debugging on a desktop
    args = [arg for arg in CHROMIUM_ARGS if not (headed and arg == "--headless")]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}


class BrowserLog:
    """Everything that went wrong in the browser contexts of one test."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self._reported = 0
        self.tolerated: tuple[str, ...] = ()  # problems a test caused on purpose, whenever their event arrives

    def watch(self, context: BrowserContext) -> None:
        context.on("console", self._on_console)
        context.on("weberror", self._on_weberror)
        context.on("requestfailed", self._on_request_failed)
        context.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = message.text
        if any(f"responded with a status of {status}" in text for status in EXPECTED_ERROR_STATUSES):
            return  # a form with errors (422) or a conflict (409): the app's documented answer
        if any(t in text for t in self.tolerated):
            return
        where = message.location.get("url", "") if message.location else ""
        self.problems.append(f"console error: {text}" + (f" ({where})" if where else ""))

    def _on_weberror(self, error: WebError) -> None:
        self.problems.append(f"uncaught page error: {error.error}")

    def _on_request_failed(self, request: Request) -> None:
        if request.failure == "net::ERR_ABORTED":
            return  # cancelled by the browser: the page was left (or became a download) while it ran
        if not any(t in request.failure for t in self.tolerated):
            self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400 and response.status not in EXPECTED_ERROR_STATUSES:
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def new_problems(self) -> list[str]:
        fresh = self.problems[self._reported:]
        self._reported = len(self.problems)
        return fresh

    def check(self) -> None:
        fresh = self.new_problems()
        if fresh:
            raise AssertionError("the browser saw problems:\n  " + "\n  ".join(fresh))


@pytest.fixture(autouse=True)
def browser_log() -> Iterator[BrowserLog]:
    """Collects browser problems; set up before the contexts, so its final check runs after they close."""
    log = BrowserLog()
    yield log
    log.check()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail the test itself (not only its teardown) on browser problems; add them to any other failure."""
    log = item.funcargs.get("browser_log")
    try:
        result = yield
    except BaseException as failure:
        if log is not None and log.problems:
            failure.add_note("The browser also saw:\n  " + "\n  ".join(log.new_problems()))
        raise
    if log is not None:
        log.check()
    return result


@pytest.fixture
def new_context(new_context, browser_log) -> Callable[..., BrowserContext]:
    """pytest-playwright's context factory, with every context watched (a second user gets one too)."""

    def make(**kwargs) -> BrowserContext:
        context = new_context(**kwargs)
        browser_log.watch(context)
        return context

    return make


# --- the live server --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_database_url(tmp_path_factory) -> Iterator[str]:
    """A fresh database for the live app: SQLite in a tmp dir, or a sibling of TEST_DATABASE_URL on PostgreSQL."""
    suite_url = os.environ.get("TEST_DATABASE_URL")
    if not suite_url or not suite_url.startswith("postgresql"):
        yield "sqlite:///" + str(tmp_path_factory.mktemp("live-db") / "live.db")
        return
    url = make_url(suite_url)
    name = f"{url.database}_browser"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        pytest.fail(f"cannot create the browser tests' database {name!r} ({error}); "
                    "give the test role CREATEDB, or leave them out with -m 'not browser'", pytrace=False)
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def html_recorder(tmp_path_factory) -> HtmlRecorder:
    """Every distinct HTML page and fragment the live app serves in this run, for the Nu HTML Checker (test_valid_html.py)."""
    return HtmlRecorder(tmp_path_factory.mktemp("served-html"))


@pytest.fixture
def frozen_clock():
    """Not here: the process keeps the real clock, which Chromium shares; `pinned_today` moves the app's today."""
    return None


def pinned_datetime(day: date) -> type[datetime]:
    """A datetime whose now() is `day` at the real time of day: clock.today() then answers `day`."""

    class PinnedDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.combine(day, datetime.now(tz).timetz())

    return PinnedDatetime


@pytest.fixture(scope="session")
def pinned_today() -> Iterator[date]:
    """The app's today is the suite's day for the whole browser session (the live server's thread included)."""
    day = suite_today()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "datetime", pinned_datetime(day))
        yield day


@pytest.fixture(scope="session")
def live_server(live_database_url, html_recorder, tmp_path_factory, pinned_today) -> Iterator[LiveServer]:
    """The app with real CSRF on a free loopback port, migrated and loaded with the demo programme of the suite's day."""
    app = create_app({**LIVE_CONFIG, "SQLALCHEMY_DATABASE_URI": live_database_url,
                      "EXPORT_DIR": str(tmp_path_factory.mktemp("exports"))})
    app.after_request(html_recorder.after_request)
    with app.app_context():
        if clock.today() != pinned_today:
            pytest.fail("blueprints.core.clock no longer reads datetime.now(): pin its today another way", pytrace=False)
        upgrade()
        build_demo(seed=DEFAULT_SEED, today=pinned_today)
        db.session.commit()
        db.session.remove()
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """pytest-playwright opens relative URLs (`page.goto("/login")`) against the live server."""
    return live_server.url


# --- signed-in pages --------------------------------------------------------------------------------

@pytest.fixture
def as_user(new_context, live_server) -> Callable[..., Page]:
    """`as_user("coordinator", "/users/", viewport=...)`: a page in a new context, signed in, at that path.

    Journeys about signing in use the login form; the others start signed in (see session_cookie).
    """

    def open_page(username: str, path: str = "/", **context_args) -> Page:
        context = new_context(**context_args)
        page = context.new_page()
        cookie = session_cookie(live_server.app, username, page.evaluate("navigator.userAgent"))
        context.add_cookies([{"name": live_server.app.config["SESSION_COOKIE_NAME"], "value": cookie,
                              "url": live_server.url, "httpOnly": True, "sameSite": "Lax"}])
        page.goto(path)
        # Below 720 px "Sign out" sits in the folded menu: present, not necessarily on screen.
        expect(page.get_by_role("button", name="Sign out", include_hidden=True)).to_have_count(1)
        return page

    return open_page
