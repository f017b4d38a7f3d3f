"""Writes for mentees: add and edit; each validates, changes, audits and flushes; the request commits once."""



from ...core import audit
from ...core.errors import check_version, flush_or_conflict
from ...core.extensions import db
from ..models import Mentee


def create_mentee(**values) -> Mentee:
    mentee = Mentee(**values)
    db.session.add(mentee)
    db.session.flush()
    audit.record("mentee.create", mentee, summary=f"added mentee {mentee.full_name}",
                 after=audit.snapshot(mentee), hospital_id=mentee.hospital_id)
    return mentee


def update_mentee(mentee: Mentee, version: int | None, **values) -> Mentee:
    """Change a mentee; `version` is the one the editor opened, and a newer one means a conflict."""
    check_version(mentee, version)
    before = audit.snapshot(mentee)
    for key, value in values.items():
        setattr(mentee, key, value)
    flush_or_conflict()
    audit.record_changes("mentee.update", mentee, before, summary=f"updated mentee {mentee.full_name}", hospital_id=mentee.hospital_id)
    return mentee
