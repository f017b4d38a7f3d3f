"""The migrations build exactly the schema the models describe, on this run's database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from blueprints.core.extensions import db


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ; run `flask db migrate`: {differences}"


def test_downgrade_then_upgrade_keeps_the_demo_data(app, runner):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    assert runner.invoke(args=["demo-data", "--today", "2026-11-26"]).exit_code == 0
    db.session.remove()

    def counts(tables):
        with db.engine.connect() as connection:
            return {t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables}

    downgrade(revision="-1")
    db.engine.dispose()
    remaining = [t for t in inspect(db.engine).get_table_names() if t != "alembic_version"]
    before = counts(remaining)
    upgrade()
    db.engine.dispose()
    assert counts(remaining) == before
    assert sum(before.values()) > 100
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
