"""Fixtures, one per concern. The suite runs on SQLite by default and on PostgreSQL when
TEST_DATABASE_URL is set (make test does both), in parallel with pytest-xdist: each worker has a
database of its own. The schema is built once per run by the real
migrations; each test starts from empty tables. Every test runs on one fixed day (tests/frozen_clock.py)."""

import contextvars
import os
from contextlib import contextmanager

import psycopg
import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from app import create_app
from blueprints.core.extensions import db
from blueprints.core.queue import huey
from tests.frozen_clock import DEFAULT_TODAY, suite_today, travel
from tests.live import LiveServer

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "WTF_CSRF_ENABLED": False,
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SECURE": False,
    "EXPORT_IN_BACKGROUND": False,  # tests run bulk exports themselves (tests/reports/test_bulk_export.py)
    "SHEETS_RENDER_WHEN_SIGNED": False,  # no PDF rendered at each sign-off; tests/reports/test_stored_sheets.py turns it on
}


# Jobs run at once, in the caller's process, on Huey's in-memory storage (each in an app context and database session
# of its own, as in the worker); tests about the queue itself use `queued` below, and the end-to-end ones a real worker.
huey.immediate = True


@pytest.fixture
def queued(monkeypatch):
    """Jobs wait in an in-memory queue instead of running: the test runs them (`run_queued`) when it chooses."""
    from huey.storage import MemoryStorage
    monkeypatch.setattr(huey, "_immediate", False)
    monkeypatch.setattr(huey, "storage", MemoryStorage("tests"))
    return huey


def run_queued(queue) -> list:
    """Run every job waiting in the queue (not those scheduled for a later retry); their results. The test's own
    transaction ends first (its SQLite write lock freed, as a worker would find it) and sees the jobs' writes after."""
    db.session.commit()
    results = []
    while (task := queue.dequeue()) is not None:
        results.append(queue.execute(task))
    db.session.expire_all()
    return results


def pytest_report_header(config):
    day = suite_today()
    return f"the suite's day: {day.isoformat()} ({'TEST_TODAY' if day != DEFAULT_TODAY else 'the default; TEST_TODAY=YYYY-MM-DD moves it'})"


@pytest.fixture(autouse=True)
def frozen_clock(request):
    """Each test starts at 10:00 in Kigali on the suite's day (TEST_TODAY), the clock ticking from there.

    Marked `real_clock`, a test keeps the real time (it compares with another process's clock). A test
    wanting another moment says so with time-machine's marker or its `time_machine` fixture's `move_to`.
    """
    if "real_clock" in request.keywords or request.node.get_closest_marker("time_machine"):
        yield None
        return
    with travel() as traveller:
        yield traveller


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    """SQLite in this worker's tmp dir, or on PostgreSQL a database of this xdist worker's own."""
    suite_url = os.environ.get("TEST_DATABASE_URL")
    if not suite_url:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")
        return
    if worker_id == "master":
        yield suite_url
        return
    url = make_url(suite_url)
    name = f"{url.database}_{worker_id}"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                      "EXPORT_DIR": str(tmp_path_factory.mktemp("exports"))})
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def app_context(request, app):
    """Every test runs inside an app context and leaves the tables empty for the next one."""
    if "no_db" in request.keywords:
        yield None
        return
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        empty_tables()


def empty_tables():
    """Delete the rows of the tables a test filled, children first; on PostgreSQL the ids start again at 1, as
    SQLite's do. Not TRUNCATE, which gives each of the ~50 tables and their indexes new files: on PostgreSQL one
    query finds the few tables with rows, and emptying them takes a third of TRUNCATE's time."""
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        probe = " UNION ALL ".join(f'SELECT {n} WHERE EXISTS (SELECT FROM "{table.name}")' for n, table in enumerate(tables))
        filled = {n for (n,) in db.session.execute(text(probe))}
        tables = [table for n, table in enumerate(tables) if n in filled]
    for table in reversed(tables):
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace "
                                "WHERE c.relkind = 'S' AND s.nspname = current_schema()"))
    db.session.commit()
    db.session.remove()


class IsolatedClient(FlaskClient):
    """A test client whose requests run like real ones: their own app context, `g` and DB session.

    The test's pending rows are committed first (so the request sees them, and SQLite's write lock
    is free), and the test's session is expired afterwards (so it sees what the request wrote).
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        kwargs.setdefault("buffered", True)  # a streamed body is read inside the request's own context too
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def csrf_app(database_url, app):
    """The same app with CSRF protection on, as in production."""
    app = create_app({**TEST_CONFIG, "WTF_CSRF_ENABLED": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "EXPORT_DIR": app.config["EXPORT_DIR"]})
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def live(database_url, app):
    """The app served on a free loopback port on this worker's database, as in production (not TESTING,
    so errors go through the error pages), for tests that fire parallel requests (tests/live.py)."""
    config = {**TEST_CONFIG, "TESTING": False, "SQLALCHEMY_DATABASE_URI": database_url,
              "EXPORT_DIR": app.config["EXPORT_DIR"]}
    server = LiveServer(create_app(config)).start()
    yield server
    server.stop()
    with server.app.app_context():
        db.session.remove()
        db.engine.dispose()


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block (for N+1 guards)."""
    statements: list[str] = []

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
