"""Messages before periodic work, sheet rendering last (issue 23): a password reset or an invitation never waits
behind a bulk export's render batches. Run on the storages the app really uses, SQLite (`make run`) and Redis
(REDIS_URL, a redis-server of the test's own), built the way the app builds them."""

import shutil
import time
from datetime import datetime

import pytest
import redis
from huey.storage import RedisStorage

from blueprints.commands import daily_task
from blueprints.core import queue
from blueprints.core.notify import deliver
from blueprints.core.sms import deliver_sms
from blueprints.reports.exports import build_export, render_export_sheets, zip_export
from blueprints.reports.prerender import render_signed_sheet
from tests.reports.test_two_servers import REDIS, free_port, started

pytestmark = pytest.mark.no_db  # jobs are queued and taken, never run: no table is read

MESSAGES = {deliver.name, deliver_sms.name}
BULK = {build_export.name, render_export_sheets.name, zip_export.name, render_signed_sheet.name}


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    assert shutil.which(REDIS), "the queue test needs Debian's redis-server: `make redis-deps` (as root) installs it"
    port = free_port()
    log = tmp_path_factory.mktemp("redis") / "redis.log"
    with started([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {}, log):
        url = f"redis://127.0.0.1:{port}/0"
        client = redis.Redis.from_url(url)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url


@pytest.fixture(params=["sqlite", "redis"])
def storage(request, monkeypatch, tmp_path):
    """The app's own queue storage (core/queue.py chooses it from the environment), put in place of the tests'
    immediate mode: jobs wait until the test takes them as a worker does."""
    if request.param == "redis":
        monkeypatch.setenv("REDIS_URL", request.getfixturevalue("redis_url"))
    else:
        monkeypatch.delenv("REDIS_URL", raising=False)
        monkeypatch.setenv("QUEUE_DB", str(tmp_path / "queue.db"))
    built = queue._storage().storage
    built.flush_all()
    monkeypatch.setattr(queue.huey, "_immediate", False)
    monkeypatch.setattr(queue.huey, "storage", built)
    yield built
    built.flush_all()


def taken_by_a_worker() -> list:
    """Take the queue's jobs one by one, as a worker's loop does (Huey's dequeue), and name each."""
    taken = []
    while (task := queue.huey.dequeue()) is not None:
        taken.append((task.name, task.args))
    return taken


def queue_a_big_export(job_id: int, batches: int) -> None:
    """The export's start, and then its render batches and the zip after them, as exports._spread queues them."""
    build_export(job_id)
    queue.spread([render_export_sheets.s(job_id, 1, [batch]) for batch in range(batches)], zip_export.s(job_id, 1))


def test_a_mail_or_sms_queued_behind_an_exports_render_batches_is_taken_first(storage):
    queue_a_big_export(41, batches=6)
    render_signed_sheet(7, 3)
    deliver(501)
    deliver_sms(502)

    taken = taken_by_a_worker()

    assert taken[:2] == [(deliver.name, (501,)), (deliver_sms.name, (502,))]
    assert len(taken) == 10 and {name for name, _ in taken[2:]} <= BULK


def test_periodic_work_goes_after_messages_and_before_sheet_rendering(storage):
    queue_a_big_export(42, batches=3)
    deliver(601)
    due = queue.huey.read_periodic(datetime(2026, 6, 1, 1, 0))  # a Monday 01:00 UTC: the daily run is due too
    assert daily_task.name in {task.name for task in due}
    for task in due:  # as the worker's scheduler queues what is due
        queue.huey.enqueue(task)

    taken = [name for name, _ in taken_by_a_worker()]

    assert taken[0] == deliver.name
    assert set(taken[1:1 + len(due)]) == {task.name for task in due}
    assert set(taken[1 + len(due):]) <= BULK and len(taken) == 1 + len(due) + 4


def test_jobs_of_one_priority_are_taken_in_the_order_they_were_queued(storage):
    queue_a_big_export(43, batches=4)
    deliver(701)
    deliver(702)

    taken = taken_by_a_worker()

    assert taken == [(deliver.name, (701,)), (deliver.name, (702,)), (build_export.name, (43,)),
                     *[(render_export_sheets.name, (43, 1, [batch])) for batch in range(4)]]


def test_jobs_left_in_redis_by_the_version_before_priorities_are_taken_over_by_priority_when_the_worker_starts(
        redis_url, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    before = RedisStorage("mentorship", url=redis_url)  # first in, first out, as the version before priorities
    before.flush_all()
    for task in (render_export_sheets.s(44, 1, [0]), deliver.s(801)):
        task.priority = None  # that version's tasks had none
        before.enqueue(queue.huey.serialize_task(task))
    built = queue._storage().storage
    monkeypatch.setattr(queue.huey, "_immediate", False)
    monkeypatch.setattr(queue.huey, "storage", built)
    queue.huey.enqueue(render_export_sheets.s(45, 1, [0]))  # an app server of this version, before the worker starts

    assert queue.adopt_first_in_first_out_jobs() == 2

    assert taken_by_a_worker() == [(deliver.name, (801,)), (render_export_sheets.name, (45, 1, [0])),
                                   (render_export_sheets.name, (44, 1, [0]))]
    assert before.queue_size() == 0
    built.flush_all()


def test_jobs_an_app_server_of_the_version_before_queues_during_a_rolling_deploy_are_taken_over_within_a_minute(
        redis_url, monkeypatch, app):
    """The worker of this version has started (and moved what it found); an app server still on the version before
    queues a mail into the old list afterwards: the every-minute task moves it, so it is not stranded there."""
    monkeypatch.setenv("REDIS_URL", redis_url)
    before = RedisStorage("mentorship", url=redis_url)
    before.flush_all()
    built = queue._storage().storage
    monkeypatch.setattr(queue.huey, "_immediate", False)
    monkeypatch.setattr(queue.huey, "storage", built)
    task = deliver.s(802)
    task.priority = None
    before.enqueue(queue.huey.serialize_task(task))

    assert queue.take_over_jobs_left_by_the_version_before.task_class in queue.huey._registry._periodic_tasks
    with app.app_context():
        queue.take_over_jobs_left_by_the_version_before.call_local()

    assert taken_by_a_worker() == [(deliver.name, (802,))]
    assert before.queue_size() == 0
    built.flush_all()
