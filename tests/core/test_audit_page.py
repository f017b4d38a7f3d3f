"""The audit trail page: who changed what and when, for coordinators and sysadmins; read only."""

import inspect
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import blueprints
from blueprints.auth.models import User
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent
from tests.conftest import count_queries
from tests.factories import PASSWORD, login, make_hospital, make_mentee, make_user, profession

NEW_PASSWORD = "a long enough new password"
OWN_PASSWORD = "my very own new password"


def event(action: str, *, at: datetime, username: str = "someone", hospital=None, summary: str = "",
          before: dict | None = None, after: dict | None = None) -> AuditEvent:
    row = AuditEvent(action=action, at=at, username=username, hospital_id=getattr(hospital, "id", None),
                     summary=summary or action, before=before, after=after)
    db.session.add(row)
    db.session.flush()
    return row


def signed_in_coordinator(client):
    coordinator = make_user("coordinator", username="the.coordinator")
    login(client, coordinator)
    return coordinator


def row_order(html: bytes, *markers: bytes) -> list[int]:
    return [html.index(marker) for marker in markers]


@pytest.mark.parametrize("role, status", [("coordinator", 200), ("sysadmin", 200), ("hospital_admin", 403), ("mentor", 403)])
def test_only_coordinators_and_sysadmins_reach_the_audit_trail(client, role, status):
    login(client, make_user(role))
    assert client.get("/audit/").status_code == status
    assert client.get("/audit/?kind=login", headers={"HX-Request": "true"}).status_code == status


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/audit/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_menu_offers_the_audit_trail_to_a_coordinator_only(client):
    signed_in_coordinator(client)
    assert b'href="/audit/"' in client.get("/").data
    other = client.application.test_client()
    login(other, make_user("hospital_admin"))
    assert b'href="/audit/"' not in other.get("/").data


def test_newest_first_with_local_time_who_what_and_before_after(client):
    signed_in_coordinator(client)
    nemba = make_hospital("Nemba")
    event("mentee.create", at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC), username="admin.nemba", hospital=nemba,
          summary="added mentee Aline Uwase", after={"full_name": "Aline Uwase", "phone": ""})
    event("mentee.update", at=datetime(2026, 3, 2, 22, 30, tzinfo=UTC), username="admin.nemba", hospital=nemba,
          summary="updated mentee Aline Uwase", before={"full_name": "Aline Uwase"}, after={"full_name": "Aline Uwase Mukamana"})

    page = client.get("/audit/").data
    older, newer = row_order(page, b"added mentee Aline Uwase", b"updated mentee Aline Uwase")
    assert newer < older
    assert b"3 Mar 2026 00:30" in page  # 22:30 UTC is half past midnight in Kigali
    assert b"admin.nemba" in page and b"Nemba" in page
    assert "<code>full_name</code>: Aline Uwase → Aline Uwase Mukamana".encode() in page
    assert b"<code>full_name</code>: Aline Uwase</li>" in page  # a creation shows the new values only
    assert "<code>phone</code>: —".encode() in page


def test_values_are_escaped_not_rendered_as_html(client):
    signed_in_coordinator(client)
    event("mentee.update", at=datetime(2026, 3, 2, tzinfo=UTC), before={"full_name": "<b>old</b>"},
          after={"full_name": "<script>alert(1)</script>"}, summary="<i>x</i>")
    page = client.get("/audit/").data
    assert b"<script>alert(1)</script>" not in page and b"&lt;script&gt;" in page
    assert b"<i>x</i>" not in page


def test_filter_by_person_matches_part_of_the_username(client):
    signed_in_coordinator(client)
    at = datetime(2026, 3, 1, tzinfo=UTC)
    event("absence.create", at=at, username="admin.nemba", summary="nemba absence")
    event("absence.create", at=at, username="admin.byumba", summary="byumba absence")
    page = client.get("/audit/?person=NEMBA").data
    assert b"nemba absence" in page and b"byumba absence" not in page


def test_filter_by_hospital(client):
    signed_in_coordinator(client)
    nemba, byumba = make_hospital("Nemba"), make_hospital("Byumba")
    at = datetime(2026, 3, 1, tzinfo=UTC)
    event("transfer.create", at=at, hospital=nemba, summary="move at nemba")
    event("transfer.create", at=at, hospital=byumba, summary="move at byumba")
    page = client.get(f"/audit/?hospital={nemba.id}").data
    assert b"move at nemba" in page and b"move at byumba" not in page
    assert f'<option value="{nemba.id}" selected>Nemba</option>'.encode() in page


