"""Bad input, fuzzed: Hypothesis posts random and hostile values to every POST route, as a coordinator
and as a hospital administrator. Never a 500; a refused post (4xx) changes nothing; the database's
integrity holds after every post.

The fields of each route are read from the forms the app itself renders (every GET page of a world
with one object of each kind is crawled for <form method="post"> and data-hx-post), with the values the
page offers (select options, hidden versions) mixed in so that posts get past the first checks."""

from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from werkzeug.routing import IntegerConverter

from blueprints.core.extensions import db
from tests.factories import PASSWORD
from tests.security.world import build_world

# Never fuzzed: signing in and out are the session itself (tested in tests/auth).
SKIP = {"auth.login", "auth.logout", "people.welcome",  # the invitation link's token is its credential: tests/people
        "core.unsubscribe",  # so is an e-mail's unsubscribe link's: tests/core/test_messages.py
        "core.sms_opt_out"}  # and a gateway's webhook token: tests/core/test_sms.py

HOSTILE = [
    "", " ", "0", "-1", "1", "2", "-99999999999999999999", "99999999999999999999", "1e308", "NaN", "inf", "0.0001",
    "3.5", "abc", "None", "null", "true", "[]", "{}", "0001-01-01", "9999-12-31", "0000-00-00", "2026-02-30",
    "10000-01-01", "-2026-01-01", "1970-01-01", "2026-13-01", "\x00", "a\x00b", "\u202eRTL override\u202c",
    "مرحبا بالعالم", "שלום", "😀" * 50, "\ud7ff\ue000", "A" * 5000, "x" * 70000, "' OR 1=1 --", "%s%s%n",
    "<script>alert(1)</script>", "../../etc/passwd", "\r\n\t", "y", "n", "present", "absent",
]


