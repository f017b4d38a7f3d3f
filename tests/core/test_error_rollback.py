"""An error half-way through a write still gets its page: the handler rolls the failed transaction back before
rendering (the page reads the signed-in user), and a version clash found by an autoflush is a 409, not a 500."""

import re

import pytest
from sqlalchemy import select, text

from app import create_app
from blueprints.core.extensions import db
from blueprints.people.models import Mentee
from tests.conftest import TEST_CONFIG, IsolatedClient
from tests.factories import login, make_hospital, make_mentee, make_user


@pytest.fixture
def production_app(app):
    """The app as in production (not TESTING, so errors reach the error handlers), with two routes that fail mid-write."""
    broken = create_app({**TEST_CONFIG, "TESTING": False, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    broken.test_client_class = IsolatedClient

    def stale_autoflush(mentee_id: int):
        """Someone else saved the mentee (their version moved on); our change is flushed by the next query."""
        mentee = db.session.get(Mentee, mentee_id)
        db.session.execute(text("UPDATE mentee SET version = version + 1 WHERE id = :id"), {"id": mentee_id})
        mentee.full_name = "Changed here"
        db.session.scalar(select(Mentee.id).limit(1))  # autoflush: UPDATE … WHERE version = 1 matches no row
        return "not reached"

    def failed_flush():
        db.session.add(Mentee(full_name="No profession"))  # profession_id is required: the flush fails
        db.session.flush()
        return "not reached"

    for view, rule in ((stale_autoflush, "/stale/<int:mentee_id>"), (failed_flush, "/failed-flush")):
        view.access = "public"
        broken.add_url_rule(rule, view.__name__, view, methods=["POST"])
    return broken


def signed_in_client(production_app):
    client = production_app.test_client()
    login(client, make_user("coordinator", username="coord"))
    return client


def test_a_version_clash_found_by_an_autoflush_is_a_409_page_and_nothing_is_saved(production_app):
    mentee = make_mentee(make_hospital("Nemba"), name="Aline Uwase")
    client = signed_in_client(production_app)
    response = client.post(f"/stale/{mentee.id}")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Changed by someone else" in page and "Sign out" in page  # the whole page, for the signed-in user
    assert db.session.get(Mentee, mentee.id).full_name == "Aline Uwase"


def test_a_failed_flush_still_renders_the_500_page_with_its_reference(production_app):
    client = signed_in_client(production_app)
    response = client.post("/failed-flush")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "Reference" in page and "Sign out" in page
    assert db.session.scalar(select(Mentee.id).where(Mentee.full_name == "No profession")) is None


def test_the_error_page_is_drawn_even_when_the_database_cannot_roll_back(production_app, monkeypatch):
    client = signed_in_client(production_app)

    def connection_lost():
        raise ConnectionError("server closed the connection")

    monkeypatch.setattr(db.session, "rollback", connection_lost)
    response = client.post("/failed-flush")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "</html>" in page and re.search(r"\b[0-9a-f]{8}\b", page), "a page with the reference to quote"
