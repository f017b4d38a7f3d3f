"""Download file names keep their accents (issue 17, item 12): every PDF, zip and CSV is sent with RFC 6266's
`filename*` holding the real name in UTF-8, and a `filename` fallback where the accents are folded to their
letters ('Espérance' → 'esperance'), never dropped with the letter ('esp-rance')."""

from email.message import Message
from email.utils import collapse_rfc2231_value

import pytest
from flask import Response

from blueprints.core.clock import today
from blueprints.core.downloads import attachment
from blueprints.core.extensions import db
from blueprints.mentoring.models import Feedback, SkillRating
from tests.factories import login, make_hospital, make_mentee, make_team, make_user
from tests.mentoring.conftest import midwife_skills, url


def names(disposition: str) -> tuple[str, str, str | None]:
    """(disposition type, the name a browser saves under, the plain fallback): `filename*` (RFC 2231's encoding, which
    RFC 6266 uses) wins over `filename` where both are given, as RFC 6266 tells browsers."""
    message = Message()
    message["Content-Disposition"] = disposition
    values = [value for key, value in message.get_params(header="content-disposition", unquote=True) if key == "filename"]
    encoded = [collapse_rfc2231_value(value) for value in values if isinstance(value, tuple)]
    plain = [value for value in values if isinstance(value, str)]
    assert len(encoded) <= 1 and len(plain) == 1, disposition
    return message.get_content_disposition(), (encoded or plain)[0], plain[0]


@pytest.mark.no_db
def test_a_name_with_accents_is_sent_in_utf8_with_a_folded_ascii_fallback(app):
    with app.test_request_context():
        response = attachment(Response(b"%PDF"), "feedback-Espérance Uwimana-2026-03-02", "pdf")
    disposition = response.headers["Content-Disposition"]
    assert disposition == ("attachment; filename=\"feedback-esperance-uwimana-2026-03-02.pdf\"; "
                           "filename*=UTF-8''feedback-esp%C3%A9rance-uwimana-2026-03-02.pdf")
    assert names(disposition) == ("attachment", "feedback-espérance-uwimana-2026-03-02.pdf", "feedback-esperance-uwimana-2026-03-02.pdf")
    assert response.headers["Cache-Control"] == "no-store"


def test_a_plain_name_has_only_the_plain_form_and_nothing_unsafe_survives(app):
    with app.test_request_context():
        plain = attachment(Response(b""), "feedback-sheets-2026-01-01-to-2026-03-31", "zip").headers["Content-Disposition"]
        hostile = attachment(Response(b""), 'Amina "Uwase"/../x\r\nX-Evil: é\u202egnp.exe', "pdf").headers["Content-Disposition"]
    assert plain == 'attachment; filename="feedback-sheets-2026-01-01-to-2026-03-31.zip"'
    kind, saved, fallback = names(hostile)
    assert (kind, saved, fallback) == ("attachment", "amina-uwase-x-x-evil-é-gnp-exe.pdf", "amina-uwase-x-x-evil-e-gnp-exe.pdf")
    assert "\r" not in hostile and "\n" not in hostile


def test_a_feedback_sheet_of_esperance_keeps_her_name(client, world):
    world["mentee"].full_name = "Espérance Uwimana"
    skill = midwife_skills()[0]
    db.session.add(Feedback(visit_id=world["visit"].id, mentee_id=world["mentee"].id, mentor_id=world["mentor"].id,
                            status="signed", ratings=[SkillRating(skill_id=skill.id, rating=3)]))
    login(client, world["mentor_user"])
    response = client.get(url(world, suffix=".pdf"))
    assert response.status_code == 200
    day = world["visit"].start_date.isoformat()
    assert names(response.headers["Content-Disposition"]) == (
        "attachment", f"feedback-espérance-uwimana-{day}.pdf", f"feedback-esperance-uwimana-{day}.pdf")


def test_csv_and_the_equipment_report_download_under_the_real_name_too(client, monkeypatch):
    monkeypatch.setattr("blueprints.equipment.routes.report.render_pdf", lambda html, **_: b"%PDF-1.7")
    hospital = make_hospital("Hôpital Kibogora", team=make_team("Team West"), province="Iburengerazuba")
    make_mentee(hospital, name="Aline")
    login(client, make_user("coordinator"))
    csv = client.get(f"/mentees/export.csv?hospital={hospital.id}")
    kind, saved, fallback = names(csv.headers["Content-Disposition"])
    assert kind == "attachment" and saved.startswith("mentees-hôpital-kibogora-") and fallback.startswith("mentees-hopital-kibogora-")
    report = client.get(f"/equipment/hospitals/{hospital.id}/report.pdf")
    assert names(report.headers["Content-Disposition"]) == (
        "attachment", f"equipment-gap-report-hôpital-kibogora-{today().isoformat()}.pdf",
        f"equipment-gap-report-hopital-kibogora-{today().isoformat()}.pdf")
    assert report.headers["Cache-Control"] == "no-store"
