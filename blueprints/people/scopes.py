"""Who may see what: every scope of the programme, one per kind of row, each a SQL condition for the user's role.
Lists, fragments, CSV, PDFs and feeds filter with these, so none can show what the page would not; a new role
touches this module and the permission table (core/permissions.py), not the areas.

In people, the lowest area whose models most scopes filter (hospitals, mentees, mentors, assignments). The visit
and reflection scopes filter tables of areas above people on the ladder: they name those tables as a foreign key
does (`table()`), so that people imports no area above it."""

from sqlalchemy import ColumnElement, Select, Table, exists, false, or_, select, true

from ..auth.models import User
from ..core.extensions import db
from ..core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTEE, MENTOR
from .models import Assignment, Hospital, Mentee, Mentor, Transfer, TransferKind


def table(name: str) -> Table:
    """An upper area's table by its name (visit, mentor_attendance, reflection); its ORM columns are these same ones."""
    return db.metadata.tables[name]


def mentor_team_id(mentor_id) -> ColumnElement:
    """The mentor's current team, as a scalar subquery (`mentor_id` may be a bind parameter)."""
    return select(Mentor.team_id).where(Mentor.id == mentor_id).scalar_subquery()


def team_hospital_ids(mentor_id: int) -> Select:
    """The hospitals the mentor's team is responsible for now."""
    return select(Hospital.id).join(Mentor, Mentor.team_id == Hospital.team_id).where(Mentor.id == mentor_id)


def visited_hospital_ids(mentor_id: int) -> Select:
    """Hospitals the mentor's team has visits at (past or planned), whoever the hospital's team is now."""
    visit = table("visit")
    return select(visit.c.hospital_id).join(Mentor, Mentor.team_id == visit.c.team_id).where(Mentor.id == mentor_id)



def readable_hospitals(user: User) -> ColumnElement[bool]:
    """The hospital records a user may open: coordinators all; a hospital administrator their own; a mentor
    those their team is responsible for now."""
    if user.role == COORDINATOR:
        return true()
    if user.role == HOSPITAL_ADMIN:
        return Hospital.id == user.hospital_id
    if user.role == MENTOR and user.mentor_id:
        return Hospital.id.in_(team_hospital_ids(user.mentor_id))
    return false()


def cadence_hospitals(user: User) -> ColumnElement[bool]:
    """Hospitals whose visit cadence a user follows: all; their own; those their team is responsible for now
    (the same hospitals as readable_hospitals, said through the hospital's team)."""
    if user.role == COORDINATOR:
        return true()
    if user.role == HOSPITAL_ADMIN and user.hospital_id:
        return Hospital.id == user.hospital_id
    if user.role == MENTOR and user.mentor_id:
        return Hospital.team_id == mentor_team_id(user.mentor_id)
    return false()


def equipment_hospitals(user: User) -> ColumnElement[bool]:
    """Hospitals whose equipment a user may see: wider than readable_hospitals for a mentor, who also sees the
    hospitals their team has visited (a check made at a visit stays theirs after the hospital changes team)."""
    if user.role == COORDINATOR:
        return true()
    if user.role == HOSPITAL_ADMIN:
        return Hospital.id == user.hospital_id
    if user.role == MENTOR and user.mentor_id:
        return or_(Hospital.id.in_(team_hospital_ids(user.mentor_id)), Hospital.id.in_(visited_hospital_ids(user.mentor_id)))
    return false()



def equipment_requests_scope(user: User) -> ColumnElement[bool]:
    """The equipment requests a user sees and adds to: coordinators all; a hospital administrator their own
    hospital's; mentors none (the programme's and the hospital's advocacy, not the visit's)."""
    if user.role == COORDINATOR:
        return true()
    if user.role == HOSPITAL_ADMIN and user.hospital_id:
        return table("equipment_request").c.hospital_id == user.hospital_id
    return false()


def can_request_equipment(user: User, hospital_id: int) -> bool:
    """Who logs a request for a hospital's gap: a coordinator, or that hospital's administrator."""
    return user.role == COORDINATOR or (user.role == HOSPITAL_ADMIN and user.hospital_id == hospital_id)


def readable_mentees(user: User) -> ColumnElement[bool]:
    """Which mentees a user may read: coordinators all; a hospital administrator those now at their
    hospital; a mentor their own (present or past) and those at the hospitals their team visits."""
    if user.role == COORDINATOR:
        return true()
    if user.role == HOSPITAL_ADMIN:
        return Mentee.hospital_id == user.hospital_id
    if user.role == MENTOR and user.mentor_id:
        own = exists().where(Assignment.mentee_id == Mentee.id, Assignment.mentor_id == user.mentor_id)
        return or_(own, Mentee.hospital_id.in_(team_hospital_ids(user.mentor_id)))
    return false()


def feedback_mentees(user: User) -> ColumnElement[bool]:
    """Whose feedback a user may read: coordinators all; a hospital administrator their hospital's
    mentees; a mentor their own mentees, present or past (the next mentor sees the old feedback).
    Narrower than readable_mentees for a mentor: feedback is between a mentee and their mentors, so a mentor
    who may read a mentee's profile (at a hospital their team visits) does not read another mentor's feedback."""
    if user.role == COORDINATOR:
        return true()
    if user.role == HOSPITAL_ADMIN and user.hospital_id:
        return Mentee.hospital_id == user.hospital_id
    if user.role == MENTOR and user.mentor_id:
        return exists().where(Assignment.mentee_id == Mentee.id, Assignment.mentor_id == user.mentor_id)
    return false()


