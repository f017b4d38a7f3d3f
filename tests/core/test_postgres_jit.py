"""PostgreSQL's JIT compiler stays off for the app's connections (issue 23)."""

import pytest
from sqlalchemy import text

from blueprints.core.extensions import db


def test_the_apps_postgresql_connections_do_not_jit_compile_queries(app):
    """At ten times national scale the planner's estimate for the visit page's mentee query passed JIT's threshold:
    2.0 s compiling for 60 ms of work. The app's statements are short lookups; compiling never pays."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no JIT")
    assert db.session.scalar(text("SHOW jit")) == "off"
