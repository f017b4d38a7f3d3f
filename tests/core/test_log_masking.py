"""The secret calendar feed token never reaches a log (issue 16, point 11): gunicorn's access log (as `make
run` and README's Production start it, with gunicorn.conf.py) shows the feed's path with the token masked,
and so does the app's own error log when a feed request fails. Nor does what a list was searched for: a name or a
number."""

import logging
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from blueprints.core.extensions import db
from tests.factories import login, make_user

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "Zs3cr3t-feed-token-for-the-log-test-0001"
UNKNOWN = "Zn0t-a-known-token-but-still-secret-0002"


def with_token(token: str = TOKEN):
    user = make_user("coordinator")
    user.calendar_token = token
    db.session.commit()
    return user


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def listening_port(errors: Path, process: subprocess.Popen, timeout: float = 60) -> int:
    """gunicorn bound to port 0 says in its error log which port the system gave it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", errors.read_text())
        if found:
            return int(found.group(1))
        assert process.poll() is None, f"gunicorn ended ({process.returncode}): {errors.read_text()[-2000:]}"
        time.sleep(0.05)
    raise AssertionError(f"gunicorn did not start in {timeout} s: {errors.read_text()[-2000:]}")


def wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if get(base + "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError("gunicorn's worker never answered")


@contextmanager
def gunicorn(app, database_url: str, tmp_path: Path):
    """gunicorn as `make run` starts it (the config file, the access log on standard output), on a port the
    system picks; yields (base URL, a function reading both logs). Always stopped."""
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "l" * 40,
           "FLASK_EXPORT_DIR": app.config["EXPORT_DIR"], "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--workers", "1",
               "--bind", "127.0.0.1:0", "--access-logfile", "-", "app:create_app()"]
    with open(access, "wb") as out, open(errors, "wb") as err:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    try:
        base = f"http://127.0.0.1:{listening_port(errors, process)}"
        wait_until_up(base)
        yield base, lambda: access.read_text() + errors.read_text()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_gunicorn_logs_the_calendar_feed_with_its_token_masked(app, tmp_path):
    with_token()
    with gunicorn(app, app.config["SQLALCHEMY_DATABASE_URI"], tmp_path) as (base, logs):
        status, body = get(f"{base}/calendar/{TOKEN}.ics")
        assert status == 200 and b"BEGIN:VCALENDAR" in body
        assert get(f"{base}/calendar/{UNKNOWN}.ics?from=x")[0] == 404
        assert get(f"{base}/calendar/{TOKEN}")[0] == 404
    log = logs()
    assert TOKEN not in log and UNKNOWN not in log
    assert re.search(r'"GET /calendar/\*\*\*\.ics HTTP/1\.1" 200 ', log), log
    assert re.search(r'"GET /calendar/\*\*\*\.ics\?from=x HTTP/1\.1" 404 ', log), log
    assert re.search(r'"GET /calendar/\*\*\* HTTP/1\.1" 404 ', log), log
    assert '"GET /healthz HTTP/1.1" 200' in log  # other paths are logged as they were


def test_a_feed_request_that_fails_in_the_database_logs_no_token_in_gunicorns_logs(app, tmp_path):
    """An empty database: the token lookup fails, and the error (quoting its SQL parameters) is logged by the
    app and, if the error page fails too, by gunicorn: the token is masked in every line."""
    with gunicorn(app, f"sqlite:///{tmp_path / 'empty.db'}", tmp_path) as (base, logs):
        assert get(f"{base}/calendar/{TOKEN}.ics")[0] == 500
    log = logs()
    assert "calendar_token" in log and "/calendar/***.ics" in log  # the failure was logged, with its SQL
    assert TOKEN not in log


def test_the_apps_error_log_masks_the_token_of_a_failed_feed_request(app, caplog, monkeypatch):
    """A feed request that fails (here the database) is logged with its path and error, without the token,
    even where the error's own text quotes it (SQL parameters)."""
    from app import create_app
    from tests.conftest import TEST_CONFIG

    with_token()
    served = create_app({**TEST_CONFIG, "TESTING": False, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})

    def failing(user, today):
        raise RuntimeError(f"no rows for parameters ('{TOKEN}',)")

    monkeypatch.setattr("blueprints.visits.queries.feed_visits", failing)
    with caplog.at_level(logging.ERROR):
        response = served.test_client().get(f"/calendar/{TOKEN}.ics")
    assert response.status_code == 500
    assert "/calendar/***.ics" in caplog.text and "RuntimeError" in caplog.text
    assert TOKEN not in caplog.text


@pytest.mark.no_db
@pytest.mark.parametrize("where", ["scripts/serve.sh", "README.md"])  # serve.sh: `make run`
def test_make_run_and_the_production_command_use_the_gunicorn_config(where):
    commands = [line for line in (ROOT / where).read_text().splitlines() if "gunicorn" in line and "'app:create_app()'" in line]
    assert commands and all("--config gunicorn.conf.py" in line for line in commands), commands


