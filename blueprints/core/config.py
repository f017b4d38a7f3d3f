"""Configuration: defaults in code, then instance/config.py, then the environment, then the caller."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask


class DefaultConfig:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False
    SESSION_COOKIE_SECURE = True  # served over HTTPS in production; `make dev` (debug) relaxes it
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # Shared hospital computers: a session ends after 30 idle minutes and after 12 hours whatever.
    SESSION_IDLE_MINUTES = 30
    SESSION_MAX_HOURS = 12
    # Sign-in throttling (blueprints/auth/throttle.py): failures counted in a window of 15 minutes
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    LOGIN_MAX_FAILURES = 5  # per username from one client address, then that pair waits
    LOGIN_MAX_FAILURES_PER_ADDRESS = 10  # per client address whatever the username, then that address waits
    LOGIN_USERNAME_CEILING = 20  # per username from every address; beyond it the username is slowed to
    LOGIN_USERNAME_SLOW_SECONDS = 60  # one password check a minute, except from addresses where the user
    LOGIN_KNOWN_ADDRESS_DAYS = 90  # signed in within 90 days
    # Reverse proxies in front of the app: the client address is the one the last of them puts in
    # X-Forwarded-For (werkzeug's ProxyFix). 0: no proxy, the header is a client's claim and ignored.
    TRUSTED_PROXIES = 0
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session; long forms stay valid
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Africa/Kigali"
    PER_PAGE = 25
    # Hospitals a page of the equipment matrix shows, worst first: the whole country at national scale (42), a page of
    # a province's 100 at ten times that (its critical-only fragment was 13 KB gzipped against 10; issue 23).
    MATRIX_PER_PAGE = 50
    # Programme settings (DOMAIN.md: these are settings, not constants).
    VISIT_DAYS = 3
    VISIT_CADENCE_DAYS = 60
    OVERDUE_AFTER_DAYS = 90
    MAX_ACTIVE_MENTEES = 3
    REFRESHER_INTERVAL_DAYS = 90
    # Roster CSV import: a district hospital's staff list fits well within these.
    ROSTER_MAX_BYTES = 200 * 1024
    ROSTER_MAX_ROWS = 2000
    # The job queue (core/queue.py): /healthz says "degraded" when no worker beat within this many seconds.
    QUEUE_HEARTBEAT_SECONDS = 90
    # Bulk exports of feedback sheets: built by the job queue's worker (off: operators run
    # `flask run-export JOB_ID`); a runner silent for EXPORT_STALE_SECONDS is taken as dead and its job run again.
    EXPORT_IN_BACKGROUND = True
    EXPORT_STALE_SECONDS = 60
    EXPORT_MAX_ATTEMPTS = 3  # runs of one export before a dead worker's job is marked failed
    EXPORT_KEEP_HOURS = 24
    # Sheets in one export. Its zip never sits whole in memory (a temporary file, stored and served in pieces) and its
    # rendering is spread over the workers, so what is left to bound is how long one export holds the workers (other
    # exports and sheet renders queue behind its batches; messages and periodic work go first) and the zip kept a day
    # in the database: about two years of national sheets at scale 1 (a year: 2,113 in `make bench-export`, 127 s
    # with nothing stored, 6 s from the store), so at most some 5 minutes of two workers and a zip of about 90 MB
    # (18 KB a sheet).
    EXPORT_MAX_SHEETS = 5000
    # A signed-off sheet's PDF is rendered and stored by the job queue at once (reports/prerender.py), so its first
    # download is served from the store; off: at its first download.
    SHEETS_RENDER_WHEN_SIGNED = True
    # E-mail with no MAIL_SERVER: MAIL_TO_LOG queues it all the same and the worker prints it to its log (`make run`).
    MAIL_TO_LOG = False
    # SMS (core/sms.py): the gateway (rapidpro, africastalking; unset: each message is written to the worker's log),
    # its address and credentials, and the secret token its STOP (opt-out) webhook must carry.
    SMS_GATEWAY = ""
    SMS_GATEWAY_URL = ""
    SMS_GATEWAY_TOKEN = ""  # RapidPro: the API token; Africa's Talking: the apiKey
    SMS_GATEWAY_USERNAME = ""  # Africa's Talking: the application's username
    SMS_SENDER = ""  # Africa's Talking: the sender ID or short code (optional)
    SMS_WEBHOOK_TOKEN = ""
    SMS_QUIET_HOURS_START = 20  # no SMS from 20:00... (programme settings: what a new installation starts with)
    SMS_QUIET_HOURS_END = 7  # ...to 07:00, programme time


def sqlite_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "mentorship.db")


def normalise_database_url(url: str) -> str:
    """Accept the usual postgres:// and postgresql:// spellings; the app speaks psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_secret_key(instance_path: str) -> str:
    """Read instance/secret_key, creating it once (mode 0600) so restarts keep sessions valid."""
    path = Path(instance_path) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def configure(app: Flask, overrides: dict | None) -> None:
    app.config.from_object(DefaultConfig)
    app.config["SQLALCHEMY_DATABASE_URI"] = sqlite_url(app.instance_path)
    app.config.from_pyfile(str(Path(app.instance_path) / "config.py"), silent=True)
    app.config.from_prefixed_env()
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if overrides:
        app.config.update(overrides)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(app.instance_path)
    if app.debug:
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = False
