"""SMS (issue 24): queued in the caller's transaction, sent by the worker through the configured gateway (a local
server speaking each gateway's documented API), retried on 5xx, not on 4xx, never twice, never in quiet hours."""

import json
import os
import signal
import subprocess
import sys
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from huey.storage import SqliteStorage
from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.core.models import OutgoingSms, SmsOptOut, utcnow
from blueprints.core.queue import huey
from blueprints.core.quiet_hours import first_time_allowed
from blueprints.core.sms import SMS_RETRIES, STUCK_AFTER, deliver_sms, queue_sms, record_opt_out, sweep_sms
from blueprints.core.sms_segments import segments
from tests.conftest import run_queued
from tests.core.sms_gateways import API_KEY, TOKEN, USERNAME, GatewayServer, configure

ROOT = Path(__file__).resolve().parents[2]
KIGALI = ZoneInfo("Africa/Kigali")
NUMBER = "+250788123456"
MASKED = "+250******456"  # as a log line shows it
GATEWAYS = ["rapidpro", "africastalking"]


def kigali(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=KIGALI).astimezone(UTC)


@pytest.fixture(params=GATEWAYS)
def gateway(request, app, monkeypatch):
    with GatewayServer() as server:
        configure(app.config, monkeypatch, server, request.param)
        server.name = request.param
        yield server


def rows():
    db.session.expire_all()
    return db.session.scalars(select(OutgoingSms).order_by(OutgoingSms.id)).all()


def run_with_retries(queue) -> list:
    """Run the queue's jobs and their retries, each at the moment it was scheduled for."""
    db.session.commit()
    results, task = [], queue.dequeue()
    while task is not None:
        db.session.commit()
        results.append(queue.execute(task, timestamp=task.eta))
        waiting = queue.scheduled()
        queue.storage.flush_schedule()
        task = waiting[0] if waiting else None
    db.session.expire_all()
    return results


def test_an_sms_waits_for_the_commit_then_the_worker_sends_it_as_each_gateway_documents(gateway, queued):
    queue_sms(NUMBER, "Visit at Nemba tomorrow", kind="visit_reminder")
    assert gateway.requests == [] and queued.pending_count() == 0  # nothing before the commit
    db.session.commit()
    assert gateway.requests == []  # handed to the queue, not sent by the committing request
    assert run_queued(queued) == ["sent"]
    [request] = gateway.requests
    if gateway.name == "rapidpro":
        assert request["path"] == "/api/v2/broadcasts.json"
        assert request["headers"]["Authorization"] == f"Token {TOKEN}"
        assert json.loads(request["body"]) == {"urns": [f"tel:{NUMBER}"], "text": "Visit at Nemba tomorrow"}
    else:
        assert request["path"] == "/version1/messaging"
        assert (request["headers"]["apiKey"], request["headers"]["Accept"]) == (API_KEY, "application/json")
        assert urllib.parse.parse_qs(request["body"]) == {
            "username": [USERNAME], "to": [NUMBER], "message": ["Visit at Nemba tomorrow"]}
    [sms] = rows()
    assert (sms.status, sms.gateway, sms.attempts, sms.sent_at is not None) == ("sent", gateway.name, 1, True)
    assert gateway.delivered == [(NUMBER, "Visit at Nemba tomorrow")]


def test_a_rolled_back_change_sends_no_sms(gateway, queued):
    queue_sms(NUMBER, "Never", kind="test")
    db.session.rollback()
    db.session.commit()
    assert run_queued(queued) == [] and rows() == [] and gateway.requests == []


@pytest.mark.parametrize("status", [500, 429])
def test_a_gateway_500_is_retried_later_and_the_message_delivered_once(gateway, queued, status):
    gateway.fail_with(status)  # 429: throttled, also worth a later try
    queue_sms(NUMBER, "Retried", kind="test")
    assert run_with_retries(queued)[-1] == "sent"
    assert len(gateway.requests) == 2 and gateway.delivered == [(NUMBER, "Retried")]
    [sms] = rows()
    assert (sms.status, sms.attempts) == ("sent", 2)


def test_a_gateway_that_stays_down_is_retried_with_backoff_then_the_message_is_marked_failed(gateway, queued):
    gateway.fail_with(*[503] * (SMS_RETRIES + 1))
    queue_sms(NUMBER, "Down", kind="test")
    assert run_with_retries(queued)[-1] == "failed"
    [sms] = rows()
    assert (sms.status, sms.attempts) == ("failed", SMS_RETRIES + 1)
    assert "503" in sms.answer and gateway.delivered == []


