"""Passwords: 12 characters at least, not a common one, stored as scrypt hashes."""

import pytest

from blueprints.auth.passwords import is_common_password
from blueprints.core.extensions import db
from tests.factories import PASSWORD, login, make_user


@pytest.mark.no_db
@pytest.mark.parametrize("password", ["password1234", "Password2026!", "qwertyuiop123", "aaaaaaaaaaaa", "Kigali123456", "123456789012"])
def test_common_passwords_are_refused(password):
    assert is_common_password(password)


@pytest.mark.no_db
@pytest.mark.parametrize("password", ["correct horse battery staple", "mentorship-demo", "Umuganda ku wa gatandatu"])
def test_uncommon_passwords_are_accepted(password):
    assert not is_common_password(password)


def test_a_common_password_is_refused_next_to_the_field(client):
    user = make_user("mentor")
    login(client, user)
    response = client.post("/account", data={"current_password": PASSWORD, "password": "Password2026!", "confirm": "Password2026!"})
    assert response.status_code == 422
    assert b"too common" in response.data


def test_passwords_are_stored_as_scrypt_hashes():
    user = make_user("mentor")
    user.set_password("a long unusual passphrase")
    db.session.flush()
    assert user.password_hash.startswith("scrypt:")
    assert "a long unusual passphrase" not in user.password_hash


def test_create_user_command_refuses_short_and_common_passwords(runner):
    short = runner.invoke(args=["create-user", "alice", "--password", "short"])
    assert short.exit_code != 0 and "12 characters" in short.output
    common = runner.invoke(args=["create-user", "alice", "--password", "password123456"])
    assert common.exit_code != 0 and "too common" in common.output
    good = runner.invoke(args=["create-user", "alice", "--display-name", "Alice U", "--password", "a long unusual passphrase"])
    assert good.exit_code == 0, good.output
