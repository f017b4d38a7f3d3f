"""Sign-in throttling, as OWASP's authentication cheat sheet describes it: no stranger can lock a user out.

Failed sign-ins are counted in three ways, each in a window of LOGIN_FAILURE_WINDOW_MINUTES (15) that opens
with the first attempt it counts:

- per username from one client address: after LOGIN_MAX_FAILURES (5) that pair is refused until its window
  closes. Someone guessing from one place shuts out only themselves; the user signs in from anywhere else.
- per client address, whatever the username: LOGIN_MAX_FAILURES_PER_ADDRESS (10), so one place cannot try a
  password on every account.
- per username from every address: past LOGIN_USERNAME_CEILING (20) failures the username is slowed, not locked:
  one more password check every LOGIN_USERNAME_SLOW_SECONDS (60), at most 35 guesses per window instead of
  any number a botnet's addresses add up to. Addresses where the user signed in within LOGIN_KNOWN_ADDRESS_DAYS
  (90) are not slowed, so the user keeps signing in from where they work while a distributed attack goes on.
  Slowed means refused early with 429 and Retry-After, not a delayed answer: a sleeping request holds one of
  a few gunicorn workers, and parallel attempts would hold them all and stop the app for everyone.

The count is exact under parallel attempts: an attempt is counted before its password is checked, in a short
transaction of its own that locks the three counter rows (SELECT ... FOR UPDATE, always in key order, so two
attempts sharing a counter never wait on each other in a cycle) and commits; a successful sign-in then gives
its count back. Of 20 parallel wrong attempts exactly 5 reach the password hash, and a refused attempt never
does. The lock is not held during the hash check, so colleagues behind one hospital address do not queue.
Client addresses come from `request.remote_addr`, which X-Forwarded-For sets only behind TRUSTED_PROXIES
reverse proxies (core/__init__.py); the `login.failure` and `login.throttled` audit rows stay the record.
"""

import ipaddress
import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, tuple_, update

from ..core import audit
from ..core.concurrency import upsert
from ..core.extensions import db
from ..core.models import utcnow
from .models import LoginThrottle

PAIR, ADDRESS, USERNAME = "pair", "address", "username"


class LoginThrottled(Exception):
    """This attempt was refused before its password was checked: `reason` names the full counter (PAIR,
    ADDRESS or USERNAME), `retry_after` says in how many seconds it has room again."""

    def __init__(self, reason: str, retry_after: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = max(1, math.ceil(retry_after))


def client_address(remote_addr: str | None) -> str:
    """The address counted: IPv4 as it is, IPv6 by its /64 network (one subscriber holds a whole /64)."""
    try:
        ip = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return (remote_addr or "")[:50]
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def count_attempt(username: str, address: str) -> None:
    """Count this attempt as failed before its password is checked, or raise LoginThrottled. Commits, so
    parallel attempts see the count at once."""
    config = current_app.config
    now = utcnow()
    window = timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    rows = _locked_rows(username, address, now)
    for row in rows.values():
        if row.window_start + window <= now:
            row.window_start, row.failures = now, 0
    pair, by_address, by_username = rows[PAIR], rows[ADDRESS], rows[USERNAME]
    refusal = None
    if pair.failures >= config["LOGIN_MAX_FAILURES"]:
        refusal = LoginThrottled(PAIR, (pair.window_start + window - now).total_seconds())
    elif by_address.failures >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]:
        refusal = LoginThrottled(ADDRESS, (by_address.window_start + window - now).total_seconds())
    elif not _known(pair, now):
        slow = config["LOGIN_USERNAME_SLOW_SECONDS"]
        extra = by_username.failures - config["LOGIN_USERNAME_CEILING"]  # checks past the ceiling so far
        next_check = by_username.window_start + timedelta(seconds=slow * (extra + 1))
        if extra >= 0 and next_check > now:
            refusal = LoginThrottled(USERNAME, (min(next_check, by_username.window_start + window) - now).total_seconds())
    if refusal is None:
        for row in rows.values():
            row.failures += 1
    db.session.commit()
    if refusal is not None:
        raise refusal


def forget_attempt(username: str, address: str) -> None:
    """A successful sign-in was no failure: give back the count it took, clear the pair's failures and note
    the address as one the user signs in from. Flushed with the sign-in."""
    now = utcnow()
    rows = _locked_rows(username, address, now, create=False)
    for row in rows.values():
        row.failures = max(0, row.failures - 1)
    if PAIR in rows:
        rows[PAIR].failures = 0
        rows[PAIR].signed_in_at = now
    db.session.flush()


def unlock(username: str | None = None, address: str | None = None) -> int:
    """Clear the failures counted for a username (from every address) and for an address (under every
    username); known addresses stay known. For the sysadmin's `flask unlock`; returns the counters cleared."""
    keys = []
    if username:
        keys.append(LoginThrottle.username == username)
    if address:
        keys.append(LoginThrottle.address == client_address(address))
    if not keys:
        return 0
    cleared = db.session.execute(
        update(LoginThrottle).where(or_(*keys), LoginThrottle.failures > 0).values(failures=0)
    ).rowcount
    what = " and ".join(filter(None, [username, address and f"address {address}"]))
    audit.record("login.unlock", summary=f"sign-in failures cleared for {what}", username=username or "")
    db.session.flush()
    return cleared


def purge_expired() -> int:
    """Delete the counters whose window has closed and that mark no known address (for the daily job)."""
    config = current_app.config
    now = utcnow()
    known_since = now - timedelta(days=config["LOGIN_KNOWN_ADDRESS_DAYS"])
    return db.session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.window_start <= now - timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"]),
            or_(LoginThrottle.signed_in_at.is_(None), LoginThrottle.signed_in_at < known_since),
        )
    ).rowcount


def _known(pair: LoginThrottle, now: datetime) -> bool:
    days = current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"]
    return pair.signed_in_at is not None and pair.signed_in_at > now - timedelta(days=days)


def _locked_rows(username: str, address: str, now: datetime, *, create: bool = True) -> dict[str, LoginThrottle]:
    """This attempt's three counters, locked until the transaction ends, by kind; made when missing."""
    keys = sorted([(PAIR, username, address), (ADDRESS, "", address), (USERNAME, username, "")])
    columns = (LoginThrottle.kind, LoginThrottle.username, LoginThrottle.address)
    for _ in range(3):  # again if the daily purge deleted a row between the insert and the lock
        if create:
            db.session.execute(
                upsert(LoginThrottle.__table__)
                .values([{"kind": k, "username": u, "address": a, "window_start": now, "failures": 0} for k, u, a in keys])
                .on_conflict_do_nothing()
            )
        rows = db.session.scalars(
            select(LoginThrottle)
            .where(tuple_(*columns).in_(keys))
            .order_by(*columns)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
        found = {row.kind: row for row in rows}
        if len(found) == len(keys) or not create:
            return found
    raise RuntimeError("the sign-in counters could not be locked")
