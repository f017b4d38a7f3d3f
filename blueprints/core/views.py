"""Core routes: the health check, the language switcher, notifications, the programme settings, the audit trail and
the delivery log."""

import json

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import text

from . import dispatch, limits, queries, services
from .deliveries import CHANNELS, DeliveryStatus, deliveries_query
from .errors import saved
from .extensions import csrf, db
from .forms import ContactForm, EmptyForm, ProgrammeSettingsForm
from .htmx import render_page_or_fragment
from .i18n import LANGUAGE_COOKIE, LANGUAGE_COOKIE_MAX_AGE, known_language, safe_next
from .navigation import menu
from .pagination import paginate
from .permissions import allow, passive, public
from .programme import NAMES
from .programme import programme_settings as read_programme_settings
from .queue import last_heartbeat, worker_alive
from .roles import COORDINATOR, ROLES, SYSADMIN

bp = Blueprint("core", __name__)
menu.add("core.audit", _l("Audit"), 120)
menu.add("core.programme_settings", _l("Settings"), 115)
menu.add("core.deliveries", _l("Delivery log"), 125)


@bp.get("/healthz")
@public
def healthz():
    """For load balancers and monitoring: 503 "unavailable" when the database does not answer; otherwise 200, "ok"
    when a job-queue worker beat within the last minute and "degraded" when none did (this server still serves
    pages; e-mail and exports wait). Anyone may ask, so it says nothing else (not which database, nor the error:
    that goes to the log); a signed-in sysadmin or coordinator also sees when the worker was last seen."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        current_app.logger.warning("healthz: the database does not answer", exc_info=True)
        return jsonify(status="unavailable"), 503
    try:
        alive, seen = worker_alive(), last_heartbeat()
    except Exception:  # noqa: BLE001 - a database not yet migrated still serves this answer
        db.session.rollback()
        current_app.logger.warning("healthz: the job queue's heartbeat cannot be read", exc_info=True)
        alive, seen = False, None
    answer = {"status": "ok" if alive else "degraded"}
    if current_user.is_authenticated and current_user.role in (SYSADMIN, COORDINATOR):
        answer["queue"] = {"worker_alive": alive, "worker_seen_at": seen.isoformat() if seen else None}
    return jsonify(answer)


@bp.post("/language")
@public
def language():
    """The switcher in the navigation bar: remember the language (on the account when signed in, and in a
    cookie for the login page) and go back to the page it was chosen on, on this site only."""
    form = EmptyForm()
    chosen = request.form.get("language", "")
    if not form.validate_on_submit() or (chosen and not known_language(chosen)):
        abort(400)
    if current_user.is_authenticated:
        saved(None, lambda: services.set_language(current_user, chosen or None))  # empty: follow the browser again
    response = redirect(safe_next(request.form.get("next"), url_for("dashboard.home")))
    if chosen:
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=LANGUAGE_COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    else:
        response.delete_cookie(LANGUAGE_COOKIE)
    return response


@bp.get("/notifications/")
@allow(*ROLES)
def notifications():
    page = paginate(queries.notifications_for(current_user.id))
    return render_page_or_fragment("core/notifications.html", "core/_notifications_list.html", page=page, form=EmptyForm())


@bp.get("/notifications/bell")
@allow(*ROLES)
@passive
def notifications_bell():
    """The unread count under the bell; htmx asks on every page load and every minute."""
    return render_template("core/_bell_count.html", unread=queries.unread_count(current_user.id))


@bp.post("/notifications/<int:notification_id>/read")
@allow(*ROLES)
def notification_read(notification_id: int):
    notification = queries.get_notification_or_404(notification_id, current_user.id)
    if EmptyForm().validate_on_submit():
        saved(None, lambda: services.mark_read([notification]))
    target = notification.link if notification.link.startswith("/") and not notification.link.startswith("//") else None
    return redirect(target or url_for("core.notifications"))


@bp.post("/notifications/read-all")
@allow(*ROLES)
def notifications_read_all():
    if EmptyForm().validate_on_submit():
        saved(None, lambda: services.mark_all_read(current_user.id))
    return redirect(url_for("core.notifications"))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@allow(*ROLES)
def message_preferences():
    """"My messages": where messages reach me (the address each channel uses, and whose record it comes from) and by
    which channels for each kind (the bell always)."""
    me = current_user._get_current_object()
    kinds = dispatch.kinds_for(me.role)
    form = ContactForm(obj=me)
    if form.validate_on_submit():
        chosen = {kind: (f"email-{kind or 'other'}" in request.form, f"sms-{kind or 'other'}" in request.form)
                  for kind, _item in kinds}
        if saved(form, lambda: services.save_message_preferences(me, email=form.email.data or "", phone=form.phone.data,
                                                                 chosen=chosen), _("Your message preferences are saved.")):
            return redirect(url_for("core.message_preferences"))
    rows = [(kind or "other", item, *dispatch.channels(me, kind)) for kind, item in kinds]
    return render_template("core/message_preferences.html", form=form, rows=rows, in_use=dispatch.addresses(me),
                           record=dispatch.fallback_record(me)), 422 if form.errors else 200


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # mail readers post the one-click answer (RFC 8058) with no session: the signed token is the credential
def unsubscribe(token: str):
    """An e-mail's unsubscribe link: the page asks for one click (so a link checker opening it changes nothing);
    that click, or the mail reader's own button, turns this kind of e-mail off for this person. A link past its
    lifetime (dispatch.UNSUBSCRIBE_LINK_LIFETIME) changes nothing and says so: 410, and the way to "My messages"."""
    try:
        read = dispatch.read_unsubscribe_token(token)
    except dispatch.UnsubscribeLinkExpired:
        return render_template("core/unsubscribe.html", expired=True), 410
    if read is None:
        abort(404)
    if request.method == "POST":
        done = saved(None, lambda: dispatch.stop_email(token))
        if done is None or done.result is None:
            abort(404)
    return render_template("core/unsubscribe.html", token=token, label=dispatch.KINDS[read[2]].label,
                           done=request.method == "POST")


@bp.route("/settings/", methods=["GET", "POST"])
@allow(COORDINATOR)
def programme_settings():
    """The programme's settings: saved, audited and in force from the next page on."""
    form = ProgrammeSettingsForm(data=read_programme_settings().as_dict())
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in NAMES}
        if saved(form, lambda: services.save_programme_settings(values), _("Programme settings saved.")):
            return redirect(url_for("core.programme_settings"))
    return render_template("core/programme_settings.html", form=form), 422 if form.errors else 200