NAME, NUMBER = "Zamina Uwasezz", "+250788123456"
# Every list searched by free text (each list's search box is `q`, the audit log's is `person`): a name or a number.
SEARCHES = ["/mentees/?status=active&q={}", "/mentees/export.csv?q={}", "/mentors/?q={}", "/users/?q={}&role=",
            "/hospitals/?q={}", "/mentees/accounts?q={}", "/equipment/requests?q={}", "/deliveries/?q={}", "/audit/?person={}"]


def test_gunicorn_logs_no_name_or_number_a_list_was_searched_for(app, tmp_path):
    """Signed out, each search is logged twice: its own request line and the sign-in page's, which carries it in
    ?next=; a page opened from a search names it in the Referer. Every time the term is masked."""
    from urllib.parse import quote_plus

    with gunicorn(app, app.config["SQLALCHEMY_DATABASE_URI"], tmp_path) as (base, logs):
        for search in SEARCHES:
            for term in (NAME, NUMBER):
                assert get(base + search.format(quote_plus(term)))[0] == 200  # the sign-in page, after the redirect
        referred = urllib.request.Request(base + "/healthz", headers={"Referer": base + "/mentees/?q=" + quote_plus(NAME)})
        assert urllib.request.urlopen(referred, timeout=30).status == 200
    log = logs()
    for word in (*NAME.split(), NUMBER, NUMBER.lstrip("+"), "788123456"):
        assert word not in log, (word, [line for line in log.splitlines() if word in line])
    assert '"GET /mentees/?status=active&q=*** HTTP/1.1" 302' in log and '"GET /audit/?person=*** HTTP/1.1" 302' in log
    assert '"GET /login?next=/mentees/?status%3Dactive%26q%3D*** HTTP/1.1" 200' in log
    assert '"GET /healthz HTTP/1.1" 200 ' in log and '/mentees/?q=***"' in log  # the Referer


def test_the_apps_error_log_masks_what_a_failed_search_was_for(app, caplog, monkeypatch):
    """A search that fails in the database is logged with its error, whose SQL parameters quote the term: masked."""
    from app import create_app
    from tests.conftest import TEST_CONFIG

    username = make_user("coordinator").username
    db.session.commit()  # and no read after it: the served app's sign-in writes
    served = create_app({**TEST_CONFIG, "TESTING": False, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})

    def failing(user, search, **filters):
        raise RuntimeError(f"[parameters: ('%{search}%', 50)]")

    monkeypatch.setattr("blueprints.people.queries.mentees.mentees_query", failing)
    client = served.test_client()
    login(client, username)
    with caplog.at_level(logging.ERROR):
        assert client.get("/mentees/?q=" + NAME.replace(" ", "+")).status_code == 500
    assert "RuntimeError" in caplog.text and "[parameters: ('%***%', 50)]" in caplog.text
    assert "Zamina" not in caplog.text


@pytest.mark.no_db
@pytest.mark.parametrize(("line", "masked"), [
    ("GET /hospitals/?q=Nemba&province=North HTTP/1.1", "GET /hospitals/?q=***&province=North HTTP/1.1"),
    ("GET /login?next=/mentors/?team%3D3%26q%3DAline%2BMukamana HTTP/1.1", "GET /login?next=/mentors/?team%3D3%26q%3D*** HTTP/1.1"),
    ("GET /login?next=%2Faudit%2F%3Fperson%3Daline HTTP/1.1", "GET /login?next=%2Faudit%2F%3Fperson%3D*** HTTP/1.1"),
    ('"http://h/x?next=%2Fusers%2F%253Fq%253D0788123456%2526role%253D"', '"http://h/x?next=%2Fusers%2F%253Fq%253D***%2526role%253D"'),
    ("GET /mentees/?q=&status=active HTTP/1.1", "GET /mentees/?q=&status=active HTTP/1.1"),  # nothing searched
    ("GET /equipment/requests?status=open HTTP/1.1", "GET /equipment/requests?status=open HTTP/1.1"),
])
def test_a_search_term_is_masked_in_a_url_however_it_is_encoded(line, masked):
    from blueprints.core.logs import mask_secrets

    assert mask_secrets(line) == masked


@pytest.mark.no_db
def test_every_search_box_is_one_the_logs_mask():
    """A list that gains a search box under another name would log what was typed in it."""
    from blueprints.core.logs import SEARCH_PARAMS

    boxes = {name for page in (ROOT / "templates").rglob("*.html")
             for name in re.findall(r'<input type="search"[^>]*\sname="([^"]+)"', page.read_text(encoding="utf-8"))}
    assert boxes and boxes <= set(SEARCH_PARAMS), boxes
