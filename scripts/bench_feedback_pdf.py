"""Benchmark the feedback sheet PDFs (not a timed test): one sheet warm through the app, the same HTML through
bare WeasyPrint, and a 15-mentee visit PDF. Run: .venv/bin/python scripts/bench_feedback_pdf.py"""

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from weasyprint import CSS, HTML  # noqa: E402

from app import create_app  # noqa: E402
from blueprints.core.clock import today  # noqa: E402
from blueprints.core.extensions import db  # noqa: E402
from blueprints.mentoring.models import ActionItem, Feedback, SkillRating  # noqa: E402
from blueprints.mentoring.queries import skills_for  # noqa: E402
from blueprints.reports.pdf import PRINT_CSS  # noqa: E402
from blueprints.visits.models import Visit  # noqa: E402
from tests.factories import PASSWORD, assign, make_hospital, make_mentee, make_mentor, make_team, make_user  # noqa: E402

CPU: dict[str, float] = {}


def timed(fn, runs: int, name: str = "") -> float:
    """Median wall time; the median CPU time of this process goes to CPU[name] (steadier on a loaded machine)."""
    samples, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU[name] = statistics.median(cpu)
    return statistics.median(samples)


def main() -> None:
    folder = tempfile.mkdtemp()
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db"})
    with app.app_context():
        upgrade()
        team = make_team()
        hospital = make_hospital(team=team)
        mentors = [make_mentor(team, "midwife") for _ in range(5)]
        visits = [Visit(hospital=hospital, team=team, start_date=today() - timedelta(days=d), days=3,
                        end_date=today() - timedelta(days=d - 2), status="held") for d in (300, 240, 180, 120, 60)]
        db.session.add_all(visits)
        mentees = [make_mentee(hospital, name=f"Bench Mentee {n:02d}") for n in range(15)]
        for n, mentee in enumerate(mentees):
            assign(mentors[n % 5], mentee, start=today() - timedelta(days=400))
        skills = skills_for(mentees[0].profession)
        for step, visit in enumerate(visits):
            for n, mentee in enumerate(mentees):
                feedback = Feedback(visit=visit, mentee=mentee, mentor_id=mentors[n % 5].id, status="signed",
                                    strengths="Calm and thorough in emergencies. " * 3, areas_to_improve="Partograph plotting. " * 3,
                                    cpd_hours=6, ratings=[SkillRating(skill_id=s.id, rating=min(5, 1 + (step + i) % 5), comment="Improving")
                                                          for i, s in enumerate(skills)])
                feedback.action_items = [ActionItem(mentee_id=mentee.id, text=f"Action {k}", due_date=visit.end_date + timedelta(days=30))
                                         for k in range(3)]
                db.session.add(feedback)
        user = make_user("mentor", mentor=mentors[0], username="bench.mentor")
        coordinator = make_user("coordinator", username="bench.coord")
        db.session.commit()
        last_id, mentee_id = visits[-1].id, mentees[0].id
        user_name, coord_name = user.username, coordinator.username

    client = app.test_client()
    client.post("/login", data={"username": user_name, "password": PASSWORD})
    one = f"/visits/{last_id}/feedback/{mentee_id}.pdf"
    assert client.get(one).status_code == 200  # warm-up: imports, fonts, stylesheet parsed once
    app_one = timed(lambda: client.get(one), 15, "app")

    with app.test_request_context():
        from blueprints.reports.sheets import sheet_for, sheets_html
        feedback = db.session.scalar(db.select(Feedback).where(Feedback.visit_id == last_id, Feedback.mentee_id == mentee_id))
        html = sheets_html([sheet_for(feedback, db.session.get(Visit, last_id))])
    css = PRINT_CSS.read_text()
    HTML(string=html).write_pdf(stylesheets=[CSS(string=css)])
    bare_one = timed(lambda: HTML(string=html).write_pdf(stylesheets=[CSS(string=css)]), 15, "bare")

    client.post("/logout")
    client.post("/login", data={"username": coord_name, "password": PASSWORD})
    whole = f"/visits/{last_id}/feedback.pdf"
    response = client.get(whole)
    assert response.status_code == 200
    visit_pdf = timed(lambda: client.get(whole), 5, "visit")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"one sheet through the app (request, queries, render), warm median: {app_one * 1000:.0f} ms wall, {CPU['app'] * 1000:.0f} ms CPU")
    print(f"same sheet, bare WeasyPrint (HTML + CSS parsed each time): {bare_one * 1000:.0f} ms wall, {CPU['bare'] * 1000:.0f} ms CPU")
    print(f"app / bare ratio: {app_one / bare_one:.2f} wall, {CPU['app'] / CPU['bare']:.2f} CPU")
    print(f"15-mentee visit PDF ({len(response.data) // 1024} KiB), median of 5: {visit_pdf * 1000:.0f} ms wall, "
          f"{CPU['visit'] * 1000:.0f} ms CPU")


if __name__ == "__main__":
    main()
