"""The benchmark of issue 9 (`make bench`): pages, SQL queries, load, page weight and cold start
against fixed budgets, on national-scale data made by bench.generate.

    .venv/bin/python -m bench.run                 # what `make bench` runs
    .venv/bin/python -m bench.run --skip-load --requests 30
    scripts/with-postgres.sh .venv/bin/python -m bench.run --database postgresql --scale 10 --query-scale 1 \
        --app-servers 2 --users 50 --load-seconds 60 --saturation-seconds 20 --strict   # `make bench-pg SCALE=10`
    .venv/bin/python -m bench.run --export-year   # `make bench-export`: a year of signed sheets, 2 worker processes
    .venv/bin/python -m bench.run --kept-page     # a kept feedback form reloaded offline in Chromium, phone profile, alone

It generates scale 1 (and scale 3, for query counts) into temporary SQLite files (or databases of the
throwaway PostgreSQL cluster in TEST_DATABASE_URL), measures, prints a table, writes the same figures
to bench/results.json, and exits 1 naming every broken budget.
To grow it: a page is one line in PAGES, a budget one line in BUDGETS (and its check in
`evaluate`), a PDF one line in PDFS; a table of data is one step in bench/generate.py.
"""

import argparse
import gzip
import http.client
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from sqlalchemy import event, func, select

from app import create_app
from bench.generate import BENCH_PASSWORD, generate, hospitals_for
from blueprints.core.extensions import db

# ---------------------------------------------------------------------------------------------
# Budgets (issue 9; this machine, scale 1 unless said). One place; `evaluate` checks each.
# ---------------------------------------------------------------------------------------------
BUDGETS = {
    "page_p95_ms": 50.0,             # every main page and htmx fragment, server time p95
    "tile_p95_ms": 100.0,            # each dashboard tile's fragment (issue 7)
    "matrix_p95_ms": 100.0,          # the equipment gap matrix (issue 6)
    "export_p95_ms": 500.0,          # a CSV download (no budget in the issues; ours, so a slow export shows)
    "queries_per_page": 12,          # and the same count at scale 3 as at scale 1
    "matrix_queries": 5,             # the equipment gap matrix (issue 6)
    "fragment_gzip_kb": 10.0,        # each htmx fragment, gzipped
    "first_load_gzip_kb": 100.0,     # coordinator's home page with all its assets, gzipped
    "first_load_requests": 10,
    "first_load_foreign_hosts": 0,   # nothing loaded from another host
    "load_p95_ms": 200.0,            # gunicorn, 2 workers, 20 users, 30 s (issue 23: two servers x 2 workers, 50 users, 60 s)
    "load_errors": 0,
    "cold_start_s": 1.5,             # process start to first answered request (median of runs)
    "pdf_feedback_ratio": 1.3,       # feedback sheet through the app / bare WeasyPrint
    "pdf_feedback_median_ms": 150.0,  # feedback sheet, warm median
    "pdf_visit_15_s": 2.0,           # visit PDF with 15 mentees
    "export_year_s": 180.0,          # issue 23: a year of national signed sheets as one bulk export, 2 worker processes,
    "export_year_stored_s": 20.0,    # nothing stored / every sheet stored (rendered when signed, or by a previous export)
    "kept_page_paint_ms": 300.0,     # issue 21: a mentor's kept feedback form reloaded offline on the phone profile
}                                    # (360 x 640, CPU 4x slower), first contentful paint, median of the reloads

SCALE = 1              # the scale every figure is taken at
QUERY_SCALE = 3        # the second scale for query counts (must equal those at SCALE)
WARMUP = 5             # requests per page before timing
REQUESTS = 50          # timed requests per page (>= 30)
LOAD = {"users": 20, "spawn_rate": 10, "seconds": 30, "wait_s": (0.5, 1.5), "workers": 2}
COLD_START_RUNS = 3    # after one untimed start that warms the bytecode and file caches
GZIP_LEVEL = 6         # what a reverse proxy typically uses
PRECOMPRESSED = ("image/png", "image/jpeg", "image/gif", "image/webp", "font/woff2", "font/woff")

# The account each role signs in as for the in-process measurements (present at every scale).
# The mentee is one of mentor.0001's (SAMPLES), whose account bench/generate.py names mentee.<record id>.
ACCOUNTS = {"sysadmin": "sysadmin", "coordinator": "coordinator", "hospital_admin": "admin.h001", "mentor": "mentor.0001",
            "mentee": "mentee.{own_mentee_id}"}
# The load test's mix of roles (users of each role, relatively); each user picks pages by `load`.
LOAD_ROLES = {"mentor": 10, "hospital_admin": 5, "coordinator": 3, "sysadmin": 2}


@dataclass(frozen=True)
class Page:
    """A page or htmx fragment as one role sees it. `path` may hold {names} from SAMPLES."""

    name: str
    role: str | None          # None: not signed in
    path: str
    htmx: bool = False        # sent with HX-Request: a fragment, with the fragment size budget
    load: int = 0             # weight in the load test for that role (0: not in the load test)
    export: bool = False      # a download (CSV): timed and its queries counted, with the export budget
    time_budget: str = ""     # key of BUDGETS for its p95 (default: page, or export for downloads)
    query_budget: str = "queries_per_page"

    @property
    def p95_budget(self) -> str:
        return self.time_budget or ("export_p95_ms" if self.export else "page_p95_ms")

    @property
    def label(self) -> str:
        return f"{self.name} [{self.role or 'anonymous'}]"


BASELINE = Page("baseline /healthz", None, "/healthz")


def tile_pages() -> tuple[Page, ...]:
    """Every dashboard tile's fragment as each role that has it on its home page sees it (new tiles join by themselves)."""
    from blueprints.dashboard.tiles import TILES

    return tuple(Page(f"tile {tile.name} (htmx)", role, f"/dashboard/tiles/{tile.name}", htmx=True, load=2, time_budget="tile_p95_ms")
                 for tile in TILES.values() for role in tile.roles if role in ACCOUNTS)


PAGES = (
    Page("login page", None, "/login"),
    Page("home", "coordinator", "/", load=10),
    Page("home", "sysadmin", "/", load=2),
    Page("home", "hospital_admin", "/", load=10),
    Page("home", "mentor", "/", load=10),
    *tile_pages(),
    Page("account", "mentor", "/account", load=1),
    Page("account", "hospital_admin", "/account", load=1),
    Page("users list", "sysadmin", "/users/", load=4),
    Page("users search (htmx)", "sysadmin", "/users/?q=uwi", htmx=True, load=6),
    Page("users page 3 (htmx)", "sysadmin", "/users/?page=3", htmx=True, load=3),
    Page("programme settings", "coordinator", "/settings/", load=1),
    # visits
    Page("calendar month", "coordinator", "/calendar/?month={month}", load=3),
    Page("calendar month", "mentor", "/calendar/?month={month}", load=3),
    Page("calendar next month (htmx)", "coordinator", "/calendar/?month={next_month}", htmx=True, load=2),
    Page("visit page", "mentor", "/visits/{visit_id}", load=5),
    Page("visit page", "coordinator", "/visits/{visit_id}", load=2),
    # people
    Page("mentee list", "coordinator", "/mentees/", load=3),
    Page("mentee list", "hospital_admin", "/mentees/", load=5),
    Page("mentee search (htmx)", "coordinator", "/mentees/?q=an", htmx=True, load=3),
    Page("mentee profile", "mentor", "/mentees/{mentee_id}", load=4),
    Page("mentee profile", "hospital_admin", "/mentees/{mentee_id}", load=3),
    # mentoring
    Page("visit feedback form", "mentor", "/visits/{visit_id}/feedback/{mentee_id}", load=8),
    Page("mentee mentoring record", "mentor", "/mentees/{mentee_id}/mentoring", load=4),
    Page("mentee mentoring record", "coordinator", "/mentees/{mentee_id}/mentoring", load=2),
    Page("contact session form", "mentor", "/mentees/{current_mentee_id}/contacts/new", load=1),
    Page("reflection follow-up list", "coordinator", "/reflections/support", load=2),
    Page("mentee sign-in list", "hospital_admin", "/mentees/accounts", load=1),
    # a mentee's own pages (issue 22)
    Page("home", "mentee", "/"),
    Page("my feedback", "mentee", "/me/feedback/"),
    Page("my feedback sheet", "mentee", "/me/feedback/{my_feedback_id}"),
    Page("my action items", "mentee", "/me/action-items/"),
    Page("before the visit", "mentee", "/me/self-assessment"),
    Page("support requests about the hospital", "hospital_admin", "/reflections/support?status=all", load=1),
    # equipment
    Page("equipment matrix", "coordinator", "/equipment/", load=4, time_budget="matrix_p95_ms", query_budget="matrix_queries"),
    Page("equipment matrix, critical only (htmx)", "coordinator", "/equipment/?critical=1", htmx=True, load=2,
         time_budget="matrix_p95_ms", query_budget="matrix_queries"),
    Page("hospital equipment page", "hospital_admin", "/equipment/hospitals/{hospital_id}", load=3),
    Page("hospital equipment page", "coordinator", "/equipment/hospitals/{hospital_id}", load=2),
    Page("equipment requests", "coordinator", "/equipment/requests?status=all", load=1),
    Page("equipment requests, search (htmx)", "coordinator", "/equipment/requests?q=REQ&status=all", htmx=True, load=1),
    Page("equipment requests", "hospital_admin", "/equipment/requests?status=all", load=1),
    Page("equipment request", "coordinator", "/equipment/requests/{request_id}", load=1),
    Page("equipment gap report", "coordinator", "/equipment/report", load=1, time_budget="matrix_p95_ms"),  # the matrix plus the trend
    # CSV exports
    Page("equipment matrix CSV", "coordinator", "/equipment/matrix.csv", export=True),
    Page("mentees CSV", "coordinator", "/mentees/export.csv", export=True),
    Page("tile consistency CSV", "coordinator", "/dashboard/tiles/consistency.csv", export=True),
    Page("tile missed visits CSV", "coordinator", "/dashboard/tiles/missed.csv", export=True),
)


