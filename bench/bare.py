"""The yardstick of the saturation test (issue 23): a bare Flask page that reads the same database and renders
Jinja, with none of the app's sign-in, scoping, CSRF, translations or layout. bench/run.py serves it with the
same gunicorn settings as the app, so the ratio of their requests per second is what the app's own work costs.

    DATABASE_URL=... .venv/bin/python -m gunicorn 'bench.bare:create_app()'
"""

import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mentees</title></head><body>
<h1>Mentees</h1><table>{% for row in rows %}<tr><td>{{ row.full_name }}</td><td>{{ row.hospital }}</td>
<td>{{ row.status }}</td></tr>{% endfor %}</table></body></html>"""

# One page of the mentee list (25 rows): the kind of read most of the app's pages make.
QUERY = text("SELECT mentee.full_name, hospital.name AS hospital, mentee.status FROM mentee "
             "JOIN hospital ON hospital.id = mentee.hospital_id ORDER BY mentee.full_name, mentee.id LIMIT 25")


def create_app() -> Flask:
    app = Flask(__name__)
    engine = create_engine(os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1), pool_pre_ping=True)

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.get("/bare")
    def bare():
        with engine.connect() as connection:
            rows = connection.execute(QUERY).all()
        return render_template_string(PAGE, rows=rows)

    return app
