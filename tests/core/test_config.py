"""Configuration: the secret key file, database URLs, and the SQLite connection discipline."""

import os
import stat

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from blueprints.core.config import configure, load_secret_key, normalise_database_url


@pytest.mark.no_db
def test_secret_key_file_is_created_once_with_mode_0600_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    first = Flask("first", instance_path=str(tmp_path))
    configure(first, None)
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) >= 32

    second = Flask("second", instance_path=str(tmp_path))
    configure(second, None)
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert load_secret_key(str(tmp_path)) == first.config["SECRET_KEY"]


@pytest.mark.no_db
def test_secret_key_from_the_environment_wins_and_writes_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = Flask("env", instance_path=str(tmp_path))
    configure(app, None)
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "FLASK_SQLALCHEMY_DATABASE_URI"):
        monkeypatch.delenv(name, raising=False)
    app = Flask("default", instance_path=str(tmp_path))
    configure(app, {"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/mentorship.db"


def test_database_url_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.example/mentorship")
    app = Flask("pg", instance_path=str(tmp_path))
    configure(app, {"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/mentorship"


def test_prefixed_environment_variables_are_read(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("FLASK_SQLALCHEMY_DATABASE_URI", "sqlite:////tmp/elsewhere.db")
    monkeypatch.setenv("FLASK_VISIT_CADENCE_DAYS", "30")
    app = Flask("prefixed", instance_path=str(tmp_path))
    configure(app, {"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:////tmp/elsewhere.db"
    assert app.config["VISIT_CADENCE_DAYS"] == 30


@pytest.mark.no_db
def test_instance_config_file_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "config.py").write_text("OVERDUE_AFTER_DAYS = 120\n")
    app = Flask("instance", instance_path=str(tmp_path))
    configure(app, {"SECRET_KEY": "x"})
    assert app.config["OVERDUE_AFTER_DAYS"] == 120


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
@pytest.mark.no_db
def test_database_urls_are_normalised(url, expected):
    assert normalise_database_url(url) == expected


def sqlite_engine(tmp_path):
    """A SQLite engine of its own, so these checks run whichever database the suite is on."""
    return create_engine(f"sqlite:///{tmp_path}/pragmas.db")


@pytest.mark.sqlite_only
def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = sqlite_engine(tmp_path)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    engine.dispose()


@pytest.mark.sqlite_only
def test_sqlite_foreign_keys_are_enforced(tmp_path):
    engine = sqlite_engine(tmp_path)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        connection.execute(text("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))"))
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("INSERT INTO child (parent_id) VALUES (42)"))
    engine.dispose()


def test_writes_begin_immediate_and_reads_begin_deferred(app):
    from blueprints.core.db import begin_statement

    with app.test_request_context("/", method="POST"):
        assert begin_statement() == "BEGIN IMMEDIATE"
    with app.test_request_context("/", method="GET"):
        assert begin_statement() == "BEGIN"
    assert begin_statement() == "BEGIN IMMEDIATE"  # CLI and jobs write


@pytest.mark.sqlite_only
def test_a_second_writer_waits_for_the_first_instead_of_failing(tmp_path):
    """BEGIN IMMEDIATE plus the busy timeout: a writer queues behind another one."""
    import threading
    import time

    engine = sqlite_engine(tmp_path)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))

    def bump():
        with engine.begin() as connection:
            n = connection.execute(text("SELECT n FROM counter")).scalar()
            time.sleep(0.05)
            connection.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar() == 4
    engine.dispose()
