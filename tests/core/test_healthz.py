"""The health check answers without a login and says whether the database is reachable."""

from blueprints.core.extensions import db


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.json["status"] == "ok"
    assert response.json["database"] == "ok"
    assert response.json["dialect"] == db.engine.dialect.name


def test_healthz_reports_503_when_the_database_is_unreachable(tmp_path):
    from app import create_app
    from tests.conftest import TEST_CONFIG

    missing_dir = tmp_path / "no-such-dir" / "db.sqlite"
    broken = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing_dir}"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