def _sample_visit() -> int:
    """The latest held visit of mentor.0001's team at which that mentor wrote feedback (mentor 1: team 1, hospital 1)."""
    from blueprints.mentoring.models import Feedback

    return db.session.scalar(select(func.max(Feedback.visit_id)).where(Feedback.mentor_id == 1))


def _sample_mentee() -> int:
    """mentor.0001's mentee at that visit with the longest record (most feedback)."""
    from blueprints.mentoring.models import Feedback

    at_visit = select(Feedback.mentee_id).where(Feedback.visit_id == _sample_visit(), Feedback.mentor_id == 1)
    return db.session.scalar(select(Feedback.mentee_id).where(Feedback.mentee_id.in_(at_visit))
                             .group_by(Feedback.mentee_id).order_by(func.count().desc(), Feedback.mentee_id).limit(1))


def _sample_request() -> int:
    """The request with the most follow-ups (the longest story)."""
    from blueprints.equipment.models import EquipmentRequestFollowUp

    return db.session.scalar(select(EquipmentRequestFollowUp.request_id).group_by(EquipmentRequestFollowUp.request_id)
                             .order_by(func.count().desc(), EquipmentRequestFollowUp.request_id).limit(1))


def _signed_in_mentee() -> int:
    """The mentee who signs in: of mentor.0001's mentees still in the programme, the one with the most signed sheets."""
    from blueprints.mentoring.models import Feedback
    from blueprints.people.models import Mentee

    return db.session.scalar(select(Feedback.mentee_id).join(Mentee, Mentee.id == Feedback.mentee_id)
                             .where(Feedback.mentor_id == 1, Feedback.status == "signed", Mentee.status == "active")
                             .group_by(Feedback.mentee_id).order_by(func.count().desc(), Feedback.mentee_id).limit(1))


def _my_feedback() -> int:
    """That mentee's latest signed sheet (what they open from /me/feedback/)."""
    from blueprints.mentoring.models import Feedback

    return db.session.scalar(select(func.max(Feedback.id)).where(Feedback.mentee_id == _signed_in_mentee(), Feedback.status == "signed"))


def _current_mentee() -> int:
    """mentor.0001's first current mentee (the sample mentee may have moved on; contact is logged with current ones)."""
    from blueprints.people.models import Assignment

    return db.session.scalar(select(func.min(Assignment.mentee_id)).where(Assignment.mentor_id == 1, Assignment.end_date.is_(None)))


def _fullest_visit() -> int:
    """The held visit with the most feedback (15 mentees at scale 1: team 1's mentors have three each)."""
    from blueprints.mentoring.models import Feedback

    return db.session.scalar(select(Feedback.visit_id).group_by(Feedback.visit_id)
                             .order_by(func.count().desc(), Feedback.visit_id.desc()).limit(1))


def _month(offset: int = 0) -> str:
    from blueprints.core.clock import today

    day = today()
    month = day.month - 1 + offset
    return f"{day.year + month // 12:04d}-{month % 12 + 1:02d}"


# Ids that page paths refer to, looked up once per database (the same rows at every scale: hospital 1,
# mentor.0001's team and mentees).
SAMPLES: dict[str, Callable[[], object]] = {
    "hospital_id": lambda: 1,
    "visit_id": _sample_visit,
    "mentee_id": _sample_mentee,
    "own_mentee_id": _signed_in_mentee,
    "my_feedback_id": _my_feedback,
    "current_mentee_id": _current_mentee,
    "full_visit_id": _fullest_visit,
    "month": _month,
    "next_month": lambda: _month(1),
    "request_id": _sample_request,
}

PDF_RUNS = 15          # timed runs of the feedback sheet (app and bare WeasyPrint), after 2 warm-up runs
VISIT_PDF_RUNS = 3     # timed runs of the 15-mentee visit PDF, after 1 warm-up


@dataclass(frozen=True)
class Pdf:
    """A PDF row. `measure(app, ids)` returns {budget name: value, ...}; None means not built yet."""

    name: str
    budgets: tuple[str, ...]
    measure: Callable | None = None


def _timed(fn: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each run."""
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.thread_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    return wall, cpu


def _pdf_get(client, path: str) -> bytes:
    response = client.get(path)
    if response.status_code != 200 or response.mimetype != "application/pdf":
        raise SystemExit(f"bench: {path} answered {response.status_code} {response.mimetype}, not a PDF")
    return response.get_data()


def measure_feedback_sheet(app, ids: dict) -> dict:
    """One mentee's sheet through the app (request, queries, template, WeasyPrint) as its mentor, warm; and the
    very HTML the app handed WeasyPrint, rendered by bare WeasyPrint with the print stylesheet parsed each time."""
    import weasyprint

    from blueprints.reports import pdf as renderer

    client = sign_in(app, ACCOUNTS["mentor"])
    path = f"/visits/{ids['visit_id']}/feedback/{ids['mentee_id']}.pdf"
    seen, original = [], renderer._html  # the app's one way from HTML text to a WeasyPrint document

    def spy(html, *args, **kwargs):
        seen.append(html)
        return original(html, *args, **kwargs)

    renderer._html = spy
    try:
        size = len(_pdf_get(client, path))
    finally:
        renderer._html = original
    if not seen:
        raise SystemExit(f"bench: {path} did not go through blueprints.reports.pdf._html")
    html = seen[-1]
    try:
        from blueprints.reports.pdf import PRINT_CSS
        css = PRINT_CSS.read_text()
    except (ImportError, OSError):
        css = ""
    variant = getattr(renderer, "PDF_VARIANT", None)  # the same PDF as the app's (tagged since issue 20)

    def bare():
        weasyprint.HTML(string=html).write_pdf(stylesheets=[weasyprint.CSS(string=css)] if css else None, pdf_variant=variant)

    _timed(lambda: _pdf_get(client, path), 2)
    bare()
    app_wall, app_cpu = _timed(lambda: _pdf_get(client, path), PDF_RUNS)
    bare_wall, bare_cpu = _timed(bare, PDF_RUNS)
    return {
        "path": path, "bytes": size, "runs": PDF_RUNS,
        "app_median_ms": statistics.median(app_wall), "app_cpu_median_ms": statistics.median(app_cpu),
        "bare_median_ms": statistics.median(bare_wall), "bare_cpu_median_ms": statistics.median(bare_cpu),
        "pdf_feedback_ratio": statistics.median(app_wall) / statistics.median(bare_wall),
        "cpu_ratio": statistics.median(app_cpu) / statistics.median(bare_cpu),
        "pdf_feedback_median_ms": statistics.median(app_wall),
    }


def measure_visit_pdf(app, ids: dict) -> dict:
    """Every sheet of the fullest visit (15 mentees at scale 1) in one PDF, as the coordinator, warm."""
    from blueprints.mentoring.models import Feedback

    with app.app_context():
        sheets = db.session.scalar(select(func.count(Feedback.id)).where(Feedback.visit_id == ids["full_visit_id"]))
    client = sign_in(app, ACCOUNTS["coordinator"])
    path = f"/visits/{ids['full_visit_id']}/feedback.pdf"
    size = len(_pdf_get(client, path))
    wall, cpu = _timed(lambda: _pdf_get(client, path), VISIT_PDF_RUNS)
    return {"path": path, "sheets": sheets, "bytes": size, "runs": VISIT_PDF_RUNS, "median_ms": statistics.median(wall),
            "cpu_median_ms": statistics.median(cpu), "pdf_visit_15_s": statistics.median(wall) / 1000}


PDFS = (
    Pdf("feedback sheet PDF: app / bare WeasyPrint ratio, and the app's warm median ms", ("pdf_feedback_ratio", "pdf_feedback_median_ms"),
        measure_feedback_sheet),
    Pdf("visit PDF, 15 mentees", ("pdf_visit_15_s",), measure_visit_pdf),
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
IGNORED_STATEMENTS = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")


# ---------------------------------------------------------------------------------------------
# In-process measurements (Flask test client)
# ---------------------------------------------------------------------------------------------

def make_app(database_url: str):
    return create_app({
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "bench-secret-key",
        "SESSION_COOKIE_SECURE": False,   # the test client speaks plain HTTP
        "REMEMBER_COOKIE_SECURE": False,
    })


CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


LOAD_USER_AGENT = "mentorship-bench-load"


def sign_in(app, username: str, user_agent: str = "mentorship-bench"):
    """A test client signed in as `username` through the real login form (CSRF on, as in production)."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    token = CSRF_FIELD.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": username, "password": BENCH_PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"bench: {username} could not sign in ({response.status_code})")
    return client


