"""The mentoring world serves the report tests too."""

from tests.mentoring.conftest import world  # noqa: F401
