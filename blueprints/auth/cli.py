"""The auth area's command-line tasks, registered on its blueprint: `flask --app app unlock USERNAME`."""

import click
from flask.cli import with_appcontext

from ..core.extensions import db
from .services import normalise_username
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
