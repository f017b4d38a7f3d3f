"""Who hears of a transfer, what each is told, and the sentence that names them to the one who logged it.

A move to another hospital concerns more people than the mentee's own mentors: the receiving hospital's
administrators, the mentors of the team that visits it (a new mentee may be theirs to take on) and the
coordinators (only they assign a mentor across hospitals). Each person is told once, in the first group they belong to.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ..auth.models import User
from ..auth.queries import active_coordinators
from ..core.extensions import db
from ..core.formatting import format_names
from ..core.notify import link_to, notify
from .models import Transfer, TransferKind
from .queries import hospitals as hospital_queries
from .queries import mentees as mentee_queries
from .queries import mentors as mentor_queries
from .queries import teams as team_queries


@dataclass
class Told:
    """One group of people told about a transfer, for the sentence naming them."""

    role: str  # "mentor", "admin", "team", "coordinator"
    users: list[User] = field(default_factory=list)
    place: str = ""  # the receiving hospital's or team's name


def notify_transfer(transfer: Transfer, sentence) -> list[Told]:
    """Tell everyone the move concerns, each in their own language; `sentence()` describes the move."""
    link = link_to("people.mentee", mentee_id=transfer.mentee_id)
    mentors = Told("mentor", mentor_queries.mentor_users([a.mentor_id for a in mentee_queries.active_assignments(transfer.mentee_id)]))

    def mentor_message() -> str:
        text = sentence()
        if transfer.leaves_hospital:
            text += " " + _("Your mentorship ends then; the record of what was learned stays with the mentee.")
        return text

    groups = [(mentors, mentor_message, "transfer")]
    if transfer.kind == TransferKind.HOSPITAL and transfer.to_hospital is not None:
        hospital = transfer.to_hospital
        groups.append((Told("admin", hospital_queries.hospital_admins(hospital.id), hospital.name),
                       lambda: _("Incoming mentee: %(sentence)s", sentence=sentence()), "transfer_in"))
        if hospital.team is not None:
            groups.append((Told("team", team_queries.team_mentor_users(hospital.team.id), hospital.team.name),
                           lambda: _("A mentee is coming to a hospital your team visits: %(sentence)s", sentence=sentence()),
                           "transfer_in"))
        groups.append((Told("coordinator", active_coordinators()),
                       lambda: _("A mentee moves to another hospital and may need a mentor there: %(sentence)s",
                                 sentence=sentence()), "transfer_in"))
    told, seen = [], set()
    for group, message, kind in groups:
        group.users = [u for u in group.users if u.id not in seen and u.active]
        seen.update(u.id for u in group.users)
        notify(group.users, message, link=link, kind=kind)
        if group.users:
            told.append(group)
    return told


def told_record(told: list[Told]) -> list[dict]:
    """The groups told, as the transfer keeps them (`Transfer.told`), so its page can name them later."""
    return [{"role": group.role, "place": group.place, "user_ids": [u.id for u in group.users]} for group in told]


def told_on_record(transfer: Transfer) -> list[Told] | None:
    """The groups the transfer kept, with their accounts (in one query); None for a transfer logged before they were."""
    if transfer.told is None:
        return None
    ids = {user_id for group in transfer.told for user_id in group["user_ids"]}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return [Told(group["role"], [users[i] for i in group["user_ids"] if i in users], group["place"]) for group in transfer.told]


def told_sentence(told: list[Told]) -> str:
    """'5 people were told: their mentor, Mentor Alpha; the administrator of Byumba, Jean; …' in the reader's language."""
    parts = []
    for group in told:
        names, count = format_names(sorted(u.display_name for u in group.users)), len(group.users)
        if group.role == "mentor":
            parts.append(ngettext("their mentor, %(names)s", "their mentors, %(names)s", count, names=names))
        elif group.role == "admin":
            parts.append(ngettext("the administrator of %(hospital)s, %(names)s", "the administrators of %(hospital)s, %(names)s",
                                  count, hospital=group.place, names=names))
        elif group.role == "team":
            parts.append(ngettext("the mentor of %(team)s, %(names)s", "the mentors of %(team)s, %(names)s", count,
                                  team=group.place, names=names))
        else:
            parts.append(ngettext("the coordinator, %(names)s", "the coordinators, %(names)s", count, names=names))
    total = sum(len(group.users) for group in told)
    if not total:
        return _("Nobody was told: no one it concerns has an account.")
    return ngettext("%(num)d person was told: %(groups)s.", "%(num)d people were told: %(groups)s.", total,
                    groups="; ".join(parts))
