"""Mentee sign-in invitations: an inviter makes the one-time link (shown with its QR code, e-mailed when an address is
given); the mentee opens it on their phone and chooses a password."""

import segno
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ...auth.services import sign_in
from ...core.errors import saved
from ...core.htmx import render_page_or_fragment
from ...core.pagination import paginate
from ...core.permissions import allow, public, user
from ...core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from .. import mentee_accounts  # noqa: F401 - its flush hook switches off the accounts of mentees who leave
from ..forms import InvitationForm, WelcomeForm
from ..queries import invitations as queries
from ..services import invitations as services
from . import bp

INVITERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)


def _welcome_url(token: str) -> str:
    return url_for("people.welcome", token=token, _external=True)


@bp.get("/mentees/accounts")
@allow(*INVITERS)
def mentee_sign_in():
    """Who of the mentees this user may invite has signed in, has a link waiting or has never been invited: searched
    by name and paged like the other lists, each row leading to the invitation."""
    search = request.args.get("q", "").strip()
    page = paginate(queries.mentee_accounts(user(), search))
    return render_page_or_fragment("people/mentee_accounts.html", "people/_mentee_accounts_table.html", page=page, search=search)


@bp.route("/mentees/<int:mentee_id>/invite", methods=["GET", "POST"])
@allow(*INVITERS)
def mentee_invite(mentee_id: int):
    mentee = queries.get_invitable_mentee_or_404(mentee_id, user())
    form = InvitationForm()
    if form.validate_on_submit() and (made := saved(form, lambda: services.invite(
            mentee, by=user(), email=form.email.data or "",
            link_for=lambda token: url_for("people.welcome", token=token)))):
        invitation, token = made.result
        link = _welcome_url(token)
        qr = Markup(segno.make(link, error="m").svg_inline(scale=5, title=_("Sign-in link for %(name)s", name=mentee.full_name)))
        return render_template("people/invitation.html", mentee=mentee, invitation=invitation, link=link, qr=qr,
                               username=services.mentee_username(mentee))
    return render_template("people/invite_form.html", mentee=mentee, form=form, account=queries.mentee_account(mentee.id),
                           waiting=queries.open_invitation(mentee.id), username=services.mentee_username(mentee),
                           days=services.INVITATION_DAYS), 422 if form.errors else 200


@bp.route("/welcome/<token>", methods=["GET", "POST"])
@public
def welcome(token: str):
    """The invitation link: the token is the credential, so the page is open; once used, it opens nothing."""
    invitation = queries.invitation_by_token(token[:100])
    closed = queries.why_closed(invitation)
    if closed:
        return render_template("people/welcome_closed.html", reason=closed), 404 if closed == "unknown" else 410
    if current_user.is_authenticated and current_user.mentee_id != invitation.mentee_id:
        # Someone else's session on this phone: never hand the mentee's account to it, nor theirs to the mentee.
        return render_template("people/welcome_closed.html", reason="signed_in"), 403
    form = WelcomeForm()
    if form.validate_on_submit() and saved(form, lambda: sign_in(services.redeem(invitation, form.password.data))):
        return redirect(url_for("dashboard.home"))
    return render_template("people/welcome.html", form=form, mentee=invitation.mentee,
                           username=services.mentee_username(invitation.mentee)), 422 if form.errors else 200