def signed_in_clients(app) -> dict[str | None, object]:
    """One test client per role (ACCOUNTS), and one not signed in."""
    ids = sample_ids(app)
    return {None: app.test_client(), **{role: sign_in(app, username.format(**ids)) for role, username in ACCOUNTS.items()}}


def sample_ids(app) -> dict:
    with app.app_context():
        return {name: lookup() for name, lookup in SAMPLES.items()}


def fetch(client, page: Page, path: str):
    headers = {"HX-Request": "true"} if page.htmx else {}
    response = client.get(path, headers=headers)
    body = response.get_data()
    if response.status_code != 200:
        raise SystemExit(f"bench: {page.label} {path} answered {response.status_code}, not 200")
    if page.htmx and b"<html" in body:
        raise SystemExit(f"bench: {page.label} returned a whole page to an htmx request")
    return response, body


def time_pages(app, pages: list[Page], requests: int) -> dict[Page, dict]:
    """Median and p95 server time per page; rounds interleave the pages so machine noise hits all alike."""
    clients, ids = signed_in_clients(app), sample_ids(app)
    paths = {page: page.path.format(**ids) for page in pages}
    samples: dict[Page, list[float]] = {page: [] for page in pages}
    cpu: dict[Page, list[float]] = {page: [] for page in pages}
    sizes: dict[Page, tuple[int, int]] = {}
    for round_number in range(WARMUP + requests):
        for page in pages:
            started, started_cpu = time.perf_counter(), time.thread_time()
            _, body = fetch(clients[page.role], page, paths[page])
            elapsed, elapsed_cpu = (time.perf_counter() - started) * 1000, (time.thread_time() - started_cpu) * 1000
            if round_number >= WARMUP:
                samples[page].append(elapsed)
                cpu[page].append(elapsed_cpu)
            sizes[page] = (len(body), len(gzip.compress(body, GZIP_LEVEL)))
    results = {}
    for page in pages:
        times = sorted(samples[page])
        results[page] = {
            "path": paths[page],
            "requests": len(times),
            "cpu_median_ms": statistics.median(cpu[page]),
            "median_ms": statistics.median(times),
            "p95_ms": statistics.quantiles(times, n=100, method="inclusive")[94],
            "max_ms": times[-1],
            "bytes": sizes[page][0],
            "gzip_bytes": sizes[page][1],
        }
    return results


def count_queries(app, pages: list[Page]) -> dict[Page, dict]:
    """SQL statements per request (warm app, transaction control left out), with the statements."""
    clients, ids = signed_in_clients(app), sample_ids(app)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(IGNORED_STATEMENTS):
            statements.append(statement)

    results = {}
    for page in pages:
        path = page.path.format(**ids)
        fetch(clients[page.role], page, path)  # warm: first-request work is not the page's
        statements.clear()
        event.listen(engine, "before_cursor_execute", on_execute)
        try:
            fetch(clients[page.role], page, path)
        finally:
            event.remove(engine, "before_cursor_execute", on_execute)
        results[page] = {"queries": len(statements), "statements": [" ".join(s.split()) for s in statements]}
    return results


class AssetFinder(HTMLParser):
    """Every URL a browser would fetch while loading the page: stylesheets, icons, scripts, images."""

    LINK_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload", "manifest"}

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and self.LINK_RELS & set((attrs.get("rel") or "").lower().split()) and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "input" and (attrs.get("type") or "").lower() == "image" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if attrs.get("srcset"):
            self.urls += [part.split()[0] for part in attrs["srcset"].split(",") if part.strip()]


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def page_weight(app, page: Page) -> dict:
    """Bytes of a first load (empty cache): the HTML and every asset it and its CSS pull in."""
    origin = "http://localhost"
    client = signed_in_clients(app)[page.role]
    _, html = fetch(client, page, page.path)
    finder = AssetFinder()
    finder.feed(html.decode())
    queue = [urljoin(origin + page.path, url) for url in finder.urls]
    loads = [{"url": page.path, "type": "text/html", "bytes": len(html), "gzip_bytes": len(gzip.compress(html, GZIP_LEVEL))}]
    foreign, seen = [], set()
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        if url in seen or parts.scheme == "data":
            continue
        seen.add(url)
        if parts.netloc != urlsplit(origin).netloc:
            foreign.append(url)
            continue
        response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        data = response.get_data()
        if response.status_code != 200:
            raise SystemExit(f"bench: asset {url} answered {response.status_code}")
        mimetype = response.mimetype
        packed = len(data) if mimetype in PRECOMPRESSED else len(gzip.compress(data, GZIP_LEVEL))
        loads.append({"url": parts.path, "type": mimetype, "bytes": len(data), "gzip_bytes": packed})
        if mimetype == "text/css":
            queue += [urljoin(url, a or b) for a, b in CSS_URL.findall(data.decode())]
    return {
        "page": page.label,
        "requests": len(loads),
        "bytes": sum(item["bytes"] for item in loads),
        "gzip_bytes": sum(item["gzip_bytes"] for item in loads),
        "foreign": foreign,
        "loads": loads,
    }


