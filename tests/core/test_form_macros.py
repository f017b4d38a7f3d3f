"""The field macro: attributes it does not need are left out, never written as the text "None"."""

from tests.factories import login, make_user


def test_fields_without_errors_or_hints_carry_no_none_attributes(client):
    page = client.get("/login").data
    assert b'="None"' not in page
    assert page.count(b"autofocus") <= 1


def test_a_field_with_an_error_is_marked_invalid_and_described(client):
    make_user("coordinator", username="someone")
    response = login(client, "someone", "wrong password here")
    assert response.status_code == 422
    assert b'aria-invalid="true"' in response.data and b'aria-describedby="password-error"' in response.data
    assert b'="None"' not in response.data