@pytest.mark.parametrize("kind, shown, hidden", [
    ("login", [b"signed in", b"failed sign-in", b"signed out"], [b"user made", b"mentee made"]),
    ("user", [b"user made"], [b"signed in", b"mentee made"]),
    ("mentee", [b"mentee made"], [b"user made", b"signed in"]),
])
def test_filter_by_kind_matches_the_action_prefix(client, kind, shown, hidden):
    signed_in_coordinator(client)
    at = datetime(2026, 3, 1, tzinfo=UTC)
    for action, summary in [("login.success", "signed in"), ("login.failure", "failed sign-in"), ("logout", "signed out"),
                            ("user.create", "user made"), ("mentee.create", "mentee made")]:
        event(action, at=at, summary=summary)
    page = client.get(f"/audit/?kind={kind}").data
    assert all(s in page for s in shown)
    assert not any(h in page for h in hidden)


def test_unknown_kind_is_ignored_not_an_error(client):
    signed_in_coordinator(client)
    event("mentee.create", at=datetime(2026, 3, 1, tzinfo=UTC), summary="mentee made")
    response = client.get("/audit/?kind=%27%20OR%201=1")
    assert response.status_code == 200 and b"mentee made" in response.data


def test_filter_by_dates_uses_the_programme_s_local_days(client):
    signed_in_coordinator(client)
    # Kigali is UTC+2: 22:30 UTC on 9 March is already 10 March there.
    event("mentee.create", at=datetime(2026, 3, 9, 21, 30, tzinfo=UTC), summary="on the ninth")
    event("mentee.create", at=datetime(2026, 3, 9, 22, 30, tzinfo=UTC), summary="on the tenth")
    event("mentee.create", at=datetime(2026, 3, 11, 21, 59, tzinfo=UTC), summary="on the eleventh")
    event("mentee.create", at=datetime(2026, 3, 11, 22, 0, tzinfo=UTC), summary="on the twelfth")

    page = client.get("/audit/?from=2026-03-10&to=2026-03-11").data
    assert b"on the tenth" in page and b"on the eleventh" in page
    assert b"on the ninth" not in page and b"on the twelfth" not in page
    assert b"on the ninth" in client.get("/audit/?to=2026-03-09").data
    assert b"on the ninth" not in client.get("/audit/?from=2026-03-10").data
    assert client.get("/audit/?from=not-a-date").status_code == 200


