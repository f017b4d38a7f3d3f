"""Who may cancel a mistaken transfer: whoever logged it, for 7 days (time to notice a slip, before the receiving
side builds on it), and a coordinator at any time."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

from ..core.roles import COORDINATOR
from .models import Transfer

CORRECTION_DAYS = 7


def correction_refusal(transfer: Transfer, by, now: datetime) -> str | None:
    """Why `by` may not cancel the transfer now, or None when they may."""
    if by.role == COORDINATOR:
        return None
    if transfer.logged_by_id != by.id:
        return _("Only the person who logged this transfer or a coordinator can correct it.")
    if now - transfer.logged_at > timedelta(days=CORRECTION_DAYS):
        return ngettext("Only a coordinator can cancel a transfer logged more than %(num)d day ago.",
                        "Only a coordinator can cancel a transfer logged more than %(num)d days ago.", CORRECTION_DAYS)
    return None
