"""Operations: backups that are consistent under writes, restore, and the production check."""

import threading

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text

from blueprints.core.backup import backup, restore, sqlite_integrity
from blueprints.core.config import configure
from blueprints.core.deploy import deployment_problems
from blueprints.core.extensions import db
from blueprints.people.models import Hospital
from tests.factories import make_hospital


def hospital_count(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM hospital")).scalar()
    engine.dispose()
    return count


def test_backup_while_writes_run_is_consistent_and_restore_brings_it_back(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    for n in range(20):
        make_hospital(f"Before {n}")
    db.session.commit()

    stop = threading.Event()

    def writer():
        engine = create_engine(url)
        n = 0
        while not stop.is_set() and n < 400:
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO hospital (name, district, province) VALUES (:n, 'd', 'p')"), {"n": f"During {n}"})
            n += 1
        engine.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    destination = str(tmp_path / "backup.db")
    try:
        backup(url, destination)
    finally:
        stop.set()
        thread.join()

    if url.startswith("sqlite"):
        assert sqlite_integrity(destination) == "ok"
        copied = hospital_count(f"sqlite:///{destination}")
    else:
        copied = None
    live = db.session.scalar(select(func.count(Hospital.id)))
    assert live >= 20

    db.session.execute(text("DELETE FROM hospital"))
    db.session.commit()
    db.session.remove()
    db.engine.dispose()
    restore(url, destination)
    restored = hospital_count(url)
    assert restored >= 20
    if copied is not None:
        assert restored == copied


def test_backup_and_restore_commands(runner, app, tmp_path):
    make_hospital("Kept Hospital")
    db.session.commit()
    destination = tmp_path / "copy.bak"
    assert runner.invoke(args=["backup", str(destination)]).exit_code == 0
    db.session.execute(text("DELETE FROM hospital"))
    db.session.commit()
    result = runner.invoke(args=["restore", str(destination), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert db.session.scalar(select(Hospital.name)) == "Kept Hospital"


def production_app(tmp_path, **overrides) -> Flask:
    app = Flask("production", instance_path=str(tmp_path))
    configure(app, {"SECRET_KEY": "k" * 64, **overrides})
    return app


@pytest.mark.no_db
def test_check_deploy_accepts_a_safe_configuration(tmp_path):
    assert deployment_problems(production_app(tmp_path)) == []


@pytest.mark.parametrize(
    "overrides, problem",
    [
        ({"DEBUG": True}, "debug"),
        ({"SECRET_KEY": "dev"}, "SECRET_KEY"),
        ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE"),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:////mnt/share/mentorship.db"}, "network path"),
        ({"WTF_CSRF_ENABLED": False}, "CSRF"),
    ],
)
@pytest.mark.no_db
def test_check_deploy_refuses_unsafe_settings(tmp_path, overrides, problem):
    problems = deployment_problems(production_app(tmp_path, **overrides))
    assert any(problem in p for p in problems), problems


def test_check_deploy_command_exits_non_zero_when_unsafe(runner):
    result = runner.invoke(args=["check-deploy"])
    assert result.exit_code == 1  # the test configuration has TESTING on and a test key
    assert "UNSAFE" in result.output
