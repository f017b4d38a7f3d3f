"""Parallel requests doing the same thing: the database decides which one counts, never a read-then-write in Python.

PostgreSQL runs requests at the same time, so "look for the row, add it if missing" lets two of them add it. A rule
about one row's twin is a unique (or partial unique) index, and `insert_once` turns its refusal into an answer; a
rule read from several rows is decided under `lock` by one request at a time. On SQLite every writing request
already holds the write lock from its start (`db.py`: BEGIN IMMEDIATE), so both only ever say yes there.
"""

from sqlalchemy import and_, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from .extensions import db

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE


def upsert(table):
    """The database's own INSERT, for ON CONFLICT DO NOTHING / DO UPDATE (both dialects spell it the same way): one
    statement decides, where a read then a write would let two requests both insert."""
    return (postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert)(table)


def is_unique_violation(error: IntegrityError) -> bool:
    """A unique index refused the row (not a foreign key, NOT NULL or CHECK constraint)."""
    original = error.orig
    if getattr(original, "sqlstate", None) == UNIQUE_VIOLATION:
        return True
    return "UNIQUE constraint failed" in str(original)  # SQLite's message


def insert_once(row) -> bool:
    """Add and flush `row` in a savepoint: True, or False (and `row` left out) when a unique index already holds its
    twin, added by a request that committed meanwhile. Other integrity errors are raised."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        return False
    return True


def lock(record) -> None:
    """Read `record` again and hold its row until the request ends (SELECT … FOR NO KEY UPDATE, which still lets
    other requests add rows that refer to it), so a rule spanning rows under it is checked by one request at a time
    and sees what the one before it committed."""
    state = inspect(record)
    key = and_(*(column == value for column, value in zip(state.mapper.primary_key, state.identity, strict=True)))
    db.session.execute(select(*state.mapper.primary_key).where(key).with_for_update(key_share=True))
    db.session.refresh(record)  # not `refresh(with_for_update=…)`: its eager joins would be outer joins, which cannot lock