@bp.get("/audit/")
@allow(COORDINATOR, SYSADMIN)
def audit():
    """Every change and sign-in, newest first; read only (no route edits or deletes audit rows)."""
    kind = request.args.get("kind", "")
    refused: list[str] = []
    filters = {
        "person": request.args.get("person", "").strip(),
        "hospital_id": limits.id_arg("hospital"),
        "kind": kind if kind in queries.AUDIT_KINDS else "",
        "date_from": limits.day_arg("from", refused),
        "date_to": limits.day_arg("to", refused),
    }
    page = paginate(queries.audit_query(**filters))
    return render_page_or_fragment(
        "core/audit.html", "core/_audit_table.html",
        page=page, filters=filters, kinds=queries.AUDIT_KINDS, hospitals=queries.hospitals_for_filter(), changes=changes,
        refused_dates=refused,
    )


@bp.get("/deliveries/")
@allow(SYSADMIN)
def deliveries():
    """Every e-mail and SMS queued, newest first, with what the mail server or gateway answered; read only."""
    filters = {
        "search": request.args.get("q", "").strip()[:100],
        "channel": request.args.get("channel", "") if request.args.get("channel") in CHANNELS else "",
        "status": request.args.get("status", "") if request.args.get("status") in DeliveryStatus._value2member_map_ else "",
    }
    page = paginate(deliveries_query(**filters))
    return render_page_or_fragment("core/deliveries.html", "core/_deliveries_table.html", page=page, filters=filters,
                                   channels=CHANNELS, statuses=DeliveryStatus)


def changes(before: dict | None, after: dict | None) -> list[tuple[str, str | None, str | None]]:
    """(field, old, new) for each field an audit row mentions; old is None for a creation, new for a deletion."""
    before, after = before or {}, after or {}
    fields = list(after) + [k for k in before if k not in after]
    return [
        (field, _shown(before.get(field)) if before else None, _shown(after.get(field)) if after else None)
        for field in fields
    ]


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# The manifest's and the service worker's routes join this blueprint, and the gateways' opt-out (STOP) webhook.
from . import installable, sms_stop  # noqa: E402,F401