# ---------------------------------------------------------------------------------------------
# The bulk export budget (issue 23): a real Huey consumer of EXPORT_WORKERS worker processes
# ---------------------------------------------------------------------------------------------
EXPORT_WORKERS = 2
EXPORT_DAYS = 365      # the year of sheets: visits that started in the 365 days up to the data's today
EXPORT_TIMEOUT_S = 3600   # a busy machine is several times slower; the budget, not this, judges the time


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live children."""
    import psutil  # installed with locust (requirements-bench.txt)

    root = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [root, *root.children(recursive=True)])


def export_year(database_url: str, workdir: Path) -> dict:
    """A coordinator's bulk export of every signed sheet of the last year, built by `flask worker --workers 2` (a
    real Huey consumer, on a queue file of its own): first with no sheet stored (the rendering spread over the
    workers), then the same export again, every sheet now stored. Wall time from the request to the job done, the
    consumer's CPU seconds and the load average for each."""
    from huey.storage import SqliteStorage

    from blueprints.auth.models import User
    from blueprints.core.clock import today
    from blueprints.core.errors import RuleBroken
    from blueprints.core.queue import huey, last_heartbeat
    from blueprints.reports import exports, services
    from blueprints.reports.models import ExportJob, ExportStatus

    queue_file = workdir / "export-queue.db"
    huey.storage = SqliteStorage(huey.name, filename=str(queue_file))  # where this process enqueues, the consumer reads
    app = make_app(database_url)
    app.config.update(EXPORT_IN_BACKGROUND=True)  # and the default EXPORT_MAX_SHEETS: a year must fit it
    log = workdir / "export-worker.log"
    with open(log, "ab") as out:
        consumer = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", "--workers", str(EXPORT_WORKERS)],
                                    cwd=ROOT, env={**child_env(database_url), "QUEUE_DB": str(queue_file)}, stdout=out,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    runs = {}
    try:
        with app.app_context():  # the clock starts once the consumer has booted (it beats at start)
            started = time.perf_counter()
            while last_heartbeat() is None:
                if consumer.poll() is not None or time.perf_counter() - started > 60:
                    raise SystemExit(f"bench: the worker did not start; log {log}:\n{log.read_text()[-2000:]}")
                db.session.rollback()
                time.sleep(0.25)
            db.session.remove()
        for run in ("nothing_stored", "all_stored"):
            with app.test_request_context():
                coordinator = db.session.scalar(select(User).where(User.username == ACCOUNTS["coordinator"]))
                end = today()
                cpu, load, started = process_tree_cpu(consumer.pid), os.getloadavg()[0], time.perf_counter()
                try:
                    job = services.request_export(date_from=end - timedelta(days=EXPORT_DAYS - 1), date_to=end,
                                                  hospital_ids=[], signed_only=True, user=coordinator)
                except RuleBroken as refused:  # above EXPORT_MAX_SHEETS (a year at scale 1 fits it): as a coordinator sees it
                    raise SystemExit(f"bench: the export of a year was refused: {refused.message}") from None
                db.session.commit()
                exports.start_in_background(job.id)
                job_id = job.id
            with app.app_context():
                while True:
                    if consumer.poll() is not None:
                        raise SystemExit(f"bench: the worker exited ({consumer.returncode}); log {log}:\n{log.read_text()[-2000:]}")
                    job = db.session.get(ExportJob, job_id)
                    if job.status in (ExportStatus.DONE, ExportStatus.FAILED):
                        break
                    if time.perf_counter() - started > EXPORT_TIMEOUT_S:
                        raise SystemExit(f"bench: export {job_id} not done after {EXPORT_TIMEOUT_S} s ({job.done} of {job.total})")
                    db.session.rollback()
                    time.sleep(0.25)
                seconds = time.perf_counter() - started
                runs[run] = {"seconds": seconds, "cpu_s": process_tree_cpu(consumer.pid) - cpu, "sheets": job.total,
                             "status": str(job.status.value), "error": job.error, "zip_bytes": job.file_size,
                             "loadavg": [round(load, 2), round(os.getloadavg()[0], 2)]}
                db.session.remove()
            print(f"bench: export of a year, {run.replace('_', ' ')}: {runs[run]['sheets']} sheets in {seconds:.1f} s "
                  f"({runs[run]['status']})", file=sys.stderr)
    finally:
        stop(consumer)
    return {"workers": EXPORT_WORKERS, "days": EXPORT_DAYS, **runs,
            "export_year_s": runs["nothing_stored"]["seconds"], "export_year_stored_s": runs["all_stored"]["seconds"]}


# ---------------------------------------------------------------------------------------------
# Out-of-process measurements: gunicorn on a free loopback port, locust, cold start
# ---------------------------------------------------------------------------------------------