def invitable_mentees(user: User) -> ColumnElement[bool]:
    """Whom a user may invite to sign in: coordinators any mentee; a hospital administrator those now at their hospital;
    a mentor their current mentees (not past ones: the invitation is to the programme the mentee is in now)."""
    if user.role == COORDINATOR:
        return true()
    if user.role == HOSPITAL_ADMIN and user.hospital_id:
        return Mentee.hospital_id == user.hospital_id
    if user.role == MENTOR and user.mentor_id:
        return exists().where(Assignment.mentee_id == Mentee.id, Assignment.mentor_id == user.mentor_id,
                              Assignment.end_date.is_(None))
    return false()


def contact_mentees(user: User) -> ColumnElement[bool]:
    """With whom a user logs contact between visits: a mentor their current mentees; nobody else logs contact."""
    if user.role == MENTOR and user.mentor_id:
        return exists().where(Assignment.mentee_id == Mentee.id, Assignment.mentor_id == user.mentor_id,
                              Assignment.end_date.is_(None))
    return false()


def own_mentee(user: User) -> ColumnElement[bool]:
    """A mentee's own record, the only one a mentee account reads, wherever the mentee works now."""
    if user.role == MENTEE and user.mentee_id:
        return Mentee.id == user.mentee_id
    return false()


def own_signed_feedback(user: User) -> ColumnElement[bool]:
    """The feedback a mentee account reads: their own, signed off (never a draft, never another mentee's)."""
    feedback = table("feedback")
    if user.role == MENTEE and user.mentee_id:
        return (feedback.c.mentee_id == user.mentee_id) & (feedback.c.status == "signed")
    return false()


def own_action_items(user: User) -> ColumnElement[bool]:
    """A mentee's action items, from signed-off feedback only (a draft's items are the mentor's until signed)."""
    item, feedback = table("action_item"), table("feedback")
    if user.role == MENTEE and user.mentee_id:
        signed = select(feedback.c.id).where(feedback.c.mentee_id == user.mentee_id, feedback.c.status == "signed")
        return (item.c.mentee_id == user.mentee_id) & item.c.feedback_id.in_(signed)
    return false()


def own_contact_sessions(user: User) -> ColumnElement[bool]:
    """A mentee's contact sessions with their mentors between visits (issue 25): their own, none of another mentee's."""
    session = table("contact_session")
    if user.role == MENTEE and user.mentee_id:
        return session.c.mentee_id == user.mentee_id
    return false()


def readable_mentors(user: User) -> ColumnElement[bool]:
    """Coordinators read every mentor; a mentor reads their own record."""
    if user.role == COORDINATOR:
        return true()
    if user.role == MENTOR and user.mentor_id:
        return Mentor.id == user.mentor_id
    return false()



def readable_visits(user: User) -> ColumnElement[bool]:
    """Which visits a user may read: coordinators all; a hospital administrator their hospital's;
    a mentor their team's, and any visit they were recorded at (history survives a team change)."""
    visit, attendance = table("visit"), table("mentor_attendance")
    if user.role == COORDINATOR:
        return true()
    if user.role == HOSPITAL_ADMIN and user.hospital_id:
        return visit.c.hospital_id == user.hospital_id
    if user.role == MENTOR and user.mentor_id:
        attended = select(attendance.c.visit_id).where(attendance.c.mentor_id == user.mentor_id)
        return or_(visit.c.team_id == mentor_team_id(user.mentor_id), visit.c.id.in_(attended))
    return false()


def readable_reflections(user: User) -> ColumnElement[bool]:
    """Coordinators read every reflection; a mentor their own; hospital administrators none (they are the mentors' notes)."""
    if user.role == COORDINATOR:
        return true()
    if user.role == MENTOR and user.mentor_id:
        return table("reflection").c.mentor_id == user.mentor_id
    return false()


# The support topics that concern the visited hospital (mentoring's SupportTopic): its administrator sees and answers them.
HOSPITAL_SUPPORT_TOPICS = ("staffing", "equipment", "scheduling")


def support_requests_scope(user: User) -> ColumnElement[bool]:
    """The support requests (reflections asking for support) a user follows: coordinators all; a hospital administrator
    those about their own hospital's staffing, equipment or scheduling (never the rest of the reflection); a mentor
    their own."""
    reflection, visit = table("reflection"), table("visit")
    if user.role == COORDINATOR:
        return true()
    if user.role == HOSPITAL_ADMIN and user.hospital_id:
        return (reflection.c.support_topic.in_(HOSPITAL_SUPPORT_TOPICS)
                & reflection.c.visit_id.in_(select(visit.c.id).where(visit.c.hospital_id == user.hospital_id)))
    if user.role == MENTOR and user.mentor_id:
        return reflection.c.mentor_id == user.mentor_id
    return false()


def can_answer_support(user: User) -> bool:
    """Coordinators answer every support request they see, a hospital administrator those about their hospital."""
    return user.role == COORDINATOR or (user.role == HOSPITAL_ADMIN and user.hospital_id is not None)


def can_read_transfer(user: User, transfer: Transfer) -> bool:
    """Coordinators read every transfer; a hospital administrator those out of their hospital (the sending side keeps
    sight of the move, not of the mentee's record, once the mentee has left) and the moves into it."""
    if user.role == COORDINATOR:
        return True
    if user.role != HOSPITAL_ADMIN or user.hospital_id is None:
        return False
    return transfer.from_hospital_id == user.hospital_id or is_receiving_admin(user, transfer)


def is_receiving_admin(user: User, transfer: Transfer) -> bool:
    """The administrator of the hospital a mentee moves to, who may set the department and ask for a mentor."""
    return user.role == HOSPITAL_ADMIN and transfer.kind == TransferKind.HOSPITAL and transfer.to_hospital_id == user.hospital_id
