"""Values outside range never give a 500 (issue 16, items 7 and 8). The walks below take every route of the app
(a new route is walked without being listed here) and send what the database cannot hold: ids past 2^63 in the
path (404), in the query string and in every posted field (ignored or refused, never a 500), dates before 2000
or after 2100 (refused by every date field, ignored by every date filter), text one character past each field's
limit, and a line break in every single-line field. Afterwards no row holds a date outside 2000–2100, a text
longer than its column, or a line break in a single-line column."""

from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import Date, String, func, or_, select
from werkzeug.routing import IntegerConverter

from blueprints.core import limits
from blueprints.core.extensions import db
from tests.factories import PASSWORD
from tests.security.test_fuzz_forms import assert_integrity, post_routes
from tests.security.world import build_world

HUGE = "99999999999999999999"  # past 2^63: an OverflowError in the query before
PAST_ID_MAX = str(2**63)
FAR_DAYS = ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"]
FAR_MONTHS = ["0001-01", "9999-12"]
USERS = {"coordinator": "coord.world", "sysadmin": "sys.world", "hospital_admin": "admin.world", "mentor": "mentor.world"}
BREAK = "First line\r\nSecond line"


def int_routes(app):
    """Rules whose every argument is an integer (the .ics feed's token is a credential, tested on its own)."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        if all(isinstance(rule._converters.get(a), IntegerConverter) for a in rule.arguments):
            yield rule


def sign_in(client, role: str) -> None:
    client.post("/logout")
    assert client.post("/login", data={"username": USERS[role], "password": PASSWORD}).status_code == 302


class Fields(HTMLParser):
    """The forms of a page: for POST forms each field's kind, maxlength and offered values; for links, htmx GETs
    and GET forms, the query-string names each target path is sent."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.posts: dict[str, dict[str, dict]] = defaultdict(dict)
        self.queries: dict[str, set[str]] = defaultdict(set)
        self.target: str | None = None  # the POST form being read
        self.get_target: str | None = None  # the GET form being read
        self.select: str | None = None

    def _field(self, name: str, kind: str, attrs: dict) -> dict:
        field = self.posts[self.target].setdefault(name, {"kind": kind, "maxlength": None, "values": set()})
        if attrs.get("maxlength"):
            field["maxlength"] = int(attrs["maxlength"])
        if attrs.get("value") is not None:
            field["values"].add(attrs["value"])
        return field

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for attribute in ("href", "hx-get"):
            if a.get(attribute) and "?" in a[attribute]:
                url = urlsplit(a[attribute])
                self.queries[url.path or self.page_path] |= {name for name, _value in parse_qsl(url.query)}
        if tag == "form":
            method = (a.get("method") or "get").lower()
            if method == "post":
                target = a.get("hx-post") or a.get("action") or self.page_path
                self.target = urlsplit(target).path or self.page_path
                self.posts[self.target]  # noqa: B018 - a form with no fields is still a target
            else:
                self.get_target = urlsplit(a.get("hx-get") or a.get("action") or self.page_path).path or self.page_path
            return
        name = a.get("name")
        if not name:
            return
        if self.get_target and tag in ("input", "select", "textarea"):
            self.queries[self.get_target].add(name)
        if self.target is None:
            return
        if tag == "input":
            self._field(name, (a.get("type") or "text").lower(), a)
        elif tag == "textarea":
            self._field(name, "textarea", a)
        elif tag == "select":
            self.select = name
            self._field(name, "select", {})
        elif tag == "option" and self.select:
            self.posts[self.target][self.select]["values"].add(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.target = self.get_target = None
        elif tag == "select":
            self.select = None


# Pages whose forms show only with a query: the planner's proposals (their rows carry hospital and team ids).
PAGES_WITH_QUERY = ["/visits/planner?count=2"]


def crawl(app, client, ids) -> tuple[dict[str, dict[str, dict]], dict[str, set[str]]]:
    """Every GET page of the world (with its ids), read for POST forms and for the query names of each path."""
    posts: dict[str, dict[str, dict]] = defaultdict(dict)
    queries: dict[str, set[str]] = defaultdict(set)
    paths = [rule.build({a: ids[a] for a in rule.arguments}, append_unknown=False)[1] for rule in int_routes(app)
             if "GET" in rule.methods and rule.endpoint != "auth.logout"]
    for path in paths + PAGES_WITH_QUERY:
        response = client.get(path)
        if response.mimetype != "text/html":
            continue
        parser = Fields(urlsplit(path).path)
        parser.feed(response.get_data(as_text=True))
        for target, names in parser.queries.items():
            queries[target] |= names
        for target, fields in parser.posts.items():
            for name, field in fields.items():
                known = posts[target].setdefault(name, {"kind": field["kind"], "maxlength": None, "values": set()})
                known["values"] |= field["values"]
                known["maxlength"] = known["maxlength"] or field["maxlength"]
    return posts, queries


def row_counts() -> tuple[int, ...]:
    """Every table's row count, in one statement (the walk asks before and after each of a thousand posts)."""
    db.session.expire_all()
    return tuple(db.session.execute(select(*(select(func.count()).select_from(t).scalar_subquery()
                                              for t in db.metadata.sorted_tables))).one())


def plausible(fields: dict[str, dict]) -> dict:
    """Each field with a value the page offers (the last option of a select, a hidden field's value), so that a
    post gets past the other fields to the one under test."""
    data = {}
    for name, field in fields.items():
        offered = sorted(v for v in field["values"] if v)
        if field["kind"] in ("select", "hidden", "radio", "checkbox") and offered:
            data[name] = offered[-1]
        elif field["kind"] == "date":
            data[name] = "2026-06-15"
        elif field["kind"] == "number":
            data[name] = "1"
        else:
            data[name] = "Text"
    return data


def post_each(client, role: str, forms, routes, values_for) -> int:
    """Post every form once per (field, value) that `values_for(name, field)` gives; never a 500, and a refusal
    changes nothing."""
    posted = 0
    for _endpoint, path in routes:
        fields = forms.get(path)
        if not fields:
            continue
        for name, field in fields.items():
            for value in values_for(name, field):
                if client.get("/account").status_code != 200:  # a post may end the session (a password change)
                    sign_in(client, role)
                before = row_counts()
                response = client.post(path, data={**plausible(fields), name: value})
                assert response.status_code < 500, f"POST {path} {name}={value[:30]!r} -> {response.status_code}"
                if 400 <= response.status_code < 500:
                    assert row_counts() == before, f"POST {path} {name}={value[:30]!r} was refused but changed rows"
                posted += 1
    assert_integrity()
    return posted


def columns(kind):
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, kind):
                yield table, column


