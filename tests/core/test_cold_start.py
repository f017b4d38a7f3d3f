"""Cold start (issue 9: first answer within 1.5 s): what only some requests or the CLI need is not
imported when a worker builds the app; it loads when first used."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("alembic", "flask_migrate", "weasyprint", "icalendar")


@pytest.mark.no_db
def test_building_the_app_imports_neither_alembic_nor_weasyprint_nor_icalendar(tmp_path):
    code = ("import sys; from app import create_app; "
            f"create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.db', 'SECRET_KEY': 'x'}}); "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# Modules only CLI commands use (tests/core/test_layers.py's LAZY_IMPORTS lists where each is imported).
COMMAND_ONLY = ("blueprints.defaults", "blueprints.demo", "blueprints.people.demo", "blueprints.visits.demo",
                "blueprints.mentoring.demo", "blueprints.equipment.demo", "blueprints.core.backup", "blueprints.core.deploy")


@pytest.mark.no_db
def test_building_the_app_imports_neither_the_demo_nor_the_default_content_nor_backup_and_deploy(tmp_path):
    code = ("import sys; from app import create_app; "
            f"create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.db', 'SECRET_KEY': 'x'}}); "
            f"print(sorted(m for m in {COMMAND_ONLY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.no_db
def test_flask_db_still_runs_flask_migrates_commands(tmp_path):
    """The `db` command group loads Flask-Migrate when used: upgrade brings the database to the head."""
    import sqlite3

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/cli.db", "SECRET_KEY": "x"})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "current"]).exit_code == 0
    with sqlite3.connect(tmp_path / "cli.db") as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() is not None
    assert "equipment_status" in {name for (name,) in sqlite3.connect(tmp_path / "cli.db").execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "upgrade" in runner.invoke(args=["db", "--help"]).output
