"""Every PDF the app hands out is tagged (a screen reader gets its headings, paragraphs and tables), carries a title
and the language it is written in (a mixed visit PDF: each sheet its own), and downloads as an attachment (issue 20)."""

import io
import subprocess

from pypdf import PdfReader

from blueprints.core.extensions import db
from tests.factories import login, make_hospital, make_team, make_user
from tests.mentoring.conftest import form_data, url

from .test_cpd_certificate import cpd_url, signed


def pdfinfo(data: bytes) -> dict[str, str]:
    """poppler's pdfinfo of the PDF, as {field: value}."""
    out = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def languages(data: bytes) -> tuple[str, list[str]]:
    """The document's language and, page by page, the language of the structure elements drawn on it."""
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    pages = [page.indirect_reference.idnum for page in reader.pages]
    per_page: dict[int, set[str]] = {}
    document = root["/StructTreeRoot"]["/K"][0].get_object()
    for element in document["/K"]:
        element = element.get_object()
        per_page.setdefault(pages.index(element.raw_get("/Pg").idnum), set()).add(str(element.get("/Lang", root["/Lang"])))
    return str(root["/Lang"]), ["/".join(sorted(per_page.get(n, {"?"}))) for n in range(len(pages))]


def _tagged_with(response, title: str, language: str) -> None:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    info = pdfinfo(response.data)
    assert info["Tagged"] == "yes" and title in info["Title"]
    assert languages(response.data)[0] == language


def _draft(client, world, mentee="mentee"):
    login(client, world["mentor_user"])
    assert client.post(url(world, mentee=mentee), data=form_data(world)).status_code == 302


def test_a_feedback_sheet_is_tagged_with_its_title_and_the_mentees_language(client, world):
    world["mentee"].preferred_language = "rw"
    _draft(client, world)
    response = client.get(url(world, suffix=".pdf"))
    _tagged_with(response, "Amina Uwase", "rw")


def test_a_visit_pdf_marks_each_sheet_in_its_own_mentees_language(client, world):
    world["mentee"].preferred_language = "fr"
    world["mentee_2"].preferred_language = "rw"
    _draft(client, world)
    _draft(client, world, "mentee_2")
    response = client.get(f"/visits/{world['visit'].id}/feedback.pdf")
    _tagged_with(response, "Nemba", "fr")
    _, pages = languages(response.data)
    assert sorted(pages) == ["fr", "rw"]


def test_the_cpd_certificate_is_tagged_with_its_title_and_the_mentees_language(client, world):
    world["mentee"].preferred_language = "fr"
    signed(world, "visit")
    login(client, world["mentor_user"])
    _tagged_with(client.get(cpd_url(world)), "Amina Uwase", "fr")


def test_the_gap_report_downloads_tagged_in_the_readers_language(client):
    hospital = make_hospital("Hôpital Kibogora", team=make_team("Team West"))
    reader = make_user("coordinator")
    reader.language = "fr"
    db.session.flush()
    login(client, reader)
    _tagged_with(client.get(f"/equipment/hospitals/{hospital.id}/report.pdf"), "Kibogora", "fr")
    _tagged_with(client.get("/equipment/report.pdf"), "équipement", "fr")
