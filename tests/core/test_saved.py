"""errors.saved: the one way a form route saves through a service."""

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField

from blueprints.core.errors import EditConflict, RuleBroken, Saved, saved
from blueprints.core.extensions import db
from blueprints.people.models import Team
from tests.factories import make_team


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()


def _teams() -> int:
    return db.session.scalar(select(func.count(Team.id)))


def test_a_refusal_is_rolled_back_and_shown_next_to_its_field(app):
    with app.test_request_context(method="POST"):
        form = NameForm()

        def change():
            make_team("Half-made")
            raise RuleBroken("name", "This name is taken.")

        assert saved(form, change, "Saved.") is None
        assert form.name.errors == ["This name is taken."]
        assert _teams() == 0
        assert get_flashed_messages() == []


def test_a_refusal_about_no_field_of_the_form_is_shown_at_its_top(app):
    with app.test_request_context(method="POST"):
        form = NameForm()

        def change():
            raise RuleBroken("elsewhere", "Not now.")

        assert saved(form, change, "Saved.") is None
        assert form.form_errors == ["Not now."] and not form.name.errors


def test_a_refusal_goes_to_the_page_that_lays_out_its_own_errors_when_it_asks(app):
    with app.test_request_context(method="POST"):
        form, errors = NameForm(), {}

        def change():
            make_team("Half-made")
            raise RuleBroken("rating-3", "Out of the scale.")

        assert saved(form, change, "Saved.", refused=lambda refusal: errors.update({refusal.field: refusal.message})) is None
        assert errors == {"rating-3": "Out of the scale."} and not form.form_errors
        assert _teams() == 0 and get_flashed_messages() == []


def test_a_success_is_committed_and_flashed_and_returns_what_the_service_returned(app):
    with app.test_request_context(method="POST"):
        outcome = saved(NameForm(), lambda: make_team("Made"), "Team saved.")
        assert isinstance(outcome, Saved) and outcome.result.name == "Made"
        db.session.rollback()  # nothing left to undo: it was committed
        assert _teams() == 1
        assert get_flashed_messages(with_categories=True) == [("success", "Team saved.")]


def test_a_success_without_a_message_flashes_nothing_and_a_service_returning_nothing_is_still_saved(app):
    with app.test_request_context(method="POST"):
        assert saved(NameForm(), lambda: None)
        assert get_flashed_messages() == []


def test_other_errors_pass_through_uncommitted(app):
    with app.test_request_context(method="POST"):
        def change():
            make_team("Conflicting")
            raise EditConflict

        with pytest.raises(EditConflict):
            saved(NameForm(), change, "Saved.")
        db.session.rollback()
        assert _teams() == 0


def test_without_a_form_a_refusal_is_rolled_back_and_flashed_as_an_error(app):
    with app.test_request_context(method="POST"):
        def change():
            make_team("Half-made")
            raise RuleBroken("form", "The check is already complete.")

        assert saved(None, change, "Saved.") is None
        assert _teams() == 0
        assert get_flashed_messages(with_categories=True) == [("error", "The check is already complete.")]
