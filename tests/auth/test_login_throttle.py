"""Sign-in throttling as OWASP's authentication cheat sheet describes it: failures are counted per
(username, client address) and per address, so a stranger cannot lock a user out; many addresses
failing on one username slow it down without locking it; a throttled attempt never reaches the
password hash; the sysadmin can unlock; the count is exact under parallel attempts."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent, utcnow
from tests.conftest import TEST_CONFIG, IsolatedClient
from tests.factories import PASSWORD, make_user
from tests.live import Client, fire

HERE, THERE = "127.0.0.2", "127.0.0.3"
WRONG = "a wrong guess"


def attempt(client, username, password=PASSWORD, address=HERE, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


@pytest.fixture
def password_checks(monkeypatch):
    """Every scrypt check made (the user's hash or the dummy one for an unknown username), by any thread."""
    import blueprints.auth.models as models
    import blueprints.auth.services as services

    checks = []
    for module in (models, services):
        real = module.check_password_hash

        def counting(stored, password, real=real):
            checks.append(password)
            return real(stored, password)

        monkeypatch.setattr(module, "check_password_hash", counting)
    return checks


def audited(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def test_a_stranger_failing_from_one_address_cannot_lock_out_the_user_signing_in_from_another(client):
    user = make_user("coordinator")
    for _ in range(10):
        attempt(client, user.username, WRONG, address=THERE)
    assert attempt(client, user.username, address=HERE).status_code == 302


def test_five_failures_for_a_username_from_one_address_refuse_that_pair_without_checking_the_password(
        app, client, password_checks):
    user = make_user("coordinator")
    for _ in range(5):
        assert attempt(client, user.username, WRONG).status_code == 422
    checked = len(password_checks)

    throttled = attempt(client, user.username)  # even the right password is refused for now
    assert throttled.status_code == 429
    assert b"Too many failed attempts for this username" in throttled.data
    assert 0 < int(throttled.headers["Retry-After"]) <= 15 * 60
    assert len(password_checks) == checked  # refused before the hash
    assert audited("login.throttled") == 1

    assert attempt(app.test_client(), user.username).status_code == 429  # counted in the database, not one process
    assert attempt(client, make_user("mentor").username).status_code == 302  # other usernames from here: fine
    assert attempt(app.test_client(), user.username, address=THERE).status_code == 302  # this user elsewhere: fine


def test_ten_failures_from_one_address_across_usernames_refuse_that_address(app, client, password_checks):
    real = [make_user("mentor") for _ in range(3)]
    names = [u.username for u in real] + [f"no.such.user.{i}" for i in range(7)]
    for name in names:
        assert attempt(client, name, WRONG).status_code == 422
    checked = len(password_checks)

    throttled = attempt(client, real[0].username)  # right password, eleventh attempt from this address
    assert throttled.status_code == 429
    assert b"Too many failed sign-in attempts from this network" in throttled.data
    assert len(password_checks) == checked
    assert attempt(app.test_client(), real[0].username, address=THERE).status_code == 302


def test_addresses_in_one_ipv6_64_network_count_as_one_address(client):
    for i in range(10):
        attempt(client, f"no.such.user.{i}", WRONG, address=f"2001:db8:1:2::{i + 1:x}")
    user = make_user("mentor")
    assert attempt(client, user.username, address="2001:db8:1:2:ffff::1").status_code == 429
    assert attempt(client, user.username, address="2001:db8:1:3::1").status_code == 302


def test_twenty_failures_on_a_username_from_many_addresses_slow_it_to_one_check_a_minute_without_locking_it(
        app, monkeypatch, password_checks):
    user = make_user("coordinator")
    office = "10.0.0.100"
    assert attempt(app.test_client(), user.username, address=office).status_code == 302  # signed in here before
    for n in range(4):
        for _ in range(5):
            assert attempt(app.test_client(), user.username, WRONG, address=f"10.0.1.{n}").status_code == 422
    checked = len(password_checks)

    slowed = attempt(app.test_client(), user.username, address="10.0.2.1")  # a fifth, new address
    assert slowed.status_code == 429
    assert b"slowed" in slowed.data
    assert len(password_checks) == checked

    assert attempt(app.test_client(), user.username, address=office).status_code == 302  # not slowed where known

    now = utcnow()
    monkeypatch.setattr("blueprints.auth.throttle.utcnow", lambda: now + timedelta(seconds=61))
    assert attempt(app.test_client(), user.username, WRONG, address="10.0.2.1").status_code == 422  # one a minute
    assert attempt(app.test_client(), user.username, address="10.0.2.2").status_code == 429  # and only one
    monkeypatch.setattr("blueprints.auth.throttle.utcnow", lambda: now + timedelta(seconds=122))
    assert attempt(app.test_client(), user.username, address="10.0.2.2").status_code == 302


def test_old_failures_do_not_count(client, monkeypatch):
    user = make_user("coordinator")
    for _ in range(5):
        attempt(client, user.username, WRONG)
    assert attempt(client, user.username).status_code == 429
    later = utcnow() + timedelta(minutes=15, seconds=1)
    monkeypatch.setattr("blueprints.auth.throttle.utcnow", lambda: later)
    assert attempt(client, user.username).status_code == 302


def test_unlock_command_lets_a_throttled_username_sign_in_again(client, runner):
    user = make_user("coordinator", username="amina")
    for _ in range(5):
        attempt(client, "amina", WRONG)
    assert attempt(client, "amina").status_code == 429

    result = runner.invoke(args=["unlock", "Amina"])

    assert result.exit_code == 0, result.output
    assert "amina" in result.output
    assert attempt(client, user.username).status_code == 302
    assert audited("login.unlock") == 1


def test_unlock_command_with_an_address_lets_that_address_sign_in_again(client, runner):
    user = make_user("coordinator")
    for i in range(10):
        attempt(client, f"no.such.user.{i}", WRONG)
    assert attempt(client, user.username).status_code == 429

    result = runner.invoke(args=["unlock", "--address", HERE])

    assert result.exit_code == 0, result.output
    assert attempt(client, user.username).status_code == 302


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client):
    user = make_user("coordinator")
    for i in range(5):
        attempt(client, user.username, WRONG, forwarded_for=f"10.9.9.{i}")
    assert attempt(client, user.username, forwarded_for="10.9.9.99").status_code == 429  # the header changed nothing
    assert attempt(client, user.username, address=THERE).status_code == 302
    ips = set(db.session.scalars(select(AuditEvent.ip).where(AuditEvent.action == "login.failure")))
    assert ips == {HERE}


@pytest.fixture
def behind_one_proxy(database_url, app):
    """The app configured for one reverse proxy in front of it (FLASK_TRUSTED_PROXIES=1)."""
    proxied = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "EXPORT_DIR": app.config["EXPORT_DIR"],
                          "TRUSTED_PROXIES": 1})
    proxied.test_client_class = IsolatedClient
    yield proxied
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


