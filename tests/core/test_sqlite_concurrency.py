"""SQLite under concurrency: several processes writing at once never see "database is locked"."""

import multiprocessing

import pytest
from sqlalchemy import create_engine, text

WORKERS, TRANSACTIONS = 4, 150


def worker(url: str, worker_id: int, errors) -> None:
    from app import create_app
    from blueprints.core.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x" * 40})
    with app.app_context():
        for n in range(TRANSACTIONS):
            try:
                total = db.session.execute(text("SELECT count(*) FROM setting")).scalar()
                db.session.execute(text("INSERT INTO setting (key, value) VALUES (:k, :v)"),
                                   {"k": f"w{worker_id}-{n}", "v": str(total)})
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - every failure is reported to the parent
                db.session.rollback()
                errors.append(f"{type(error).__name__}: {error}")


@pytest.mark.sqlite_only
def test_four_processes_writing_at_once_lose_nothing(tmp_path):
    url = f"sqlite:///{tmp_path}/concurrent.db"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE setting (key VARCHAR(60) PRIMARY KEY, value TEXT NOT NULL)"))
    engine.dispose()

    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        errors = manager.list()
        processes = [context.Process(target=worker, args=(url, i, errors)) for i in range(WORKERS)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=120)
        assert all(p.exitcode == 0 for p in processes)
        assert list(errors) == []

    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM setting")).scalar() == WORKERS * TRANSACTIONS
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()
