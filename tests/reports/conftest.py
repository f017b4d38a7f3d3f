"""The mentoring world serves the report tests too."""

import pytest

from blueprints.reports import stored_sheets
from tests.mentoring.conftest import world  # noqa: F401


@pytest.fixture
def renders(monkeypatch):
    """Each rendering of a stored sheet's PDF, counted."""
    counted = []
    real = stored_sheets.render_pdf

    def counting(html, **options):
        counted.append(1)
        return real(html, **options)

    monkeypatch.setattr(stored_sheets, "render_pdf", counting)
    return counted