def free_port() -> int:
    """A free loopback port: from BENCH_PORTS ("5110-5115") when set, so the servers stay in a given range."""
    low, _, high = os.environ.get("BENCH_PORTS", "").partition("-")
    candidates = range(int(low), int(high or low) + 1) if low else [0]
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise SystemExit(f"bench: no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


def child_env(database_url: str) -> dict:
    """The server's environment: our database and key; plain-HTTP cookies on loopback (as `make run`);
    bytecode caches allowed, as on a production server."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONDONTWRITEBYTECODE")}
    env.update({
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-secret-key",
        "FLASK_SESSION_COOKIE_SECURE": "false",
        "FLASK_REMEMBER_COOKIE_SECURE": "false",
    })
    return env


def stop(process: subprocess.Popen) -> None:
    """Terminate a child we started (its own process group), escalating to SIGKILL after 10 s."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass


@contextmanager
def gunicorn(database_url: str, workers: int, log: Path, app: str = "app:create_app()") -> Iterator[tuple[subprocess.Popen, str, float]]:
    """gunicorn on 127.0.0.1:<free port>; yields (process, base URL, seconds to the first answer). Always stopped."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}", app]
    with open(log, "ab") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=child_env(database_url), stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        first_answer = wait_until_answering(process, port, started, log)
        yield process, f"http://127.0.0.1:{port}", first_answer
    finally:
        stop(process)


def wait_until_answering(process: subprocess.Popen, port: int, started: float, log: Path, timeout: float = 30) -> float:
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"bench: gunicorn exited ({process.returncode}); log {log}:\n{log.read_text()[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            status = connection.getresponse().status
            connection.close()
            if status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.005)
    raise SystemExit(f"bench: gunicorn did not answer within {timeout} s; log {log}")


def cold_start(database_url: str, workdir: Path) -> dict:
    """Seconds from starting gunicorn (1 worker) to its first 200 on an already-migrated database,
    and the CPU seconds its processes used by then (a figure a busy machine inflates less)."""
    import psutil  # installed with locust (requirements-bench.txt)

    times, cpu = [], []
    for run in range(COLD_START_RUNS + 1):
        with gunicorn(database_url, 1, workdir / "cold-start.log") as (process, _, first_answer):
            if run:  # the first start only warms bytecode and file caches
                master = psutil.Process(process.pid)
                times.append(first_answer)
                cpu.append(sum(sum(p.cpu_times()[:2]) for p in [master, *master.children(recursive=True)]))
    return {"runs": len(times), "median_s": statistics.median(times), "max_s": max(times), "all_s": times,
            "cpu_median_s": statistics.median(cpu)}


def warm_up(base_url: str, seconds: float = 2.0, path: str = "/login") -> None:
    """Requests from a few threads so every worker has booted and answered before the clock starts."""
    from concurrent.futures import ThreadPoolExecutor

    port = urlsplit(base_url).port
    deadline = time.perf_counter() + seconds

    def hammer():
        while time.perf_counter() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path)
            connection.getresponse().read()
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        for future in [pool.submit(hammer) for _ in range(4)]:
            future.result()


OWN_SAMPLE = re.compile(r"\{(?!month\}|next_month\})\w+\}")  # a sample row's id in a page's path


def load_plan(app, pages: list[Page], ids: dict, hospitals: int, users: int) -> tuple[dict, dict]:
    """What bench/locustfile.py drives: per role its weight, its pages, and signed-in sessions.

    The load users are signed in here, through the real login form, before the clock starts:
    a sign-in costs one scrypt check (hundreds of ms by design) and happens once per working day,
    not 20 times in 30 s; its own time is measured and reported apart.
    """
    accounts = {
        "sysadmin": ["sysadmin"],
        "coordinator": ["coordinator"],
        "hospital_admin": [f"admin.h{n:03d}" for n in range(1, hospitals + 1)],
        "mentor": [f"mentor.{n:04d}" for n in range(1, hospitals * 5 + 1)],
    }
    role_pages = {role: [{"name": p.name, "path": p.path.format(**ids), "htmx": p.htmx, "weight": p.load,
                          "owner_only": bool(OWN_SAMPLE.search(p.path))}
                         for p in pages if p.role == role and p.load] for role in LOAD_ROLES}
    total = sum(weight for role, weight in LOAD_ROLES.items() if role_pages[role])
    cookie_name, roles, sign_in_ms = app.config["SESSION_COOKIE_NAME"], {}, []
    for role, weight in LOAD_ROLES.items():
        if not role_pages[role]:
            continue
        sessions = []
        for username in accounts[role][:math.ceil(users * weight / total)]:
            started = time.perf_counter()
            client = sign_in(app, username, LOAD_USER_AGENT)
            sign_in_ms.append((time.perf_counter() - started) * 1000)
            # Pages of sample rows (a visit, a mentee, a hospital) only for the account they were sampled for:
            # another mentor or administrator would rightly get a 404.
            own = [page for page in role_pages[role] if not page["owner_only"] or username == ACCOUNTS[role]]
            sessions.append({"username": username, "cookie": client.get_cookie(cookie_name).value, "pages": own})
        roles[role] = {"weight": weight, "sessions": sessions, "pages": role_pages[role]}
    plan = {"cookie_name": cookie_name, "user_agent": LOAD_USER_AGENT, "wait_s": list(LOAD["wait_s"]), "roles": roles}
    return plan, {"sign_ins": len(sign_in_ms), "median_ms": statistics.median(sign_in_ms), "max_ms": max(sign_in_ms)}


@contextmanager
def servers(database_url: str, count: int, workdir: Path, name: str, app: str = "app:create_app()") -> Iterator[list[str]]:
    """`count` gunicorn servers of LOAD['workers'] workers each on one database (as behind a load balancer),
    warmed up; yields their base URLs. Always stopped."""
    from contextlib import ExitStack

    with ExitStack() as stack:
        urls = [stack.enter_context(gunicorn(database_url, LOAD["workers"], workdir / f"gunicorn-{name}-{n}.log", app))[1]
                for n in range(count)]
        for url in urls:
            warm_up(url, path="/healthz" if app != "app:create_app()" else "/login")
        yield urls


def locust(urls: list[str], plan: dict, workdir: Path, seconds: int, users: int, name: str) -> dict:
    """Locust, headless, its users dealt over `urls`; bounded by --run-time and a timeout."""
    csv_prefix = workdir / f"locust-{name}"
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "--users", str(users), "--spawn-rate", str(max(LOAD["spawn_rate"], users // 5)), "--run-time", f"{seconds}s",
        "--stop-timeout", "5", "--host", urls[0], "--csv", str(csv_prefix), "--only-summary",
        "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]
    env = {**os.environ, "BENCH_LOAD_PLAN": json.dumps({**plan, "hosts": urls})}
    log = workdir / f"locust-{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            process.wait(timeout=seconds + 60)
        except subprocess.TimeoutExpired:
            raise SystemExit(f"bench: locust did not stop by itself; log {log}") from None
        finally:
            stop(process)
    if process.returncode != 0:
        raise SystemExit(f"bench: locust failed ({process.returncode}):\n{log.read_text()[-3000:]}")
    return {**parse_locust(csv_prefix), "loadavg": [round(x, 2) for x in os.getloadavg()]}


def load_test(database_url: str, plan: dict, workdir: Path, seconds: int, users: int, app_servers: int = 1) -> dict:
    """The load test: `app_servers` gunicorn servers of LOAD['workers'] workers, locust with think time."""
    with servers(database_url, app_servers, workdir, "load") as urls:
        return locust(urls, plan, workdir, seconds, users, "load")


BARE_PAGE = {"name": "bare Flask + Jinja page", "path": "/bare", "htmx": False, "weight": 1, "owner_only": False}


def saturation(database_url: str, plan: dict, workdir: Path, seconds: int, users: int, app_servers: int) -> dict:
    """Requests per second at saturation (no think time) of the app's load mix, and of a bare Flask + Jinja page
    reading the same database (bench/bare.py) on the same servers' settings, one after the other in the same run."""
    busy = {**plan, "wait_s": [0, 0]}
    with servers(database_url, app_servers, workdir, "saturation") as urls:
        app_figures = locust(urls, busy, workdir, seconds, users, "saturation-app")
    bare_plan = {**busy, "roles": {"bare": {"weight": 1, "pages": [BARE_PAGE],
                                            "sessions": [{"username": "", "cookie": "", "pages": [BARE_PAGE]}]}}}
    with servers(database_url, app_servers, workdir, "bare", app="bench.bare:create_app()") as urls:
        bare_figures = locust(urls, bare_plan, workdir, seconds, users, "saturation-bare")
    strip = ("by_name",)
    return {"users": users, "seconds": seconds, "app_servers": app_servers,
            "app": {k: v for k, v in app_figures.items() if k not in strip},
            "bare": {k: v for k, v in bare_figures.items() if k not in strip},
            "ratio": app_figures["rps"] / bare_figures["rps"] if bare_figures["rps"] else None,
            "loadavg": bare_figures["loadavg"]}


def parse_locust(csv_prefix: Path) -> dict:
    import csv

    with open(f"{csv_prefix}_stats.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))

    def figures(row: dict) -> dict:
        return {
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
            "max_ms": float(row["Max Response Time"]),
        }

    total = next(row for row in rows if row["Name"] == "Aggregated")
    failures = []
    failures_file = Path(f"{csv_prefix}_failures.csv")
    if failures_file.exists():
        with open(failures_file, newline="") as fh:
            failures = [f"{r['Method']} {r['Name']}: {r['Error']} x{r['Occurrences']}" for r in csv.DictReader(fh)]
    return {
        **figures(total),
        "by_name": {row["Name"]: figures(row) for row in rows if row["Name"] != "Aggregated"},
        "failures": failures,
    }


# ---------------------------------------------------------------------------------------------
# A kept page opened offline on the phone profile (issue 21), in Debian's Chromium
# ---------------------------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"   # Debian's, as the browser tests use it; never a Playwright download
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}
CPU_SLOWDOWN = 4       # Lighthouse's mobile preset
KEPT_PAGE_WARMUP = 2   # offline reloads before the timed ones
KEPT_PAGE_RELOADS = 11  # timed offline reloads (the median is judged)
PAINTED = "() => performance.getEntriesByName('first-contentful-paint').length > 0"
TIMINGS = """() => ({served: performance.getEntriesByType('navigation')[0].responseEnd,
                     painted: performance.getEntriesByName('first-contentful-paint')[0].startTime})"""
READY = "Promise.race([navigator.serviceWorker.ready.then(() => true), new Promise(r => setTimeout(() => r(false), 30000))])"
KEPT = "path => caches.open('bedside-pages').then(c => c.match(path, {ignoreVary: true})).then(r => !!r)"


def bedside_feedback_form(app) -> tuple[str, str]:
    """A mentor (mentor.0001 if they have one) and the first feedback form their phone keeps (dashboard/bedside.py):
    the bedside page with the most to paint."""
    from blueprints.auth.models import User
    from blueprints.core.clock import today
    from blueprints.core.roles import MENTOR
    from blueprints.dashboard.bedside import bedside_urls

    with app.test_request_context():
        for user in db.session.scalars(select(User).where(User.role == MENTOR, User.active.is_(True)).order_by(User.username)):
            forms = [url for url in bedside_urls(user, today()) if "/feedback/" in url]
            if forms:
                return user.username, forms[0]
    raise SystemExit("bench: no mentor's phone keeps a feedback form in this data")


def _until(check: Callable[[], object], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: {what} within {seconds:g} s")
        time.sleep(0.1)


def kept_page_paint(app, database_url: str, workdir: Path) -> dict:
    """A mentor signs in on the phone profile (360 x 640, touch, CPU 4x slower), opens their feedback form, waits for
    the service worker to keep it, goes offline and reloads it: the first contentful paint of each timed reload (from
    the navigation's start), its median, and when the worker had handed the page over (responseEnd)."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit(f"bench: {CHROMIUM} is missing: `make browser-deps` installs Debian's chromium package (as root)")
    username, path = bedside_feedback_form(app)
    loadavg = os.getloadavg()[0]
    with gunicorn(database_url, 1, workdir / "kept-page.log") as (_, base_url, _), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=base_url, **PHONE)
            page = context.new_page()
            page.goto("/login")
            page.locator("input[name=username]").fill(username)
            page.locator("input[name=password]").fill(BENCH_PASSWORD)
            with page.expect_navigation():
                page.locator("input[name=password]").press("Enter")
            page.goto(path)
            if not page.evaluate(READY):
                raise SystemExit("bench: the service worker was not ready within 30 s")
            if not page.evaluate("navigator.serviceWorker.controller !== null"):
                page.reload()  # the worker became ready after this page loaded: the next load is controlled
            _until(lambda: page.evaluate("navigator.serviceWorker.controller !== null"), "the service worker controls no page")
            _until(lambda: page.evaluate(KEPT, path), f"the service worker did not keep {path}")
            context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
            context.set_offline(True)
            timings = []
            for _ in range(KEPT_PAGE_WARMUP + KEPT_PAGE_RELOADS):
                with page.expect_response(lambda response: response.url.endswith(path)) as reloaded:
                    page.reload(wait_until="domcontentloaded")
                if not reloaded.value.from_service_worker:
                    raise SystemExit(f"bench: {path} reloaded offline did not come from the service worker")
                page.wait_for_function(PAINTED)
                timings.append(page.evaluate(TIMINGS))
                page.wait_for_timeout(300)  # the page's own start-up work ends before the next reload
        finally:
            browser.close()
    timed = timings[KEPT_PAGE_WARMUP:]
    painted, served = [t["painted"] for t in timed], [t["served"] for t in timed]
    return {"page": path, "user": username, "reloads": len(timed), "cpu_slowdown": CPU_SLOWDOWN, "viewport": PHONE["viewport"],
            "median_ms": statistics.median(painted), "all_ms": [round(ms, 1) for ms in painted],
            "served_median_ms": statistics.median(served), "loadavg": [round(loadavg, 2), round(os.getloadavg()[0], 2)]}


# ---------------------------------------------------------------------------------------------
# Budgets, report
# ---------------------------------------------------------------------------------------------

@dataclass
class Check:
    budget: str
    what: str
    value: float | None
    limit: float
    ok: bool | None          # None: not measurable yet
    note: str = ""

    @property
    def status(self) -> str:
        return {True: "pass", False: "FAIL", None: "n/a"}[self.ok]


def evaluate(results: dict) -> list[Check]:
    b = BUDGETS
    checks = []
    export = results.get("export_year")
    if export:
        for budget, run in (("export_year_s", "nothing_stored"), ("export_year_stored_s", "all_stored")):
            row = export[run]
            checks.append(Check(budget, f"bulk export of a year ({row['sheets']} signed sheets, {export['workers']} worker "
                                        f"processes), {run.replace('_', ' ')}", row["seconds"], b[budget],
                                row["seconds"] <= b[budget] and row["status"] == "done", row["error"]))
    kept = results.get("kept_page")
    if kept:
        checks.append(Check("kept_page_paint_ms", f"kept page offline, first paint, phone profile (median of {kept['reloads']})",
                            kept["median_ms"], b["kept_page_paint_ms"], kept["median_ms"] <= b["kept_page_paint_ms"]))
    elif "pages" in results:
        checks.append(Check("kept_page_paint_ms", "kept page offline, first paint", None, b["kept_page_paint_ms"], None,
                            "skipped (--skip-load)"))
    if "pages" not in results:  # --export-year or --kept-page alone
        return checks
    strict, scale, other = results["settings"].get("strict"), results["settings"]["scale"], results["settings"]["query_scale"]
    for row in results["pages"]:
        budget = "page_p95_ms" if strict else row["time_budget"]
        checks.append(Check(budget, f"p95 {row['page']}", row["p95_ms"], b[budget], row["p95_ms"] <= b[budget]))
    for row in results["pages"]:
        q1, q3, budget = row["queries"], row["queries_other"], row["query_budget"]
        checks.append(Check(budget, f"queries {row['page']} (scale {scale:g} / {other:g}: {q1} / {q3})", q1,
                            b[budget], q1 <= b[budget] and q1 == q3,
                            "" if q1 == q3 else f"differs at scale {other:g}: {q3}"))
    for row in results["pages"]:
        if row["htmx"]:
            kb = row["gzip_bytes"] / 1024
            checks.append(Check("fragment_gzip_kb", f"fragment {row['page']} KB gzipped", kb, b["fragment_gzip_kb"], kb <= b["fragment_gzip_kb"]))
    weight = results["page_weight"]
    checks += [
        Check("first_load_gzip_kb", f"first load {weight['page']} KB gzipped", weight["gzip_bytes"] / 1024,
              b["first_load_gzip_kb"], weight["gzip_bytes"] / 1024 <= b["first_load_gzip_kb"]),
        Check("first_load_requests", f"first load {weight['page']} requests", weight["requests"],
              b["first_load_requests"], weight["requests"] <= b["first_load_requests"]),
        Check("first_load_foreign_hosts", "first load: URLs on another host", len(weight["foreign"]),
              b["first_load_foreign_hosts"], len(weight["foreign"]) <= b["first_load_foreign_hosts"], " ".join(weight["foreign"])),
    ]
    load = results.get("load")
    if load:
        checks += [
            Check("load_p95_ms", f"load test p95, all requests ({load['users']} users, {load['seconds']} s)", load["p95_ms"],
                  b["load_p95_ms"], load["p95_ms"] <= b["load_p95_ms"]),
            Check("load_errors", "load test errors", load["errors"], b["load_errors"], load["errors"] <= b["load_errors"],
                  "; ".join(load["failures"])),
        ]
    else:
        checks.append(Check("load_p95_ms", "load test", None, b["load_p95_ms"], None, "skipped (--skip-load)"))
    cold = results.get("cold_start")
    if cold:
        checks.append(Check("cold_start_s", f"cold start, median of {cold['runs']}", cold["median_s"], b["cold_start_s"],
                            cold["median_s"] <= b["cold_start_s"]))
    else:
        checks.append(Check("cold_start_s", "cold start", None, b["cold_start_s"], None, "skipped (--skip-load)"))
    for pdf in results["pdfs"]:
        for budget in pdf["budgets"]:
            value = pdf.get(budget)
            checks.append(Check(budget, pdf["name"], value, b[budget], None if value is None else value <= b[budget],
                                "not built yet" if value is None else ""))
    return checks


def fmt(value, digits=1) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def table(headers: list[str], rows: list[list], right: set[int] | None = None) -> str:
    right = right if right is not None else set(range(1, len(headers)))
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def report(results: dict, checks: list[Check]) -> str:
    out = []
    gen = results["generate"]
    out.append(f"Benchmark {results['date']} on {results['machine']['summary']}, {results['machine']['loadavg_at_end'][0]:.2f} at the end")
    out.append("Data: " + "; ".join(f"scale {s}: {g['hospitals']} hospitals, {g['counts'].get('mentee', 0)} mentees, "
                                   f"{g['counts'].get('user', 0)} users, generated in {g['seconds']:.1f} s" for s, g in gen.items()))
    out.append("")
    settings = results["settings"]
    scale, other = settings["scale"], settings["query_scale"]
    export = results.get("export_year")
    if export:
        out.append(f"Bulk export of a year of signed sheets (visits of the last {export['days']} days, every hospital, scale {scale:g} "
                   f"on {settings['database']}), built by a Huey consumer of {export['workers']} worker processes:")
        out.append(table(["run", "sheets", "seconds", "worker CPU s", "load avg before", "load avg after", "status"],
                         [[run.replace("_", " "), row["sheets"], fmt(row["seconds"]), fmt(row["cpu_s"]), fmt(row["loadavg"][0], 2),
                           fmt(row["loadavg"][1], 2), row["status"]] for run, row in ((r, export[r]) for r in ("nothing_stored", "all_stored"))]))
        out.append("")
    kept = results.get("kept_page")
    if kept:
        out.append(f"Kept page offline ({kept['page']} as {kept['user']}, served by the service worker): Chromium at "
                   f"{kept['viewport']['width']} x {kept['viewport']['height']}, CPU {kept['cpu_slowdown']}x slower, "
                   f"{kept['reloads']} offline reloads: first paint median {kept['median_ms']:.0f} ms "
                   f"(each: {', '.join(f'{ms:.0f}' for ms in kept['all_ms'])}), handed over by the worker at "
                   f"{kept['served_median_ms']:.0f} ms (median); load average {kept['loadavg'][0]:.2f} before, "
                   f"{kept['loadavg'][1]:.2f} after")
        out.append("")
    if "pages" not in results:
        return _budget_table(out, checks)
    out.append(f"Pages and fragments (scale {scale:g} on {settings['database']}, Flask test client, signed in; {results['settings']['requests']} timed requests "
               f"after {WARMUP} warm-up; CPU ms: the request's own CPU time, which a busy machine inflates less)")
    base = results["baseline"]
    rows = [[base["page"], fmt(base["median_ms"], 2), fmt(base["p95_ms"], 2), fmt(base["cpu_median_ms"], 2), "1.0", f"{base['queries']}/{base['queries_other']}",
             fmt(base["gzip_bytes"] / 1024, 1)]]
    for row in results["pages"]:
        rows.append([row["page"], fmt(row["median_ms"], 2), fmt(row["p95_ms"], 2), fmt(row["cpu_median_ms"], 2), fmt(row["ratio"], 1),
                     f"{row['queries']}/{row['queries_other']}", fmt(row["gzip_bytes"] / 1024, 1)])
    out.append(table(["page [role]", "median ms", "p95 ms", "CPU ms", "x baseline", f"queries s{scale:g}/s{other:g}", "KB gz"], rows))
    out.append("")
    weight = results["page_weight"]
    out.append(f"First load of {weight['page']} (empty cache): {weight['requests']} requests, "
               f"{weight['bytes'] / 1024:.1f} KB raw, {weight['gzip_bytes'] / 1024:.1f} KB gzipped (level {GZIP_LEVEL}), "
               f"{len(weight['foreign'])} from another host")
    out.append(table(["url", "type", "KB", "KB gz"], [[x["url"], x["type"], fmt(x["bytes"] / 1024), fmt(x["gzip_bytes"] / 1024)]
                                                   for x in weight["loads"]], right={2, 3}))
    out.append("")
    load = results.get("load")
    if load:
        out.append(f"Load test: {settings.get('app_servers', 1)} gunicorn server(s) x {LOAD['workers']} workers, locust {load['users']} users "
                   f"for {load['seconds']} s (think time {LOAD['wait_s'][0]}-{LOAD['wait_s'][1]} s), scale {scale:g}, "
                   f"load average {load['loadavg'][0]:.2f} at its end")
        rows = [[name, r["requests"], r["errors"], fmt(r["rps"]), fmt(r["p50_ms"], 0), fmt(r["p95_ms"], 0), fmt(r["p99_ms"], 0), fmt(r["max_ms"], 0)]
                for name, r in sorted(load["by_name"].items())]
        rows.append(["all requests", load["requests"], load["errors"], fmt(load["rps"]), fmt(load["p50_ms"], 0),
                     fmt(load["p95_ms"], 0), fmt(load["p99_ms"], 0), fmt(load["max_ms"], 0)])
        out.append(table(["request", "count", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"], rows))
        sign_in = results["sign_in"]
        out.append(f"(The load users were signed in before the clock: {sign_in['sign_ins']} sign-ins through the login form in-process, "
                   f"median {sign_in['median_ms']:.0f} ms, max {sign_in['max_ms']:.0f} ms each: one scrypt check.)")
        out.append("")
    saturation = results.get("saturation")
    if saturation:
        out.append(f"Saturation ({saturation['users']} users without think time for {saturation['seconds']} s each, the same servers): "
                   f"the app's load mix {saturation['app']['rps']:.1f} req/s (p50 {saturation['app']['p50_ms']:.0f} ms), "
                   f"a bare Flask + Jinja page on the same database {saturation['bare']['rps']:.1f} req/s "
                   f"(p50 {saturation['bare']['p50_ms']:.0f} ms): ratio {saturation['ratio']:.2f}; "
                   f"load average {saturation['loadavg'][0]:.2f} at its end")
        out.append("")
    cold = results.get("cold_start")
    if cold:
        out.append(f"Cold start (gunicorn, 1 worker, to the first 200 from /healthz): median {cold['median_s']:.2f} s, "
                   f"max {cold['max_s']:.2f} s over {cold['runs']} runs; CPU used by then {cold['cpu_median_s']:.2f} s (median)")
        out.append("")
    for pdf in results["pdfs"]:
        if pdf.get("built") is False:
            out.append(f"PDF {pdf['name']}: not built yet")
        elif "pdf_feedback_ratio" in pdf:
            out.append(f"PDF feedback sheet ({pdf['bytes'] / 1024:.0f} KB), warm medians of {pdf['runs']}: through the app "
                       f"{pdf['app_median_ms']:.0f} ms (CPU {pdf['app_cpu_median_ms']:.0f} ms), bare WeasyPrint on the same HTML "
                       f"{pdf['bare_median_ms']:.0f} ms (CPU {pdf['bare_cpu_median_ms']:.0f} ms): ratio {pdf['pdf_feedback_ratio']:.2f} "
                       f"(CPU {pdf['cpu_ratio']:.2f})")
        elif "pdf_visit_15_s" in pdf:
            out.append(f"PDF visit with {pdf['sheets']} mentees ({pdf['bytes'] / 1024:.0f} KB), median of {pdf['runs']}: "
                       f"{pdf['median_ms'] / 1000:.2f} s (CPU {pdf['cpu_median_ms'] / 1000:.2f} s)")
    out.append("")
    return _budget_table(out, checks)


def _budget_table(out: list[str], checks: list[Check]) -> str:
    out.append("Budgets")
    out.append(table(["", "what", "value", "budget", "note"],
                     [[c.status, c.what, fmt(c.value, 2) if isinstance(c.value, float) else fmt(c.value), fmt(c.limit), c.note] for c in checks],
                     right={2, 3}))
    return "\n".join(out)


def machine() -> dict:
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    cores = os.cpu_count() or 0
    load = os.getloadavg()
    return {
        "cores": cores,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_at_start": [round(x, 2) for x in load],
        "summary": f"{cores} cores, {mem_kb / 1024 / 1024:.0f} GiB, Python {platform.python_version()}, load average {load[0]:.2f} at start",
    }


def wait_for_quiet(seconds: float, below: float = 1.0) -> None:
    """Wait (at most `seconds`) for the 1-minute load average to drop below `below`: on a shared
    machine other work would otherwise show up in every p95."""
    deadline = time.monotonic() + seconds
    while os.getloadavg()[0] >= below and time.monotonic() < deadline:
        print(f"bench: waiting for a quieter machine (load average {os.getloadavg()[0]:.2f})", file=sys.stderr)
        time.sleep(15)


@dataclass
class Options:
    requests: int = REQUESTS
    skip_load: bool = False
    load_seconds: int = LOAD["seconds"]
    users: int = LOAD["users"]
    keep: bool = False
    json_path: Path = RESULTS
    wait_quiet: float = 0
    database: str = "sqlite"         # or "postgresql": databases made in the cluster of TEST_DATABASE_URL
    scale: float = SCALE
    query_scale: float = QUERY_SCALE
    app_servers: int = 1
    saturation_seconds: int = 0      # 0: no saturation test
    strict: bool = False             # every page, fragment and CSV against the page budget (issue 23 at scale 10)
    today: date | None = None        # the data's anchor (default: the programme's today)
    data: dict = field(default_factory=dict)  # scale -> URL of a database already generated at that scale
    export_year: bool = False        # the bulk export budget alone (a Huey consumer of 2 worker processes), no pages
    kept_page: bool = False          # the kept page's first paint alone (scale 1, gunicorn, Chromium), no pages


@contextmanager
def databases(options: Options, workdir: Path) -> Iterator[Callable[[float], str]]:
    """A URL for each scale's database: a SQLite file in `workdir`, or a database made (and dropped after) in the
    PostgreSQL cluster of TEST_DATABASE_URL, as scripts/with-postgres.sh sets it."""
    if options.database == "sqlite":
        yield lambda scale: f"sqlite:///{workdir / f'scale{scale:g}.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not server or not server.startswith("postgresql"):
        raise SystemExit("bench: --database postgresql wants TEST_DATABASE_URL (run it under scripts/with-postgres.sh)")
    admin, made = create_engine(server, isolation_level="AUTOCOMMIT"), []

    def url(scale: float) -> str:
        name = f"bench_scale{scale:g}".replace(".", "_")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return make_url(server).set(database=name).render_as_string(hide_password=False)

    try:
        yield url
    finally:
        if not options.keep:
            with admin.connect() as connection:
                for name in made:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure(results: dict, options: Options, urls: dict, workdir: Path) -> None:
    scale, other = options.scale, options.query_scale
    app = make_app(urls[scale])
    every = [BASELINE, *PAGES]
    print(f"bench: timing {len(every)} pages x {options.requests} requests", file=sys.stderr)
    results["loadavg_before_pages"] = [round(x, 2) for x in os.getloadavg()]
    timings = time_pages(app, every, options.requests)
    results["loadavg_after_pages"] = [round(x, 2) for x in os.getloadavg()]
    queries = count_queries(app, every)
    queries_other = count_queries(make_app(urls[other]), every)
    rows = []
    for page in every:
        rows.append({"page": page.label, "name": page.name, "role": page.role, "htmx": page.htmx, "export": page.export,
                     "time_budget": page.p95_budget, "query_budget": page.query_budget, **timings[page],
                     "ratio": timings[page]["median_ms"] / timings[BASELINE]["median_ms"],
                     "queries": queries[page]["queries"], "queries_other": queries_other[page]["queries"],
                     "statements": queries[page]["statements"]})
    results["baseline"], results["pages"] = rows[0], rows[1:]
    results["page_weight"] = page_weight(app, next(p for p in PAGES if p.role == "coordinator" and p.path == "/"))
    print("bench: PDFs", file=sys.stderr)
    ids = sample_ids(app)
    results["pdfs"] = [{"name": pdf.name, "budgets": list(pdf.budgets), "built": pdf.measure is not None,
                        **(pdf.measure(app, ids) if pdf.measure else {})} for pdf in PDFS]
    if options.skip_load:
        return
    print(f"bench: cold start x{COLD_START_RUNS + 1}", file=sys.stderr)
    results["cold_start"] = cold_start(urls[scale], workdir)
    print("bench: a kept page reloaded offline on the phone profile, in Chromium", file=sys.stderr)
    results["kept_page"] = kept_page_paint(app, urls[scale], workdir)
    print(f"bench: load test, {options.users} users for {options.load_seconds} s on {options.app_servers} server(s)", file=sys.stderr)
    plan, results["sign_in"] = load_plan(app, list(PAGES), ids, results["generate"][scale]["hospitals"], options.users)
    results["load"] = {"users": options.users, "seconds": options.load_seconds,
                       **load_test(urls[scale], plan, workdir, options.load_seconds, options.users, options.app_servers)}
    if options.saturation_seconds:
        print(f"bench: saturation, app and bare page, {options.saturation_seconds} s each", file=sys.stderr)
        results["saturation"] = saturation(urls[scale], plan, workdir, options.saturation_seconds, options.users, options.app_servers)


def run(options: Options) -> int:
    if options.wait_quiet:
        wait_for_quiet(options.wait_quiet)
    started = time.perf_counter()
    scale, other = options.scale, options.query_scale
    results: dict = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(), "budgets": BUDGETS,
                     "settings": {"database": options.database, "scale": scale, "query_scale": other, "requests": options.requests,
                                  "warmup": WARMUP, "strict": options.strict, "app_servers": options.app_servers,
                                  "export_year": options.export_year, "kept_page": options.kept_page,
                                  "load": {**LOAD, "users": options.users, "seconds": options.load_seconds}}}
    if results["machine"]["loadavg_at_start"][0] > 1:
        print(f"bench: note: the machine is busy (load average {results['machine']['loadavg_at_start'][0]}); timings will be noisy",
              file=sys.stderr)
    workdir = Path(tempfile.mkdtemp(prefix="mentorship-bench-"))
    try:
        with databases(options, workdir) as new_database:
            urls, results["generate"] = {}, {}
            for at in dict.fromkeys((scale,) if options.export_year or options.kept_page else (scale, other)):
                if at in options.data:
                    urls[at] = options.data[at]
                    with make_app(urls[at]).app_context():
                        from blueprints.people.models import Hospital
                        hospitals = db.session.scalar(select(func.count(Hospital.id)))
                    results["generate"][at] = {"hospitals": hospitals, "counts": {}, "seconds": 0.0, "given": True}
                    continue
                urls[at] = new_database(at)
                t, load = time.perf_counter(), os.getloadavg()[0]
                hospitals = hospitals_for(at)
                counts = generate(urls[at], hospitals=hospitals, today=options.today)
                results["generate"][at] = {"hospitals": hospitals, "counts": counts, "seconds": time.perf_counter() - t,
                                           "loadavg": [round(load, 2), round(os.getloadavg()[0], 2)]}
                print(f"bench: generated scale {at:g} in {results['generate'][at]['seconds']:.1f} s", file=sys.stderr)
            if options.export_year:
                print("bench: bulk export of a year, on a Huey consumer of 2 worker processes", file=sys.stderr)
                results["export_year"] = export_year(urls[scale], workdir)
            elif options.kept_page:
                print("bench: a kept page reloaded offline on the phone profile, in Chromium", file=sys.stderr)
                results["kept_page"] = kept_page_paint(make_app(urls[scale]), urls[scale], workdir)
            else:
                measure(results, options, urls, workdir)
    finally:
        if options.keep:
            print(f"bench: kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    results["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    checks = evaluate(results)
    results["checks"] = [{**asdict(c), "status": c.status} for c in checks]
    results["seconds"] = time.perf_counter() - started
    options.json_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(report(results, checks))
    print(f"\nWhole run {results['seconds']:.0f} s; figures in {options.json_path.relative_to(ROOT) if options.json_path.is_relative_to(ROOT) else options.json_path}")
    broken = [c for c in checks if c.ok is False]
    if broken:
        print(f"\n{len(broken)} budget(s) broken:", file=sys.stderr)
        for c in broken:
            print(f"  {c.budget}: {c.what} = {fmt(c.value, 2)} > {fmt(c.limit)} {c.note}".rstrip(), file=sys.stderr)
        return 1
    not_built = sum(c.ok is None for c in checks)
    print(f"Every measured budget is met ({not_built} not measurable yet).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=REQUESTS, help=f"timed requests per page (default {REQUESTS}, at least 30)")
    parser.add_argument("--skip-load", action="store_true", help="skip the load test, the cold start and the kept page (no gunicorn, no locust, no Chromium)")
    parser.add_argument("--load-seconds", type=int, default=LOAD["seconds"])
    parser.add_argument("--users", type=int, default=LOAD["users"])
    parser.add_argument("--keep", action="store_true", help="keep the temporary databases and logs")
    parser.add_argument("--json", type=Path, default=RESULTS, help="where to write the figures")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                        help="first wait up to SECONDS for the load average to drop below 1")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                        help="postgresql: databases in the cluster of TEST_DATABASE_URL (scripts/with-postgres.sh)")
    parser.add_argument("--scale", type=float, default=SCALE, help=f"the scale every figure is taken at (default {SCALE})")
    parser.add_argument("--query-scale", type=float, default=QUERY_SCALE,
                        help=f"the second scale, whose query counts must equal those at --scale (default {QUERY_SCALE})")
    parser.add_argument("--app-servers", type=int, default=1, help="gunicorn servers in the load test, on one database")
    parser.add_argument("--saturation-seconds", type=int, default=0,
                        help="also measure req/s without think time, the app's mix and a bare Flask + Jinja page (0: not)")
    parser.add_argument("--strict", action="store_true", help="every page, fragment and CSV against the page budget")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="the data's anchor date (default the programme's today)")
    parser.add_argument("--data", action="append", default=[], metavar="SCALE=URL",
                        help="use a database already generated at SCALE instead of generating one")
    parser.add_argument("--export-year", action="store_true",
                        help="only the bulk export budget: a year of signed sheets built by a Huey consumer of 2 worker processes, "
                             "with nothing stored and then every sheet stored (minutes; both cores)")
    parser.add_argument("--kept-page", action="store_true",
                        help="only the kept page's first paint: a mentor's feedback form reloaded offline in Chromium on the "
                             "phone profile (it also runs in a whole `make bench`, after the cold start)")
    args = parser.parse_args(argv)
    if args.requests < 30:
        parser.error("--requests must be at least 30")
    data = {float(at): url for at, _, url in (given.partition("=") for given in args.data)}
    return run(Options(requests=args.requests, skip_load=args.skip_load, load_seconds=args.load_seconds, users=args.users,
                       keep=args.keep, json_path=args.json.resolve(), wait_quiet=args.wait_quiet, database=args.database,
                       scale=args.scale, query_scale=args.query_scale, app_servers=args.app_servers,
                       saturation_seconds=args.saturation_seconds, strict=args.strict, today=args.today, data=data,
                       export_year=args.export_year, kept_page=args.kept_page))


if __name__ == "__main__":
    sys.exit(main())
