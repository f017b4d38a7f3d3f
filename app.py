"""Application factory: configuration, extensions, blueprints, CLI. Nothing else.

The one place that knows every area: it imports their models (so metadata and Alembic see every table), registers
their blueprints, and hands the kernel what it needs from auth."""

import gc
import os
from pathlib import Path

from flask import Flask

from blueprints import commands
from blueprints.auth import models as _auth_models  # noqa: F401 - every table in the metadata, for Alembic
from blueprints.auth.queries import load_user_by_session_id
from blueprints.auth.routes import bp as auth_bp
from blueprints.auth.sessions import expire_idle_sessions
from blueprints.core import init_core
from blueprints.core import models as _core_models  # noqa: F401
from blueprints.core.cli import register_cli
from blueprints.core.config import configure
from blueprints.core.views import bp as core_bp
from blueprints.dashboard.routes import bp as dashboard_bp
from blueprints.equipment import models as _equipment_models  # noqa: F401
from blueprints.equipment.routes import bp as equipment_bp
from blueprints.mentoring import models as _mentoring_models  # noqa: F401
from blueprints.mentoring.routes import bp as mentoring_bp
from blueprints.people import models as _people_models  # noqa: F401
from blueprints.people.routes import bp as people_bp
from blueprints.reports import models as _reports_models  # noqa: F401
from blueprints.reports.routes import bp as reports_bp
from blueprints.visits import models as _visits_models  # noqa: F401
from blueprints.visits.routes import bp as visits_bp

BASE_DIR = Path(__file__).resolve().parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH") or str(BASE_DIR / "instance"),
        instance_relative_config=True,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure(app, config)
    init_core(app, load_user=load_user_by_session_id, check_session=expire_idle_sessions)

    app.register_blueprint(core_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(equipment_bp)
    app.register_blueprint(visits_bp)
    app.register_blueprint(mentoring_bp)
    app.register_blueprint(reports_bp)

    register_cli(app)
    for command in commands.COMMANDS:
        app.cli.add_command(command)
    if not app.testing:
        _freeze_startup_objects()
    return app


def _freeze_startup_objects() -> None:
    """Move everything made so far (modules, mappers, tables, the app) out of the garbage collector's reach, and
    let the youngest generation grow before a collection.

    They live as long as the process, yet each full collection walked them all: at national scale a page that
    allocates a lot (the equipment matrix, 2,520 cells) set one off every ten requests or so, and each took
    100-200 ms on this machine, which was the matrix's p95. At the default threshold (700 new objects) such a page
    also ran some twenty young-generation collections; at 20,000 it runs one or two, which took a tenth off the
    matrix's median and a third off its p95 (A/B in one process). Not under tests, where apps come and go."""

    gc.freeze()
    gc.set_threshold(20_000, 10, 10)