def test_a_gateway_400_is_not_retried_and_the_message_is_logged_failed_with_the_gateways_answer(gateway, queued):
    gateway.fail_with(400)
    queue_sms(NUMBER, "Refused", kind="test")
    assert run_with_retries(queued) == ["failed"]
    assert len(gateway.requests) == 1 and queued.scheduled() == []
    [sms] = rows()
    assert (sms.status, sms.attempts, sms.gateway) == ("failed", 1, gateway.name)
    assert sms.answer.startswith("HTTP 400") and "scripted 400" in sms.answer


def test_africas_talking_refusing_the_recipient_in_a_201_is_a_failure_not_retried(app, monkeypatch, queued):
    with GatewayServer() as server:
        configure(app.config, monkeypatch, server, "africastalking")
        server.recipient_status = 403
        queue_sms(NUMBER, "Invalid number", kind="test")
        assert run_with_retries(queued) == ["failed"]
        [sms] = rows()
        assert "403 InvalidPhoneNumber" in sms.answer and len(server.requests) == 1


def test_africas_talking_answering_that_the_number_blacklisted_us_records_an_opt_out(app, monkeypatch, queued):
    with GatewayServer() as server:
        configure(app.config, monkeypatch, server, "africastalking")
        server.recipient_status = 406
        queue_sms(NUMBER, "Blacklisted", kind="test")
        assert run_with_retries(queued) == ["failed"]
        assert db.session.get(SmsOptOut, NUMBER).gateway == "africastalking"
        assert queue_sms(NUMBER, "Again", kind="test") is None


def worker_env(app, server: GatewayServer, queue_file) -> dict:
    """The worker's settings: the test's database, queue file and gateway; quiet hours off (it runs on the real
    clock, and they are not this test's subject)."""
    return {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "w" * 40,
            "QUEUE_DB": str(queue_file), "PYTHONPATH": str(ROOT), "FLASK_SMS_GATEWAY": "rapidpro",
            "FLASK_SMS_GATEWAY_URL": server.url, "FLASK_SMS_GATEWAY_TOKEN": TOKEN,
            "FLASK_SMS_QUIET_HOURS_START": "0", "FLASK_SMS_QUIET_HOURS_END": "0"}


@pytest.mark.real_clock  # the worker process stamps its claim by the real clock; the sweep is judged from that stamp
def test_a_worker_killed_after_the_gateway_accepted_never_sends_the_message_again(app, monkeypatch, tmp_path):
    queue_file = tmp_path / "queue.db"
    monkeypatch.setattr(huey, "_immediate", False)  # the job goes to a queue file the worker process reads
    monkeypatch.setattr(huey, "storage", SqliteStorage(huey.name, filename=str(queue_file)))
    monkeypatch.setitem(app.config, "SMS_QUIET_HOURS_START", 0)
    monkeypatch.setitem(app.config, "SMS_QUIET_HOURS_END", 0)
    with GatewayServer() as server:
        configure(app.config, monkeypatch, server, "rapidpro")
        server.hold_answers()  # it takes the message, then keeps its answer back until the worker is dead
        sms = queue_sms(NUMBER, "Once only", kind="test")
        db.session.flush()
        sms_id = sms.id
        db.session.commit()  # handed to the queue file
        with open(tmp_path / "worker.log", "w+") as log:
            worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", "--workers", "1"],
                                      cwd=ROOT, env=worker_env(app, server, queue_file), stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True)
            try:
                accepted = server.accepted.wait(timeout=60)
            finally:
                os.killpg(worker.pid, signal.SIGKILL)  # the consumer and its worker process, as systemd kills them
                worker.wait(timeout=10)
            log.seek(0)
            assert accepted, f"the gateway never heard from the worker: {log.read()}"
        assert worker.returncode == -signal.SIGKILL

        db.session.expire_all()
        sms = db.session.get(OutgoingSms, sms_id)
        assert (sms.status, sms.attempts) == ("sending", 1) and len(server.delivered) == 1
        claimed_at = sms.claimed_at
        db.session.rollback()  # the job below runs in a session of its own, as in a worker
        assert deliver_sms.call_local(sms_id) == "not pending"  # the same job run again (a retry) sends nothing
        assert sweep_sms(now=claimed_at + STUCK_AFTER + timedelta(seconds=1)) == 0  # nothing queued again
        db.session.expire_all()
        sms = db.session.get(OutgoingSms, sms_id)
        assert sms.status == "failed" and "not resent" in sms.answer
        assert "deliver_sms" not in {task.name for task in huey.pending()}  # (the periodic tasks it queued wait)
        assert len(server.requests) == 1