def assert_nothing_stored_out_of_range():
    far = []
    for table, column in columns(Date):
        count = db.session.scalar(select(func.count()).select_from(table).where(
            or_(column < limits.FIRST_DAY, column > limits.LAST_DAY)))
        if count:
            far.append(f"{table.name}.{column.name}")
    assert far == [], f"dates outside 2000-2100 stored in {far}"
    too_long = []
    for table, column in columns(String):
        if column.type.length:
            longest = db.session.scalar(select(func.max(func.length(column))).select_from(table))
            if longest and longest > column.type.length:
                too_long.append(f"{table.name}.{column.name}: {longest} > {column.type.length}")
    assert too_long == [], f"text longer than its column stored: {too_long}"


@pytest.fixture
def range_world(client):
    built = build_world("Range")
    db.session.commit()
    return built


def test_an_id_past_what_the_database_holds_in_a_path_is_a_404(app, client, range_world):
    sign_in(client, "coordinator")
    checked = 0
    for rule in int_routes(app):
        for argument in rule.arguments:
            for huge in (HUGE, PAST_ID_MAX, "9" * 5000):
                path = _swap(rule, range_world["ids"], argument, huge)
                for method in ("GET", "POST"):
                    if method in rule.methods:
                        response = client.open(path, method=method)
                        assert response.status_code == 404, f"{method} {path[:80]} -> {response.status_code}"
                        checked += 1
    assert checked > 100