def test_htmx_filtering_returns_the_fragment_and_pages_keep_the_filters(app, client, monkeypatch):
    signed_in_coordinator(client)
    monkeypatch.setitem(app.config, "PER_PAGE", 5)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for n in range(12):
        event("absence.create", at=start + timedelta(minutes=n), username="admin.nemba", summary=f"absence {n}")
    fragment = client.get("/audit/?person=nemba&kind=absence", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert b"<html" not in fragment.data and b"absence 11" in fragment.data
    assert "HX-Request" in fragment.headers["Vary"]
    assert b'data-hx-push-url="true"' in fragment.data
    assert b"person=nemba" in fragment.data and b"kind=absence" in fragment.data and b"page=2" in fragment.data

    page = client.get("/audit/?person=nemba&kind=absence")
    assert b"<html" in page.data and b'data-hx-push-url="true"' in page.data and b'value="nemba"' in page.data


def test_an_empty_search_says_so(client):
    signed_in_coordinator(client)
    assert b"No audit event matches these filters." in client.get("/audit/?person=nobody-at-all").data


def test_no_route_edits_or_deletes_audit_events(app):
    """The app only ever inserts audit rows: the one audit route only reads, and no module behind a
    route (views, and the services and queries they call) holds code that updates or deletes them."""
    audit_rules = [rule for rule in app.url_map.iter_rules() if "audit" in rule.rule or "audit" in rule.endpoint]
    assert [rule.rule for rule in audit_rules] == ["/audit/"]
    assert set(audit_rules[0].methods) <= {"GET", "HEAD", "OPTIONS"}
    changes_audit = re.compile(r"(delete|update)\(\s*AuditEvent|AuditEvent\.__table__\.(delete|update)|"
                               r"(DELETE\s+FROM|UPDATE)\s+\"?audit_event", re.I)
    views = {inspect.getmodule(app.view_functions[rule.endpoint]) for rule in app.url_map.iter_rules()} - {None}
    assert {m.__name__ for m in views} >= {"blueprints.core.views", "blueprints.people.routes.mentees", "blueprints.auth.routes"}
    sources = sorted(Path(blueprints.__file__).parent.rglob("*.py"))
    assert len(sources) > 20
    for path in sources:
        source = path.read_text(encoding="utf-8")
        assert not changes_audit.search(source), f"{path} changes audit rows"
        assert not re.search(r"session\.delete\(\s*(event|audit)", source), f"{path} deletes audit rows"


def test_a_route_that_deletes_a_record_keeps_its_audit_trail(client):
    from blueprints.people.services import absences as absence_services

    signed_in_coordinator(client)
    mentee = make_mentee(make_hospital())
    absence = absence_services.add_absence(mentee, kind="annual_leave", start_date=date(2026, 3, 2), end_date=date(2026, 3, 6))
    db.session.commit()
    before = [(e.id, e.action, e.after) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert client.post(f"/absences/{absence.id}/delete").status_code == 302
    after = [(e.id, e.action, e.after) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert after[:len(before)] == before
    assert after[-1][1] == "absence.delete"


def test_posting_to_the_audit_trail_is_refused(client):
    signed_in_coordinator(client)
    row = event("mentee.create", at=datetime(2026, 3, 1, tzinfo=UTC), summary="kept")
    for method in (client.post, client.put, client.delete, client.patch):
        assert method("/audit/", data={"id": row.id}).status_code == 405
    assert db.session.get(AuditEvent, row.id).summary == "kept"


def test_audit_rows_of_a_typical_flow_hold_no_password_or_hash(app, client):
    hospital = make_hospital("Nemba")
    profession("midwife")
    sysadmin = make_user("sysadmin", username="root.admin")
    login(client, sysadmin)
    client.post("/users/new", data={
        "username": "admin.nemba", "display_name": "Nemba Admin", "role": "hospital_admin", "hospital_id": hospital.id,
        "active": "y", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    admin = db.session.scalar(select(User).where(User.username == "admin.nemba"))
    client.post(f"/users/{admin.id}/password", data={"password": OWN_PASSWORD[::-1], "confirm": OWN_PASSWORD[::-1]})
    theirs = app.test_client()
    login(theirs, "admin.nemba", NEW_PASSWORD)  # the old password: a failure
    login(theirs, "admin.nemba", OWN_PASSWORD[::-1])
    theirs.post("/account", data={"current_password": OWN_PASSWORD[::-1], "password": OWN_PASSWORD, "confirm": OWN_PASSWORD})
    theirs.post("/mentees/import/save", data={"content": "full_name,profession,department\nAline Uwase,midwife,maternity\n"})
    theirs.post("/mentees/import", data={"file": (io.BytesIO(b"full_name,profession,department\nEric Manzi,midwife,maternity\n"), "r.csv")},
                content_type="multipart/form-data")
    theirs.post("/logout")
    login(app.test_client(), "no.such.user", PASSWORD)

    rows = db.session.scalars(select(AuditEvent)).all()
    actions = {row.action for row in rows}
    assert {"user.create", "user.password_reset", "user.password_change", "login.failure", "login.success",
            "mentee.create", "roster.import", "logout"} <= actions
    hashes = [u.password_hash for u in db.session.scalars(select(User))]
    for row in rows:
        text = json.dumps([row.summary, row.username, row.before, row.after], ensure_ascii=False)
        for secret in (NEW_PASSWORD, OWN_PASSWORD, OWN_PASSWORD[::-1], PASSWORD, *hashes):
            assert secret not in text, f"{row.action} holds a password or hash"
        assert "scrypt:" not in text and "pbkdf2:" not in text
        keys = set(row.before or {}) | set(row.after or {})
        assert not [k for k in keys if "password" in k], f"{row.action} records {keys}"


def test_audit_page_uses_the_same_number_of_queries_for_10_and_100_rows(client):
    signed_in_coordinator(client)
    hospital = make_hospital()
    start = datetime(2026, 3, 1, tzinfo=UTC)

    def add(n):
        for i in range(n):
            event("mentee.update", at=start + timedelta(minutes=i), hospital=hospital, username=f"user.{i}",
                  before={"phone": "1"}, after={"phone": str(i)})

    add(10)
    with count_queries() as few:
        assert client.get("/audit/").status_code == 200
    add(90)
    with count_queries() as many:
        response = client.get("/audit/")
    assert b'rel="next"' in response.data
    assert len(many) == len(few)
    with count_queries() as filtered:
        client.get(f"/audit/?hospital={hospital.id}&kind=mentee&person=user&from=2026-01-01&to=2026-12-31",
                   headers={"HX-Request": "true"})
    assert len(filtered) <= len(few)