def test_a_message_whose_job_was_lost_is_queued_again_by_the_sweep(gateway, queued):
    db.session.add(OutgoingSms(key="lost", to_number=NUMBER, text="Lost", kind="test", encoding="GSM-7", segments=1,
                               not_before=utcnow() - timedelta(minutes=5), created_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    assert sweep_sms() == 1
    assert run_queued(queued) == ["sent"] and gateway.delivered == [(NUMBER, "Lost")]


def test_without_a_gateway_the_message_is_written_to_the_workers_log_its_number_masked(app, monkeypatch, queued,
                                                                                        caplog):
    monkeypatch.setitem(app.config, "SMS_GATEWAY", "")
    queue_sms(NUMBER, "Shown by make run", kind="test")
    db.session.commit()
    assert run_queued(queued) == ["sent"]
    assert f"SMS to {MASKED}: Shown by make run" in [r.getMessage() for r in caplog.records]
    assert NUMBER.lstrip("+") not in caplog.text
    [sms] = rows()
    assert (sms.status, sms.gateway, sms.to_number) == ("sent", "log", NUMBER)  # the outbox keeps the whole number


def test_a_number_refused_or_opted_out_is_logged_masked_keeping_its_country_code_and_last_digits(app, caplog):
    with caplog.at_level("INFO"):
        assert queue_sms("0788123456", "Not E.164", kind="test") is None
        record_opt_out("+250788000111", "rapidpro")
        assert queue_sms("+250788000111", "Stopped", kind="test") is None
    lines = [r.getMessage() for r in caplog.records]
    assert "SMS (test) not queued: *******456 is not a valid E.164 number" in lines
    assert "SMS opt-out recorded for +250******111 (rapidpro)" in lines
    assert "SMS (test) not queued: +250******111 opted out" in lines
    assert "788123456" not in caplog.text and "788000111" not in caplog.text


@pytest.mark.parametrize("status", [400, 503])
def test_a_gateways_error_quoting_the_number_is_logged_with_the_number_masked(gateway, queued, caplog, status):
    gateway.fail_with(status)  # the answer quotes the recipient, as RapidPro's "Invalid URN" does
    queue_sms(NUMBER, "Refused or retried", kind="test")
    run_queued(queued)  # a 503 goes back to the queue, which logs the job's error and its traceback
    assert MASKED in caplog.text and NUMBER.lstrip("+") not in caplog.text
    [sms] = rows()
    assert NUMBER in sms.answer  # the delivery log, for the sysadmin, keeps the gateway's answer whole


def test_an_invalid_or_opted_out_number_is_not_queued(app):
    record_opt_out("+250788000111", "rapidpro")
    assert queue_sms("+250788000111", "Stopped", kind="test") is None
    assert queue_sms("0788123456", "Not E.164", kind="test") is None
    assert queue_sms("+25078812345", "Too short", kind="test") is None
    db.session.commit()
    assert rows() == [] and db.session.get(SmsOptOut, "+250788000111") is not None


# Quiet hours: 20:00-07:00 in Kigali (UTC+2), on fixed days.

@pytest.mark.parametrize(("asked", "sent"), [
    (kigali(10, 19, 59), kigali(10, 19, 59)),
    (kigali(10, 20, 0), kigali(11, 7, 0)),
    (kigali(10, 23, 30), kigali(11, 7, 0)),
    (kigali(11, 2, 0), kigali(11, 7, 0)),
    (kigali(11, 6, 59), kigali(11, 7, 0)),
    (kigali(11, 7, 0), kigali(11, 7, 0)),
])
def test_nothing_is_sent_in_quiet_hours_a_message_asked_for_in_them_waits_until_seven(app, asked, sent):
    assert first_time_allowed(asked, (20, 7), KIGALI) == sent


def test_the_day_before_reminder_asked_for_seven_oclock_is_queued_for_seven_oclock(app, time_machine):
    time_machine.move_to(kigali(9, 21, 0))  # queued the evening before, in quiet hours
    reminder = queue_sms(NUMBER, "Visit tomorrow", kind="visit_reminder", not_before=kigali(10, 7, 0))
    now = queue_sms(NUMBER, "Postponed", kind="visit_postponed")
    assert reminder.not_before == kigali(10, 7, 0) and now.not_before == kigali(10, 7, 0)


def test_a_message_due_in_quiet_hours_waits_in_the_queue_until_they_end(gateway, queued, time_machine):
    time_machine.move_to(kigali(10, 19, 59), tick=False)
    queue_sms(NUMBER, "Evening", kind="test")
    time_machine.move_to(kigali(10, 20, 1), tick=False)  # the worker reaches it once quiet hours began
    db.session.commit()
    assert run_queued(queued) == ["waiting", None] and gateway.requests == []  # None: moved to the schedule
    [task] = queued.scheduled()
    assert task.eta.replace(tzinfo=UTC) == kigali(11, 7, 0)
    [sms] = rows()
    assert (sms.status, sms.not_before) == ("pending", kigali(11, 7, 0))


# Segments: GSM-7 160 / 153 a segment, UCS-2 70 / 67; an extension character takes two septets.

@pytest.mark.parametrize(("text", "encoding", "count"), [
    ("Visit at Nemba tomorrow 09:00", "GSM-7", 1),
    ("a" * 160, "GSM-7", 1),
    ("a" * 161, "GSM-7", 2),
    ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3),
    ("€" * 80, "GSM-7", 1),  # 160 septets
    ("€" * 81, "GSM-7", 2),
    ("a" * 152 + "€" + "a" * 152, "GSM-7", 3),  # 306 septets, but the escape pair is not split: 152 | 153 | 1
    ("Visite à l'hôpital de Nemba demain", "UCS-2", 1),  # ô is not GSM-7
    ("Réunion à Nemba, É, è, ù, Ç", "GSM-7", 1),  # é è à ù É Ç are
    ("ç", "UCS-2", 1),  # the small c cedilla is not
    ("ê" * 70, "UCS-2", 1),
    ("ê" * 71, "UCS-2", 2),
    ("ê" * 134, "UCS-2", 2),
    ("ê" * 135, "UCS-2", 3),
    ("Uruzinduko rw’ibitaro", "UCS-2", 1),  # the typographic apostrophe as given...
])
def test_segments_are_counted_in_gsm7_where_the_text_fits_its_alphabet_else_ucs2(text, encoding, count):
    counted = segments(text)
    assert (counted.encoding, counted.count) == (encoding, count)


def test_a_kinyarwanda_apostrophe_is_sent_as_ascii_so_the_message_stays_gsm7(app):
    text = "Muraho! Uruzinduko rw’ibitaro bya Nemba ni ejo saa tatu. Murakoze cyane kubyitabira n’ubufatanye bwanyu. " \
           "Abajyanama b’ubuzima bazaba bahari."
    sms = queue_sms(NUMBER, text, kind="visit_reminder")
    assert "’" not in sms.text and "rw'ibitaro" in sms.text
    assert (sms.encoding, sms.segments) == ("GSM-7", 1)  # as UCS-2 it would be 3 segments
    assert segments(text).count == 3


def test_quiet_hours_are_a_programme_setting_checked_beside_their_field(client):
    from blueprints.core.programme import forget_programme_settings
    from tests.factories import login, make_user
    login(client, make_user("coordinator"))
    form = {"cadence_days": "60", "overdue_after_days": "90", "visit_days": "3", "max_active_mentees": "3",
            "refresher_interval_days": "90", "quiet_hours_start": "24", "quiet_hours_end": "6"}
    refused = client.post("/settings/", data=form)
    assert refused.status_code == 422 and "An hour from 0 to 23" in refused.get_data(as_text=True)
    assert client.post("/settings/", data={**form, "quiet_hours_start": "21"}).status_code == 302
    forget_programme_settings()
    assert first_time_allowed(kigali(10, 20, 30)) == kigali(10, 20, 30)
    assert first_time_allowed(kigali(10, 21, 0)) == kigali(11, 6, 0)


# The delivery log: the sysadmin's one list of e-mails and SMS.

def delivery_rows():
    from blueprints.core.models import OutgoingMail
    db.session.add_all([
        OutgoingMail(key="m1", to_address="mentor@example.org", subject="Transfer of Aline", body="b", status="sent",
                     attempts=1, created_at=kigali(9, 9, 0), sent_at=kigali(9, 9, 1)),
        OutgoingMail(key="m2", to_address="admin@example.org", subject="Overdue hospitals", body="b", status="failed",
                     attempts=6, error="Connection refused", created_at=kigali(9, 10, 0)),
        OutgoingSms(key="s1", to_number=NUMBER, text="Visit at Nemba tomorrow", kind="visit_reminder", encoding="GSM-7",
                    segments=1, status="failed", attempts=1, gateway="rapidpro", answer='HTTP 400: {"urns": ["Invalid URN"]}',
                    created_at=kigali(9, 11, 0)),
        OutgoingSms(key="s2", to_number="+250788654321", text="Self-assessment open", kind="self_assessment",
                    encoding="GSM-7", segments=2, created_at=kigali(9, 12, 0)),
    ])
    db.session.commit()


def shown(html: str) -> list[list[str]]:
    """The log's rows: recipient, message, status, attempts, sent, answer (the time cell left out)."""
    from tests.meaning import table_rows
    return [row[1:] for row in table_rows(html, "data")]


def test_the_delivery_log_lists_emails_and_sms_newest_first_with_status_attempts_and_the_answer(client):
    from tests.factories import login, make_user
    delivery_rows()
    login(client, make_user("sysadmin"))
    response = client.get("/deliveries/")
    assert response.status_code == 200
    rows = shown(response.get_data(as_text=True))
    assert [(row[0], row[1], row[2], row[3]) for row in rows] == [
        ("SMS +250788654321", "Self-assessment open 2 segments", "Queued", "0"),
        (f"SMS {NUMBER}", "Visit at Nemba tomorrow 1 segment", "Failed", "1"),
        ("E-mail admin@example.org", "Overdue hospitals", "Failed", "6"),
        ("E-mail mentor@example.org", "Transfer of Aline", "Sent", "1"),
    ]
    assert rows[1][5] == 'rapidpro HTTP 400: {"urns": ["Invalid URN"]}' and rows[2][5] == "Connection refused"
    assert rows[3][4] != "—" and rows[0][4] == "—"


@pytest.mark.parametrize(("query", "expected", "left_out"), [
    ("?channel=sms", ["Visit at Nemba tomorrow", "Self-assessment open"], ["Transfer of Aline"]),
    ("?channel=email&status=failed", ["Overdue hospitals"], ["Transfer of Aline", "Visit at Nemba tomorrow"]),
    ("?status=failed", ["Overdue hospitals", "Visit at Nemba tomorrow"], ["Self-assessment open"]),
    ("?q=654321", ["Self-assessment open"], ["Visit at Nemba tomorrow", "Transfer of Aline"]),
    ("?q=overdue", ["Overdue hospitals"], ["Transfer of Aline", "Self-assessment open"]),
])
def test_the_delivery_log_is_searched_and_filtered_by_channel_and_status(client, query, expected, left_out):
    from tests.factories import login, make_user
    delivery_rows()
    login(client, make_user("sysadmin"))
    page = client.get("/deliveries/" + query, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert all(text in page for text in expected) and not any(text in page for text in left_out)


def test_the_delivery_log_is_paginated(client, app, monkeypatch):
    from tests.factories import login, make_user
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    delivery_rows()
    login(client, make_user("sysadmin"))
    first, second = client.get("/deliveries/").get_data(as_text=True), client.get("/deliveries/?page=2").get_data(as_text=True)
    assert "Self-assessment open" in first and "Transfer of Aline" not in first
    assert "Transfer of Aline" in second and "Self-assessment open" not in second


@pytest.mark.parametrize("role", ["coordinator", "hospital_admin", "mentor", "mentee"])
def test_only_the_sysadmin_sees_the_delivery_log(client, role):
    from tests.factories import login, make_user
    login(client, make_user(role))
    assert client.get("/deliveries/").status_code == 403


# STOP: each gateway's opt-out webhook, behind a secret token.

WEBHOOK_TOKEN = "webhook-secret-0123456789"


@pytest.fixture
def webhook(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_WEBHOOK_TOKEN", WEBHOOK_TOKEN)


# The bodies RapidPro documents (core/sms_stop.py): its flow editor's default for a Call Webhook node, and goflow's
# resthook payload, whose input.urn (an object) is the URN the STOP came in on, the contact's preferred one aside.
EDITOR_BODY = {"contact": {"uuid": "6c5b-c1", "name": "Aline", "urn": f"tel:{NUMBER}"},
               "flow": {"uuid": "9f2e-f1", "name": "Opt-out"}, "results": {"reply": {"value": "STOP", "category": "Stop"}}}
RESTHOOK_BODY = {
    "contact": {"uuid": "6c5b-c1", "name": "Aline", "urn": "whatsapp:250788999000", "language": "kin"},
    "flow": {"uuid": "9f2e-f1", "name": "Opt-out"}, "path": [], "results": {},
    "run": {"uuid": "1d7a-r1", "created_on": "2026-06-10T08:00:00.000000Z"},
    "input": {"attachments": [], "channel": {"uuid": "77aa-ch", "name": "MTN"}, "created_on": "2026-06-10T08:00:00Z",
              "text": "STOP", "type": "msg", "urn": {"display": "0788 123 456", "path": NUMBER, "scheme": "tel"},
              "uuid": "3b1e-i1"},
    "channel": {"uuid": "77aa-ch", "name": "MTN"}}


@pytest.mark.parametrize("payload", [EDITOR_BODY, RESTHOOK_BODY], ids=["call-webhook", "resthook"])
def test_rapidpro_reports_a_stop_in_its_documented_payload_and_no_sms_is_queued_for_that_number_again(client, webhook,
                                                                                                     payload):
    response = client.post("/sms/rapidpro/opt-out", json=payload, headers={"X-Webhook-Token": WEBHOOK_TOKEN})
    assert response.status_code == 200
    assert db.session.get(SmsOptOut, NUMBER).gateway == "rapidpro"
    assert queue_sms(NUMBER, "Visit tomorrow", kind="visit_reminder") is None
    assert queue_sms("+250788654321", "Visit tomorrow", kind="visit_reminder") is not None  # others still get theirs


@pytest.mark.parametrize("form", [
    {"senderId": "MENTORSHIP", "phoneNumber": NUMBER},  # the opt-out callback
    {"from": NUMBER.lstrip("+"), "to": "12345", "text": " stop ", "id": "x", "date": "2026-06-10 08:00:00"},  # a reply
])
def test_africas_talking_reports_a_stop_with_the_token_in_its_url(client, webhook, form):
    assert client.post(f"/sms/africastalking/opt-out/{WEBHOOK_TOKEN}", data=form).status_code == 200
    assert db.session.get(SmsOptOut, NUMBER).gateway == "africastalking"


def test_a_reply_that_is_not_stop_opts_nobody_out(client, webhook):
    response = client.post(f"/sms/africastalking/opt-out/{WEBHOOK_TOKEN}", data={"from": NUMBER, "text": "Murakoze"})
    assert response.status_code == 200 and db.session.scalars(select(SmsOptOut)).all() == []


@pytest.mark.parametrize("headers", [{}, {"X-Webhook-Token": "guess"}])
def test_the_opt_out_webhook_refuses_a_caller_without_the_token(client, webhook, headers):
    response = client.post("/sms/rapidpro/opt-out", json={"contact": {"urn": f"tel:{NUMBER}"}}, headers=headers)
    assert response.status_code == 403
    assert client.post("/sms/africastalking/opt-out/guess", data={"phoneNumber": NUMBER}).status_code == 403
    assert db.session.scalars(select(SmsOptOut)).all() == []


def test_without_a_configured_token_the_opt_out_webhook_is_off(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_WEBHOOK_TOKEN", "")
    assert client.post("/sms/rapidpro/opt-out", json={"contact": {"urn": f"tel:{NUMBER}"}}).status_code == 404


def test_a_message_queued_before_the_stop_is_not_sent_after_it(gateway, queued):
    queue_sms(NUMBER, "Queued before the STOP", kind="test")
    db.session.commit()
    record_opt_out(NUMBER, gateway.name)
    db.session.commit()
    assert run_queued(queued) == ["opted out"] and gateway.requests == []
    [sms] = rows()
    assert sms.status == "failed" and "opted out" in sms.answer


@pytest.mark.no_db
def test_the_webhook_token_in_a_url_is_masked_in_the_logs():
    from blueprints.core.logs import mask_secrets
    line = f'"POST /sms/africastalking/opt-out/{WEBHOOK_TOKEN} HTTP/1.1" 200'
    assert WEBHOOK_TOKEN not in mask_secrets(line)


@pytest.mark.no_db
def test_what_the_delivery_log_was_searched_for_is_masked_in_the_request_logs():
    from blueprints.core.logs import mask_secrets
    line = '"GET /deliveries/?channel=sms&q=%2B250788123456&status=failed HTTP/1.1" 200'
    assert mask_secrets(line) == '"GET /deliveries/?channel=sms&q=***&status=failed HTTP/1.1" 200'
    assert "aline" not in mask_secrets("GET /deliveries/?q=aline%40example.org")
