"""The mentoring world serves the report tests too."""

import pytest

from blueprints.reports import stored_sheets
from tests.mentoring.conftest import world  # noqa: F401


@pytest.fixture
def renders(monkeypatch):
    """Each rendering of a stored sheet's PDF, counted."""
    counted = []
    real = stored_sheets.render_pdf_parts

    def counting(htmls, **options):
        counted.append(len(htmls))
        return real(htmls, **options)

    monkeypatch.setattr(stored_sheets, "render_pdf_parts", counting)
    return counted
