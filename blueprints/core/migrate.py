"""Flask-Migrate, loaded when first used: Alembic costs about half a second of imports at every start,
and only the `flask db` commands, `make db` and scripts or tests calling `flask_migrate.upgrade()` need it,
never a web worker. Until then `app.extensions["migrate"]` is a stand-in that loads the real one on first
use, and `flask db` is a command group that loads Flask-Migrate's own when it runs or lists its commands."""

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo

from .extensions import db

MIGRATE_OPTIONS = {"render_as_batch": True, "compare_type": True}  # batch: SQLite's ALTER TABLE; compare_type: column types


def init_migrate(app: Flask) -> None:
    app.extensions["migrate"] = LazyMigrateConfig(app)
    app.cli.add_command(LazyDbGroup("db", help="Database migrations (Flask-Migrate)."))


def load_migrate(app: Flask):
    """Flask-Migrate's configuration for `app`, set up on the first call (it replaces the stand-in)."""
    current = app.extensions.get("migrate")
    if isinstance(current, LazyMigrateConfig):
        from flask_migrate import Migrate  # lazy: Alembic is half a second of imports, for `flask db` only

        Migrate(**MIGRATE_OPTIONS).init_app(app, db, directory=str(app.root_path + "/migrations"))
    return app.extensions["migrate"]


class LazyMigrateConfig:
    """Stands in for Flask-Migrate's config object; any attribute read loads the real one."""

    def __init__(self, app: Flask):
        self._app = app

    def __getattr__(self, name: str):
        return getattr(load_migrate(self._app), name)


class LazyDbGroup(click.Group):
    """`flask db ...`: stands in for Flask-Migrate's command group, which it imports and hands over to as soon
    as the group is used (its options, its commands, its help)."""

    @staticmethod
    def _real(ctx: click.Context | None) -> click.Group:
        app = current_app._get_current_object() if current_app else ctx.ensure_object(ScriptInfo).load_app()
        load_migrate(app)
        from flask_migrate.cli import db as real  # lazy: as above

        return real

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        return self._real(parent).make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._real(ctx).list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._real(ctx).get_command(ctx, name)
