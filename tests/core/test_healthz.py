"""The health check answers without a login and says only whether the app can serve (issue 16, point 11):
200 "ok" or 503 "unavailable", never which database, driver or error is behind it."""

from blueprints.core.extensions import db

DATABASE_WORDS = ("sqlite", "postgres", "psycopg", "dialect", "database", "Error", "unreachable")


def test_healthz_says_ok_and_nothing_about_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert db.engine.dialect.name not in response.get_data(as_text=True)


def test_healthz_says_unavailable_with_503_when_the_database_is_unreachable(tmp_path):
    from app import create_app
    from tests.conftest import TEST_CONFIG

    missing_dir = tmp_path / "no-such-dir" / "db.sqlite"
    broken = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing_dir}"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable"}
    assert not any(word in response.get_data(as_text=True) for word in DATABASE_WORDS)
