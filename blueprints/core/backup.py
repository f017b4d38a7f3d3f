"""Backups: SQLite through its online backup API (consistent while the app writes), PostgreSQL
through pg_dump's custom format. `restore` brings either back."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin",)


def _sqlite_path(url: str) -> str:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ValueError("an in-memory SQLite database cannot be backed up")
    return database


def _pg_tool(name: str) -> str:
    for directory in PG_BIN_DIRS:
        candidate = Path(directory) / name
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed (Debian package postgresql-client-15)")
    return found


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup(url: str, destination: str) -> None:
    if make_url(url).get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(destination)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return
    subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", destination, _libpq_url(url)],
                   check=True, capture_output=True, text=True)


def restore(url: str, source_file: str) -> None:
    if not os.path.exists(source_file):
        raise FileNotFoundError(source_file)
    if make_url(url).get_backend_name() == "sqlite":
        source = sqlite3.connect(source_file)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return
    subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                    "--dbname", _libpq_url(url), source_file], check=True, capture_output=True, text=True)


def sqlite_integrity(path: str) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()
