"""Any app server serves any export (issue 23 item 3): two gunicorn servers with instance folders of their own
on one database and one Redis, and one job-queue worker. The export is asked for on the first, its progress
polled and its zip downloaded on the second."""

import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from blueprints.core.clock import today
from blueprints.core.extensions import db
from tests.live import session_cookie
from tests.reports.test_bulk_export import add_feedback

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS = "/usr/bin/redis-server"

pytestmark = pytest.mark.real_clock  # the servers and the worker keep the real time


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def started(command: list[str], env: dict, log: Path):
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def request(url: str, cookie: str, data: bytes | None = None) -> tuple[int, bytes, str]:
    ask = urllib.request.Request(url, data=data, headers={"Cookie": f"session={cookie}"})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(ask, timeout=30) as response:
            return response.status, response.read(), response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Location", "")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def until(check, timeout: float, what: str, logs: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (found := check()):
            return found
        time.sleep(0.3)
    tails = "\n".join(f"== {log.name}\n{log.read_text()[-1500:]}" for log in sorted(logs.glob("*.log")))
    raise AssertionError(f"{what} within {timeout} s\n{tails}")


def up(base: str):
    try:
        return urllib.request.urlopen(base + "/healthz", timeout=5).status == 200
    except OSError:
        return False


@pytest.fixture
def sheets(world):
    add_feedback(world, strengths="Amina recent strengths")
    add_feedback(world, mentee="mentee_2", strengths="Grace strengths")
    return world


def test_an_export_asked_for_on_one_server_is_followed_and_downloaded_on_another(app, sheets, tmp_path):
    assert shutil.which(REDIS), "the two-server test needs Debian's redis-server: `make redis-deps` (as root) installs it"
    redis_port, ports = free_port(), (free_port(), free_port())
    common = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": app.config["SECRET_KEY"],
              "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "FLASK_WTF_CSRF_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    hospital, username = sheets["nemba"].id, sheets["coordinator"].username
    db.session.commit()
    cookie = session_cookie(app, username, user_agent="Python-urllib/3.11")
    with ExitStack() as stack:
        stack.enter_context(started([REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                     "--appendonly", "no"], common, tmp_path / "redis.log"))
        for name, port in zip("ab", ports, strict=True):
            (tmp_path / name).mkdir()
            stack.enter_context(started(
                [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                 "app:create_app()"], {**common, "INSTANCE_PATH": str(tmp_path / name)}, tmp_path / f"server-{name}.log"))
        (tmp_path / "w").mkdir()
        stack.enter_context(started([str(BIN / "flask"), "--app", "app", "worker", "--workers", "1", "--kind", "thread"],
                                    {**common, "INSTANCE_PATH": str(tmp_path / "w")}, tmp_path / "worker.log"))
        first, second = (f"http://127.0.0.1:{port}" for port in ports)
        for base in (first, second):
            until(lambda base=base: up(base), 60, f"{base} answered", tmp_path)

        form = urllib.parse.urlencode({"date_from": (today() - timedelta(days=30)).isoformat(),
                                       "date_to": today().isoformat(), "hospital_ids": str(hospital)}).encode()
        status, _body, location = request(first + "/reports/exports", cookie, form)
        assert status == 302, _body[:500]
        job_id = int(re.search(r"/reports/exports/(\d+)$", location)[1])

        def ready():
            status, body, _ = request(f"{second}/reports/exports/{job_id}/progress", cookie)
            assert status == 200
            return f"/reports/exports/{job_id}/download".encode() in body

        until(ready, 120, "the export was ready on the second server", tmp_path)
        status, body, _ = request(f"{second}/reports/exports/{job_id}/download", cookie)
        assert status == 200
        archive = zipfile.ZipFile(io.BytesIO(body))
        assert archive.testzip() is None and len(archive.namelist()) == 2
        assert not list(tmp_path.glob("*/exports"))  # no server kept a file of its own
