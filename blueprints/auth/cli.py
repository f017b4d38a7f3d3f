"""The auth area's command-line tasks, registered on its blueprint: `flask --app app unlock USERNAME`, `create-user`."""

import click
from flask.cli import with_appcontext

from ..core.extensions import db
from ..core.roles import COORDINATOR, SYSADMIN
from .passwords import password_problems
from .services import create_user, find_user, normalise_username
from .throttle import unlock


@click.command("unlock")
@click.argument("username", required=False)
@click.option("--address", default=None, help="Also clear the failures counted for this client address.")
@with_appcontext
def unlock_command(username, address):
    """Let USERNAME (and/or an --address) sign in again now: clear its failed sign-ins from every address."""
    if not username and not address:
        raise click.UsageError("give a USERNAME, an --address, or both")
    name = normalise_username(username)[:80] if username else None
    cleared = unlock(name, address)
    db.session.commit()
    click.echo(f"Sign-in failures cleared for {' and '.join(filter(None, [name, address]))} ({cleared} counters).")


@click.command("create-user")
@click.argument("username")
@click.option("--role", default=SYSADMIN, show_default=True,
              type=click.Choice([SYSADMIN, COORDINATOR]),
              help="Hospital administrators and mentors are created in the web UI, where a hospital or mentor is chosen.")
@click.option("--display-name", default=None, help="Full name shown in the tool (defaults to the username).")
@click.password_option(help="At least 12 characters; asked for when not given.")
@with_appcontext
def create_user_command(username, role, display_name, password):
    """Create an account, typically the first system administrator."""
    if find_user(username) is not None:
        raise click.ClickException(f"a user named {username!r} already exists")
    problems = password_problems(password)
    if problems:
        raise click.ClickException(" ".join(problems))
    user = create_user(username=username, display_name=display_name or username, role=role, password=password)
    db.session.commit()
    click.echo(f"Created {role} {user.username}.")