def test_with_one_trusted_proxy_the_address_it_forwards_is_the_client_address(behind_one_proxy):
    user = make_user("coordinator")
    client = behind_one_proxy.test_client()
    proxy = "127.0.0.1"
    for _ in range(5):  # the client forges a first entry; the proxy appends the address it saw
        assert attempt(client, user.username, WRONG, address=proxy, forwarded_for="6.6.6.6, 10.2.2.2").status_code == 422
    assert attempt(client, user.username, address=proxy, forwarded_for="10.2.2.2").status_code == 429
    assert attempt(client, user.username, address=proxy, forwarded_for="10.2.2.3").status_code == 302
    ips = set(db.session.scalars(select(AuditEvent.ip).where(AuditEvent.action == "login.failure")))
    assert ips == {"10.2.2.2"}


def test_twenty_parallel_wrong_passwords_for_one_username_get_exactly_five_password_checks(live, password_checks):
    make_user("coordinator", username="coord")
    db.session.commit()
    client = Client(live)

    answers = fire(20, lambda i: client.post("/login", {"username": "coord", "password": f"wrong guess {i}"}))

    assert sorted(a.status for a in answers) == [422] * 5 + [429] * 15
    assert len(password_checks) == 5
    assert audited("login.failure") == 5


def test_twenty_parallel_wrong_passwords_on_twenty_usernames_from_one_address_get_exactly_ten_checks(
        live, password_checks):
    client = Client(live)

    answers = fire(20, lambda i: client.post("/login", {"username": f"no.such.user.{i}", "password": WRONG}))

    assert sorted(a.status for a in answers) == [422] * 10 + [429] * 10
    assert len(password_checks) == 10
    assert audited("login.failure") == 10


def test_thirty_parallel_wrong_passwords_from_thirty_addresses_get_exactly_twenty_checks_on_one_username(
        live, password_checks):
    make_user("coordinator", username="coord")
    db.session.commit()
    clients = [Client(live, remote_addr=f"127.0.1.{i + 1}") for i in range(30)]

    answers = fire(30, lambda i: clients[i].post("/login", {"username": "coord", "password": f"wrong guess {i}"}))

    assert sorted(a.status for a in answers) == [422] * 20 + [429] * 10
    assert len(password_checks) == 20
    failed_from = db.session.scalars(select(AuditEvent.ip).where(AuditEvent.action == "login.failure")).all()
    assert len(set(failed_from)) == 20


def test_the_daily_job_deletes_closed_sign_in_counters_and_keeps_the_addresses_a_user_signs_in_from(
        app, runner, monkeypatch):
    from blueprints.auth.models import LoginThrottle

    user = make_user("coordinator")
    assert attempt(app.test_client(), user.username, address=HERE).status_code == 302
    assert attempt(app.test_client(), "no.such.user", WRONG, address=THERE).status_code == 422
    later = utcnow() + timedelta(minutes=16)
    monkeypatch.setattr("blueprints.auth.throttle.utcnow", lambda: later)

    assert "Closed sign-in counters deleted: 5." in runner.invoke(args=["daily"]).output

    left = db.session.scalars(select(LoginThrottle)).all()
    assert [(row.kind, row.username, row.address) for row in left] == [("pair", user.username, HERE)]
