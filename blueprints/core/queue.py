"""The job queue (Huey): e-mail, bulk exports, the pre-rendered sheets and the daily tasks run in a worker
process (`flask --app app worker`), never in a web request.

Storage: SQLite in instance/queue.db by default (one machine, nothing to install), Redis when REDIS_URL is set
(several app servers; every one of them enqueues where every worker reads). Huey takes a task off the queue
before running it, so a worker killed mid-task loses it: each job therefore keeps its state in the database
(an export's row, an e-mail's row in the outbox) and a sweeper run every minute queues again what was lost.

A worker takes the waiting job of the highest priority first, the oldest first within one: messages (someone waits for
a password reset or an invitation), then periodic work, then sheet rendering and export batches (minutes of work nobody
watches second by second). Both storages keep that order: SQLite by a column, Redis by a sorted set (RedisByPriority).

A job runs in an app context of its own (its own database session), in the worker and in the tests' immediate
mode alike, so it never shares a request's transaction."""

import functools
import os
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey, SqliteHuey, chord, crontab
from huey.consumer import Consumer
from huey.exceptions import HueyException
from huey.storage import PriorityRedisStorage
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import QueueHeartbeat, utcnow

INSTANCE = Path(__file__).resolve().parents[2] / "instance"

MESSAGE = 20  # e-mail and SMS
ROUTINE = 10  # periodic tasks: the sweeps, the heartbeat, the daily and weekly runs
BULK = 0  # sheet rendering and bulk exports


class RedisByPriority(PriorityRedisStorage):
    """Huey's Redis queue by priority (a sorted set), under a key of its own: the first-in-first-out list of the
    version before priorities keeps its key, so neither is ever written as the other, until a worker takes its jobs
    over (`adopt_first_in_first_out_jobs`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_in_first_out_key, self.queue_key = self.queue_key, f"huey.priority.{self.name}"


def _storage():
    if os.environ.get("REDIS_URL"):
        return Huey("mentorship", storage_class=RedisByPriority, url=os.environ["REDIS_URL"], utc=True)
    path = Path(os.environ.get("QUEUE_DB") or Path(os.environ.get("INSTANCE_PATH") or INSTANCE) / "queue.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("mentorship", filename=str(path), utc=True)


huey = _storage()
_worker_app: Flask | None = None


def bind(app: Flask) -> None:
    """The app the worker's jobs run in (the worker's entry point calls this once, at start)."""
    global _worker_app
    _worker_app = app


def _app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()
    if _worker_app is None:
        raise RuntimeError("no app bound to the job queue: start the worker with `flask --app app worker`")
    return _worker_app


def _in_own_context(func):
    @functools.wraps(func)
    def run(*args, **kwargs):
        with _app().app_context():
            try:
                return func(*args, **kwargs)
            finally:
                db.session.remove()
    return run


def job(*, priority: int, retries: int = 5, retry_delay: int = 10, retry_backoff: float = 2, **options):
    """A task for the worker, in an app context of its own, retried with a growing delay (10 s, 20 s, 40 s...).
    `priority` (MESSAGE, ROUTINE, BULK) is kept by its retries and by every copy a sweeper queues again."""
    def decorate(func):
        return huey.task(retries=retries, retry_delay=retry_delay, retry_backoff=retry_backoff, priority=priority,
                         name=func.__name__, **options)(_in_own_context(func))
    return decorate


def spread(tasks: list, then) -> None:
    """Queue `tasks` (signatures, `a_job.s(...)`) for every worker process to take, and `then` (a signature) once
    all of them have ended, called with their results as its last argument (Huey's chord)."""
    huey.enqueue(chord(tasks, then))


def waiting(*names: str) -> list[tuple]:
    """The arguments of every job named in `names` that waits in the queue, for a worker to take or scheduled for a
    retry: work not lost, though nothing runs it yet (a job a worker holds is in neither)."""
    return [task.args for task in (*huey.pending(), *huey.scheduled()) if task.name in names]


def periodic(schedule: crontab, **options):
    """A task the worker runs on a schedule (Huey's crontab, in UTC), after the waiting messages, before rendering."""
    def decorate(func):
        return huey.periodic_task(schedule, priority=ROUTINE, name=func.__name__, **options)(_in_own_context(func))
    return decorate


def every_minute() -> crontab:
    return crontab()


def daily_at(hour: int, minute: int = 0) -> crontab:
    return crontab(hour=str(hour), minute=str(minute))


def weekly_at(day_of_week: int, hour: int, minute: int = 0) -> crontab:
    """Once a week (0 is Sunday, 1 Monday, as cron counts), at hour:minute UTC."""
    return crontab(day_of_week=str(day_of_week), hour=str(hour), minute=str(minute))


def beat() -> None:
    """Record that a worker is running (an update, or the first row)."""
    now = utcnow()
    if not db.session.execute(db.update(QueueHeartbeat).where(QueueHeartbeat.name == "worker").values(seen_at=now)).rowcount:
        db.session.add(QueueHeartbeat(name="worker", seen_at=now))
    try:
        db.session.commit()
    except IntegrityError:  # another worker wrote the first row at the same moment: it beat for us
        db.session.rollback()


@periodic(every_minute())
def heartbeat() -> None:
    beat()


def last_heartbeat() -> datetime | None:
    return db.session.scalar(db.select(QueueHeartbeat.seen_at).where(QueueHeartbeat.name == "worker"))


def worker_alive(now: datetime | None = None) -> bool:
    """A worker beat within QUEUE_HEARTBEAT_SECONDS (a minute, and the slack of a periodic task's start)."""
    seen = last_heartbeat()
    return seen is not None and (now or utcnow()) - seen <= timedelta(seconds=current_app.config["QUEUE_HEARTBEAT_SECONDS"])


def adopt_first_in_first_out_jobs() -> int:
    """Queue by priority the jobs a version before priorities left in Redis's list, oldest first, each at its task's
    priority now; how many. One lost between the two steps is queued again by its sweeper, as any lost job is."""
    storage, adopted = huey.storage, 0
    if not isinstance(storage, RedisByPriority):
        return adopted
    while (data := storage.conn.rpop(storage.first_in_first_out_key)) is not None:
        try:
            priority = huey.deserialize_task(data).priority
        except HueyException:  # a task this version no longer has: the worker logs it when it comes to it
            priority = BULK
        storage.enqueue(data, priority)
        adopted += 1
    return adopted


@periodic(every_minute())
def take_over_jobs_left_by_the_version_before() -> None:
    """During a rolling deploy, app servers still on the version before priorities queue into its list after this
    version's worker has started; moved within a minute, nothing is stranded there."""
    adopt_first_in_first_out_jobs()


def run_worker(app: Flask, workers: int, kind: str) -> None:
    """The consumer: runs queued jobs and the periodic tasks until SIGINT (finishing the running jobs) or SIGTERM."""
    bind(app)
    adopt_first_in_first_out_jobs()
    with app.app_context():
        beat()
        db.session.remove()
        db.engine.dispose()  # process workers fork: none may inherit this pool's connections
    Consumer(huey, workers=workers, worker_type=kind, periodic=True, check_worker_health=True).run()
