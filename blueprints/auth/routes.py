"""Sign-in, sign-out, the user's own account, and the sysadmin's user administration."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core.errors import saved
from ..core.extensions import db
from ..core.forms import EmptyForm
from ..core.htmx import render_page_or_fragment
from ..core.navigation import menu
from ..core.pagination import paginate
from ..core.permissions import allow, public, user
from ..core.roles import ROLES, SYSADMIN
from .cli import create_user_command, unlock_command
from .forms import ROLE_LABELS, ChangePasswordForm, LoginForm, NewUserForm, SetPasswordForm, UserForm
from .models import User
from .queries import users_query
from .services import authenticate, create_user, set_password, sign_in, sign_out, update_user
from .throttle import ADDRESS, PAIR, USERNAME, LoginThrottled

bp = Blueprint("auth", __name__, cli_group=None)  # its commands are top-level: `flask --app app unlock NAME`
menu.add("auth.users", _l("Users"), 110)


@bp.app_context_processor
def _role_label():
    return {"role_label": lambda role: str(ROLE_LABELS.get(role, role))}
bp.cli.add_command(unlock_command)
bp.cli.add_command(create_user_command)

THROTTLED_MESSAGES = {
    PAIR: _l("Too many failed attempts for this username. Wait 15 minutes, then try again."),
    ADDRESS: _l("Too many failed sign-in attempts from this network. Wait 15 minutes, then try again."),
    USERNAME: _l("Sign-in to this account is slowed after many failed attempts from elsewhere. "
                 "Wait a minute, then try again."),
}


def safe_next(target: str | None) -> str:
    """A local path to return to after login; anything pointing elsewhere falls back to home."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith(("//", "/\\")):
            return target
    return url_for("dashboard.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in. Commits by hand: a refused or failed attempt's audit row and counters are kept though the request fails."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data, request.remote_addr)
        except LoginThrottled as refusal:
            db.session.commit()  # keep the audit row
            form.password.errors.append(str(THROTTLED_MESSAGES[refusal.reason]))
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(refusal.retry_after)}
        if user is not None:
            sign_in(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
        db.session.commit()  # keep the audit row of the failed attempt
        form.password.errors.append(_("Unknown username or wrong password."))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@allow(*ROLES)
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        saved(None, lambda: sign_out(user()), _("You are signed out."), category="info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@allow(*ROLES)
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not user().check_password(form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        elif saved(form, lambda: set_password(user(), form.password.data, by_admin=False),
                   _("Your password is changed. Other computers where you were signed in are signed out.")):
            return redirect(url_for("auth.account"))
    status = 422 if form.errors else 200
    return render_template("auth/account.html", form=form, role_labels=ROLE_LABELS), status


@bp.get("/users/")
@allow(SYSADMIN)
def users():
    search = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    if role not in ROLES:
        role = ""
    page = paginate(users_query(search, role))
    return render_page_or_fragment(
        "auth/users.html", "auth/_users_table.html", page=page, q=search, role=role, role_labels=ROLE_LABELS
    )


@bp.route("/users/new", methods=["GET", "POST"])
@allow(SYSADMIN)
def user_new():
    form = NewUserForm()

    def create() -> User:
        account = create_user(username=form.username.data, display_name=form.display_name.data, role=form.role.data,
                              password=form.password.data, hospital_id=form.hospital_id.data, mentor_id=form.mentor_id.data)
        return account if form.active.data else update_user(account, active=False)

    if form.validate_on_submit() and (created := saved(form, create)):
        flash(_("Account %(username)s created.", username=created.result.username), "success")
        return redirect(url_for("auth.users"))
    status = 422 if form.errors else 200
    return render_template("auth/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@allow(SYSADMIN)
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, editing=user)
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != SYSADMIN or not form.active.data):
            form.role.errors.append(_("You cannot remove your own system administrator access."))
        elif saved(form, lambda: update_user(user, username=form.username.data, display_name=form.display_name.data.strip(),
                                             role=form.role.data, hospital_id=form.hospital_id.data,
                                             mentor_id=form.mentor_id.data, active=form.active.data)):
            flash(_("Account %(username)s saved.", username=user.username), "success")
            return redirect(url_for("auth.users"))
    status = 422 if form.errors else 200
    return render_template("auth/user_form.html", form=form, user=user), status


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@allow(SYSADMIN)
def user_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = SetPasswordForm()
    if form.validate_on_submit() and saved(form, lambda: set_password(user, form.password.data, by_admin=True)):
        flash(_("New password set for %(username)s; their open sessions are signed out.", username=user.username), "success")
        return redirect(url_for("auth.users"))
    status = 422 if form.errors else 200
    return render_template("auth/user_password.html", form=form, user=user), status
