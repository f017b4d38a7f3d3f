"""The health check answers without a login and says only whether the app can serve (issue 16, point 11):
200 "ok" (or "degraded" when no job-queue worker runs, issue 23) or 503 "unavailable", never which database,
driver or error is behind it; a signed-in sysadmin or coordinator also sees when the worker was last seen."""

from datetime import timedelta

import pytest

from blueprints.core.extensions import db
from blueprints.core.models import QueueHeartbeat, utcnow
from blueprints.core.queue import beat
from tests.factories import login, make_user

DATABASE_WORDS = ("sqlite", "postgres", "psycopg", "dialect", "database", "Error", "unreachable")


def test_healthz_says_ok_and_nothing_about_the_database(client):
    beat()
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


def test_healthz_says_degraded_with_no_detail_when_no_worker_beat_in_the_last_minute(client):
    assert client.get("/healthz").json == {"status": "degraded"}  # never seen
    db.session.add(QueueHeartbeat(name="worker", seen_at=utcnow() - timedelta(minutes=3)))
    db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "degraded"}
    beat()
    assert client.get("/healthz").json == {"status": "ok"}


@pytest.mark.parametrize("role", ["sysadmin", "coordinator"])
def test_a_signed_in_sysadmin_or_coordinator_sees_when_the_worker_was_last_seen(client, role):
    seen = utcnow() - timedelta(minutes=3)
    db.session.add(QueueHeartbeat(name="worker", seen_at=seen))
    login(client, make_user(role))
    assert client.get("/healthz").json == {
        "status": "degraded", "queue": {"worker_alive": False, "worker_seen_at": seen.isoformat()}}


def test_other_signed_in_users_see_no_queue_detail(client):
    login(client, make_user("mentor"))
    assert client.get("/healthz").json == {"status": "degraded"}
