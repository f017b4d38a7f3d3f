"""`make run` is one command (issue 23): scripts/serve.sh starts gunicorn and one job-queue worker, and Ctrl-C
(SIGINT to the terminal's process group) stops both."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from blueprints.core.queue import last_heartbeat
from tests.core.test_log_masking import get

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.sys.executable).parent

pytestmark = pytest.mark.real_clock  # the worker's heartbeat is stamped by another process's clock


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def in_session(session: int) -> list[str]:
    """The command lines of every process still alive in the session."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == session and fields[0] != "Z":
                found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError, ValueError):
            continue
    return found


def wait_for(check, timeout: float, what: str, left=lambda: ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout} s {left() or ''}")


def test_make_run_starts_gunicorn_and_a_worker_and_ctrl_c_stops_both(app, tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "s" * 40,
           "QUEUE_DB": str(tmp_path / "queue.db"), "FLASK_EXPORT_DIR": app.config["EXPORT_DIR"]}
    env.pop("REDIS_URL", None)
    log = open(tmp_path / "serve.log", "wb")
    process = subprocess.Popen(["scripts/serve.sh", str(BIN), "127.0.0.1", str(port), "1"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(lambda: _answers(port), 60, "gunicorn answered")
        wait_for(lambda: _beat(), 60, "the worker beat")
        running = " ".join(in_session(process.pid))
        assert "gunicorn" in running and "worker" in running
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends
        assert process.wait(timeout=60) == 0
        # A queue worker child ends at its next poll, or once its running job gives up on a lock (15 s): 60 s covers
        # both on a loaded machine (30 s was once not enough in CI, 3 Dec 2026, the processes left unknown).
        wait_for(lambda: not in_session(process.pid), 60, "every process of `make run` ended",
                 left=lambda: in_session(process.pid))
    finally:
        if in_session(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def _answers(port: int) -> bool:
    try:
        return get(f"http://127.0.0.1:{port}/healthz")[0] == 200
    except OSError:
        return False


def _beat() -> bool:
    from blueprints.core.extensions import db
    seen = last_heartbeat()
    db.session.rollback()
    return seen is not None