class FormFinder(HTMLParser):
    """Collects, per form target, the field names and the values the page offers for them."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.current: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            target = a.get("data-hx-post") or (a.get("action") if (a.get("method") or "").lower() == "post" else None)
            if target is None and (a.get("method") or "").lower() == "post":
                target = self.page_path
            self.current = urlsplit(target).path or self.page_path if target is not None else None
            if self.current is not None:
                self.forms[self.current]  # noqa: B018 - a form with no fields is still a target
        elif self.current is None:
            if tag in ("button", "input") and a.get("data-hx-post"):
                self.forms[urlsplit(a["data-hx-post"]).path]  # noqa: B018
            return
        elif tag in ("input", "textarea") and a.get("name"):
            values = self.forms[self.current][a["name"]]
            if a.get("value") is not None:
                values.add(a["value"])
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
            self.forms[self.current][self.select]  # noqa: B018
        elif tag == "option" and self.select and a.get("value") is not None:
            self.forms[self.current][self.select].add(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def discover_forms(app, client, ids) -> dict[str, dict[str, set[str]]]:
    """Crawl every GET page (with the world's ids) and collect the POST forms they render."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "visits.ics_feed", "auth.logout"):
            continue
        if not all(isinstance(rule._converters.get(a), IntegerConverter) for a in rule.arguments):
            continue
        path = rule.build({a: ids[a] for a in rule.arguments}, append_unknown=False)[1]
        response = client.get(path)
        if response.mimetype != "text/html":
            continue
        finder = FormFinder(path)
        finder.feed(response.get_data(as_text=True))
        for target, fields in finder.forms.items():
            for name, values in fields.items():
                found[target][name] |= values
            found[target]  # noqa: B018
    return found


def post_routes(app, ids) -> list[tuple[str, str]]:
    out = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "POST" not in rule.methods or rule.endpoint in SKIP:
            continue
        out.append((rule.endpoint, rule.build({a: ids[a] for a in rule.arguments}, append_unknown=False)[1]))
    return out


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def assert_integrity():
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        assert db.session.execute(text("PRAGMA quick_check")).scalar() == "ok"
    # The rules the app keeps, whatever was posted.
    for sql in (
        "SELECT count(*) FROM assignment WHERE end_date IS NOT NULL AND end_date < start_date",
        "SELECT count(*) FROM absence WHERE end_date < start_date",
        "SELECT count(*) FROM visit WHERE end_date < start_date OR days < 1 OR days > 14",
        "SELECT count(*) FROM equipment_count WHERE functional > available OR available < 0 OR functional < 0",
        "SELECT count(*) FROM training_record WHERE hours <= 0 OR hours > 200",
    ):
        assert db.session.execute(text(sql)).scalar() == 0, sql


def values_for(offered: set[str]):
    choices = sorted(offered) + HOSTILE
    single = st.one_of(st.sampled_from(choices), st.text(max_size=40))
    return st.one_of(st.none(), single, st.lists(single, min_size=2, max_size=3))


def form_data(fields: dict[str, set[str]]):
    names = sorted(fields) or ["x"]
    return st.fixed_dictionaries({name: values_for(fields.get(name, set())) for name in names}).map(
        lambda d: {k: v for k, v in d.items() if v is not None})


USERS = {"coordinator": "coord.world", "hospital_admin": "admin.world"}


def fuzz_one_route(client, role: str, path: str, fields: dict[str, set[str]]):
    @settings(max_examples=3, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(data=form_data(fields), hx=st.booleans())
    def post(data, hx):
        if client.get("/account").status_code != 200:  # a post may end the session (e.g. a password change)
            client.post("/login", data={"username": USERS[role], "password": PASSWORD})
        before = row_counts()
        response = client.post(path, data=data, headers={"HX-Request": "true"} if hx else {})
        assert response.status_code < 500, f"{role} POST {path} {data!r} -> {response.status_code}"
        if 400 <= response.status_code < 500:
            after = row_counts()
            assert after == before, f"{role} POST {path} was refused ({response.status_code}) but changed " + repr(
                {k: (before[k], after[k]) for k in after if after[k] != before[k]})
        assert_integrity()

    return post


@pytest.mark.parametrize("role", USERS)
def test_hostile_posts_never_500_and_a_refusal_changes_nothing(app, client, role):
    world = build_world("Fuzz")
    ids = world["ids"]
    assert client.post("/login", data={"username": USERS[role], "password": PASSWORD}).status_code == 302
    forms = discover_forms(app, client, ids)
    routes = post_routes(app, ids)
    reached = 0
    for _endpoint, path in routes:
        fields = forms.get(path, {})
        reached += bool(fields)
        fuzz_one_route(client, role, path, fields)()
    # The crawl found most forms (a route whose form is on no page still gets junk posted to it).
    assert reached >= (25 if role == "coordinator" else 10), f"only {reached} of {len(routes)} forms found"


SWEEP = ["a\x00b", "x" * 70000, "9999-12-31", "0001-01-01", "-99999999999999999999", "\u202eRTL\u202c"]


def plausible(fields: dict[str, set[str]], value: str) -> dict:
    """A post that gets past the choices: each select gets an offered value, every other field `value`."""
    data = {}
    for name, offered in fields.items():
        options = sorted(v for v in offered if v)
        data[name] = options[-1] if len(offered) > 1 and options else value
    return data


def test_each_hostile_value_in_every_free_field_of_every_form(app, client):
    """Deterministic sweep, as a coordinator (who reaches most forms): NUL, huge, far dates, huge numbers, RTL."""
    world = build_world("Sweep")
    assert client.post("/login", data={"username": "coord.world", "password": PASSWORD}).status_code == 302
    forms = discover_forms(app, client, world["ids"])
    for _endpoint, path in post_routes(app, world["ids"]):
        fields = forms.get(path)
        if not fields:
            continue
        for value in SWEEP:
            if client.get("/account").status_code != 200:
                client.post("/login", data={"username": "coord.world", "password": PASSWORD})
            before = row_counts()
            response = client.post(path, data=plausible(fields, value))
            assert response.status_code < 500, f"POST {path} with {value[:20]!r} -> {response.status_code}"
            if 400 <= response.status_code < 500:
                assert row_counts() == before, f"POST {path} was refused but changed rows"
            assert_integrity()
