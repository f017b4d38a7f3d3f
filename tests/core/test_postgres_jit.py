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


def test_the_apps_postgresql_connections_plan_every_statement_for_its_own_values(app):
    """psycopg prepares a statement run five times on a connection, and PostgreSQL then tries a generic plan, blind to
    the values: at scale 10 the writing tile's statement took 28-30 s from its eleventh run in one transaction (about
    0.1 s before). Planning for the values each time costs a fraction of a millisecond."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite keeps no plans")
    assert db.session.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
