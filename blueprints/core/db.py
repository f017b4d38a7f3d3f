"""SQLite connection discipline: WAL, foreign keys, busy timeout, and BEGIN IMMEDIATE for writes; PostgreSQL
connections without JIT compilation; a large read's rows as the driver's tuples.

pysqlite's own transaction handling is switched off so that SQLAlchemy's "begin" event decides
how each transaction starts. Requests that may write (anything but GET/HEAD/OPTIONS) and all
work outside a request (CLI, jobs) take the write lock up front with BEGIN IMMEDIATE, so two
writers queue on the busy timeout instead of failing with "database is locked" on upgrade.
"""

import sqlite3

from flask import has_request_context, request
from sqlalchemy import Select, event
from sqlalchemy.engine import Engine

from .extensions import db

BUSY_TIMEOUT_MS = 15000
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _is_sqlite(dbapi_connection) -> bool:
    return isinstance(dbapi_connection, sqlite3.Connection)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record):
    if not _is_sqlite(dbapi_connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


@event.listens_for(Engine, "connect")
def _postgresql_on_connect(dbapi_connection, _record):
    """No JIT: the app's statements are short lookups, and at scale 10 the planner's overestimates pushed some past
    JIT's cost threshold, which then spent 2 s compiling a 60 ms query (issue 23). A plan for each statement's own
    values: psycopg prepares a statement after five runs, and a generic plan PostgreSQL then chose for the writing
    tile's took 28-30 s against 0.1 s."""
    if not type(dbapi_connection).__module__.startswith("psycopg"):
        return
    dbapi_connection.execute("SET jit = off")
    dbapi_connection.execute("SET plan_cache_mode = force_custom_plan")
    dbapi_connection.commit()


def begin_statement() -> str:
    """BEGIN for read-only requests, BEGIN IMMEDIATE for everything that may write."""
    if has_request_context() and request.method in READ_METHODS:
        return "BEGIN"
    return "BEGIN IMMEDIATE"


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(begin_statement())


def plain_rows(statement: Select) -> list:
    """The rows of `statement`, in the session's transaction, as the driver's own tuples when SQLAlchemy has none of
    their values to convert (PostgreSQL through psycopg), else as its rows (SQLite's days are text). A Row object
    per row is for reading by name: the equipment matrix's 25,200 status rows at ten times national scale spent
    4 ms of 40 making them and collecting them (issue 23)."""
    connection = db.session.connection()
    result = connection.execute(statement)
    dialect = connection.dialect
    if any(column.type.dialect_impl(dialect).result_processor(dialect, described[1])
           for column, described in zip(statement.selected_columns, result.cursor.description, strict=True)):
        return result.all()
    with result:
        return result.cursor.fetchall()