def _swap(rule, ids, argument, value) -> str:
    """The rule's path with `argument` holding `value` (which the converter would refuse to build)."""
    marker = 7_777_777_777
    path = rule.build({**{a: ids[a] for a in rule.arguments}, argument: marker}, append_unknown=False)[1]
    return path.replace(str(marker), value, 1)


def far(value: str, names) -> dict:
    """Every name at once holding `value` (a month name holds the month of a date)."""
    return {name: value[:7] if name == "month" else value for name in names}


@pytest.mark.parametrize("role", USERS)
def test_huge_numbers_and_far_dates_in_the_query_string_never_give_a_500(app, client, range_world, role):
    """Every query-string name any page sends (links, htmx, filter forms), on every page a role can open: all of them
    at once; and, as the coordinator (who reaches every page), each name alone on the paths that are sent it."""
    sign_in(client, "coordinator")
    _posts, queries = crawl(app, client, range_world["ids"])
    names = set().union(*queries.values()) | {"page", "hospital", "team", "profession", "from", "to", "start", "month"}
    assert {"page", "from", "to", "hospital", "start", "search_from", "month", "q"} <= names
    sign_in(client, role)
    values = [HUGE, "0001-01-01", "9999-12-31"]
    for rule in int_routes(app):
        if "GET" not in rule.methods or rule.endpoint == "auth.logout":
            continue
        path = rule.build({a: range_world["ids"][a] for a in rule.arguments}, append_unknown=False)[1]
        asks = [far(value, names) for value in values]
        if role == "coordinator":
            asks += [{name: value[:7] if name == "month" else value} for name in sorted(queries.get(path, ()))
                     for value in values]
        for query in asks:
            for headers in ({}, {"HX-Request": "true"}) if role == "coordinator" else ({},):
                response = client.get(path, query_string=query, headers=headers)
                assert response.status_code < 500, f"{role} GET {path}?{query} -> {response.status_code}"


def test_huge_numbers_far_dates_long_text_and_line_breaks_in_every_posted_field_are_refused_not_a_500(app, client, range_world):
    sign_in(client, "coordinator")
    forms, _queries = crawl(app, client, range_world["ids"])
    routes = post_routes(app, range_world["ids"])

    def values_for(name, field):
        if name == "csrf_token":
            return []
        out = [HUGE]
        if field["kind"] == "date" or "date" in name or name in ("start", "search_from", "search_to"):
            out += FAR_DAYS
        if field["kind"] in ("text", "textarea", "email", "tel", "search"):
            out.append("x" * (field["maxlength"] + 1) if field["maxlength"] else "x" * 70_000)
        if field["kind"] in ("text", "email", "tel", "search"):
            out.append(BREAK)
        return out

    assert post_each(client, "coordinator", forms, routes, values_for) > 300
    assert_nothing_stored_out_of_range()
    broken = []
    for table, column in columns(String):
        if db.session.scalar(select(func.count()).select_from(table).where(column.contains("Second line"))):
            broken.append(f"{table.name}.{column.name}")
    assert broken == [], f"a line break was stored in a single-line field: {broken}"


def test_every_text_field_of_every_form_declares_its_limit_to_the_browser(app, client, range_world):
    """maxlength on every text input and textarea: the browser stops typing at the limit the server enforces."""
    sign_in(client, "coordinator")
    forms, _queries = crawl(app, client, range_world["ids"])
    unbounded = sorted(f"{path} {name}" for path, fields in forms.items() for name, field in fields.items()
                       if field["kind"] in ("text", "textarea", "email", "tel", "search", "password")
                       and not field["maxlength"])
    assert unbounded == []
