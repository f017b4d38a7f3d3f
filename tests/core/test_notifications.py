"""Notifications: only the recipient sees them; a bell counts the unread; mail only when configured."""

from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.core.models import Notification
from blueprints.core.notify import notify
from tests.factories import login, make_mentor, make_user


def test_bell_counts_unread_and_the_list_shows_only_my_notifications(app, client):
    me, other = make_user("mentor"), make_user("mentor")
    notify([me], "For me: a transfer", link="/")
    notify([other], "For someone else")
    login(client, me)
    assert b'class="count">1<' in client.get("/notifications/bell").data
    page = client.get("/notifications/").data
    assert b"For me: a transfer" in page and b"For someone else" not in page


def test_opening_a_notification_marks_it_read_and_follows_its_link(client):
    me = make_user("coordinator")
    [note] = notify([me], "Go home", link="/account")
    login(client, me)
    response = client.post(f"/notifications/{note.id}/read")
    assert response.headers["Location"] == "/account"
    assert db.session.get(Notification, note.id).read_at is not None
    assert b"count" not in client.get("/notifications/bell").data


def test_another_users_notification_is_404(client):
    [theirs] = notify([make_user("mentor")], "private")
    login(client, make_user("mentor"))
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    assert db.session.get(Notification, theirs.id).read_at is None


def test_mark_all_read(client):
    me = make_user("mentor")
    notify([me], "one")
    notify([me], "two")
    login(client, me)
    client.post("/notifications/read-all")
    assert db.session.scalar(select(db.func.count(Notification.id)).where(Notification.read_at.is_(None))) == 0


def test_notification_link_never_leaves_the_site(client):
    me = make_user("mentor")
    [note] = notify([me], "odd", link="//elsewhere.example/")
    login(client, me)
    assert client.post(f"/notifications/{note.id}/read").headers["Location"] == "/notifications/"


class FakeSMTP:
    sent: list = []

    def __init__(self, host, port, timeout):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        FakeSMTP.sent.append(message)


def test_mail_is_sent_after_commit_when_smtp_is_configured(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example")
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent = []
    mentor = make_mentor()
    mentor.email = "mentor@example.org"
    user = make_user("mentor", mentor=mentor)
    notify([user], "A transfer concerns you")
    assert FakeSMTP.sent == []  # nothing leaves before the change is committed
    db.session.commit()
    assert [m["To"] for m in FakeSMTP.sent] == ["mentor@example.org"]

    FakeSMTP.sent = []
    notify([user], "Rolled back")
    db.session.rollback()
    db.session.commit()
    assert FakeSMTP.sent == []


def test_without_smtp_settings_nothing_is_mailed_and_nothing_fails(app, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("no mail server is configured; nothing should connect")

    monkeypatch.setattr("smtplib.SMTP", refuse)
    mentor = make_mentor()
    mentor.email = "mentor@example.org"
    notify([make_user("mentor", mentor=mentor)], "quiet")
    db.session.commit()


def test_each_notification_reads_its_time_then_open_on_one_line(client):
    """The "Open" button sat in a form inside a <p>: a browser closes the <p> at the <form>, so the line ended in a
    bare "·" and "Open" fell below it. Parsed here as a browser parses it."""
    import tinyhtml5

    me = make_user("mentor")
    notify([me], "A transfer", link="/")
    notify([me], "A reminder")
    login(client, me)
    document = tinyhtml5.parse(client.get("/notifications/").get_data(as_text=True))
    space = "{http://www.w3.org/1999/xhtml}"
    items = document.findall(f".//{space}ul[@class='notifications']/{space}li")
    assert len(items) == 2
    for item in items:
        lines = [" ".join("".join(child.itertext()).split()) for child in item]
        assert lines[0].endswith(("A transfer", "A reminder")), lines
        assert len(lines) == 2 and not lines[1].endswith("·"), lines
    linked = next(item for item in items if "A transfer" in "".join(item.itertext()))
    assert " ".join("".join(list(linked)[1].itertext()).split()).endswith("· Open")
