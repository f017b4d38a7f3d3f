"""Lighthouse over the pages issue 19 names, mobile and desktop presets, against the app as `make run` serves it.

`make lighthouse` runs this after `make db` and `npm ci`: it serves the app with gunicorn on a free loopback port (the
instance database with the demo programme), signs each role in the way the login route does (tests/live.py
`session_cookie`, the cookie handed to Lighthouse as an extra header, with the user agent Lighthouse then claims), runs
node_modules' lighthouse on Debian's Chromium for every page and preset, and prints performance, accessibility, best
practices and cumulative layout shift, with the date and the load average (the scores move with a busy machine).
Not part of `make test`. Targets (issue 19): performance >= 95, accessibility 100, best practices 100, CLS <= 0.05.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
USER_AGENT = {  # what Lighthouse tells the app it is; the session cookie is made for the same one
    "mobile": "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/130.0.0.0 Mobile Safari/537.36 lighthouse",
    "desktop": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 lighthouse",
}
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100}
MAX_CLS = 0.05


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int, python: str) -> subprocess.Popen:
    env = {**os.environ, "FLASK_SESSION_COOKIE_SECURE": "false"}
    gunicorn = str(Path(python).with_name("gunicorn"))
    server = subprocess.Popen([gunicorn, "--config", "gunicorn.conf.py", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                               "app:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the app did not answer on /healthz within a minute")


def pages(app) -> list[tuple[str, str | None, str]]:
    """(name, username or None, path): the login page, each role's home, a feedback form, the calendar, the matrix."""
    from blueprints.auth.models import User
    from blueprints.core.clock import today
    from blueprints.core.extensions import db
    from blueprints.dashboard.tiles.base import Filters
    from blueprints.dashboard.tiles.writing import load_to_write

    with app.app_context():
        mentor = db.session.query(User).filter_by(username="mentor.01").one()
        admin = db.session.query(User).filter_by(role="hospital_admin").order_by(User.username).first()
        rows = load_to_write(Filters.from_args({}, today()), mentor, today())["rows"]
        feedback = next((f"/visits/{r['visit'].id}/feedback/{mentee_id}" for r in rows for mentee_id, _n, _s in r["feedback"]), None)
        admin_name = admin.username if admin else None
        db.session.remove()
    found = [("login", None, "/login"), ("home: coordinator", "coordinator", "/"), ("home: mentor", "mentor.01", "/"),
             ("home: sysadmin", "sysadmin", "/")]
    if admin_name:
        found.append(("home: hospital admin", admin_name, "/"))
    if feedback:
        found.append(("feedback form", "mentor.01", feedback))
    found += [("calendar", "mentor.01", "/calendar/"), ("equipment matrix", "coordinator", "/equipment/")]
    return found


def cookie(app, username: str, preset: str) -> str:
    from tests.live import session_cookie

    return f"{app.config['SESSION_COOKIE_NAME']}={session_cookie(app, username, USER_AGENT[preset])}"


def run(url: str, preset: str, headers: dict, out: Path) -> dict:
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
               "--only-categories=performance,accessibility,best-practices",
               f"--emulated-user-agent={USER_AGENT[preset]}",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run"]
    if preset == "desktop":
        command.append("--preset=desktop")
    if headers:
        command.append("--extra-headers=" + json.dumps(headers))
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    report = json.loads(out.read_text())
    scores = {key: round((report["categories"][key]["score"] or 0) * 100) for key in TARGETS}
    scores["cls"] = report["audits"]["cumulative-layout-shift"]["numericValue"]
    scores["final_url"] = report.get("finalDisplayedUrl") or report.get("finalUrl")
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="*", default=["mobile", "desktop"], choices=["mobile", "desktop"])
    parser.add_argument("--only", nargs="*", help="page names to run (default: all)")
    parser.add_argument("--reports", type=Path, help="keep each run's JSON report in this folder")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("node_modules/.bin/lighthouse is missing: `npm ci --ignore-scripts` installs it (make lighthouse does)")

    from app import create_app

    app = create_app()
    port = free_port()
    server = serve(port, sys.executable)
    base = f"http://127.0.0.1:{port}"
    rows, missed = [], []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = args.reports or Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            for name, username, path in pages(app):
                if args.only and name not in args.only:
                    continue
                for preset in args.presets:
                    headers = {"Cookie": cookie(app, username, preset)} if username else {}
                    slug = "".join(c if c.isalnum() else "-" for c in name)
                    scores = run(base + path, preset, headers, folder / f"{slug}-{preset}.json")
                    if username and scores["final_url"] and "/login" in scores["final_url"]:
                        raise SystemExit(f"{name}: Lighthouse was sent to the login page; the session cookie was refused")
                    rows.append((name, preset, scores))
                    print(f"  {name} ({preset}) done", file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=30)

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Lighthouse {subprocess.run([str(LIGHTHOUSE), '--version'], capture_output=True, text=True).stdout.strip()}, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load} ({os.cpu_count()} cores)")
    print(f"{'page':<22} {'preset':<8} {'perf':>5} {'a11y':>5} {'best':>5} {'CLS':>7}")
    for name, preset, s in rows:
        misses = [k for k, target in TARGETS.items() if s[k] < target] + (["cls"] if s["cls"] > MAX_CLS else [])
        if misses:
            missed.append(f"{name} ({preset}): {', '.join(misses)}")
        print(f"{name:<22} {preset:<8} {s['performance']:>5} {s['accessibility']:>5} {s['best-practices']:>5} {s['cls']:>7.3f}"
              + ("   misses " + ", ".join(misses) if misses else ""))
    print("Every page meets the targets." if not missed else f"{len(missed)} of {len(rows)} runs miss a target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
